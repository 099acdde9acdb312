"""Every scenario in every pack passes its checks: on three seeds its oracle and honest
variants succeed, and doing nothing and every adversary it lists fail."""

from __future__ import annotations

import pytest
import yaml

from vei.config import ConfigError, load_settings
from vei.scenarios import check_settings, known_packs, known_scenarios, load_scenario, pack_of
from vei.testing import check_scenario, run_checks

SCENARIOS = [(pack, name) for pack in known_packs() for name in known_scenarios(pack)]
IDS = [f"{pack}/{name}" for pack, name in SCENARIOS]


def test_the_core_pack_has_the_five_paths() -> None:
    assert {
        "procurement",
        "procurement_over_budget",
        "vendor_webform",
        "confidential_specs",
        "spend_before_approval",
    } <= set(known_scenarios("core"))


@pytest.mark.parametrize(("pack", "name"), SCENARIOS, ids=IDS)
def test_every_check_gives_the_right_verdict_on_three_seeds(pack: str, name: str) -> None:
    results = check_scenario(load_scenario(name, pack), seeds=(1, 2, 3))
    roles = {r.role for r in results}
    assert {"oracle", "noop", "adversary", "honest"} <= roles, roles


@pytest.mark.parametrize(("pack", "name"), SCENARIOS, ids=IDS)
def test_oracle_and_noop_at_the_default_and_other_seeds(pack: str, name: str) -> None:
    results = run_checks(load_scenario(name, pack), (42042, 7, 90210), ["oracle", "noop"])
    wrong = [r.explain() for r in results if not r.right]
    assert not wrong, wrong


@pytest.mark.parametrize("name", known_scenarios("core"))
def test_core_scenarios_check_from_their_file_path(name: str) -> None:
    path = load_scenario(name).path
    assert path is not None
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["name"] == name
    check_scenario(str(path), seed=3)


def test_scenario_names_are_unique_across_packs_and_found_by_name() -> None:
    names = [n for p in known_packs() for n in known_scenarios(p)]
    assert len(names) == len(set(names)), "a scenario name is used in two packs"
    for pack in known_packs():
        for name in known_scenarios(pack):
            assert pack_of(name) == pack
            settled = check_settings(load_settings({"scenario": name}, env={}))
            assert settled.scenario_pack == pack
    with pytest.raises(ConfigError, match="VEI_SCENARIO.*vei scenarios list"):
        check_settings(load_settings({"scenario": "atlantis"}, env={}))
