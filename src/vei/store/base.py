"""The StateStore protocol: events, receipts, snapshots and the checkpoint of one run.

Two implementations share one contract test suite (tests/store/test_contract.py): the
in-memory store (no state dir) and the SQLite store (one WAL database file per run).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from vei.core.canonical import canonical_json, digest_text
from vei.core.events import Event
from vei.receipts.chain import Receipt
from vei.receipts.genesis import Genesis

# How a run ended: closed by its writer, or sealed afterwards (``vei-state recover``) after
# its writer stopped without closing it (killed, crashed, or its store failed).
ENDINGS = ("close", "crash")


@dataclass(frozen=True)
class Snapshot:
    """World state at ``revision``: a cache that must agree with a full replay.

    ``text`` is the state's canonical JSON, exactly as hashed into ``state_hash``; the
    parsed state is made only when asked for (``state``), so a snapshot costs one encoding.
    ``text`` is None for a snapshot whose state a store no longer keeps (the memory store
    keeps the state of only the first and the latest): its record still says when it was
    taken and what it hashed to. ``size`` is the length of that text.
    """

    revision: int
    t_ms: int
    receipt_count: int
    chain_head: str
    state_hash: str
    text: str | None
    size: int = -1

    def __post_init__(self) -> None:
        if self.size < 0:
            object.__setattr__(self, "size", -1 if self.text is None else len(self.text))

    @property
    def state(self) -> dict[str, Any]:
        """A fresh parsed copy of the state (the caller may change it)."""
        if self.text is None:
            raise ValueError(f"the state of the snapshot at revision {self.revision} is not kept")
        state: dict[str, Any] = json.loads(self.text)
        return state

    @classmethod
    def of_state(
        cls,
        revision: int,
        t_ms: int,
        receipt_count: int,
        chain_head: str,
        state: dict[str, Any],
    ) -> Snapshot:
        """A snapshot of ``state`` (checked and encoded canonically; its hash computed)."""
        text = canonical_json(state)
        return cls(revision, t_ms, receipt_count, chain_head, digest_text(text), text)

    def without_state(self) -> Snapshot:
        """The same record with its state dropped (``text`` None, ``size`` kept)."""
        return replace(self, text=None, size=self.size)

    def to_dict(self) -> dict[str, Any]:
        """The snapshot with its parsed state, as ``vei-state export`` writes it."""
        return {
            "revision": self.revision,
            "t_ms": self.t_ms,
            "receipt_count": self.receipt_count,
            "chain_head": self.chain_head,
            "state_hash": self.state_hash,
            "state": None if self.text is None else self.state,
        }


@dataclass(frozen=True)
class Checkpoint:
    """The signed end of a run: how many receipts, the head, the final state hash, and how
    the run ended (``close``, or ``crash`` when it was sealed after its writer stopped)."""

    run: str
    size: int
    head: str
    revision: int
    t_ms: int
    state_hash: str
    signature: str
    ending: str = "close"

    def signed_fields(self) -> dict[str, Any]:
        """The fields the checkpoint signature covers."""
        return {
            "run": self.run,
            "size": self.size,
            "head": self.head,
            "revision": self.revision,
            "t_ms": self.t_ms,
            "state_hash": self.state_hash,
            "ending": self.ending,
        }


class StateStore(Protocol):
    """Where a run's log lives. ``append`` is one atomic, durable transaction."""

    def write_genesis(self, genesis: Genesis) -> None:
        """Record the run's signed genesis (its inputs); written once, when the run starts."""
        ...

    def genesis(self) -> Genesis | None:
        """The run's genesis record, if one was written."""
        ...

    def append(
        self, events: Sequence[Event], receipt: Receipt, snapshot: Snapshot | None = None
    ) -> None:
        """Persist one call's events and receipt (and the snapshot taken after it) together,
        in one transaction committed before returning."""
        ...

    def events(self, after: int = 0) -> Iterator[Event]:
        """Events with seq > ``after`` in seq order."""
        ...

    def receipts(self, after: int = 0) -> Iterator[Receipt]:
        """Receipts with index > ``after`` in index order."""
        ...

    def save_snapshot(self, snapshot: Snapshot) -> None:
        """Store a snapshot (replacing one at the same revision)."""
        ...

    def snapshots(self) -> list[Snapshot]:
        """All snapshots, oldest first (a store may keep only some states: see
        ``Snapshot.text``)."""
        ...

    def snapshot_heads(self) -> list[Snapshot]:
        """Every snapshot's record without its state (``text`` None, ``size`` set), oldest
        first."""
        ...

    def latest_snapshot(self, at_or_before: int | None = None) -> Snapshot | None:
        """The newest snapshot whose state is kept, optionally no newer than a revision."""
        ...

    def write_checkpoint(self, checkpoint: Checkpoint) -> None:
        """Record the run's signed checkpoint (the last one written wins)."""
        ...

    def checkpoint(self) -> Checkpoint | None:
        """The run's checkpoint, if it was closed cleanly."""
        ...

    def close(self) -> None:
        """Release resources; further calls are errors."""
        ...
