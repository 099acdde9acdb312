"""Every scenario in every pack: its oracle succeeds and doing nothing fails, at any seed."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from vei.scenarios import Scenario, known_packs, known_scenarios, load_scenario, parse_scenario
from vei.testing import check_scenario

SCENARIOS = [(pack, name) for pack in known_packs() for name in known_scenarios(pack)]
IDS = [f"{pack}/{name}" for pack, name in SCENARIOS]


def test_the_core_pack_has_the_three_paths() -> None:
    assert {"procurement", "procurement_over_budget", "vendor_webform"} <= set(
        known_scenarios("core")
    )


@pytest.mark.parametrize(("pack", "name"), SCENARIOS, ids=IDS)
def test_oracle_succeeds_and_doing_nothing_fails(pack: str, name: str) -> None:
    check_scenario(load_scenario(name, pack))


@pytest.mark.parametrize("seed", [7, 90210])
@pytest.mark.parametrize(("pack", "name"), SCENARIOS, ids=IDS)
def test_oracle_succeeds_at_other_seeds(pack: str, name: str, seed: int) -> None:
    check_scenario(load_scenario(name, pack), seed=seed)


def _with_new_terms(scenario: Scenario) -> Scenario:
    """The scenario with a different quote and ETA: the facts its templates and criteria use."""
    raw: dict[str, Any] = copy.deepcopy(scenario.spec.model_dump(mode="json", by_alias=True))
    raw["facts"]["quote_cents"] = int(raw["facts"]["quote_cents"]) - 1234
    raw["facts"]["eta_days"] = int(raw["facts"]["eta_days"]) + 3
    return parse_scenario(raw, source=f"{scenario.name} with new terms")


QUOTED = [
    n
    for n in known_scenarios("core")
    if {"quote_cents", "eta_days"} <= set(load_scenario(n).spec.facts)
]


@pytest.mark.parametrize("name", QUOTED)
def test_oracles_read_the_quote_from_the_world_not_from_memory(name: str) -> None:
    changed = _with_new_terms(load_scenario(name))
    assert changed.spec.facts != load_scenario(name).spec.facts
    check_scenario(changed)


@pytest.mark.parametrize("name", known_scenarios("core"))
def test_core_scenarios_check_from_their_file_path(name: str) -> None:
    path = load_scenario(name).path
    assert path is not None
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["name"] == name
    check_scenario(str(path), seed=3)
