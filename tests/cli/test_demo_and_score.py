"""`vei demo` runs the real server, verifies and scores; `vei-score` reads the stored run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from tests.e2e.conftest import clean_env
from vei.cli.score import app as score_app


def test_demo_succeeds_and_the_stored_run_scores_and_verifies(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "vei", "demo", "--state-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        env=clean_env({"COLUMNS": "200"}),
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "SUCCESS" in proc.stdout and "verified" in proc.stdout
    (run_dir,) = (tmp_path / "runs").iterdir()

    result = CliRunner().invoke(score_app, [str(run_dir), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["success"] is True and report["task"]["met"] == report["task"]["total"]
    assert all(c["evidence"]["receipts"] for c in report["task"]["criteria"])

    table = CliRunner().invoke(score_app, [str(run_dir)])
    assert table.exit_code == 0 and "SUCCESS" in table.output


def test_noop_demo_fails_and_scores_as_failure(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "vei", "demo", "--agent", "noop", "--state-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        env=clean_env({"COLUMNS": "200"}),
        timeout=300,
    )
    assert proc.returncode == 1
    assert "FAILURE" in proc.stdout
    (run_dir,) = (tmp_path / "runs").iterdir()
    result = CliRunner().invoke(score_app, [str(run_dir), "--json"])
    assert result.exit_code == 1 and json.loads(result.output)["success"] is False
