"""One writer per run: a second writer gets a clear error; a dead holder leaves no lock.

Regression: `vei-drift run` on a run that `vei serve` was serving succeeded and corrupted it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vei.cli.drift import app as drift_app
from vei.cli.state import app as state_app
from vei.config import load_settings
from vei.session import Session
from vei.store.lock import RunLockedError, acquire_writer_lock, writer_active


def test_drift_run_on_a_run_being_served_is_refused(tmp_path: Path) -> None:
    session = Session(load_settings({"state_dir": tmp_path, "drift_mode": "light"}, env={}))
    session.call("vei_tick", {"dt_ms": 60_000})
    run = session.world.run_id
    args = ["run", run, "--until", "1h", "--state-dir", str(tmp_path)]
    refused = CliRunner().invoke(drift_app, args)
    assert refused.exit_code == 2
    assert f"run {run!r} is being written by another process" in refused.output
    # The served run is untouched and goes on.
    assert session.call("vei_tick", {"dt_ms": 60_000}).ok
    session.close()
    allowed = CliRunner().invoke(drift_app, args)
    assert allowed.exit_code == 0, allowed.output
    verified = CliRunner().invoke(state_app, ["verify", run, "--state-dir", str(tmp_path)])
    assert verified.exit_code == 0, verified.output


def test_a_live_run_verifies_as_open(tmp_path: Path) -> None:
    session = Session(load_settings({"state_dir": tmp_path}, env={}))
    session.call("slack_send_message", {"channel": "#general", "text": "hi"})
    assert session.run_dir is not None and writer_active(session.run_dir)
    result = CliRunner().invoke(state_app, ["verify", str(session.run_dir)])
    assert result.exit_code == 0, result.output
    assert "still being written" in result.output
    session.close()
    assert not writer_active(session.run_dir)


def test_second_lock_in_the_same_process_is_refused_and_release_frees_it(tmp_path: Path) -> None:
    first = acquire_writer_lock(tmp_path)
    with pytest.raises(RunLockedError, match=f"process {os.getpid()}"):
        acquire_writer_lock(tmp_path)
    first.release()
    acquire_writer_lock(tmp_path).release()


HOLDER = """
import sys
from pathlib import Path
from vei.store.lock import acquire_writer_lock
lock = acquire_writer_lock(Path(sys.argv[1]))
print("locked", flush=True)
sys.stdin.read()  # hold it until killed
"""


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        assert writer_active(tmp_path)
        with pytest.raises(RunLockedError):
            acquire_writer_lock(tmp_path)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert not writer_active(tmp_path)
    acquire_writer_lock(tmp_path).release()


def test_drift_run_on_an_unclosed_run_asks_for_recover_first(tmp_path: Path) -> None:
    session = Session(load_settings({"state_dir": tmp_path, "drift_mode": "light"}, env={}))
    session.call("vei_tick", {"dt_ms": 60_000})
    run = session.world.run_id
    session.world.store.close()  # as if the server were killed: no checkpoint, lock released
    args = ["run", run, "--until", "1h", "--state-dir", str(tmp_path)]
    refused = CliRunner().invoke(drift_app, args)
    assert refused.exit_code == 2 and "was not closed" in refused.output
    assert f"vei-state recover {run}" in refused.output
    sealed = CliRunner().invoke(state_app, ["recover", run, "--state-dir", str(tmp_path)])
    assert sealed.exit_code == 0, sealed.output
    resumed = CliRunner().invoke(drift_app, args)
    assert resumed.exit_code == 0, resumed.output
    verified = CliRunner().invoke(state_app, ["verify", run, "--state-dir", str(tmp_path)])
    assert verified.exit_code == 0 and "closed, checkpoint verified" in verified.output
