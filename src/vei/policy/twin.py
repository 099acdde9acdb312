"""The ``policy`` twin: a tool-less twin that folds ``policy.violation`` events into state.

``state["policy"]`` holds ``violations`` (oldest first, as recorded) and ``promoted``:
finding id -> violation id, which is how a monitor finding is promoted at most once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vei.core.events import Event
from vei.core.twin import State, Twin
from vei.policy.rules import VIOLATION


def initial_state(seed_data: Mapping[str, Any] | None) -> dict[str, Any]:
    """No violations and nothing promoted yet."""
    return {"violations": [], "promoted": {}}


def _violation(state: State, event: Event) -> None:
    policy = state["policy"]
    policy["violations"].append({**event.data, "t_ms": event.t_ms, "seq": event.seq})
    if event.data.get("finding"):
        policy["promoted"][event.data["finding"]] = event.data["id"]


TWIN = Twin(
    name="policy",
    initial_state=initial_state,
    reducers={VIOLATION: _violation},
    tools=(),
    announced=False,
)
