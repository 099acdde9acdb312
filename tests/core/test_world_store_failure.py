"""A world whose store failed (a full disk) refuses calls and closes without signing.

Regression: after a failed commit, closing still snapshotted and signed memory that was
ahead of disk, so an honest run then failed verify with a mismatch.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from vei.assembly import world_twins
from vei.config import load_settings
from vei.core.state import reducer_table
from vei.core.world import WorldBrokenError
from vei.receipts.recover import recover_run
from vei.receipts.signing import load_or_create_signer
from vei.receipts.verify import verify_run
from vei.session import Session
from vei.store.rundir import open_run


def _disk_full(*args: Any, **kwargs: Any) -> None:
    raise sqlite3.OperationalError("database or disk is full")


def test_failed_commit_refuses_later_calls_and_close_signs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = Session(load_settings({"state_dir": tmp_path}, env={}))
    assert session.call("slack_send_message", {"channel": "#general", "text": "kept"}).ok
    store = session.world.store
    monkeypatch.setattr(store, "append", _disk_full)
    with pytest.raises(WorldBrokenError, match="disk is full"):
        session.call("slack_send_message", {"channel": "#general", "text": "lost"})
    monkeypatch.undo()  # the disk has room again: the world must still refuse
    with pytest.raises(WorldBrokenError):
        session.call("vei_state", {})
    assert session.close() is None
    assert session.world.broken

    run_dir = session.run_dir
    assert run_dir is not None
    with open_run(run_dir) as handle:
        assert handle.store.checkpoint() is None
        assert [s.revision for s in handle.store.snapshots()] == [0]  # nothing of memory
        reducers = reducer_table(world_twins(handle.manifest["twins"]))
        report = verify_run(handle.store, handle.manifest, reducers, run_dir=run_dir)
    # What is on disk is honest: only the missing close is reported, never a mismatch.
    assert report.failure is not None
    assert report.failure.startswith("checkpoint: missing")
    assert "receipts 1-1 verify" in report.failure
    with open_run(run_dir, writer=True) as handle:
        recover_run(handle, load_or_create_signer(tmp_path), reducers)
    with open_run(run_dir) as handle:
        report = verify_run(handle.store, handle.manifest, reducers, run_dir=run_dir)
    assert report.ok and report.status == "crashed" and report.receipts == 1


def test_checkpoint_that_cannot_be_written_is_an_error_and_the_run_stays_unclosed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = Session(load_settings({"state_dir": tmp_path}, env={}))
    session.call("slack_send_message", {"channel": "#general", "text": "hi"})
    monkeypatch.setattr(session.world.store, "write_checkpoint", _disk_full)
    with pytest.raises(WorldBrokenError, match="closing the run failed"):
        session.close()
    assert session.run_dir is not None
    with open_run(session.run_dir) as handle:
        assert handle.store.checkpoint() is None
