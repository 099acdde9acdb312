"""Drift for the desk: callers post updates on the open incidents while the agent works."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from vei.core.twin import DriftJobBase, DriftKind
from vei.twins.servicedesk.state import COMMENT_ADDED, OPEN_STATES

_UPDATES = (
    "Still seeing this on my side. Any news?",
    "It got worse in the last few minutes.",
    "A colleague has the same problem now.",
    "Tried again after a restart: no change.",
    "It works intermittently; about half the attempts fail.",
)


class IncidentUpdate(DriftJobBase):
    """The caller of an open incident adds a comment to it."""

    kind: Literal["servicedesk_incident_update"]
    texts: list[str] = Field(
        default=list(_UPDATES), min_length=1, description="Wordings; one is drawn."
    )


def _compile(job: IncidentUpdate, states: Mapping[str, Mapping[str, Any]]) -> dict[str, Any] | str:
    desk = states.get("servicedesk")
    if desk is None:
        return "the world has no servicedesk twin"
    open_ones = [
        {"id": inc["id"], "caller": inc["caller"]}
        for _, inc in sorted(desk["incidents"].items())
        if inc["state"] in OPEN_STATES
    ]
    if not open_ones:
        return "the service desk has no open incident"
    return {"incidents": open_ones, "texts": list(job.texts)}


def _occur(
    job: Mapping[str, Any], rng: Any, variables: Mapping[str, str], context: Mapping[str, Any]
) -> tuple[str, dict[str, Any], str, str]:
    inc = rng.choice(job["incidents"])
    text = rng.choice(job["texts"])
    data = {"record": inc["id"], "author": inc["caller"], "text": text, "work_note": False}
    return (
        COMMENT_ADDED,
        data,
        f"servicedesk:{inc['id']}",
        f"{inc['caller']} commented on {inc['id']}",
    )


DRIFT = (
    DriftKind(
        job=IncidentUpdate,
        compile=_compile,
        occur=_occur,
        events=(COMMENT_ADDED,),
        library=(
            IncidentUpdate(
                id="servicedesk_incident_updates",
                kind="servicedesk_incident_update",
                every_ms=2 * 3_600_000,
                offset_ms=1_200_000,
                jitter_ms=900_000,
            ),
        ),
    ),
)
