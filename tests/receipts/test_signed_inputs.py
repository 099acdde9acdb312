"""Regression tests for the record's weak spots: edited manifests, cut tails, snapshots.

Each test is named after what an auditor did to a finished run and checks that
``vei-state verify`` names it (and that ``vei-score`` refuses an edited run).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from vei.cli.score import app as score_app
from vei.cli.state import app as state_app
from vei.config import load_settings
from vei.core.twin import Reducer
from vei.receipts.verify import VerifyReport, verify_run
from vei.session import Session
from vei.store.rundir import open_run


def verify(run_dir: Path, reducers: dict[str, Reducer], **kwargs: Any) -> VerifyReport:
    with open_run(run_dir) as handle:
        return verify_run(handle.store, handle.manifest, reducers, run_dir=run_dir, **kwargs)


def edit_manifest(run_dir: Path, change: Callable[[dict[str, Any]], None]) -> None:
    path = run_dir / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


@pytest.fixture(scope="module")
def failed_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed procurement run that did only the first step (it read the product page)."""
    state_dir = tmp_path_factory.mktemp("state")
    session = Session(load_settings({"seed": 5, "state_dir": state_dir}, env={}))
    page = "https://macrocompute.example/products/macrobook-pro-16"
    assert session.call("browser_open", {"url": page}).ok
    session.call("slack_send_message", {"channel": "#general", "text": "hello"})
    session.close()
    assert session.run_dir is not None
    return session.run_dir


@pytest.fixture
def failed_copy(failed_run: Path, tmp_path: Path) -> Path:
    target = tmp_path / "runs" / failed_run.name
    shutil.copytree(failed_run, target)
    return target


def score(run_dir: Path) -> Any:
    return CliRunner().invoke(score_app, [str(run_dir), "--json"])


def test_untouched_failed_run_scores_as_failure(failed_copy: Path) -> None:
    result = score(failed_copy)
    assert result.exit_code == 1 and json.loads(result.stdout)["success"] is False


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("seed", lambda m: m.update(seed=m["seed"] + 1)),
        ("scenario", lambda m: m.update(scenario="procurement_over_budget")),
        ("configuration", lambda m: m["configuration"].update(policy_mode="warn")),
        (
            "scenario_spec",
            lambda m: m["scenario_spec"].update(criteria=m["scenario_spec"]["criteria"][:1]),
        ),
        ("vei_version", lambda m: m.update(vei_version="9.9.9")),
        ("created_at", lambda m: m.update(created_at="2000-01-01T00:00:00Z")),
    ],
)
def test_edited_manifest_fails_verify_and_is_not_scored(
    failed_copy: Path, field: str, change: Callable[[dict[str, Any]], None]
) -> None:
    edit_manifest(failed_copy, change)
    result = CliRunner().invoke(state_app, ["verify", str(failed_copy)])
    assert result.exit_code == 1
    assert f"FAILED {failed_copy.name}: manifest: '{field}' differs from what was signed" in (
        result.output
    )
    scored = score(failed_copy)
    assert scored.exit_code == 2
    assert "does not verify, so it is not scored" in scored.stderr
    assert json.loads(scored.stdout)["verified"] is False


def test_keeping_one_met_criterion_cannot_turn_a_failure_into_success(
    failed_copy: Path,
) -> None:
    # Only the criterion the run met (it read the product page) is kept.
    edit_manifest(
        failed_copy,
        lambda m: m["scenario_spec"].update(criteria=m["scenario_spec"]["criteria"][:1]),
    )
    scored = CliRunner().invoke(score_app, [str(failed_copy)])
    assert scored.exit_code == 2 and "SUCCESS" not in scored.output


def test_cut_tail_with_checkpoint_and_final_snapshot_fails_and_says_how_far(
    run_copy: Path, kv_reducers: dict[str, Reducer]
) -> None:
    with sqlite3.connect(run_copy / "events.sqlite") as conn:
        conn.execute("DELETE FROM receipts WHERE idx > 8")
        conn.execute("DELETE FROM events WHERE seq > 7")
        conn.execute("DELETE FROM checkpoint")
        conn.execute("DELETE FROM snapshots WHERE revision > 7")
    conn.close()
    report = verify(run_copy, kv_reducers)
    assert not report.ok
    assert report.failure is not None
    assert report.failure.startswith("checkpoint: missing: the run was not closed")
    assert "receipts 1-8 verify" in report.failure


def test_pinned_key_is_required_to_match(
    pristine_run: Path, kv_reducers: dict[str, Reducer], kv_signer: Any
) -> None:
    other = "ab" * 32
    report = verify(pristine_run, kv_reducers, public_key=other)
    assert report.failure == (
        f"manifest: public_key {kv_signer.public_key_hex} is not the pinned key {other} "
        "(the run was signed with another key)"
    )
    pinned = verify(pristine_run, kv_reducers, public_key=kv_signer.public_key_hex)
    assert pinned.ok and pinned.key_pinned
    assert "every signature is by the pinned key" in pinned.proven
    unpinned = verify(pristine_run, kv_reducers)
    assert unpinned.ok and not unpinned.key_pinned
    assert any("not pinned" in fact for fact in unpinned.proven)


def test_verify_cli_pins_a_key_given_as_hex_or_key_file(failed_run: Path, tmp_path: Path) -> None:
    pristine_run = failed_run
    hex_key = json.loads((failed_run / "manifest.json").read_text())["public_key"]
    ok = CliRunner().invoke(state_app, ["verify", str(pristine_run), "--public-key", hex_key])
    assert ok.exit_code == 0, ok.output
    assert "(pinned)" in ok.output and "every signature is by the pinned key" in ok.output
    key_file = tmp_path / "operator.pub"
    key_file.write_text(hex_key + "\n")
    from_file = CliRunner().invoke(
        state_app, ["verify", str(pristine_run), "--public-key", str(key_file)]
    )
    assert from_file.exit_code == 0, from_file.output
    wrong = CliRunner().invoke(state_app, ["verify", str(pristine_run), "--public-key", "cd" * 32])
    assert wrong.exit_code == 1 and "is not the pinned key" in wrong.output
    junk = CliRunner().invoke(state_app, ["verify", str(pristine_run), "--public-key", "nope"])
    assert junk.exit_code == 2 and "--public-key" in junk.output


def test_changed_snapshot_time_is_named(run_copy: Path, kv_reducers: dict[str, Reducer]) -> None:
    with sqlite3.connect(run_copy / "events.sqlite") as conn:
        conn.execute("UPDATE snapshots SET t_ms = t_ms + 1 WHERE revision = 3")
    conn.close()
    failure = verify(run_copy, kv_reducers).failure
    assert failure is not None and failure.startswith("snapshot at revision 3: t_ms")


@pytest.mark.parametrize(
    ("revision", "what"), [(3, "a snapshot"), (9, "the final snapshot")], ids=["mid", "final"]
)
def test_deleted_snapshot_is_named(
    run_copy: Path, kv_reducers: dict[str, Reducer], revision: int, what: str
) -> None:
    with sqlite3.connect(run_copy / "events.sqlite") as conn:
        conn.execute("DELETE FROM snapshots WHERE revision = ?", (revision,))
    conn.close()
    failure = verify(run_copy, kv_reducers).failure
    assert failure is not None
    assert failure.startswith(f"snapshot at revision {revision}: missing ({what} taken after")


def test_run_directory_renamed_away_from_its_run_id_is_named(
    run_copy: Path, kv_reducers: dict[str, Reducer]
) -> None:
    renamed = run_copy.with_name("another-name")
    run_copy.rename(renamed)
    assert verify(renamed, kv_reducers).failure == (
        "manifest: run_id 'kv-s7-test' is not the run directory's name 'another-name'"
    )


def test_missing_genesis_is_named(run_copy: Path, kv_reducers: dict[str, Reducer]) -> None:
    with sqlite3.connect(run_copy / "events.sqlite") as conn:
        conn.execute("DELETE FROM genesis")
    conn.close()
    assert verify(run_copy, kv_reducers).failure == "genesis: missing (the run's signed inputs)"
