"""SQLite specifics: pragmas, atomic appends, stored text, reopening, surviving SIGKILL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from vei.core.events import Event
from vei.core.state import reducer_table
from vei.receipts.chain import Receipt, ReceiptChain
from vei.receipts.recover import recover_run
from vei.receipts.signing import Signer
from vei.receipts.verify import verify_run
from vei.store.rundir import open_run
from vei.store.sqlite import Durability, SqliteStore, StoreSchemaError

SIGNER = Signer.from_seed(b"\x05" * 32)


def _call(chain: ReceiptChain, first: int, count: int) -> tuple[list[Event], Receipt]:
    events = [Event(s, s, "kv.put", "agent", {"n": s}) for s in range(first, first + count)]
    receipt = chain.append(
        {
            "tool": "kv_put",
            "args_digest": "0" * 64,
            "result_digest": "1" * 64,
            "ok": True,
            "error_code": None,
            "rev_before": first - 1,
            "rev_after": first + count - 1,
            "events": [first, first + count - 1] if count else None,
            "events_digest": "2" * 64,
            "t_ms": first,
            "latency_ms": 0,
            "cost_cents": 0,
            "fault": None,
        }
    )
    return events, receipt


@pytest.mark.parametrize(("durability", "level"), [("full", 2), ("fast", 1)])
def test_durability_sets_synchronous_and_wal(
    tmp_path: Path, durability: Durability, level: int
) -> None:
    store = SqliteStore(tmp_path / "d.db", durability)
    assert store.pragma("synchronous") == level
    assert store.pragma("journal_mode") == "wal"
    store.close()


def test_unknown_durability_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="durability"):
        SqliteStore(tmp_path / "d.db", "sometimes")  # type: ignore[arg-type]


def test_data_survives_reopening(tmp_path: Path) -> None:
    chain = ReceiptChain("r", SIGNER)
    store = SqliteStore(tmp_path / "d.db")
    events, receipt = _call(chain, 1, 2)
    store.append(events, receipt)
    store.close()
    again = SqliteStore(tmp_path / "d.db", "fast")
    assert list(again.events()) == events
    assert [r.hash for r in again.receipts()] == [chain.head]
    again.close()


def test_failed_append_leaves_nothing_behind(tmp_path: Path) -> None:
    chain = ReceiptChain("r", SIGNER)
    store = SqliteStore(tmp_path / "d.db")
    store.append(*_call(chain, 1, 1))
    events, receipt = _call(chain, 2, 2)
    clash = [events[0], Event(1, 0, "kv.put", "agent", {})]  # seq 1 is taken
    with pytest.raises(sqlite3.IntegrityError):
        store.append(clash, receipt)
    assert [e.seq for e in store.events()] == [1]
    assert [r.index for r in store.receipts()] == [1]
    store.append(events, receipt)
    assert [e.seq for e in store.events()] == [1, 2, 3]
    store.close()


def test_stored_text_is_canonical_json(tmp_path: Path) -> None:
    chain = ReceiptChain("r", SIGNER)
    store = SqliteStore(tmp_path / "d.db")
    events, receipt = _call(chain, 1, 1)
    store.append(events, receipt)
    (event_row,) = store.raw_rows("events")
    assert event_row["body"] == events[0].to_json()
    assert (event_row["seq"], event_row["kind"], event_row["cause"]) == (1, "kv.put", None)
    (receipt_row,) = store.raw_rows("receipts")
    assert receipt_row == {"idx": 1, "body": receipt.to_json()}
    with pytest.raises(ValueError, match="unknown table"):
        list(store.raw_rows("sqlite_master"))
    store.close()


def test_reads_after_close_are_refused(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "d.db")
    store.close()
    store.close()  # closing twice is harmless
    with pytest.raises(RuntimeError, match="closed"):
        list(store.events())


def test_newer_schema_version_is_refused(tmp_path: Path) -> None:
    SqliteStore(tmp_path / "d.db").close()
    with sqlite3.connect(tmp_path / "d.db") as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreSchemaError, match="schema version 99"):
        SqliteStore(tmp_path / "d.db")


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from vei.core.registry import ToolArgs, ToolSpec
    from vei.core.world import World
    from vei.receipts.signing import Signer
    from vei.store.rundir import create_run, prepare_manifest

    class NoteArgs(ToolArgs):
        text: str

    def add(state, args, ctx):
        ctx.emit("note.added", {"text": args.text})
        return {}

    tool = ToolSpec("note_add", "Add a note.", NoteArgs, "write", add, latency_ms=3)
    signer = Signer.from_seed(bytes(32))
    manifest = prepare_manifest("killed", {"twins": [], "public_key": signer.public_key_hex})
    worlds = []
    def begin(store):
        worlds.append(World(twins=[], seed=1, store=store, signer=signer, run_id="killed",
                            extra_tools=[tool], snapshot_every=7, manifest=manifest))
    create_run(Path(sys.argv[1]), "killed", manifest, sys.argv[2], begin)
    world = worlds[0]
    n = 0
    while True:
        n += 1
        outcome = world.call("note_add", {"text": f"note {n}"})
        print(outcome.receipt.index, flush=True)
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("durability", ["full", "fast"])
def test_run_killed_with_sigkill_keeps_every_acknowledged_call(
    tmp_path: Path, durability: str
) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    proc = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path), durability],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    acknowledged = 0
    for line in proc.stdout:
        acknowledged = int(line)
        if acknowledged >= 40:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert acknowledged >= 40

    with open_run("killed", tmp_path) as handle:
        assert handle.store.counts()["receipts"] >= acknowledged
        report = verify_run(handle.store, handle.manifest, reducer_table([]))
    # Unclosed: proven up to its last receipt, and failing until sealed as a crash.
    assert not report.ok and report.receipts >= acknowledged
    assert report.failure is not None and report.failure.startswith("checkpoint: missing")
    with open_run("killed", tmp_path, writer=True) as handle:
        recover_run(handle, Signer.from_seed(bytes(32)), reducer_table([]))
    with open_run("killed", tmp_path) as handle:
        report = verify_run(handle.store, handle.manifest, reducer_table([]))
    assert report.ok, report.failure
    assert report.status == "crashed" and report.receipts >= acknowledged


def test_reading_sees_one_moment_while_another_connection_writes(tmp_path: Path) -> None:
    chain = ReceiptChain("r", SIGNER)
    writer = SqliteStore(tmp_path / "d.db")
    writer.append(*_call(chain, 1, 1))
    reader = SqliteStore(tmp_path / "d.db")
    with reader.reading():
        assert [r.index for r in reader.receipts()] == [1]
        writer.append(*_call(chain, 2, 1))
        assert [e.seq for e in reader.events()] == [1]  # not event 2: same moment
    assert [e.seq for e in reader.events()] == [1, 2]
    reader.close()
    writer.close()
