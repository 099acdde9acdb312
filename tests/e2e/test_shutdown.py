"""A client shutting `vei serve` down with SIGTERM still gets a closed, checkpointed run."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from vei.assembly import world_twins
from vei.core.state import reducer_table
from vei.receipts.verify import verify_run
from vei.store.rundir import open_run

from .conftest import clean_env


def test_sigterm_closes_the_run_with_a_checkpoint(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "vei", "serve", "--run-id", "term"],
        env=clean_env({"VEI_STATE_DIR": str(tmp_path)}),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    messages = [
        {
            "jsonrpc": "2.0",
            "id": 0,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "t", "version": "0"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "tools/call",
            "params": {
                "name": "slack_send_message",
                "arguments": {"channel": "general", "text": "bye"},
            },
        },
    ]
    try:
        for message in messages:
            proc.stdin.write(json.dumps(message) + "\n")
            proc.stdin.flush()
        assert "result" in json.loads(proc.stdout.readline())  # initialize
        assert "result" in json.loads(proc.stdout.readline())  # the call
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()

    with open_run("term", tmp_path) as handle:
        checkpoint = handle.store.checkpoint()
        assert checkpoint is not None and checkpoint.size == 1
        report = verify_run(
            handle.store, handle.manifest, reducer_table(world_twins(handle.manifest["twins"]))
        )
        assert report.ok, report.failure


def test_vei_drift_run_is_refused_while_vei_serve_serves_the_run(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from vei.cli.drift import app as drift_app

    proc = subprocess.Popen(
        [sys.executable, "-m", "vei", "serve", "--run-id", "served"],
        env=clean_env({"VEI_STATE_DIR": str(tmp_path), "VEI_DRIFT_MODE": "light"}),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    initialize = {
        "jsonrpc": "2.0",
        "id": 0,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "0"},
        },
    }
    args = ["run", "served", "--until", "1h", "--state-dir", str(tmp_path)]
    try:
        proc.stdin.write(json.dumps(initialize) + "\n")
        proc.stdin.flush()
        assert "result" in json.loads(proc.stdout.readline())  # the run exists and is served
        refused = CliRunner().invoke(drift_app, args)
        assert refused.exit_code == 2
        assert "run 'served' is being written by another process" in refused.output
        proc.stdin.close()
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()
        proc.wait(timeout=30)
    allowed = CliRunner().invoke(drift_app, args)
    assert allowed.exit_code == 0, allowed.output
