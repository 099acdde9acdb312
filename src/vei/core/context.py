"""What a handler or reactor may do besides reading state: emit events, schedule events,
allocate ids and draw randomness, all deterministically.
"""

from __future__ import annotations

import random
from typing import Any

from vei.core.events import Event
from vei.core.rng import stream


class CallContext:
    """Collects the events one step causes; the World applies them after the handler returns.

    Ids and RNG draws are keyed by the revision the step starts from, so they are the same
    on every machine and need no saved counters.
    """

    def __init__(self, *, seed: int, now_ms: int, next_seq: int, actor: str) -> None:
        self.seed = seed
        self.now_ms = now_ms
        self.actor = actor
        self._base = next_seq
        self._next_seq = next_seq
        self._ids = 0
        self._draws: dict[str, int] = {}
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
        self._ids += 1
        suffix = "" if self._ids == 1 else f".{self._ids}"
        return f"{prefix}-{self._base}{suffix}"

    def rng(self, name: str) -> random.Random:
        """A generator for stream ``name``; repeated calls in one step give fresh draws."""
        count = self._draws.get(name, 0)
        self._draws[name] = count + 1
        return stream(self.seed, name, self._base, count)
