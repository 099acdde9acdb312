"""The pure side of a world: its seeded initial state and the fold of events over it.

Everything here is a function of its arguments: no clock, no store, no randomness. Replay,
verification and snapshots use it; the live World applies events through the same
``apply_event``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from vei.core.canonical import canonical_json, digest
from vei.core.events import Event
from vei.core.twin import Reducer, State, Twin

EMPTY_DIGEST = hashlib.sha256(b"").hexdigest()


def initial_state(twins: Sequence[Twin], seed_data: Mapping[str, Any] | None) -> State:
    """The state before any event: each twin's seeded section plus the empty scheduler."""
    data = seed_data or {}
    state: State = {"core": {"pending": {}, "idempotency": {}}}
    seeded: list[dict[str, Any]] = []
    for twin in twins:
        state[twin.name] = twin.initial_state(data.get(twin.name))
        if twin.initial_schedule is not None:
            seeded += twin.initial_schedule(data.get(twin.name))
    # Seeded entries get negative keys: they sort before anything scheduled by an event.
    for position, entry in enumerate(seeded, start=1):
        state["core"]["pending"][str(-position)] = {
            "due_ms": int(entry["due_ms"]),
            "kind": entry["kind"],
            "actor": entry["actor"],
            "data": entry["data"],
        }
    return state


def _core_scheduled(state: State, event: Event) -> None:
    state["core"]["pending"][str(event.seq)] = event.data


def _core_idempotency(state: State, event: Event) -> None:
    data = event.data
    state["core"]["idempotency"][data["key"]] = {
        "tool": data["tool"],
        "args_digest": data["args_digest"],
        "result": data["result"],
    }


def reducer_table(twins: Sequence[Twin]) -> dict[str, Reducer]:
    """kind -> reducer for every twin plus the core's own kinds."""
    table: dict[str, Reducer] = {
        "core.scheduled": _core_scheduled,
        "core.idempotency_recorded": _core_idempotency,
    }
    for twin in twins:
        table.update(twin.reducers)
    return table


def apply_event(state: State, event: Event, reducers: Mapping[str, Reducer]) -> None:
    """Apply one event in place. A delivered event retires the schedule entry it came from."""
    if event.cause is not None:
        state["core"]["pending"].pop(str(event.cause), None)
    reducer = reducers.get(event.kind)
    if reducer is not None:
        reducer(state, event)


def fold(state: State, events: Iterable[Event], reducers: Mapping[str, Reducer]) -> State:
    """Replay ``events`` onto a copy of ``state`` and return the copy."""
    state = json.loads(canonical_json(state))
    for event in events:
        apply_event(state, event, reducers)
    return state


def state_hash(state: State) -> str:
    """SHA-256 of the canonical state."""
    return digest(state)


def events_digest(events: Sequence[Event]) -> str:
    """Digest of a call's events as its receipt records it: SHA-256 of their canonical JSON
    joined by newlines (the empty digest for a call without events)."""
    if not events:
        return EMPTY_DIGEST
    if len(events) == 1:
        return hashlib.sha256(events[0].to_json().encode("ascii")).hexdigest()
    return hashlib.sha256("\n".join(e.to_json() for e in events).encode("ascii")).hexdigest()
