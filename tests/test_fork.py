"""Fork at a revision: the fork starts in the parent's exact state, so the parent's own calls
after the fork point, made on the fork, end in the parent's final state (and events)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from vei.config import Settings, load_settings
from vei.eval.drivers import drive_scripted
from vei.fork import INVALID_REVISION, ForkError, fork_stored_run, parse_fork_ref
from vei.session import Session
from vei.store.rundir import list_runs, open_run


def settings_for(state_dir: Path | None, scenario: str = "procurement") -> Settings:
    overrides: dict[str, Any] = {"scenario": scenario}
    if state_dir is not None:
        overrides["state_dir"] = state_dir
    return load_settings(overrides, env={})


def oracle_run(state_dir: Path, run_id: str, scenario: str = "procurement") -> Session:
    """A closed run of the scenario's oracle (its calls are in calls.jsonl)."""
    session = Session(settings_for(state_dir, scenario), run_id=run_id)
    anyio.run(drive_scripted, "oracle", session)
    session.close()
    return session


def journal(state_dir: Path, run_id: str) -> list[dict[str, Any]]:
    """The run's top-level calls, in order (inner calls of vei_act_and_observe are left
    out: the outer call makes them again)."""
    lines = (state_dir / "runs" / run_id / "calls.jsonl").read_text().splitlines()
    return [entry for entry in map(json.loads, lines) if "via" not in entry]


def boundaries(state_dir: Path, run_id: str) -> list[int]:
    """Every revision a call ended at (the valid fork points)."""
    with open_run(run_id, state_dir) as handle:
        return sorted({0, *(r.body["rev_after"] for r in handle.store.receipts())})


def event_lines(state_dir: Path, run_id: str, after: int) -> list[str]:
    with open_run(run_id, state_dir) as handle:
        return [e.to_json() for e in handle.store.events(after=after)]


def redo(fork: Session, calls: list[dict[str, Any]]) -> None:
    """Make on ``fork`` the parent's calls after the fork point."""
    for call in calls:
        if call["index"] > fork.world.base_receipts:
            fork.call(call["tool"], call["args"])


@pytest.fixture(scope="module")
def parents(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    state_dir = tmp_path_factory.mktemp("fork-parents")
    oracle_run(state_dir, "procurement-parent")
    # A scenario with a monitor: its findings are numbered by receipt index, and the
    # monitor's history comes from the parent's receipts before the fork point.
    oracle_run(state_dir, "spend-parent", "spend_before_approval")
    yield state_dir


@pytest.mark.parametrize("parent", ["procurement-parent", "spend-parent"])
def test_parent_calls_after_the_fork_point_end_in_the_parents_state(
    parents: Path, parent: str
) -> None:
    with open_run(parent, parents) as handle:
        checkpoint = handle.store.checkpoint()
        scenario = handle.manifest["scenario"]
    assert checkpoint is not None
    calls = journal(parents, parent)
    points = boundaries(parents, parent)
    assert len(points) > 4
    for at in (points[0], points[len(points) // 2], points[-2], points[-1]):
        fork = fork_stored_run(parent, at, settings_for(parents, scenario))
        assert fork.world.revision == at
        redo(fork, calls)
        assert fork.world.state_hash() == checkpoint.state_hash, f"fork at {at}"
        assert fork.world.revision == checkpoint.revision
        fork_id = fork.world.run_id
        fork.close()
        # Not only the same end: event for event the same log after the fork point.
        assert event_lines(parents, fork_id, at) == event_lines(parents, parent, at)


def test_a_fork_starts_in_the_parents_state_not_the_seeded_one(parents: Path) -> None:
    at = boundaries(parents, "procurement-parent")[-1]
    fork = fork_stored_run("procurement-parent", at, settings_for(parents))
    fresh = Session(settings_for(None))
    assert fork.world.state_hash() != fresh.world.state_hash()
    with open_run("procurement-parent", parents) as handle:
        checkpoint = handle.store.checkpoint()
    assert checkpoint is not None
    assert fork.world.state_hash() == checkpoint.state_hash
    assert fork.world.clock_ms == checkpoint.t_ms
    assert fork.world.chain.count == checkpoint.size
    fork.close()
    fresh.close()


def test_session_fork_in_memory_follows_the_same_calls() -> None:
    parent = Session(settings_for(None))
    calls = [
        ("slack_send_message", {"channel": "#general", "text": "one"}),
        ("vei_tick", {"dt_ms": 5_000}),
        ("slack_send_message", {"channel": "#general", "text": "two"}),
        ("vei_observe", {}),
        ("slack_send_message", {"channel": "#general", "text": "three"}),
    ]
    revisions = []
    for name, args in calls:
        parent.call(name, args)
        revisions.append(parent.world.revision)
    fork = parent.fork(revisions[1])
    assert fork.world.run_id != parent.world.run_id
    assert fork.world.revision == revisions[1] and fork.world.chain.count == 2
    for name, args in calls[2:]:
        fork.call(name, args)
    assert fork.world.state_hash() == parent.world.state_hash()
    assert [e.to_json() for e in fork.world.store.events()] == [
        e.to_json() for e in parent.world.store.events(after=revisions[1])
    ]
    # The parent goes on unchanged, and the fork's manifest link names it.
    assert parent.world.revision == revisions[-1]
    manifest = json.loads(fork.world.genesis.inputs)
    assert manifest["parent"]["run"] == parent.world.run_id
    assert manifest["parent"]["revision"] == revisions[1]
    assert manifest["parent"]["receipt"] == 2


@pytest.mark.parametrize("bad", [-1, "3", 2.5, True, None])
def test_a_revision_that_is_not_a_non_negative_integer_is_refused(
    tmp_path: Path, bad: object
) -> None:
    parent = Session(settings_for(tmp_path))
    parent.call("slack_send_message", {"channel": "#general", "text": "one"})
    with pytest.raises(ForkError) as caught:
        parent.fork(bad)  # type: ignore[arg-type]
    assert caught.value.code == INVALID_REVISION
    assert "non-negative integer" in caught.value.message
    assert [r.run_id for r in list_runs(tmp_path)] == [parent.world.run_id]
    parent.close()


def test_a_revision_beyond_the_head_or_inside_a_call_is_refused(tmp_path: Path) -> None:
    parent = oracle_run(tmp_path, "parent")
    head = parent.world.revision
    with pytest.raises(ForkError, match=f"beyond the head of run parent .*is {head}"):
        fork_stored_run("parent", head + 1, settings_for(tmp_path))
    inside = next(
        r for r in range(head) if r not in boundaries(tmp_path, "parent")
    )  # some call caused several events
    with pytest.raises(ForkError, match=f"revision {inside} falls inside receipt") as caught:
        fork_stored_run("parent", inside, settings_for(tmp_path))
    assert caught.value.code == INVALID_REVISION
    assert [r.run_id for r in list_runs(tmp_path)] == ["parent"]


def test_a_fork_of_a_fork_cannot_go_back_before_its_start(tmp_path: Path) -> None:
    oracle_run(tmp_path, "parent")
    at = boundaries(tmp_path, "parent")[3]
    fork_stored_run("parent", at, settings_for(tmp_path), run_id="child").close()
    with pytest.raises(ForkError, match="before the start of run child"):
        fork_stored_run("child", at - 1, settings_for(tmp_path))
    grandchild = fork_stored_run("child", at, settings_for(tmp_path), run_id="grandchild")
    assert grandchild.world.revision == at
    grandchild.close()


def test_a_crashed_run_can_be_forked_from_what_it_committed(tmp_path: Path) -> None:
    parent = Session(settings_for(tmp_path), run_id="crashed")
    for text in ("one", "two", "three"):
        parent.call("slack_send_message", {"channel": "#general", "text": text})
    committed = parent.world.revision
    expected = parent.world.state_hash()
    parent.world.store.close()  # the writer stops: no final snapshot, no checkpoint
    fork = fork_stored_run("crashed", committed, settings_for(tmp_path))
    assert fork.world.state_hash() == expected
    fork.close()


def test_fork_refs_are_run_at_revision() -> None:
    assert parse_fork_ref("runs/abc@12") == ("runs/abc", 12)
    assert parse_fork_ref("a@b@0") == ("a@b", 0)
    for bad in ("abc", "@3", "abc@", "abc@x", "abc@-2", "abc@1.5"):
        with pytest.raises(ForkError):
            parse_fork_ref(bad)


@pytest.mark.parametrize("stored", [True, False])
def test_a_forks_monitors_remember_the_parents_calls(tmp_path: Path, stored: bool) -> None:
    overrides: dict[str, Any] = {"monitors": "tool_aware"}
    if stored:
        overrides["state_dir"] = tmp_path
    parent = Session(load_settings(overrides, env={}))
    hello = {"channel": "#general", "text": "hello"}
    parent.call("slack_send_message", hello)
    parent.call("vei_tick", {"dt_ms": 1_000})
    fork = parent.fork(parent.world.revision)
    for session in (parent, fork):
        # The same write again: the monitor must know the first one, made before the fork.
        outcome = session.call("slack_send_message", hello)
        kinds = [e.data.get("code") for e in outcome.events if e.kind == "monitor.finding"]
        assert "tool_aware.repeated_write" in kinds
    assert fork.world.state_hash() == parent.world.state_hash()


def test_time_can_pass_in_a_fork_of_a_drift_run_and_it_still_verifies(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from vei.cli.drift import app as drift_app
    from vei.cli.state import app as state_app

    settings = load_settings({"drift_mode": "light", "state_dir": tmp_path}, env={})
    parent = Session(settings, run_id="drifting")
    parent.call("slack_send_message", {"channel": "#procurement", "text": "Approve $3,199"})
    parent.call("vei_tick", {"dt_ms": 300_000})
    at = parent.world.revision
    parent.close()
    fork_stored_run("drifting", at, settings, run_id="drift-fork").close()
    runner = CliRunner()
    passed = runner.invoke(
        drift_app, ["run", "drift-fork", "--until", "1h", "--state-dir", str(tmp_path), "--json"]
    )
    assert passed.exit_code == 0, passed.output
    assert json.loads(passed.stdout)["events"] > 0
    verified = runner.invoke(state_app, ["verify", "drift-fork", "--state-dir", str(tmp_path)])
    assert verified.exit_code == 0, verified.output
    assert "): checked" in verified.output
