"""SIGKILL a server mid-stream: every acknowledged call must be on disk and verify."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from vei.assembly import world_twins
from vei.core.state import reducer_table
from vei.receipts.verify import verify_run
from vei.store.rundir import open_run

from .conftest import clean_env

RECEIPT = "io.vei/receipt"
RECOVER = "from vei.cli.state import app; app(prog_name='vei-state')"


def _send(proc: subprocess.Popen[str], message: dict[str, Any]) -> None:
    assert proc.stdin is not None
    proc.stdin.write(json.dumps(message) + "\n")
    proc.stdin.flush()


def _read(proc: subprocess.Popen[str]) -> dict[str, Any]:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line, "server closed stdout"
    return json.loads(line)


def test_sigkill_loses_no_acknowledged_call(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "vei", "serve", "--run-id", "crash"],
        env=clean_env({"VEI_STATE_DIR": str(tmp_path)}),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    acknowledged: list[str] = []
    try:
        _send(
            proc,
            {
                "jsonrpc": "2.0",
                "id": 0,
                "method": "initialize",
                "params": {
                    "protocolVersion": "2025-11-25",
                    "capabilities": {},
                    "clientInfo": {"name": "crash-test", "version": "0"},
                },
            },
        )
        assert "result" in _read(proc)
        _send(proc, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        # Keep several requests in flight so the kill lands while writes are happening.
        total = 60
        for i in range(1, total + 1):
            _send(
                proc,
                {
                    "jsonrpc": "2.0",
                    "id": i,
                    "method": "tools/call",
                    "params": {
                        "name": "slack_send_message",
                        "arguments": {"channel": "general", "text": f"m{i}"},
                    },
                },
            )
        for _ in range(total // 2):
            reply = _read(proc)
            acknowledged.append(reply["result"]["_meta"][RECEIPT]["hash"])
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    with open_run("crash", tmp_path) as handle:
        stored = {r.hash for r in handle.store.receipts()}
        reducers = reducer_table(world_twins(handle.manifest["twins"]))
        report = verify_run(handle.store, handle.manifest, reducers, run_dir=handle.run_dir)
    missing = [h for h in acknowledged if h not in stored]
    assert not missing, f"{len(missing)} acknowledged calls are not in the log"
    # Killed: no checkpoint, so verify fails (a cut tail looks the same) until sealed.
    assert not report.ok and report.receipts == len(stored)
    assert report.failure is not None and report.failure.startswith("checkpoint: missing")
    sealed = subprocess.run(
        [sys.executable, "-c", RECOVER, "recover", "crash", "--state-dir", str(tmp_path)],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert sealed.returncode == 0, sealed.stderr
    with open_run("crash", tmp_path) as handle:
        report = verify_run(handle.store, handle.manifest, reducers, run_dir=handle.run_dir)
    assert report.ok, report.failure
    assert report.status == "crashed" and report.receipts == len(stored)
