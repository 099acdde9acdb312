"""The ``monitor`` twin: a tool-less twin that folds ``monitor.finding`` events into state.

``state["monitor"]`` holds ``enabled`` (the monitors this world runs) and ``findings``
(every finding, oldest first, as recorded in its event), so findings replay and appear
in snapshots like any other state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vei.core.events import Event
from vei.core.twin import State, Twin
from vei.monitors.base import FINDING


def initial_state(seed_data: Mapping[str, Any] | None) -> dict[str, Any]:
    """``{"enabled": [...], "findings": []}`` from ``{"enabled": [...]}``."""
    enabled = [str(name) for name in (seed_data or {}).get("enabled", [])]
    return {"enabled": enabled, "findings": []}


def _finding(state: State, event: Event) -> None:
    state["monitor"]["findings"].append({**event.data, "t_ms": event.t_ms, "seq": event.seq})


TWIN = Twin(
    name="monitor",
    initial_state=initial_state,
    reducers={FINDING: _finding},
    tools=(),
    announced=False,
)
