"""``vei eval`` end to end: the oracle succeeds and noop fails on every episode, the summary
agrees with the episodes file, ``compare`` tells them apart, and bad input is refused."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from vei.cli.eval import EvalProgress
from vei.cli.main import app
from vei.eval.stats import pass_hat_k, wilson
from vei.scenarios import known_scenarios
from vei.store.rundir import open_run

runner = CliRunner()


def _eval(out: Path, agent: str, *extra: str) -> tuple[int, dict[str, Any]]:
    args = ["eval", "--agent", agent, "--scenarios", "core", "--seeds", "1-3", "--trials", "2"]
    result = runner.invoke(app, [*args, "--workers", "1", "--out", str(out), "--json", *extra])
    return result.exit_code, json.loads(result.stdout) if result.exit_code in (0, 1) else {}


def _episodes(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "episodes.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def oracle_and_noop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("evals")
    for agent in ("oracle", "noop"):
        code, _ = _eval(root / agent, agent)
        assert code == 0
    return root / "oracle", root / "noop"


def test_the_oracle_succeeds_and_noop_fails_on_every_episode(
    oracle_and_noop: tuple[Path, Path],
) -> None:
    oracle, noop = oracle_and_noop
    expected = len(known_scenarios("core")) * 3 * 2
    for out, success in ((oracle, True), (noop, False)):
        lines = _episodes(out)
        assert len(lines) == expected
        assert all(line["success"] is success and line["error"] is None for line in lines)
        assert all(line["verified"] and line["chain_head"] for line in lines)
        assert {(line["scenario"], line["seed"], line["trial"]) for line in lines} == {
            (name, seed, trial)
            for name in known_scenarios("core")
            for seed in (1, 2, 3)
            for trial in (0, 1)
        }
    sample = _episodes(oracle)[0]
    with open_run(oracle / sample["run_dir"]) as handle:
        assert "agent" not in handle.manifest  # signed inputs: the calls, not who made them
        assert handle.store.checkpoint() is not None


def test_the_summary_numbers_are_those_of_the_episodes_file(
    oracle_and_noop: tuple[Path, Path],
) -> None:
    for out in oracle_and_noop:
        lines = _episodes(out)
        summary = json.loads((out / "summary.json").read_text())
        overall = summary["overall"]
        wins = sum(line["success"] for line in lines)
        assert overall["episodes"] == len(lines) and overall["success"]["successes"] == wins
        assert overall["success"]["ci95"] == list(wilson(wins, len(lines)) or ())
        for name, scope in summary["scenarios"].items():
            mine = [line for line in lines if f"{line['pack']}/{line['scenario']}" == name]
            assert scope["episodes"] == len(mine) == 6
            per_seed = [(sum(x["success"] for x in mine if x["seed"] == s), 2) for s in (1, 2, 3)]
            assert scope["pass_k"] == {"1": pass_hat_k(per_seed, 1), "2": pass_hat_k(per_seed, 2)}
            calls = [line["axes"]["tool_calls"] for line in mine]
            assert scope["axes"]["tool_calls"]["mean"] == pytest.approx(sum(calls) / len(calls))
            low, high = scope["axes"]["tool_calls"]["ci95"]
            assert low <= sum(calls) / len(calls) <= high
            score_calls = [line["score"]["tool_calls"] for line in mine]
            assert calls == score_calls


def test_the_summary_is_reproducible(oracle_and_noop: tuple[Path, Path]) -> None:
    oracle, _ = oracle_and_noop
    shown = runner.invoke(app, ["eval", "show", str(oracle), "--json"])
    assert shown.exit_code == 0
    again = json.loads(shown.stdout)
    assert again == json.loads((oracle / "summary.json").read_text())


def test_compare_finds_the_oracle_better_and_an_eval_equal_to_itself(
    oracle_and_noop: tuple[Path, Path],
) -> None:
    oracle, noop = oracle_and_noop
    result = runner.invoke(app, ["eval", "compare", str(noop), str(oracle), "--json"])
    assert result.exit_code == 0, result.output
    rows = {(r["scope"], r["metric"]): r for r in json.loads(result.stdout)["rows"]}
    success = rows[("overall", "success")]
    assert success["a"] == 0 and success["b"] == 1 and success["significant"]
    # three seeds per scenario cannot show anything at 5%: the test says so
    assert not rows[("core/procurement", "success")]["significant"]
    table = runner.invoke(app, ["eval", "compare", str(noop), str(oracle)])
    assert "beyond the noise" in table.stdout and "overall success" in table.stdout
    same = runner.invoke(app, ["eval", "compare", str(oracle), str(oracle), "--json"])
    assert not any(r["significant"] for r in json.loads(same.stdout)["rows"])


def test_a_finished_eval_is_not_run_again(oracle_and_noop: tuple[Path, Path]) -> None:
    oracle, _ = oracle_and_noop
    before = (oracle / "episodes.jsonl").read_bytes()
    result = runner.invoke(
        app,
        ["eval", "--agent", "oracle", "--seeds", "1-3", "--trials", "2", "--out", str(oracle)],
    )
    assert result.exit_code == 0 and "0 episodes run now" in result.stdout
    assert (oracle / "episodes.jsonl").read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--seeds", "3-1"], "--seeds: '3-1' is not a range"),
        (["--seeds", "one"], "--seeds: 'one' is not a seed"),
        (["--scenarios", "nosuch*"], "--scenarios: 'nosuch\\*' matches no pack"),
        (["--trials", "0"], "--trials: must be at least 1"),
        (["--backend", "spark"], "--backend: 'spark' is not allowed"),
        (["--ray-address", "auto"], "--ray-address applies only to --backend ray"),
        (["--workers", "0"], "--workers: must be at least 1"),
    ],
)
def test_bad_arguments_stop_with_a_message_naming_them(
    tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "eval"
    result = runner.invoke(app, ["eval", "--agent", "noop", "--out", str(out), *args])
    assert result.exit_code == 2
    assert message.replace("\\", "") in result.output
    assert not (out / "episodes.jsonl").exists()


def test_an_unknown_setting_stops_the_eval(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["eval", "--agent", "noop", "--out", str(tmp_path / "e")],
        env={"VEI_DRIFT_MODE": "sometimes"},
    )
    assert result.exit_code == 2 and "VEI_DRIFT_MODE" in result.output


def test_the_progress_bar_shows_an_eta() -> None:
    from vei.eval.episode import EpisodeResult

    screen = io.StringIO()
    bar = EvalProgress(Console(file=screen, force_terminal=True, width=120, color_system=None))
    with bar.progress:
        bar.start(4, 2)
        done = EpisodeResult("core", "procurement", 1, 0, "oracle", True, True, "r", None, None, 3)
        bar.advance(done)
    text = screen.getvalue()
    assert "resuming: 2 episodes already recorded" in text
    assert "ETA" in text and "1/4" in text and "1 ok" in text


def test_an_agent_error_makes_the_exit_code_1_and_is_named(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["eval", "--agent", "py:tests.eval.py_agents:chatty", "--workers", "1"]
        + ["--scenarios", "procurement", "--out", str(tmp_path / "e")],
    )
    assert result.exit_code == 1
    assert "procurement-s1-t0: PythonAgentError" in result.output
