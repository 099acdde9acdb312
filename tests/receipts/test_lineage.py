"""verify on a fork: its own log from the fork point, and its signed link to the parent,
checked against the parent when the parent is in the same state dir."""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from vei.assembly import world_twins
from vei.config import load_settings
from vei.core.state import reducer_table
from vei.fork import fork_point, fork_stored_run
from vei.receipts.verify import VerifyReport, verify_run
from vei.session import Session
from vei.store.rundir import open_run

HELLO = {"channel": "#general", "text": "hello"}


def settings(state_dir: Path) -> Any:
    return load_settings({"state_dir": state_dir}, env={})


def make_parent(state_dir: Path, run_id: str = "parent") -> int:
    """A closed run of a few calls; returns the revision after its second call."""
    session = Session(settings(state_dir), run_id=run_id)
    session.call("slack_send_message", HELLO)
    session.call("vei_tick", {"dt_ms": 60_000})
    at = session.world.revision
    session.call("slack_send_message", {"channel": "#general", "text": "after"})
    session.close()
    return at


def make_fork(state_dir: Path, at: int, run_id: str = "fork", parent: str = "parent") -> Path:
    fork = fork_stored_run(parent, at, settings(state_dir), run_id=run_id)
    fork.call("slack_send_message", {"channel": "#general", "text": "other"})
    fork.close()
    assert fork.run_dir is not None
    return fork.run_dir


def verify(run_dir: Path) -> VerifyReport:
    with open_run(run_dir) as handle:
        reducers = reducer_table(world_twins(list(handle.manifest["twins"])))
        return verify_run(handle.store, handle.manifest, reducers, run_dir=run_dir)


def edit_manifest(run_dir: Path, **parent: Any) -> None:
    path = run_dir / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["parent"].update(parent)
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True))


def test_a_fork_verifies_with_its_parent_checked(tmp_path: Path) -> None:
    at = make_parent(tmp_path)
    report = verify(make_fork(tmp_path, at))
    assert report.ok, report.failure
    assert report.parent is not None and report.parent["checked"] is True
    assert (report.parent["run"], report.parent["revision"]) == ("parent", at)
    assert report.receipts == 1  # its own: receipt 3 (the parent had made 2 by then)
    assert any("the parent verifies" in fact for fact in report.proven)
    assert any(fact.startswith("receipts 3-3 ") for fact in report.proven)


@pytest.mark.parametrize(
    "change",
    [{"revision": 999}, {"chain_head": "0" * 64}, {"run": "other"}, {"receipt": 7}, {"t_ms": 5}],
)
def test_altering_the_parent_link_fails_verify(tmp_path: Path, change: dict[str, Any]) -> None:
    at = make_parent(tmp_path)
    fork_dir = make_fork(tmp_path, at)
    edit_manifest(fork_dir, **change)
    report = verify(fork_dir)
    assert not report.ok
    assert (
        report.failure
        == "manifest: 'parent' differs from what was signed when the run started (genesis)"
    )


def test_a_forged_link_signed_with_the_key_fails_against_the_parent(tmp_path: Path) -> None:
    at = make_parent(tmp_path)
    with open_run("parent", tmp_path) as handle:
        reducers = reducer_table(world_twins(list(handle.manifest["twins"])))
        point = fork_point(handle.store, at, reducers, run="parent")
    parent = Session(settings(tmp_path), run_id="scratch")  # only for its settings
    parent.close()
    # Whoever holds the state dir's key can sign any link: the parent still disproves it.
    forged_state = json.loads(json.dumps(point.state))
    forged_state["core"]["idempotency"]["forged"] = {"tool": "x", "args_digest": "y", "result": {}}
    from vei.core.state import state_hash

    for forged, named in (
        (replace(point, chain_head="f" * 64), "chain_head"),
        (replace(point, state=forged_state, state_hash=state_hash(forged_state)), "state_hash"),
    ):
        session = Session(settings(tmp_path), run_id=f"forged-{named}", fork=forged)
        session.close()
        assert session.run_dir is not None
        report = verify(session.run_dir)
        assert not report.ok
        assert report.failure is not None and report.failure.startswith(
            f"parent parent: its {named} at receipt 2"
        ), report.failure


def test_a_damaged_parent_fails_its_forks_verify(tmp_path: Path) -> None:
    at = make_parent(tmp_path)
    fork_dir = make_fork(tmp_path, at)
    with sqlite3.connect(tmp_path / "runs" / "parent" / "events.sqlite") as db:
        db.execute("UPDATE events SET body = replace(body, 'hello', 'HELLO') WHERE seq = 1")
    report = verify(fork_dir)
    assert not report.ok
    assert report.failure is not None and report.failure.startswith(
        "parent parent: does not verify: event 1:"
    )


def test_a_fork_without_its_parent_verifies_and_says_what_is_not_proven(tmp_path: Path) -> None:
    at = make_parent(tmp_path / "a")
    fork_dir = make_fork(tmp_path / "a", at)
    moved = tmp_path / "b" / "runs" / "fork"
    moved.parent.mkdir(parents=True)
    shutil.move(fork_dir, moved)
    report = verify(moved)
    assert report.ok, report.failure
    assert report.parent is not None and report.parent["checked"] is False
    assert "run parent is not in" in report.parent["reason"]
    assert any("is not proven here" in fact for fact in report.proven)


def test_a_forks_chain_head_does_not_depend_on_the_parents_name(tmp_path: Path) -> None:
    heads = []
    for name in ("first-name", "second-name"):
        at = make_parent(tmp_path, name)
        report = verify(make_fork(tmp_path, at, run_id=f"fork-of-{name}", parent=name))
        assert report.ok, report.failure
        heads.append(report.chain_head)
    assert heads[0] == heads[1]


def test_a_fork_closed_without_events_verifies(tmp_path: Path) -> None:
    # Its final snapshot, at the fork revision, replaces the starting one.
    at = make_parent(tmp_path)
    fork = fork_stored_run("parent", at, settings(tmp_path), run_id="reads-only")
    fork.call("vei_observe", {})
    fork.close()
    assert fork.run_dir is not None
    report = verify(fork.run_dir)
    assert report.ok, report.failure
    assert report.receipts == 1 and report.events == 0


def test_a_fork_of_a_crashed_parent_verifies_once_the_parent_is_sealed(tmp_path: Path) -> None:
    from vei.receipts.recover import recover_run
    from vei.receipts.signing import load_or_create_signer

    parent = Session(settings(tmp_path), run_id="parent")
    parent.call("slack_send_message", HELLO)
    at = parent.world.revision
    parent.call("slack_send_message", {"channel": "#general", "text": "last words"})
    parent.world.store.close()  # the writer stops: no checkpoint
    fork_dir = make_fork(tmp_path, at)
    report = verify(fork_dir)
    assert not report.ok
    assert report.failure is not None
    assert report.failure.startswith("parent parent: does not verify: checkpoint: missing")
    with open_run("parent", tmp_path, writer=True) as handle:
        reducers = reducer_table(world_twins(list(handle.manifest["twins"])))
        recover_run(handle, load_or_create_signer(tmp_path), reducers)
    report = verify(fork_dir)
    assert report.ok, report.failure
    assert report.parent is not None and report.parent["parent_status"] == "crashed"
