"""The StateStore protocol: events, receipts, snapshots and the checkpoint of one run.

Two implementations share one contract test suite (tests/store/test_contract.py): the
in-memory store (no state dir) and the SQLite store (one WAL database file per run).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from vei.core.events import Event
from vei.receipts.chain import Receipt
from vei.receipts.genesis import Genesis

# How a run ended: closed by its writer, or sealed afterwards (``vei-state recover``) after
# its writer stopped without closing it (killed, crashed, or its store failed).
ENDINGS = ("close", "crash")


@dataclass(frozen=True)
class Snapshot:
    """World state at ``revision``: a cache that must agree with a full replay."""

    revision: int
    t_ms: int
    receipt_count: int
    chain_head: str
    state_hash: str
    state: dict[str, Any]


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
        """All snapshots, oldest first."""
        ...

    def latest_snapshot(self, at_or_before: int | None = None) -> Snapshot | None:
        """The newest snapshot, optionally no newer than a revision."""
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
