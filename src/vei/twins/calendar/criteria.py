"""Calendar criterion kinds: a meeting the agent organised that fits everyone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from vei.twins.calendar.schedule import busy, within_hours
from vei.twins.calendar.state import EVENT_CREATED, EVENT_UPDATED
from vei.twins.calendar.times import MINUTE_MS, local_date
from vei.verdict import Criterion, Evidence, Verdict, met, unmet


class Meeting(Criterion):
    """A live meeting the agent organises with ``attendees`` (and, with ``only``, nobody
    else) that lasts ``min_minutes``, starts on a date from ``earliest`` to ``latest`` in
    ``zone``, and, as the calendars stand at the end, finds every attendee and the agent
    free and inside their working hours (``free``) and every attendee's acceptance
    (``accepted``). With ``single`` it must be the only such live meeting (a declined
    one was moved or cancelled, not left standing)."""

    kind: Literal["calendar_meeting"]
    attendees: list[str] = Field(min_length=1)
    only: bool = True
    min_minutes: int = Field(default=15, ge=5)
    earliest: str | None = Field(default=None, description="First allowed date, YYYY-MM-DD.")
    latest: str | None = Field(default=None, description="Last allowed date, YYYY-MM-DD.")
    zone: str = Field(default="UTC", description="IANA zone the dates are in.")
    accepted: bool = True
    free: bool = True
    single: bool = True

    def _problems(self, cal: Mapping[str, Any], ev: Mapping[str, Any]) -> list[str]:
        problems = []
        start, end = int(ev["start_ms"]), int(ev["end_ms"])
        if end - start < self.min_minutes * MINUTE_MS:
            problems.append(f"{ev['id']} is shorter than {self.min_minutes} minutes")
        day = local_date(start, self.zone).isoformat()
        if (self.earliest and day < self.earliest) or (self.latest and day > self.latest):
            problems.append(f"{ev['id']} is on {day}, not {self.earliest}..{self.latest}")
        people = [cal["me"], *(a["email"] for a in ev["attendees"])]
        if self.free:
            for email in people:
                if busy(cal, email, start, end, skip=ev["id"]):
                    problems.append(f"{email} is busy at {ev['id']}'s time")
                if not within_hours(cal["people"][email], start, end):
                    problems.append(f"{ev['id']} is outside {email}'s working hours")
        if self.accepted:
            waiting = [a["email"] for a in ev["attendees"] if a["response"] != "accepted"]
            if waiting:
                problems.append(f"not accepted by {', '.join(waiting)}")
        return problems

    def judge(self, ev: Evidence) -> Verdict:
        cal = ev.state.get("calendar")
        if cal is None:
            return unmet("the world has no calendar")
        wanted = {a.lower() for a in self.attendees}
        live = [
            e
            for e in sorted(cal["events"].values(), key=lambda e: (e["start_ms"], e["id"]))
            if e["status"] == "confirmed"
            and e["organizer"] == cal["me"]
            and wanted <= {a["email"] for a in e["attendees"]}
        ]
        names = ", ".join(sorted(wanted))
        if not live:
            return unmet(f"no live meeting organised by the agent with {names}")
        problems: list[str] = []
        for candidate in live:
            found = self._problems(cal, candidate)
            if self.only and {a["email"] for a in candidate["attendees"]} != wanted:
                found.append(f"{candidate['id']} also invites others")
            if not found:
                if self.single and len(live) > 1:
                    others = ", ".join(e["id"] for e in live if e is not candidate)
                    return unmet(f"{candidate['id']} fits, but {others} with {names} is still live")
                shown = [
                    e
                    for e in ev.of(EVENT_CREATED, EVENT_UPDATED)
                    if e.data.get("id", e.data.get("event")) == candidate["id"]
                ]
                return met(shown)
            problems += found
        return unmet("; ".join(problems[:6]))

    def places(self, scenario: Any, state: Mapping[str, Any]) -> set[str]:
        return {f"mail:{a.lower()}" for a in self.attendees}


CRITERIA = (Meeting,)
