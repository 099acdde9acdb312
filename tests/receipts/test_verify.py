"""verify_run: an intact run passes; one changed byte anywhere is found and named."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from vei.core.state import reducer_table, state_hash
from vei.core.twin import Reducer, Twin
from vei.core.world import World
from vei.receipts.recover import recover_run
from vei.receipts.signing import Signer
from vei.receipts.verify import VerifyReport, replay_run, verify_run
from vei.store.memory import MemoryStore
from vei.store.rundir import open_run

Tamper = Callable[[Path, str, str, str, str, str], None]


@pytest.fixture
def verify(kv_reducers: dict[str, Reducer]) -> Callable[..., VerifyReport]:
    """``verify(run_dir, manifest=None, deep=False)`` opens the run and verifies it."""

    def run(
        run_dir: Path, manifest: dict[str, Any] | None = None, deep: bool = False
    ) -> VerifyReport:
        with open_run(run_dir) as handle:
            return verify_run(handle.store, manifest or handle.manifest, kv_reducers, deep=deep)

    return run


def db(run_dir: Path) -> Path:
    return run_dir / "events.sqlite"


def test_intact_run_verifies(pristine_run: Path, verify: Callable[..., VerifyReport]) -> None:
    report = verify(pristine_run)
    assert report.ok and report.failure is None
    assert (report.receipts, report.events, report.snapshots) == (10, 9, 4)
    assert report.checkpoint and report.notes == []
    with open_run(pristine_run) as handle:
        checkpoint = handle.store.checkpoint()
    assert checkpoint is not None
    assert (report.chain_head, report.state_hash) == (checkpoint.head, checkpoint.state_hash)


def test_run_without_checkpoint_fails_until_it_is_sealed_as_crashed(
    tmp_path: Path,
    verify: Callable[..., VerifyReport],
    build_kv_run: Callable[..., Path],
    kv_signer: Signer,
    kv_reducers: dict[str, Reducer],
) -> None:
    run_dir = build_kv_run(tmp_path, close=False)
    report = verify(run_dir)
    assert not report.ok and not report.checkpoint
    assert report.failure is not None
    assert report.failure.startswith("checkpoint: missing: the run was not closed")
    assert "receipts 1-10 verify" in report.failure
    with open_run(run_dir, writer=True) as handle:
        sealed = recover_run(handle, kv_signer, kv_reducers)
    assert (sealed.size, sealed.ending) == (10, "crash")
    report = verify(run_dir)
    assert report.ok, report.failure
    assert report.status == "crashed"
    assert any("sealed at receipt 10" in fact for fact in report.proven)


def test_memory_store_run_verifies(
    kv_twin: Twin,
    kv_signer: Signer,
    kv_manifest: Callable[..., dict[str, Any]],
    play_kv: Callable[[World], None],
    kv_reducers: dict[str, Reducer],
) -> None:
    store = MemoryStore()
    manifest = kv_manifest("mem", kv_signer)
    world = World(
        twins=[kv_twin], seed=7, store=store, signer=kv_signer, run_id="mem", manifest=manifest
    )
    play_kv(world)
    world.close()
    report = verify_run(store, manifest, kv_reducers)
    assert report.ok, report.failure
    assert report.checkpoint


def test_changed_event_body_is_named(
    run_copy: Path, verify: Callable[..., VerifyReport], tamper: Tamper
) -> None:
    tamper(db(run_copy), "events", "seq = 4", "body", '"two"', '"twO"')
    assert verify(run_copy).failure == "event 4: does not match receipt 5's events_digest"


def test_event_body_that_is_no_longer_json_is_named(
    run_copy: Path, verify: Callable[..., VerifyReport], tamper: Tamper
) -> None:
    tamper(db(run_copy), "events", "seq = 3", "body", '{"actor"', '["actor"')
    report = verify(run_copy)
    assert not report.ok
    assert report.failure == "event 3: stored text is not valid JSON"


def test_event_column_that_disagrees_with_its_body_is_named(
    run_copy: Path, verify: Callable[..., VerifyReport], tamper: Tamper
) -> None:
    tamper(db(run_copy), "events", "seq = 1", "kind", "kv.put", "kv.pus")
    assert verify(run_copy).failure == "event 1: column 'kind' disagrees with the stored text"


def test_changed_receipt_body_is_named(
    run_copy: Path, verify: Callable[..., VerifyReport], tamper: Tamper
) -> None:
    tamper(db(run_copy), "receipts", "idx = 6", "body", '"kv_put"', '"kv_pux"')
    assert verify(run_copy).failure == "receipt 6: hash does not match its fields"


def test_changed_receipt_prev_is_named(
    run_copy: Path, verify: Callable[..., VerifyReport], tamper: Tamper
) -> None:
    with sqlite3.connect(db(run_copy)) as conn:
        (body,) = conn.execute("SELECT body FROM receipts WHERE idx = 1").fetchone()
    conn.close()
    prev = json.loads(body)["prev"]
    flipped = prev[:5] + ("0" if prev[5] != "0" else "1")
    tamper(db(run_copy), "receipts", "idx = 1", "body", prev[:6], flipped)
    # prev is chained, so the hash no longer matches either; the hash is checked first
    assert verify(run_copy).failure == "receipt 1: hash does not match its fields"


def test_changed_signature_is_named(
    run_copy: Path, verify: Callable[..., VerifyReport], tamper: Tamper
) -> None:
    with sqlite3.connect(db(run_copy)) as conn:
        (body,) = conn.execute("SELECT body FROM receipts WHERE idx = 7").fetchone()
    conn.close()
    signature = json.loads(body)["signature"]
    tail = signature[-6:]
    flipped = tail[:-1] + ("0" if tail[-1] != "0" else "1")
    tamper(db(run_copy), "receipts", "idx = 7", "body", tail + '"', flipped + '"')
    assert verify(run_copy).failure == "receipt 7: signature does not verify"


def test_changed_snapshot_state_is_named(
    run_copy: Path, verify: Callable[..., VerifyReport], tamper: Tamper
) -> None:
    tamper(db(run_copy), "snapshots", "revision = 6", "state", '"gamma"', '"gammA"')
    report = verify(run_copy)
    assert report.failure == "snapshot at revision 6: stored state does not hash to its state_hash"


def test_snapshot_whose_state_and_hash_agree_but_replay_disagrees_is_named(
    run_copy: Path, verify: Callable[..., VerifyReport]
) -> None:
    # Rewrite a snapshot consistently (new state and its hash): only the replay can tell,
    # and only a deep verification compares the replay with every snapshot. The default
    # compares it with the latest snapshot and the checkpoint (what a restore relies on).
    with sqlite3.connect(db(run_copy)) as conn:
        (text,) = conn.execute("SELECT state FROM snapshots WHERE revision = 3").fetchone()
        state = json.loads(text)
        state["kv"]["items"]["alpha"] = "forged"
        conn.execute(
            "UPDATE snapshots SET state = ?, state_hash = ? WHERE revision = 3",
            (json.dumps(state, sort_keys=True, separators=(",", ":")), state_hash(state)),
        )
    conn.close()
    assert verify(run_copy, deep=True).failure == (
        "snapshot at revision 3: replay does not reproduce its state_hash"
    )
    shallow = verify(run_copy)
    assert shallow.ok and shallow.state_hash is not None


def test_a_forged_latest_snapshot_is_caught_without_deep(
    run_copy: Path, verify: Callable[..., VerifyReport]
) -> None:
    with sqlite3.connect(db(run_copy)) as conn:
        revision, text = conn.execute(
            "SELECT revision, state FROM snapshots ORDER BY revision DESC LIMIT 1"
        ).fetchone()
        state = json.loads(text)
        state["kv"]["items"]["alpha"] = "forged"
        conn.execute(
            "UPDATE snapshots SET state = ?, state_hash = ? WHERE revision = ?",
            (json.dumps(state, sort_keys=True, separators=(",", ":")), state_hash(state), revision),
        )
    conn.close()
    assert verify(run_copy).failure == (
        f"snapshot at revision {revision}: replay does not reproduce its state_hash"
    )


def test_changed_initial_snapshot_breaks_the_genesis_link(
    run_copy: Path, verify: Callable[..., VerifyReport], tamper: Tamper
) -> None:
    tamper(db(run_copy), "snapshots", "revision = 0", "state", '"yes"', '"yeS"')
    assert verify(run_copy).failure == (
        "snapshot at revision 0: stored state does not hash to its state_hash"
    )


def test_changed_checkpoint_signature_is_named(
    run_copy: Path, verify: Callable[..., VerifyReport], tamper: Tamper
) -> None:
    with sqlite3.connect(db(run_copy)) as conn:
        (signature,) = conn.execute("SELECT signature FROM checkpoint").fetchone()
    conn.close()
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    tamper(db(run_copy), "checkpoint", "id = 1", "signature", signature, flipped)
    assert verify(run_copy).failure == "checkpoint: signature does not verify"


def test_the_first_bad_record_is_the_one_named(
    run_copy: Path, verify: Callable[..., VerifyReport], tamper: Tamper
) -> None:
    tamper(db(run_copy), "receipts", "idx = 8", "body", '"kv_get"', '"kv_gex"')
    tamper(db(run_copy), "events", "seq = 2", "body", '"alpha"', '"alphA"')
    assert verify(run_copy).failure == "event 2: does not match receipt 2's events_digest"


def test_deleted_event_is_named(run_copy: Path, verify: Callable[..., VerifyReport]) -> None:
    with sqlite3.connect(db(run_copy)) as conn:
        conn.execute("DELETE FROM events WHERE seq = 5")
    conn.close()
    assert verify(run_copy).failure == "event 5: missing (named by receipt 6)"


def test_event_no_receipt_covers_is_named(
    run_copy: Path, verify: Callable[..., VerifyReport]
) -> None:
    with sqlite3.connect(db(run_copy)) as conn:
        body = '{"actor":"agent","cause":null,"data":{},"kind":"kv.put","seq":10,"t_ms":9999}'
        conn.execute("INSERT INTO events VALUES (10, 9999, 'kv.put', 'agent', NULL, ?)", (body,))
    conn.close()
    assert verify(run_copy).failure == "event 10: not covered by any receipt"


def test_truncated_receipt_log_is_named_by_the_checkpoint(
    run_copy: Path, verify: Callable[..., VerifyReport]
) -> None:
    with sqlite3.connect(db(run_copy)) as conn:
        conn.execute("DELETE FROM receipts WHERE idx = 10")
    conn.close()
    # receipt 10 carried event 9, and the last snapshot was taken at receipt 10
    assert verify(run_copy).failure == "snapshot at revision 9: refers to receipt 10, log ends at 9"


def test_another_key_fails_the_first_signature(
    pristine_run: Path, verify: Callable[..., VerifyReport]
) -> None:
    with open_run(pristine_run) as handle:
        manifest = {**handle.manifest, "public_key": Signer.from_seed(b"\x01" * 32).public_key_hex}
    # The genesis is the first signed record.
    assert verify(pristine_run, manifest).failure == "genesis: signature does not verify"


def test_manifest_without_a_usable_key_is_named(
    pristine_run: Path, verify: Callable[..., VerifyReport]
) -> None:
    with open_run(pristine_run) as handle:
        manifest = {**handle.manifest, "public_key": "not hex"}
    assert verify(pristine_run, manifest).failure == (
        "manifest: public_key is not a hex Ed25519 public key"
    )


def test_receipts_of_another_run_are_named(
    pristine_run: Path, verify: Callable[..., VerifyReport]
) -> None:
    with open_run(pristine_run) as handle:
        manifest = {**handle.manifest, "run_id": "someone-else"}
    assert verify(pristine_run, manifest).failure == (
        "manifest: 'run_id' differs from what was signed when the run started (genesis)"
    )


def test_replay_with_the_wrong_twins_is_caught(pristine_run: Path) -> None:
    with open_run(pristine_run) as handle:
        report = verify_run(handle.store, handle.manifest, reducer_table([]))
        deep = verify_run(handle.store, handle.manifest, reducer_table([]), deep=True)
    assert report.failure == "snapshot at revision 9: replay does not reproduce its state_hash"
    assert deep.failure == "snapshot at revision 3: replay does not reproduce its state_hash"


def test_replay_run_reproduces_the_checkpoint(
    pristine_run: Path, kv_reducers: dict[str, Reducer]
) -> None:
    with open_run(pristine_run) as handle:
        result = replay_run(handle.store, kv_reducers)
        checkpoint = handle.store.checkpoint()
    assert checkpoint is not None
    assert result.revision == 9
    assert result.matches is True and result.recorded_by == "checkpoint"
    assert result.state_hash == checkpoint.state_hash
    assert result.state["kv"]["touches"] == {"alpha": 1, "beta": 1, "gamma": 1}


@pytest.mark.parametrize("close", [True, False])
def test_replay_run_reports_a_mismatch(
    tmp_path: Path, close: bool, build_kv_run: Callable[..., Path]
) -> None:
    run_dir = build_kv_run(tmp_path, close=close)
    with open_run(run_dir) as handle:
        result = replay_run(handle.store, reducer_table([]))
    assert result.matches is False
    assert result.recorded_by == ("checkpoint" if close else "snapshot at revision 9")


def test_deleted_receipt_is_named(run_copy: Path, verify: Callable[..., VerifyReport]) -> None:
    with sqlite3.connect(db(run_copy)) as conn:
        conn.execute("DELETE FROM receipts WHERE idx = 3")
    conn.close()
    assert verify(run_copy).failure == "receipt 3: missing (the next stored is receipt 4)"


def test_receipt_text_that_is_no_longer_json_is_named(
    run_copy: Path, verify: Callable[..., VerifyReport], tamper: Tamper
) -> None:
    tamper(db(run_copy), "receipts", "idx = 9", "body", ',"index":9,', ',"index":9;')
    assert verify(run_copy).failure == "receipt 9: stored text is not valid JSON"
