"""An interrupted eval resumes where it stopped: finished episodes are not redone, a torn
last journal line and a half-made run are dropped, and a directory keeps one configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from vei import agents
from vei.agents.base import AgentError, ToolClient
from vei.eval import EvalPlan, parse_agent, run_eval
from vei.eval.episode import EpisodeResult
from vei.eval.journal import EvalDirError, read_episodes
from vei.scenarios import Scenario


class StopAfter:
    """A reporter that interrupts the eval (as Ctrl-C would) after ``n`` episodes."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.seen = 0

    def start(self, pending: int, done: int) -> None:
        self.pending, self.done = pending, done

    def advance(self, result: EpisodeResult) -> None:
        self.seen += 1
        if self.seen == self.n:
            raise KeyboardInterrupt


def _plan(out: Path, agent: str = "oracle", seeds: tuple[int, ...] = (1, 2)) -> EvalPlan:
    scenarios = [("core", "procurement"), ("core", "vendor_webform")]
    return EvalPlan(parse_agent(agent), scenarios, list(seeds), 1, out)


def test_an_interrupted_eval_resumes_without_redoing_finished_episodes(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "eval")
    with pytest.raises(KeyboardInterrupt):
        run_eval(plan, workers=1, reporter=StopAfter(3))
    journal = plan.out / "episodes.jsonl"
    finished = journal.read_bytes()
    assert finished.count(b"\n") == 3
    with open(journal, "ab") as handle:  # the process died while writing the 4th line
        handle.write(b'{"pack": "core", "scenario": "vendor_web')
    half_made = plan.out / "runs" / "vendor_webform-s2-t0"
    half_made.mkdir()
    (half_made / "events.sqlite").write_bytes(b"not a database")

    reporter = StopAfter(0)
    outcome = run_eval(plan, workers=1, reporter=reporter)
    assert (reporter.pending, reporter.done) == (1, 3)
    assert outcome.ran == 1
    assert journal.read_bytes().startswith(finished)
    assert journal.read_bytes().count(b"\n") == 4
    assert all(r.success for r in outcome.results)
    assert len(read_episodes(plan.out)) == 4


def test_an_eval_directory_refuses_another_configuration(tmp_path: Path) -> None:
    out = tmp_path / "eval"
    run_eval(_plan(out, "noop", (1,)), workers=1)
    with pytest.raises(EvalDirError, match="another agent"):
        run_eval(_plan(out, "oracle", (1,)), workers=1)
    with pytest.raises(EvalDirError, match="another seeds"):
        run_eval(_plan(out, "noop", (1, 2)), workers=1)
    assert len(read_episodes(out)) == 2


def test_a_damaged_journal_line_before_the_end_is_an_error(tmp_path: Path) -> None:
    out = tmp_path / "eval"
    run_eval(_plan(out, "noop", (1,)), workers=1)
    journal = out / "episodes.jsonl"
    journal.write_text("garbage\n" + journal.read_text())
    with pytest.raises(EvalDirError, match="episodes.jsonl:1: not an episode record"):
        run_eval(_plan(out, "noop", (1,)), workers=1)


def test_retry_errors_reruns_only_the_episodes_that_ended_in_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[int] = []

    async def flaky(tools: ToolClient, scenario: Scenario) -> None:
        attempts.append(1)
        await tools.call("vei_observe")
        if len(attempts) == 1:
            raise AgentError("lost its train of thought")

    monkeypatch.setitem(agents.AGENTS, "flaky", flaky)
    plan = _plan(tmp_path / "eval", "flaky")
    first = run_eval(plan, workers=1)
    assert [r.error for r in first.results] == [
        "AgentError: lost its train of thought",
        None,
        None,
        None,
    ]
    assert run_eval(plan, workers=1).ran == 0
    again = run_eval(plan, workers=1, retry_errors=True)
    assert again.ran == 1 and all(r.error is None for r in again.results)
    assert len(attempts) == 5


def test_an_existing_directory_that_is_no_eval_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "state"
    (out / "runs" / "procurement-s1-t0").mkdir(parents=True)
    with pytest.raises(EvalDirError, match="not empty and holds no eval.json"):
        run_eval(_plan(out, "noop", (1,)), workers=1)
    assert (out / "runs" / "procurement-s1-t0").is_dir()
    assert sorted(p.name for p in out.iterdir()) == ["runs"]
