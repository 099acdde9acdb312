"""The drift twin: a tool-less twin that keeps the world moving on its own schedule.

Its state is the compiled configuration (seed, mode, jobs), so drift is hashed and
replayed with the run. The world starts with each job's first occurrence scheduled; when
an occurrence is delivered — an ordinary ``mail.message_received``,
``slack.message_posted`` or ``browser.page_updated`` with actor ``drift`` and
``data.drift = {job, occurrence}`` — a reactor schedules the job's next occurrence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vei.core.context import CallContext
from vei.core.events import Event
from vei.core.twin import State, Twin
from vei.drift.jobs import TWIN_DRIFT
from vei.drift.occurrences import ACTOR, CHAT_POSTED, MAIL_RECEIVED, occurrence
from vei.twins.browser.state import PAGE_UPDATED

EMPTY: dict[str, Any] = {
    "seed": 0,
    "mode": "off",
    "activity_permille": 0,
    "context": {},
    "jobs": {},
}


def initial_state(seed_data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The compiled drift configuration (``vei.drift.compile_drift``); no jobs if None."""
    data = dict(seed_data or EMPTY)
    missing = [key for key in EMPTY if key not in data]
    if missing:
        raise ValueError(f"drift configuration lacks {', '.join(missing)}")
    return {key: data[key] for key in EMPTY}


def initial_schedule(seed_data: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The first occurrence of every job, in job id order."""
    config = initial_state(seed_data)
    entries = []
    for job_id in sorted(config["jobs"]):
        first = occurrence(config, job_id, 0)
        entries.append(
            {"due_ms": first.due_ms, "kind": first.kind, "actor": ACTOR, "data": first.data}
        )
    return entries


def _schedule_next(state: State, event: Event, ctx: CallContext) -> None:
    marker = event.data.get("drift")
    if event.actor != ACTOR or not isinstance(marker, dict):
        return
    config = state["drift"]
    if marker.get("job") not in config["jobs"]:
        return
    following = occurrence(config, marker["job"], int(marker["occurrence"]) + 1)
    delay = max(0, following.due_ms - event.t_ms)
    ctx.schedule(delay, following.kind, following.data, actor=ACTOR)


TWIN = Twin(
    name="drift",
    initial_state=initial_state,
    reducers={},
    tools=(),
    reactors={
        kind: (_schedule_next,)
        for kind in sorted(
            {
                MAIL_RECEIVED,
                CHAT_POSTED,
                PAGE_UPDATED,
                *(e for k in TWIN_DRIFT.values() for e in k.events),
            }
        )
    },
    initial_schedule=initial_schedule,
)
