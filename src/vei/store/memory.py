"""The in-memory store: the default when no state dir is configured (RL loops, tests).

Of the snapshots a run takes, it keeps the state of only the first (the seeded one, or a
fork's at its fork point) and the latest, which is all a restore needs; the others keep
their record (revision, hash, chain head, size) so a verification still sees that each was
taken.

Events and receipts are kept as their canonical JSON (already computed for their digests),
not as objects, and every ``CHUNK`` of them is compressed: a long run's log costs a small
fraction of its state's memory. Reading rebuilds equal objects.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator, Sequence

from vei.core.events import Event
from vei.receipts.chain import Receipt
from vei.receipts.genesis import Genesis
from vei.receipts.signing import Signer
from vei.store.base import Checkpoint, Snapshot

CHUNK = 1_024
# Fast compression: the log compresses several times over even at level 1.
LEVEL = 1


class _Lines:
    """Append-only text lines (no newline inside one), compressed in chunks of CHUNK."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._tail: list[str] = []

    def __len__(self) -> int:
        return len(self._chunks) * CHUNK + len(self._tail)

    def append(self, line: str) -> None:
        self._tail.append(line)
        if len(self._tail) == CHUNK:
            self._chunks.append(zlib.compress("\n".join(self._tail).encode("ascii"), LEVEL))
            self._tail = []

    def last(self) -> str | None:
        if self._tail:
            return self._tail[-1]
        if self._chunks:
            return zlib.decompress(self._chunks[-1]).decode("ascii").rsplit("\n", 1)[-1]
        return None

    def read(self, start: int) -> Iterator[str]:
        """Lines from position ``start`` (0-based) on."""
        start = max(start, 0)
        first = start // CHUNK
        for index in range(first, len(self._chunks)):
            lines = zlib.decompress(self._chunks[index]).decode("ascii").split("\n")
            yield from lines[start - index * CHUNK :] if index == first else lines
        tail_start = max(start - len(self._chunks) * CHUNK, 0)
        yield from self._tail[tail_start:]


class MemoryStore:
    """Keeps the whole log in memory; nothing survives the process."""

    def __init__(self) -> None:
        self._events = _Lines()
        # A receipt is its body's canonical JSON, its hash and its signature (if made yet),
        # tab-separated; the run and the signer are kept beside it.
        self._receipts = _Lines()
        self._runs: list[str] = []
        self._signers: list[Signer | None] = []
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
        for event in events:
            self._events.append(event.to_json())
        signature = receipt._signature or ""
        self._receipts.append(f"{receipt.body_text}\t{receipt.hash}\t{signature}")
        self._runs.append(receipt.run)
        self._signers.append(receipt._signer)
        if snapshot is not None:
            self._keep(snapshot)

    def events(self, after: int = 0) -> Iterator[Event]:
        # seqs are dense from the first one, so seq s sits at position s - 1 - base
        for text in self._events.read(after - (self._seq_base or 0)):
            event = Event.from_dict(json.loads(text))
            object.__setattr__(event, "_json", text)
            yield event

    def receipts(self, after: int = 0) -> Iterator[Receipt]:
        start = max(after - (self._index_base or 0), 0)
        for position, line in enumerate(self._receipts.read(start), start=start):
            text, hash_hex, signature = line.split("\t")
            run, signer = self._runs[position], self._signers[position]
            body = json.loads(text)
            yield Receipt(run, body, hash_hex, signer, signature or None, text)

    def _keep(self, snapshot: Snapshot) -> None:
        # The state of the previous latest snapshot is no longer needed (unless it is the
        # first: the seeded state, or a fork's at its fork point): a long run keeps two
        # states, not one per snapshot.
        if self._snapshots:
            latest = max(self._snapshots)
            previous = self._snapshots[latest]
            first = min(self._snapshots)
            if first < latest < snapshot.revision and previous.text is not None:
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
