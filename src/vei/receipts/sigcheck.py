"""Receipt signatures checked in batches, across processes when a run is long.

Ed25519 verification (about 110 us each) holds the GIL, so threads do not help: a long run's
receipts are checked by a small process pool while the caller goes on replaying. Short runs
are checked in process (starting workers would cost more than it saves). Results are kept
by receipt index, so the caller can ask for the first bad one up to any point and report
failures in log order.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from vei.receipts.chain import signed_message

# (receipt index, run, hash, signature hex)
Item = tuple[int, str, str, str]
BATCH = 2_000
# Below this many receipts a pool costs more than it saves.
POOL_FROM = 6_000


def bad_indexes(public_key_hex: str, items: Sequence[Item]) -> list[int]:
    """The indexes of the items whose signature does not verify."""
    public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
    verify = public.verify
    bad = []
    for index, run, hash_hex, signature in items:
        try:
            verify(bytes.fromhex(signature), signed_message(run, hash_hex))
        except (ValueError, TypeError, InvalidSignature):
            bad.append(index)
    return bad


class SignatureChecks:
    """Collects receipt signatures and checks them, in a pool once there are many."""

    def __init__(self, public_key_hex: str, expected: int, workers: int | None = None) -> None:
        self.key = public_key_hex
        cores = os.cpu_count() or 1
        self.workers = workers if workers is not None else cores
        self._pending: list[Item] = []
        self._futures: list[tuple[list[Item], Future[list[int]]]] = []
        self._bad: list[int] = []
        self._pool: ProcessPoolExecutor | None = None
        if expected >= POOL_FROM and self.workers > 1:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=get_context("spawn"))

    def add(self, index: int, run: str, hash_hex: str, signature: str) -> None:
        """Queue one receipt's signature."""
        self._pending.append((index, run, hash_hex, signature))
        if len(self._pending) >= BATCH:
            self._submit()

    def _submit(self) -> None:
        items, self._pending = self._pending, []
        if not items:
            return
        if self._pool is None:
            self._bad.extend(bad_indexes(self.key, items))
            return
        try:
            self._futures.append((items, self._pool.submit(bad_indexes, self.key, items)))
        except Exception:  # a pool that cannot start or broke: check here instead
            self._bad.extend(bad_indexes(self.key, items))

    def first_bad(self) -> int | None:
        """Check everything queued so far; the lowest index whose signature fails, or None."""
        self._submit()
        for items, future in self._futures:
            try:
                self._bad.extend(future.result())
            except Exception:  # a worker died: its batch is checked here instead
                self._bad.extend(bad_indexes(self.key, items))
        self._futures = []
        return min(self._bad) if self._bad else None

    def close(self) -> None:
        """Stop the workers (results not collected are dropped)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
