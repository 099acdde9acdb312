"""Drift for calendars: colleagues move the meetings they organise that the agent attends."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from vei.core.twin import DriftJobBase, DriftKind
from vei.twins.calendar.state import EVENT_MOVED
from vei.twins.calendar.times import MINUTE_MS


class MeetingMoves(DriftJobBase):
    """An organizer moves one of their meetings with the agent by a drawn shift."""

    kind: Literal["calendar_meeting_moves"]
    shifts_minutes: list[int] = Field(
        default=[-60, -30, 30, 60, 120],
        min_length=1,
        description="Shifts (minutes, later if positive) one is drawn from.",
    )


def _compile(job: MeetingMoves, states: Mapping[str, Mapping[str, Any]]) -> dict[str, Any] | str:
    cal = states.get("calendar")
    if cal is None:
        return "the world has no calendar twin"
    me = cal["me"]
    meetings = [
        {"id": e["id"], "organizer": e["organizer"], "title": e["title"]}
        for e in sorted(cal["events"].values(), key=lambda e: e["id"])
        if e["organizer"] != me and any(a["email"] == me for a in e["attendees"])
    ]
    if not meetings or 0 in job.shifts_minutes:
        return (
            "no meeting organised by someone else includes the agent"
            if not meetings
            else "a shift of 0 moves nothing"
        )
    return {"meetings": meetings, "shifts_minutes": list(job.shifts_minutes)}


def _occur(
    job: Mapping[str, Any], rng: Any, variables: Mapping[str, str], context: Mapping[str, Any]
) -> tuple[str, dict[str, Any], str, str]:
    meeting = rng.choice(job["meetings"])
    shift = rng.choice(job["shifts_minutes"])
    data = {"event": meeting["id"], "shift_ms": shift * MINUTE_MS, "by": meeting["organizer"]}
    summary = f"{meeting['organizer']} moved {meeting['title']} ({meeting['id']}) by {shift} min"
    return EVENT_MOVED, data, f"calendar:{meeting['id']}", summary


DRIFT = (
    DriftKind(
        job=MeetingMoves,
        compile=_compile,
        occur=_occur,
        events=(EVENT_MOVED,),
        library=(
            MeetingMoves(
                id="calendar_meeting_moves",
                kind="calendar_meeting_moves",
                every_ms=6 * 3_600_000,
                offset_ms=3 * 3_600_000,
                jitter_ms=3_600_000,
            ),
        ),
    ),
)
