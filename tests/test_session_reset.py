"""A vei_reset that cannot start the new run is refused and the old run goes on.

Regression: a failed vei_reset (an unwritable state dir) left the server answering every
later call with an internal error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vei.assembly import world_twins
from vei.config import load_settings
from vei.core.state import reducer_table
from vei.receipts.verify import verify_run
from vei.session import Session
from vei.store import rundir
from vei.store.rundir import StateDirError, open_run


def test_failed_reset_keeps_the_old_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    session = Session(load_settings({"state_dir": tmp_path}, env={}))
    old_run = session.world.run_id
    session.call("slack_send_message", {"channel": "#general", "text": "before"})

    def unwritable(*args: object, **kwargs: object) -> None:
        raise StateDirError(f"cannot create runs in {tmp_path}: Read-only file system")

    monkeypatch.setattr(rundir, "create_run", unwritable)
    outcome = session.call("vei_reset", {"seed": 9})
    assert not outcome.ok
    assert outcome.result["error"]["code"] == "core.reset_failed"
    assert "Read-only file system" in outcome.result["error"]["message"]
    assert session.world.run_id == old_run and session.settings.seed == 42042
    after = session.call("slack_send_message", {"channel": "#general", "text": "after"})
    assert after.ok and after.receipt.index == 3

    monkeypatch.undo()
    reset = session.call("vei_reset", {"seed": 9})
    assert reset.ok and reset.result["previous_run"] == old_run
    assert session.world.run_id != old_run and session.settings.seed == 9
    session.close()
    for run in (old_run, session.world.run_id):
        with open_run(run, tmp_path) as handle:
            reducers = reducer_table(world_twins(handle.manifest["twins"]))
            report = verify_run(handle.store, handle.manifest, reducers, run_dir=handle.run_dir)
        assert report.ok and report.status == "closed", report.failure
    with open_run(old_run, tmp_path) as handle:
        tools = [(r.body["tool"], r.body["ok"]) for r in handle.store.receipts()]
    assert tools[1] == ("vei_reset", False) and tools[-1] == ("vei_reset", True)
