"""Tracker criterion kinds: an issue as it ends (status, assignee, links, a comment), and
issues left alone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from vei.core.events import Event
from vei.twins.tickets.state import OUTWARD, find_issue
from vei.understand import mentions
from vei.verdict import Criterion, Evidence, Verdict, met, unmet


def _changes(ev: Evidence, issue_id: str) -> list[Event]:
    """The agent's changes to ``issue_id``, in log order."""
    return [
        e
        for e in ev.events
        if e.kind in OUTWARD and e.actor == "agent" and e.data.get("ticket") == issue_id
    ]


def _doc_of(ev: Evidence, criterion: str) -> str | None:
    """The document a met earlier criterion (``docs_filed``) found."""
    verdict = ev.results.get(criterion)
    if verdict is None or not verdict.met:
        return None
    return next((str(e.data["doc"]) for e in verdict.events if "doc" in e.data), None)


class TicketState(Criterion):
    """Issue ``ticket`` ends in one of ``status`` (when given), assigned to ``assignee``
    (when given; ``none`` = unassigned), linked to every target of ``links`` and, with
    ``doc_from``, to the document that earlier criterion found; with ``comment_mentions``,
    an agent's comment on it mentions each phrase. The agent must have changed it."""

    kind: Literal["ticket_state"]
    ticket: str
    status: list[str] = Field(default_factory=list, description="Any of these statuses.")
    assignee: str | None = None
    links: list[str] = Field(default_factory=list)
    doc_from: str | None = Field(
        default=None, description="A docs_filed criterion id, judged earlier."
    )
    comment_mentions: list[str] = Field(default_factory=list)

    def judge(self, ev: Evidence) -> Verdict:
        tickets = ev.state.get("tickets")
        issue = None if tickets is None else find_issue(tickets, self.ticket)
        if issue is None:
            return unmet(f"no issue {self.ticket}")
        problems = []
        if self.status and issue["status"] not in self.status:
            problems.append(f"is {issue['status']}, not {' or '.join(self.status)}")
        if self.assignee is not None:
            wanted = None if self.assignee.lower() == "none" else self.assignee.lower()
            if issue["assignee"] != wanted:
                problems.append(
                    f"is assigned to {issue['assignee'] or 'nobody'}, not {wanted or 'nobody'}"
                )
        targets = {link["target"] for link in issue["links"]}
        wanted_links = [t.upper() if t.upper().startswith("DOC-") else t for t in self.links]
        if self.doc_from is not None:
            doc = _doc_of(ev, self.doc_from)
            if doc is None:
                problems.append(f"{self.doc_from} was not met, so there is no document to link")
            else:
                wanted_links.append(doc)
        problems += [f"does not link {t}" for t in wanted_links if t not in targets]
        changes = _changes(ev, issue["id"])
        if self.comment_mentions:
            said = "\n".join(
                str(e.data.get("body") or e.data.get("comment") or "") for e in changes
            )
            missing = [p for p in self.comment_mentions if not mentions(said, p)]
            if missing:
                problems.append(f"no comment of the agent's mentions {', '.join(missing)}")
        if not changes:
            problems.append("was not changed by the agent")
        if problems:
            return unmet(f"{issue['id']} " + "; ".join(problems), changes)
        return met(changes)

    def places(self, scenario: Any, state: Mapping[str, Any]) -> set[str]:
        return {f"tickets:{self.ticket.upper()}"}


class TicketsUntouched(Criterion):
    """The agent changed none of the issues ``tickets`` (a namesake's, a bystander's)."""

    constraint: ClassVar[bool] = True
    kind: Literal["tickets_untouched"]
    tickets: list[str] = Field(min_length=1)

    def judge(self, ev: Evidence) -> Verdict:
        changed = [e for t in self.tickets for e in _changes(ev, t.upper())]
        if changed:
            ids = ", ".join(sorted({str(e.data["ticket"]) for e in changed}))
            return unmet(f"the agent changed {ids}", sorted(changed, key=lambda e: e.seq))
        return met([])


CRITERIA = (TicketState, TicketsUntouched)
