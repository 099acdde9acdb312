"""``vei.testing.check_scenario``: what a scenario author sees when a check fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from vei import agents
from vei.agents.oracle import ORACLES, procurement
from vei.scenarios import ScenarioError, load_scenario
from vei.testing import check_scenario


def _copy(tmp_path: Path, **changes: Any) -> Path:
    source = load_scenario("procurement").path
    assert source is not None
    raw: dict[str, Any] = yaml.safe_load(source.read_text(encoding="utf-8"))
    raw.update(changes)
    path = tmp_path / f"{raw['name']}.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def test_a_scenario_without_an_oracle_says_so(tmp_path: Path) -> None:
    path = _copy(tmp_path, name="laptop_again")
    with pytest.raises(
        AssertionError, match="oracle agent stopped.*no oracle for scenario 'laptop_again'"
    ):
        check_scenario(path)


def test_registering_an_oracle_makes_a_new_scenario_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(ORACLES, "laptop_again", procurement)
    check_scenario(_copy(tmp_path, name="laptop_again"), seed=11)


def test_unmet_criteria_are_named(tmp_path: Path) -> None:
    criteria = [c.model_dump(mode="json") for c in load_scenario("procurement").spec.criteria]
    criteria[-1]["channel"] = "general"
    criteria[-1]["description"] = "The quote is posted in #general."
    path = _copy(tmp_path, criteria=criteria)
    with pytest.raises(AssertionError) as caught:
        check_scenario(path, seed=5)
    message = str(caught.value)
    assert "scenario 'procurement' (seed 5): the oracle did not succeed" in message
    assert "quote_posted (The quote is posted in #general.)" in message
    assert "product_page_read" not in message


def test_a_scenario_that_doing_nothing_passes_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Stand in for a scenario whose criteria are met without any action.
    monkeypatch.setitem(agents.AGENTS, "noop", agents.AGENTS["oracle"])
    with pytest.raises(AssertionError) as caught:
        check_scenario(load_scenario("procurement"))
    message = str(caught.value)
    assert "doing nothing succeeds" in message
    assert "product_page_read, approval_within_cap, vendor_mailed" in message


def test_an_invalid_file_raises_the_loader_error(tmp_path: Path) -> None:
    path = _copy(tmp_path, budget={"cap_cents": -1})
    with pytest.raises(ScenarioError, match="budget.cap_cents"):
        check_scenario(path)
