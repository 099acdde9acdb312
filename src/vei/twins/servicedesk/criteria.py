"""Service desk criterion kinds: an incident handled in time, a request stage decided by
the agent, a record's final state and what the agent wrote on it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from vei.core.events import Event
from vei.twins.servicedesk.state import (
    COMMENT_ADDED,
    OUTWARD,
    STAGE_APPROVED,
    STAGE_REJECTED,
    record_of,
)
from vei.understand import mentions
from vei.verdict import Criterion, Evidence, Verdict, met, unmet


def _ref(event: Event) -> str | None:
    data = event.data
    ref = data.get("incident") or data.get("request") or data.get("record")
    return str(ref) if ref else None


def agent_changes(ev: Evidence, record_id: str) -> list[Event]:
    """The agent's changes to record ``record_id``, in log order."""
    return [
        e for e in ev.events if e.kind in OUTWARD and e.actor == "agent" and _ref(e) == record_id
    ]


def _comments(ev: Evidence, record_id: str, phrases: list[str]) -> tuple[list[Event], list[str]]:
    said = [e for e in agent_changes(ev, record_id) if e.kind == COMMENT_ADDED]
    text = "\n".join(str(e.data["text"]) for e in said)
    return said, [p for p in phrases if not mentions(text, p)]


class ServicedeskRecord(Criterion):
    """Record ``record`` ends in one of ``states`` (when given); when ``acknowledged`` its
    response SLA was met (acknowledged before it was due, by the agent); it links every
    ``links`` ref; and the agent's comments on it mention every ``comment_mentions`` phrase."""

    kind: Literal["servicedesk_record"]
    record: str
    states: list[str] = Field(default_factory=list)
    acknowledged: bool = False
    links: list[str] = Field(default_factory=list, description="Refs it must link (DOC-3, IT-12).")
    comment_mentions: list[str] = Field(default_factory=list)

    def judge(self, ev: Evidence) -> Verdict:
        desk = ev.state.get("servicedesk")
        found = None if desk is None else record_of(desk, self.record)
        if found is None:
            return unmet(f"no service desk record {self.record}")
        _, record = found
        changes = agent_changes(ev, record["id"])
        problems = []
        if self.states and record["state"] not in self.states:
            problems.append(f"is {record['state']}, not {' or '.join(self.states)}")
        if self.acknowledged:
            timer = record["sla"]["response"]
            by_agent = any(
                e.kind.endswith(("acknowledged", "updated", "resolved")) for e in changes
            )
            if timer["met_ms"] is None or timer["breached_ms"] is not None or not by_agent:
                problems.append("was not acknowledged by the agent within its response SLA")
        linked = {x["ref"] for x in record["links"]}
        problems += [f"does not link {ref}" for ref in self.links if ref not in linked]
        said, missing = _comments(ev, record["id"], self.comment_mentions)
        if self.comment_mentions and not said:
            problems.append("has no comment by the agent")
        elif missing:
            problems.append(f"the agent's comments do not mention {', '.join(missing)}")
        if not changes:
            problems.append("was not changed by the agent")
        if problems:
            return unmet(f"{record['id']} " + "; ".join(problems), changes[:5])
        return met(changes[:5])

    def places(self, scenario: Any, state: Mapping[str, Any]) -> set[str]:
        desk = state.get("servicedesk")
        found = None if desk is None else record_of(desk, self.record)
        return {f"servicedesk:{found[1]['id'] if found else self.record.upper()}"}


class ServicedeskStage(Criterion):
    """Stage ``stage`` (its number or name) of request ``request`` was ``decision`` by the
    agent, with a comment mentioning every ``comment_mentions`` phrase (a non-empty
    comment when none are listed)."""

    kind: Literal["servicedesk_stage"]
    request: str
    stage: str
    decision: Literal["approved", "rejected"] = "approved"
    comment_mentions: list[str] = Field(default_factory=list)

    def judge(self, ev: Evidence) -> Verdict:
        desk = ev.state.get("servicedesk")
        found = None if desk is None else record_of(desk, self.request)
        if found is None or found[0] != "requests":
            return unmet(f"no service desk request {self.request}")
        req = found[1]
        stage = next((s for s in req["stages"] if self.stage in (str(s["index"]), s["name"])), None)
        if stage is None:
            return unmet(f"{req['id']} has no stage {self.stage!r}")
        kind = STAGE_APPROVED if self.decision == "approved" else STAGE_REJECTED
        decided = [
            e
            for e in ev.of(kind)
            if e.actor == "agent"
            and e.data["request"] == req["id"]
            and e.data["stage"] == stage["index"]
        ]
        if stage["state"] != self.decision or not decided:
            return unmet(
                f"stage {stage['index']} ({stage['name']}) of {req['id']} is {stage['state']}, not {self.decision} by the agent"
            )
        text = str(decided[-1].data["comment"])
        missing = [p for p in self.comment_mentions if not mentions(text, p)]
        if not text.strip() or missing:
            why = (
                "has no comment"
                if not text.strip()
                else f"comment does not mention {', '.join(missing)}"
            )
            return unmet(
                f"the {self.decision} stage {stage['index']} of {req['id']} {why}", decided
            )
        return met(decided)

    def places(self, scenario: Any, state: Mapping[str, Any]) -> set[str]:
        desk = state.get("servicedesk")
        found = None if desk is None else record_of(desk, self.request)
        return {f"servicedesk:{found[1]['id'] if found else self.request.upper()}"}


CRITERIA = (ServicedeskRecord, ServicedeskStage)
