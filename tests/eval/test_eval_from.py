"""``vei eval --from RUN@REV``: every episode starts in the parent's state at REV."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from vei.cli.main import app
from vei.config import load_settings
from vei.eval.drivers import server_argv
from vei.eval.plan import AgentSpec, episode_specs
from vei.session import Session
from vei.store.rundir import list_runs, open_run

runner = CliRunner()


def make_parent(state_dir: Path) -> tuple[int, str]:
    session = Session(load_settings({"state_dir": state_dir}, env={}), run_id="parent")
    session.call("slack_send_message", {"channel": "#general", "text": "already said"})
    session.call("vei_tick", {"dt_ms": 1_000})
    at, state = session.world.revision, session.world.state_hash()
    session.close()
    return at, state


def test_every_episode_forks_the_parent_at_the_revision(tmp_path: Path) -> None:
    at, state = make_parent(tmp_path / "src")
    out = tmp_path / "eval"
    ref = f"{tmp_path / 'src' / 'runs' / 'parent'}@{at}"
    args = ["eval", "--agent", "oracle", "--from", ref, "--trials", "2", "--workers", "1"]
    result = runner.invoke(app, [*args, "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    episodes = [json.loads(line) for line in (out / "episodes.jsonl").read_text().splitlines()]
    assert [e["trial"] for e in episodes] == [0, 1]
    assert all(e["success"] and e["verified"] for e in episodes)
    # Same start, same agent: the same chain head in every trial.
    assert episodes[0]["chain_head"] == episodes[1]["chain_head"]
    for episode in episodes:
        with open_run(episode["run_id"], out) as handle:
            assert handle.manifest["parent"]["run"] == "parent"
            assert handle.manifest["parent"]["revision"] == at
            assert handle.manifest["parent"]["state_hash"] == state
            first = next(handle.store.events())
            assert first.seq == at + 1
    config = json.loads((out / "eval.json").read_text())
    assert config["from"]["run"] == "parent" and config["from"]["revision"] == at


def test_a_bad_from_is_refused_before_any_episode(tmp_path: Path) -> None:
    at, _ = make_parent(tmp_path / "src")
    parent = tmp_path / "src" / "runs" / "parent"
    for ref, message in (
        (f"{parent}@{at + 50}", "core.invalid_revision: revision"),
        (f"{parent}@-3", "non-negative integer"),
        (f"{parent}", "is not RUN@REV"),
        (f"{tmp_path / 'nope'}@0", "no run"),
    ):
        out = tmp_path / "eval"
        args = ["eval", "--agent", "noop", "--from", ref, "--out", str(out)]
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (ref, result.output)
        assert message in result.output
        assert not (out / "runs").exists() or list_runs(out) == []
    seeds = runner.invoke(
        app,
        ["eval", "--agent", "noop", "--from", f"{parent}@0", "--seeds", "2"]
        + ["--out", str(tmp_path / "eval")],
    )
    assert seeds.exit_code == 2 and "leave out --scenarios and --seeds" in seeds.output


def test_a_command_agents_server_forks_too(tmp_path: Path) -> None:
    agent = AgentSpec("cmd:x", "cmd", "x {server}")
    settings = load_settings({}, env={})
    (spec,) = episode_specs(
        agent, [("core", "procurement")], [42042], 1, settings, tmp_path, ("/p/runs/x", 4)
    )
    argv = server_argv(spec)
    assert argv[argv.index("--from") + 1] == "/p/runs/x@4"
    assert "--scenario" not in argv and "--seed" not in argv
