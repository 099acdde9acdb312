"""``check_scenario``: a scenario can be solved, and cannot be passed without doing the work.

On each seed, through the official MCP client connected in process to a fresh in-memory
world, it runs:

1. the oracle (``vei.agents.oracle.SCRIPTS[name]`` with the honest style): must succeed;
2. the do-nothing agent: must fail;
3. every adversary the scenario lists under ``checks.adversaries``: each must fail;
4. every honest variant under ``checks.honest``: each must succeed.

A scripted agent that cannot go on (the world did not answer as it expected) counts as
failing, which is right for an adversary and wrong for the oracle or an honest variant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vei.scenarios import Scenario

DEFAULT_SEEDS = (1, 2, 3)


@dataclass(frozen=True)
class AgentCheck:
    """One scripted agent on one seed: what it should get and what it got."""

    scenario: str
    seed: int
    agent: str
    role: str  # oracle | noop | adversary | honest
    should_succeed: bool
    succeeded: bool
    unmet: tuple[str, ...] = ()
    stopped: str = ""

    @property
    def right(self) -> bool:
        """Whether the verdict is the expected one."""
        return self.succeeded == self.should_succeed

    def explain(self) -> str:
        """One line saying what went wrong (or right)."""
        want = "succeed" if self.should_succeed else "fail"
        got = "succeeded" if self.succeeded else "failed"
        detail = f"; unmet: {'; '.join(self.unmet)}" if self.unmet and not self.succeeded else ""
        stop = f"; stopped: {self.stopped}" if self.stopped else ""
        link = "and" if self.right else "but"
        return f"{self.scenario} seed {self.seed}: {self.agent} should {want} {link} {got}{detail}{stop}"


def _roles(scenario: Scenario) -> list[tuple[str, str, bool]]:
    from vei.agents import ADVERSARIES, AGENTS, HONEST

    checks = scenario.spec.checks
    unknown = [a for a in [*checks.adversaries, *checks.honest] if a not in AGENTS]
    if unknown:
        raise AssertionError(
            f"scenario {scenario.name!r} lists unknown agents {', '.join(unknown)} (adversaries: "
            f"{', '.join(ADVERSARIES)}; honest: {', '.join(HONEST)})"
        )
    return [
        ("oracle", "oracle", True),
        ("noop", "noop", False),
        *((name, "adversary", False) for name in checks.adversaries),
        *((name, "honest", True) for name in checks.honest),
    ]


def run_checks(
    scenario: Scenario | Path | str,
    seeds: Sequence[int] = DEFAULT_SEEDS,
    agents: Sequence[str] | None = None,
) -> list[AgentCheck]:
    """Every check of ``scenario`` on every seed (optionally only ``agents``), in order."""
    from vei.scenarios import Scenario, load_scenario_file

    loaded = scenario if isinstance(scenario, Scenario) else load_scenario_file(Path(scenario))
    results = []
    for seed in seeds:
        drawn = loaded.for_seed(seed)
        for agent, role, should in _roles(drawn):
            if agents is not None and agent not in agents:
                continue
            results.append(_check(drawn, seed, agent, role, should))
    return results


def check_scenario(
    scenario: Scenario | Path | str,
    *,
    seed: int | None = None,
    seeds: Sequence[int] | None = None,
) -> list[AgentCheck]:
    """Run every check of ``scenario`` (see the module docstring) on ``seeds`` (default
    1, 2, 3; ``seed`` for one) and raise AssertionError listing every wrong verdict.

    ``scenario`` is a loaded ``Scenario`` or the path of a scenario file (validated with
    ``vei.scenarios.load_scenario_file``; a ScenarioError names each bad field). A new
    scenario needs a script in ``vei.agents.oracle.SCRIPTS`` under its name, built from the
    steps in ``vei.agents.steps`` and written against a ``Style`` so that the adversaries
    and honest variants apply to it."""
    chosen = seeds if seeds is not None else ((seed,) if seed is not None else DEFAULT_SEEDS)
    results = run_checks(scenario, chosen)
    wrong = [r for r in results if not r.right]
    if wrong:
        raise AssertionError("\n".join(r.explain() for r in wrong))
    return results


def _check(scenario: Scenario, seed: int, agent: str, role: str, should: bool) -> AgentCheck:
    import anyio

    from vei.agents.run import run_in_process
    from vei.config import load_settings

    settings = load_settings({"seed": seed}, env={})
    run = anyio.run(run_in_process, agent, scenario, settings)
    report = run.report
    unmet = tuple(
        f"{c['id']} ({c.get('why') or c['description']})" for c in report.criteria if not c["met"]
    )
    stopped = (run.stopped or "")[:300]
    return AgentCheck(scenario.name, seed, agent, role, should, report.success, unmet, stopped)
