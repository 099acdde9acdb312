"""Mail criterion kinds, and what the agent was shown of its mail."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from vei.claims import amounts
from vei.core.events import Event
from vei.twins.mail.state import MESSAGE_READ, MESSAGE_RECEIVED, MESSAGE_SENT
from vei.verdict import Claims, Criterion, Evidence, Said, Verdict, met, shown_events, unmet


def mail_seen(ev: Evidence) -> dict[str, Event]:
    """Message id -> the first event that showed the agent its body: opening it, or a
    ``vei_tick`` / ``vei_observe`` result that listed its delivery. List and search rows
    show only a snippet and do not count."""
    seen: dict[str, Event] = {}
    for event in ev.of(MESSAGE_READ):
        seen.setdefault(str(event.data["id"]), event)
    for event in shown_events(ev.events, ev.receipts):
        if event.kind == MESSAGE_RECEIVED:
            current = seen.get(str(event.data["id"]))
            if current is None or current.seq > event.seq:
                seen[str(event.data["id"])] = event
    return seen


class MailSent(Claims):
    """The agent mailed ``to`` (or cc'd it), and its mails there state the facts."""

    kind: Literal["mail_sent"]
    to: str

    def judge(self, ev: Evidence) -> Verdict:
        want = self.to.lower()
        said = [
            Said(e, f"{e.data['subject']}\n{e.data['body']}")
            for e in ev.of(MESSAGE_SENT)
            if want in {*e.data["to"], *e.data["cc"]}
        ]
        return self.judge_claims(ev, said, f"to {want}")

    def places(self, scenario: Any, state: Mapping[str, Any]) -> set[str]:
        return {f"mail:{self.to.lower()}"}


class MailReceived(Criterion):
    """Mail from ``sender`` stating the ``states`` amounts reached the agent's INBOX (the
    vendor answered with its quote)."""

    kind: Literal["mail_received"]
    sender: str
    states: list[str] = Field(default_factory=list, description="Money facts it must state.")

    def judge(self, ev: Evidence) -> Verdict:
        hits = []
        for e in ev.of(MESSAGE_RECEIVED):
            if e.data["from"] != self.sender.lower():
                continue
            found = [a for a in amounts(str(e.data["body"])) if a.currency == "USD"]
            if all(any(a.matches(int(ev.facts[f])) for a in found) for f in self.states):
                hits.append(e)
        if hits:
            return met(hits[:1])
        stating = f" stating {', '.join(self.states)}" if self.states else ""
        return unmet(f"no mail from {self.sender}{stating} arrived")


CRITERIA = (MailSent, MailReceived)
