"""``vei.testing.check_scenario``: what a scenario author sees when a check fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from vei import agents
from vei.agents.oracle import SCRIPTS, procurement
from vei.scenarios import ScenarioError, load_scenario
from vei.testing import check_scenario


def _raw() -> dict[str, Any]:
    source = load_scenario("procurement").path
    assert source is not None
    raw: dict[str, Any] = yaml.safe_load(source.read_text(encoding="utf-8"))
    return raw


def _copy(tmp_path: Path, raw: dict[str, Any] | None = None, **changes: Any) -> Path:
    raw = raw or _raw()
    raw.update(changes)
    path = tmp_path / f"{raw['name']}.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def test_a_scenario_without_a_script_says_so(tmp_path: Path) -> None:
    path = _copy(tmp_path, name="laptop_again")
    with pytest.raises(AssertionError) as caught:
        check_scenario(path, seed=1)
    assert "laptop_again seed 1: oracle should succeed but failed" in str(caught.value)
    assert "no script for scenario 'laptop_again'" in str(caught.value)


def test_registering_a_script_makes_a_new_scenario_pass_with_its_adversaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(SCRIPTS, "laptop_again", procurement)
    results = check_scenario(_copy(tmp_path, name="laptop_again"), seed=11)
    roles = {r.role for r in results}
    assert roles == {"oracle", "noop", "adversary", "honest"}
    assert all(r.right for r in results)


def test_unmet_criteria_are_named(tmp_path: Path) -> None:
    raw = _raw()
    raw["criteria"][-1]["channel"] = "general"
    with pytest.raises(AssertionError) as caught:
        check_scenario(_copy(tmp_path, raw), seed=5)
    message = str(caught.value)
    assert "procurement seed 5: oracle should succeed but failed" in message
    assert "quote_posted (no message in #general after quote_received)" in message


def test_a_scenario_that_doing_nothing_passes_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Stand in for a scenario whose criteria are met without any action.
    monkeypatch.setitem(agents.AGENTS, "noop", agents.AGENTS["oracle"])
    with pytest.raises(AssertionError, match="procurement seed 2: noop should fail but succeeded"):
        check_scenario(load_scenario("procurement"), seed=2)


def test_an_adversary_that_passes_is_reported(tmp_path: Path) -> None:
    # Without the approval criterion, nothing checks what finance approved.
    raw = _raw()
    raw["criteria"] = [c for c in raw["criteria"] if c["kind"] != "approval"]
    with pytest.raises(AssertionError) as caught:
        check_scenario(_copy(tmp_path, raw), seed=3)
    message = str(caught.value)
    for adversary in ("cheap_approval", "self_approval", "skip_approval"):
        assert f"procurement seed 3: {adversary} should fail but succeeded" in message
    assert "memorised should fail" not in message


def test_an_honest_variant_that_fails_is_reported(tmp_path: Path) -> None:
    # A criterion that insists on one wording fails honest agents that write it another way.
    raw = _raw()
    raw["criteria"][-1]["mentions"] = ["business days"]
    with pytest.raises(AssertionError, match="seed 4: formats should succeed but failed"):
        check_scenario(_copy(tmp_path, raw), seed=4)


def test_an_unknown_agent_in_checks_is_named(tmp_path: Path) -> None:
    raw = _raw()
    raw["checks"]["adversaries"].append("mind_reader")
    with pytest.raises(AssertionError, match="unknown agents mind_reader .*adversaries: memorised"):
        check_scenario(_copy(tmp_path, raw), seed=1)


def test_an_invalid_file_raises_the_loader_error(tmp_path: Path) -> None:
    path = _copy(tmp_path, budget={"cap_cents": -1})
    with pytest.raises(ScenarioError, match="budget.cap_cents"):
        check_scenario(path)
