"""When a world takes a snapshot: a function of the receipts and the snapshots' sizes.

A snapshot costs one encoding and one hash of the whole state, so taking one every fixed
number of events would make every event cost more as the state grows. Instead the next
snapshot is due once the events since the last one number at least ``every`` and at least
the last snapshot's size divided by ``bytes_per_event``: snapshot work per event stays about
``bytes_per_event`` bytes of encoding and hashing, however large the state, and a restore
replays at most that many events after the snapshot it starts from.

The cadence is recorded in the genesis (``snapshot_every``, ``snapshot_bytes``), so
``vei-state verify`` computes the same schedule from the receipts and the stored snapshots'
sizes and knows which snapshots must exist. Runs made before this cadence existed record no
``snapshot_bytes``: theirs is a snapshot whenever a call crosses a multiple of ``every``.
"""

from __future__ import annotations

from dataclasses import dataclass

# About this many bytes of state encoded, hashed and stored per event, on average.
DEFAULT_SNAPSHOT_BYTES = 256
DEFAULT_SNAPSHOT_EVERY = 1_000


@dataclass
class Cadence:
    """The snapshot schedule of one run, following the snapshots as they are taken."""

    every: int
    bytes_per_event: int | None = DEFAULT_SNAPSHOT_BYTES
    last_revision: int = 0
    spacing: int = 0

    def __post_init__(self) -> None:
        if self.every < 1:
            raise ValueError("snapshot_every must be a positive integer")
        if self.bytes_per_event is not None and self.bytes_per_event < 1:
            raise ValueError("snapshot_bytes must be a positive integer")
        self.spacing = max(self.spacing, self.every)

    def due(self, rev_before: int, rev_after: int) -> bool:
        """Whether the call that moved the revision from ``rev_before`` to ``rev_after``
        must be followed by a snapshot."""
        if self.bytes_per_event is None:
            return rev_after // self.every > rev_before // self.every
        return rev_after > rev_before and rev_after - self.last_revision >= self.spacing

    def taken(self, revision: int, size: int) -> None:
        """A snapshot of ``size`` characters was taken (or restored) at ``revision``."""
        self.last_revision = revision
        if self.bytes_per_event is not None:
            self.spacing = max(self.every, size // self.bytes_per_event)
