"""The in-memory store: the default when no state dir is configured (RL loops, tests).

Of the snapshots a run takes, it keeps the state of only the first (revision 0) and the
latest, which is all a restore needs; the others keep their record (revision, hash, chain
head, size) so a verification still sees that each was taken.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from vei.core.events import Event
from vei.receipts.chain import Receipt
from vei.receipts.genesis import Genesis
from vei.store.base import Checkpoint, Snapshot


class MemoryStore:
    """Keeps the whole log in lists; nothing survives the process."""

    def __init__(self) -> None:
        self._events: list[Event] = []
        self._receipts: list[Receipt] = []
        self._snapshots: dict[int, Snapshot] = {}
        self._checkpoint: Checkpoint | None = None
        self._genesis: Genesis | None = None
        self._closed = False
        # A fork's log starts after its fork point: seq and index of the first records - 1.
        self._seq_base: int | None = None
        self._index_base: int | None = None

    def _open(self) -> None:
        if self._closed:
            raise RuntimeError("store is closed")

    def write_genesis(self, genesis: Genesis) -> None:
        self._open()
        self._genesis = genesis

    def genesis(self) -> Genesis | None:
        return self._genesis

    def append(
        self, events: Sequence[Event], receipt: Receipt, snapshot: Snapshot | None = None
    ) -> None:
        self._open()
        if self._index_base is None:
            self._index_base = receipt.index - 1
        if events and self._seq_base is None:
            self._seq_base = events[0].seq - 1
        self._events.extend(events)
        self._receipts.append(receipt)
        if snapshot is not None:
            self._keep(snapshot)

    def events(self, after: int = 0) -> Iterator[Event]:
        # seqs are dense from the first one, so seq s sits at position s - 1 - base
        return iter(self._events[max(after - (self._seq_base or 0), 0) :])

    def receipts(self, after: int = 0) -> Iterator[Receipt]:
        return iter(self._receipts[max(after - (self._index_base or 0), 0) :])

    def _keep(self, snapshot: Snapshot) -> None:
        # The state of the previous latest snapshot is no longer needed (unless it is the
        # first): a long run keeps two states, not one per snapshot.
        if self._snapshots:
            latest = max(self._snapshots)
            previous = self._snapshots[latest]
            if 0 < latest < snapshot.revision and previous.text is not None:
                self._snapshots[latest] = previous.without_state()
        self._snapshots[snapshot.revision] = snapshot

    def save_snapshot(self, snapshot: Snapshot) -> None:
        self._open()
        self._keep(snapshot)

    def snapshots(self) -> list[Snapshot]:
        return [self._snapshots[rev] for rev in sorted(self._snapshots)]

    def snapshot_heads(self) -> list[Snapshot]:
        """Every snapshot's record without its state, oldest first."""
        return [s.without_state() for s in self.snapshots()]

    def latest_snapshot(self, at_or_before: int | None = None) -> Snapshot | None:
        revs = [
            r
            for r, s in self._snapshots.items()
            if s.text is not None and (at_or_before is None or r <= at_or_before)
        ]
        return self._snapshots[max(revs)] if revs else None

    def write_checkpoint(self, checkpoint: Checkpoint) -> None:
        self._open()
        self._checkpoint = checkpoint

    def checkpoint(self) -> Checkpoint | None:
        return self._checkpoint

    def close(self) -> None:
        self._closed = True
