"""What a twin contributes to a world: its initial state, reducers, tools and reactors.

Every twin package has the same files: ``state.py`` (initial state and reducers),
``tools.py`` (tool declarations and handlers) and ``seed.py`` (default data), and exposes
one ``TWIN`` built from them in its ``__init__``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from vei.core.context import CallContext
from vei.core.events import Event
from vei.core.registry import ToolSpec

State = dict[str, Any]
# A reducer applies one event to the world state in place: no I/O, no randomness.
Reducer = Callable[[State, Event], None]
# A reactor sees an applied event and may emit or schedule more (NPCs, drift); live only.
Reactor = Callable[[State, Event, CallContext], None]


@dataclass(frozen=True)
class Twin:
    """One simulated application."""

    name: str
    initial_state: Callable[[Mapping[str, Any] | None], dict[str, Any]]
    reducers: Mapping[str, Reducer]
    tools: Sequence[ToolSpec]
    reactors: Mapping[str, Sequence[Reactor]] = field(default_factory=dict)
    # Short agent-facing counters for vei_observe, e.g. {"unread": 3}.
    summary: Callable[[State], dict[str, Any]] | None = None
    # Events the world starts with already scheduled (drift, background actors): each
    # {"due_ms", "kind", "actor", "data"}; a reactor can schedule the next occurrence.
    initial_schedule: Callable[[Mapping[str, Any] | None], list[dict[str, Any]]] | None = None
    # False for bookkeeping twins (NPC decisions, findings): agents are shown none of their
    # events, only what NPCs say and do in the apps.
    announced: bool = True
    # Kinds nobody announces (a vendor editing its page): applied, but not shown by
    # vei_tick / vei_observe; the agent finds them by looking.
    quiet_kinds: frozenset[str] = frozenset()
    # code -> meaning, for every error code the twin's tools raise (docs/errors.md).
    error_codes: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for kind in self.reducers:
            if not kind.startswith(f"{self.name}."):
                raise ValueError(f"twin {self.name!r} declares foreign event kind {kind!r}")
        for code in self.error_codes:
            if not code.startswith(f"{self.name}."):
                raise ValueError(f"twin {self.name!r} declares foreign error code {code!r}")
        for spec in self.tools:
            if spec.twin != self.name:
                raise ValueError(f"twin {self.name!r} declares foreign tool {spec.name!r}")
