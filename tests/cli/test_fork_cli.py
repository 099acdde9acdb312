"""vei-state fork: a new run from a stored run's state at a revision, or a clear refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from vei.cli.state import app
from vei.config import load_settings
from vei.session import Session
from vei.store.rundir import list_runs


@pytest.fixture
def parent(tmp_path: Path) -> tuple[Path, int]:
    """A closed run in ``tmp_path`` named ``parent``; returns (state dir, a fork revision)."""
    session = Session(load_settings({"state_dir": tmp_path}, env={}), run_id="parent")
    session.call("slack_send_message", {"channel": "#general", "text": "one"})
    at = session.world.revision
    expected = session.world.state_hash()
    session.call("slack_send_message", {"channel": "#general", "text": "two"})
    session.close()
    (tmp_path / "expected").write_text(expected)
    return tmp_path, at


def fork(state_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["fork", *args, "--state-dir", str(state_dir)])


def test_fork_makes_a_verified_run_in_the_parents_state(parent: tuple[Path, int]) -> None:
    state_dir, at = parent
    result = fork(state_dir, "parent", "--at", str(at), "--run-id", "what-if", "--json")
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["run_id"] == "what-if"
    assert info["parent"] == {"run": "parent", "revision": at, "receipt": 1}
    assert info["state_hash"] == (state_dir / "expected").read_text()
    manifest = json.loads((state_dir / "runs" / "what-if" / "manifest.json").read_text())
    assert manifest["parent"]["run"] == "parent" and manifest["parent"]["revision"] == at
    verified = CliRunner().invoke(app, ["verify", "what-if", "--state-dir", str(state_dir)])
    assert verified.exit_code == 0, verified.output
    assert f"parent     parent at revision {at} (receipt 1," in verified.output
    assert "): checked" in verified.output


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("-1", "the revision must be a non-negative integer, not -1"),
        ("two", "'two' is not a revision (a non-negative integer)"),
        ("1.5", "'1.5' is not a revision"),
        ("99", "core.invalid_revision: revision 99 is beyond the head of run parent"),
    ],
)
def test_a_bad_revision_is_refused_and_creates_nothing(
    parent: tuple[Path, int], at: str, message: str
) -> None:
    state_dir, _ = parent
    result = fork(state_dir, "parent", "--at", at)
    assert result.exit_code == 2
    assert message in result.output
    assert [r.run_id for r in list_runs(state_dir)] == ["parent"]


def test_an_unknown_parent_or_a_taken_run_id_is_refused(parent: tuple[Path, int]) -> None:
    state_dir, at = parent
    missing = fork(state_dir, "nope", "--at", "0")
    assert missing.exit_code == 2 and "no run 'nope'" in missing.output
    taken = fork(state_dir, "parent", "--at", str(at), "--run-id", "parent")
    assert taken.exit_code == 2 and "already exists" in taken.output
