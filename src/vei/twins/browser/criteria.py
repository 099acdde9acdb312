"""Browser criterion kinds, and what the agent was shown of the web."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from vei.core.events import Event
from vei.twins.browser.state import FORM_SUBMITTED, PAGE_READ, PAGE_SEARCHED
from vei.verdict import Criterion, Evidence, Verdict, met, unmet


def pages_seen(events: Iterable[Event]) -> dict[str, Event]:
    """URL -> the first event that showed the agent that page's text (reading it in full
    or searching it)."""
    seen: dict[str, Event] = {}
    for event in events:
        if event.kind in (PAGE_READ, PAGE_SEARCHED):
            seen.setdefault(str(event.data["url"]).rstrip("/"), event)
    return seen


class FormSubmitted(Criterion):
    """The agent submitted web form ``form``."""

    kind: Literal["form_submitted"]
    form: str

    def judge(self, ev: Evidence) -> Verdict:
        hits = [e for e in ev.of(FORM_SUBMITTED) if e.data.get("form_id") == self.form]
        return met(hits) if hits else unmet(f"form {self.form} was never submitted")

    def places(self, scenario: Any, state: Mapping[str, Any]) -> set[str]:
        return {f"browser:form:{self.form}"}


CRITERIA = (FormSubmitted,)
