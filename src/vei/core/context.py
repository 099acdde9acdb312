"""What a handler or reactor may do besides reading state: emit events, schedule events,
allocate ids and draw randomness, all deterministically.
"""

from __future__ import annotations

import random
from typing import Any

from vei.core.events import Event
from vei.core.rng import stream


class StepKeys:
    """Id and draw counters shared by every context of one call, so that two reactors of
    the same step can never hand out the same id or the same random draws."""

    __slots__ = ("base", "ids", "draws")

    def __init__(self, base: int) -> None:
        self.base = base
        self.ids = 0
        self.draws: dict[str, int] = {}


class CallContext:
    """Collects the events one step causes; the World applies them after the handler returns.

    Ids and RNG draws are keyed by the revision the step starts from, so they are the same
    on every machine and need no saved counters.
    """

    def __init__(
        self, *, seed: int, now_ms: int, next_seq: int, actor: str, keys: StepKeys | None = None
    ) -> None:
        self.seed = seed
        self.now_ms = now_ms
        self.actor = actor
        self._next_seq = next_seq
        self._keys = keys or StepKeys(next_seq)
        self.events: list[Event] = []

    def emit(
        self, kind: str, data: dict[str, Any], *, actor: str | None = None, cause: int | None = None
    ) -> Event:
        """Record that ``kind`` happened now; returns the event with its future seq."""
        event = Event(
            seq=self._next_seq,
            t_ms=self.now_ms,
            kind=kind,
            actor=actor or self.actor,
            data=data,
            cause=cause,
        )
        self._next_seq += 1
        self.events.append(event)
        return event

    def schedule(self, delay_ms: int, kind: str, data: dict[str, Any], *, actor: str) -> Event:
        """Make ``kind`` happen ``delay_ms`` from now (an ordinary event when it comes due)."""
        if delay_ms < 0:
            raise ValueError("delay_ms must be >= 0")
        return self.emit(
            "core.scheduled",
            {"due_ms": self.now_ms + delay_ms, "kind": kind, "actor": actor, "data": data},
        )

    def new_id(self, prefix: str) -> str:
        """A unique, deterministic id such as ``msg-17`` or ``msg-17.2``."""
        keys = self._keys
        keys.ids += 1
        suffix = "" if keys.ids == 1 else f".{keys.ids}"
        return f"{prefix}-{keys.base}{suffix}"

    def rng(self, name: str) -> random.Random:
        """A generator for stream ``name``; repeated calls in one step give fresh draws."""
        draws = self._keys.draws
        count = draws.get(name, 0)
        draws[name] = count + 1
        return stream(self.seed, name, self._keys.base, count)
