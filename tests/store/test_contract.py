"""The StateStore contract, run against every implementation (memory and SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vei.core.canonical import canonical_json
from vei.core.events import Event
from vei.receipts.chain import Receipt, ReceiptChain
from vei.receipts.signing import Signer
from vei.store.base import Checkpoint, Snapshot, StateStore
from vei.store.memory import MemoryStore
from vei.store.sqlite import PAGE_ROWS, SqliteStore

SIGNER = Signer.from_seed(b"\x07" * 32)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    """A fresh, empty store of each kind."""
    made: StateStore = (
        MemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "s.db")
    )
    yield made
    made.close()


class Log:
    """Builds consecutive events and chained receipts like a World would."""

    def __init__(self) -> None:
        self.chain = ReceiptChain("run-1", SIGNER, head="a" * 64)
        self.seq = 0

    def call(self, n_events: int, tool: str = "kv_put") -> tuple[list[Event], Receipt]:
        events = []
        for _ in range(n_events):
            self.seq += 1
            data = {"n": self.seq, "text": "caf\u00e9"}
            events.append(Event(self.seq, self.seq * 10, "kv.put", "agent", data))
        receipt = self.chain.append(
            {
                "tool": tool,
                "args_digest": "0" * 64,
                "result_digest": "1" * 64,
                "ok": True,
                "error_code": None,
                "rev_before": self.seq - n_events,
                "rev_after": self.seq,
                "events": [events[0].seq, events[-1].seq] if events else None,
                "events_digest": "2" * 64,
                "t_ms": self.seq * 10,
                "latency_ms": 5,
                "cost_cents": 1,
                "fault": None,
            }
        )
        return events, receipt


def _snapshot(revision: int, receipts: int = 0) -> Snapshot:
    state = {"core": {"pending": {}}, "kv": {"rev": revision}}
    text = canonical_json(state)
    return Snapshot(revision, revision * 10, receipts, "h" * 64, f"{revision:064x}", text)


def test_append_then_read_back_in_order(store: StateStore) -> None:
    log = Log()
    written = [log.call(n) for n in (2, 0, 3, 1)]
    for events, receipt in written:
        store.append(events, receipt)
    all_events = [e for events, _ in written for e in events]
    assert list(store.events()) == all_events
    assert [r.to_dict() for r in store.receipts()] == [r.to_dict() for _, r in written]
    assert [r.index for r in store.receipts()] == [1, 2, 3, 4]


def test_receipts_read_back_are_signed_and_check(store: StateStore) -> None:
    log = Log()
    store.append(*log.call(1))
    (receipt,) = store.receipts()
    assert receipt.check(SIGNER.public_key_hex) is None
    assert Receipt.from_dict(receipt.to_dict()).signature == receipt.signature


def test_after_filters_events_and_receipts(store: StateStore) -> None:
    log = Log()
    for n in (2, 2, 2):
        store.append(*log.call(n))
    assert [e.seq for e in store.events(after=3)] == [4, 5, 6]
    assert [e.seq for e in store.events(after=6)] == []
    assert [r.index for r in store.receipts(after=1)] == [2, 3]
    assert [r.index for r in store.receipts(after=3)] == []


def test_reads_page_through_long_logs(store: StateStore) -> None:
    log = Log()
    total = PAGE_ROWS * 2 + 7
    store.append(*log.call(PAGE_ROWS + 3))
    store.append(*log.call(total - PAGE_ROWS - 3))
    seqs = [e.seq for e in store.events()]
    assert seqs == list(range(1, total + 1))
    assert [e.seq for e in store.events(after=PAGE_ROWS + 1)][:2] == [PAGE_ROWS + 2, PAGE_ROWS + 3]
    assert len(list(store.events(after=PAGE_ROWS + 1))) == total - PAGE_ROWS - 1


def test_snapshots_oldest_first_and_latest_at_or_before(store: StateStore) -> None:
    assert store.latest_snapshot() is None
    for revision in (10, 0, 5):
        store.save_snapshot(_snapshot(revision))
    assert [s.revision for s in store.snapshots()] == [0, 5, 10]
    latest = store.latest_snapshot()
    assert latest is not None and latest.revision == 10
    assert latest.state == {"core": {"pending": {}}, "kv": {"rev": 10}}
    before = store.latest_snapshot(at_or_before=7)
    assert before is not None and before.revision == 5
    exact = store.latest_snapshot(at_or_before=5)
    assert exact is not None and exact.revision == 5
    assert store.latest_snapshot(at_or_before=-1) is None


def test_snapshot_at_same_revision_replaces(store: StateStore) -> None:
    store.save_snapshot(_snapshot(4, receipts=2))
    store.save_snapshot(_snapshot(4, receipts=3))
    assert [(s.revision, s.receipt_count) for s in store.snapshots()] == [(4, 3)]


def test_checkpoint_absent_then_last_written_wins(store: StateStore) -> None:
    assert store.checkpoint() is None
    first = Checkpoint("run-1", 3, "a" * 64, 5, 900, "b" * 64, "c" * 128)
    second = Checkpoint("run-1", 4, "d" * 64, 6, 950, "e" * 64, "f" * 128)
    store.write_checkpoint(first)
    assert store.checkpoint() == first
    store.write_checkpoint(second)
    assert store.checkpoint() == second


def test_closed_store_refuses_writes(store: StateStore) -> None:
    log = Log()
    store.append(*log.call(1))
    store.close()
    with pytest.raises(RuntimeError, match="closed"):
        store.append(*log.call(1))
    with pytest.raises(RuntimeError, match="closed"):
        store.save_snapshot(_snapshot(1))
    with pytest.raises(RuntimeError, match="closed"):
        store.write_checkpoint(Checkpoint("run-1", 1, "a" * 64, 1, 0, "b" * 64, "c" * 128))


def test_long_logs_read_back_from_any_point(store: StateStore) -> None:
    # Long enough to cross the memory store's compressed chunks and SQLite's pages.
    log = Log()
    written = [log.call(1 if i % 3 else 0, tool="kv\tput\n") for i in range(2_100)]
    for events, receipt in written:
        store.append(events, receipt)
    receipts = [r.to_dict() for _, r in written]
    events = [e for evs, _ in written for e in evs]
    for after in (0, 1, 1_023, 1_024, 1_025, 2_048, 2_099, 2_100):
        assert [r.to_dict() for r in store.receipts(after=after)] == receipts[after:]
    for after in (0, 700, 1_024, len(events) - 1):
        assert list(store.events(after=after)) == events[after:]
