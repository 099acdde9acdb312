"""`vei serve` start-up and shutdown problems are one line naming the problem, exit 2.

Regression: these printed tracebacks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from vei.cli.main import app
from vei.config import load_settings
from vei.core.world import WorldBrokenError
from vei.session import Session


def serve(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner(env=env).invoke(app, ["serve", *args])


def one_line(result: Any) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    line: str = lines[0]
    return line


def test_an_existing_run_id_is_refused(tmp_path: Path) -> None:
    session = Session(load_settings({"state_dir": tmp_path}, env={}), run_id="taken")
    session.close()
    line = one_line(serve("--state-dir", str(tmp_path), "--run-id", "taken"))
    assert line.startswith("vei: run 'taken' already exists")


def test_a_state_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    afile = tmp_path / "file"
    afile.write_text("")
    assert "is not a directory" in one_line(serve("--state-dir", str(afile)))


def test_a_state_dir_below_a_file_is_refused(tmp_path: Path) -> None:
    afile = tmp_path / "file"
    afile.write_text("")
    assert "cannot create" in one_line(serve("--state-dir", str(afile / "below")))


def test_a_home_that_does_not_exist_is_refused() -> None:
    line = one_line(serve(env={"VEI_STATE_DIR": "~no-such-user-anywhere/runs"}))
    assert "VEI_STATE_DIR" in line


def test_a_dangling_key_symlink_is_refused(tmp_path: Path) -> None:
    (tmp_path / "receipt-key.pem").symlink_to(tmp_path / "gone.pem")
    assert "dangling symlink" in one_line(serve("--state-dir", str(tmp_path)))


def test_a_bad_seed_flag_is_refused() -> None:
    assert "VEI_SEED" in one_line(serve("--seed", "1_000"))


def test_a_full_disk_at_shutdown_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def full_at_close(session: Session) -> None:
        raise WorldBrokenError("closing the run failed: database or disk is full")

    monkeypatch.setattr("vei.adapters.mcp.serve_stdio", full_at_close)
    result = serve("--state-dir", str(tmp_path), "--run-id", "full")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"vei: run full in {tmp_path / 'runs' / 'full'}"
    assert lines[1].startswith("vei: run full could not be closed: closing the run failed")
    assert "vei-state recover full" in lines[1] and len(lines) == 2
