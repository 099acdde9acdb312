"""Facts are drawn per seed: two seeds show different prices, quantities and ETAs in the
world, and an agent that replays one seed's answers on another fails."""

from __future__ import annotations

from typing import ClassVar

import anyio
import pytest
from typer.testing import CliRunner

from vei.agents import AGENTS
from vei.agents.oracle import scripted
from vei.agents.run import run_in_process
from vei.agents.style import Style
from vei.cli.main import app
from vei.config import load_settings
from vei.facts import FactValue
from vei.scenarios import known_scenarios, load_scenario

FIRST, SECOND = 1, 2


def _replaying(memory: dict[str, FactValue]) -> type[Style]:
    class Replay(Style):
        """Does every step, but uses the numbers a run of another seed gave."""

        name: ClassVar[str] = "replay"

        def value(self, fact: str, seen: int) -> int:
            remembered = memory.get(fact)
            return remembered if isinstance(remembered, int) else seen

    return Replay


def _succeeds(
    name: str, seed: int, memory: dict[str, FactValue], monkey: pytest.MonkeyPatch
) -> bool:
    monkey.setitem(AGENTS, "replay", scripted(_replaying(memory)))
    scenario = load_scenario(name, seed=seed)
    run = anyio.run(run_in_process, "replay", scenario, load_settings({"seed": seed}, env={}))
    return run.report.success


@pytest.mark.parametrize("name", known_scenarios("core"))
def test_two_seeds_show_different_facts_in_pages_mail_and_task(name: str) -> None:
    first, second = load_scenario(name, seed=FIRST), load_scenario(name, seed=SECOND)
    drawn = [k for k, v in first.facts.items() if isinstance(v, int) and v != second.facts[k]]
    assert {"eta_days"} <= set(drawn) or len(drawn) >= 3, drawn
    assert first.seed_data != second.seed_data  # the seeded pages, mail and NPC facts differ
    prices = [k for k in ("quote_cents", "total_cents") if k in first.facts]
    assert any(first.facts[k] != second.facts[k] for k in prices)


@pytest.mark.parametrize("name", known_scenarios("core"))
def test_replaying_another_seeds_answers_fails(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = load_scenario(name, seed=FIRST), load_scenario(name, seed=SECOND)
    # The control: the same agent with the right numbers succeeds.
    assert _succeeds(name, SECOND, second.facts, monkeypatch)
    assert not _succeeds(name, SECOND, first.facts, monkeypatch)


def test_vei_scenarios_show_prints_the_facts_of_the_seed() -> None:
    runner = CliRunner()
    shown = {}
    for seed in (FIRST, SECOND):
        result = runner.invoke(app, ["scenarios", "show", "procurement", "--seed", str(seed)])
        assert result.exit_code == 0, result.output
        assert f"Facts drawn for seed {seed}" in result.stdout
        quote = load_scenario("procurement", seed=seed).facts["quote_cents"]
        assert f"{quote}" in result.stdout
        shown[seed] = result.stdout
    assert shown[FIRST] != shown[SECOND]
