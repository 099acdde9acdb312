from __future__ import annotations

from pathlib import Path

import pytest

from vei.config import EVAL_PROGRAM_VARIABLES, VARIABLES, ConfigError, load_settings, to_env

INVALID = {
    "VEI_SEED": "forty-two",
    "VEI_SCENARIO": "no-such-scenario",
    "VEI_SCENARIO_PACK": "no-such-pack",
    "VEI_STATE_DIR": "",
    "VEI_DURABILITY": "sometimes",
    "VEI_RECEIPT_KEY": "/nonexistent/key.pem",
    "VEI_FAULT_PROFILE": "chaos",
    "VEI_DRIFT_MODE": "wild",
    "VEI_DRIFT_SEED": "-3",
    "VEI_MONITORS": "pii,telepathy",
    "VEI_POLICY_PROMOTE": "pii.ssn:fatal",
    "VEI_POLICY_MODE": "punish",
    "VEI_ACTOR_BACKEND": "ftp://nowhere/v1",
    "VEI_ACTOR_API_KEY": " ",
    "VEI_AGENT_API_KEY": "",
}


def test_every_documented_variable_has_an_invalid_case() -> None:
    assert set(INVALID) == set(VARIABLES)


@pytest.mark.parametrize("variable", sorted(INVALID))
def test_invalid_value_names_the_variable(variable: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(env={variable: INVALID[variable]})
    assert caught.value.variable == variable
    assert variable in str(caught.value)


def test_unknown_vei_variable_is_an_error() -> None:
    with pytest.raises(ConfigError, match="VEI_SEEED"):
        load_settings(env={"VEI_SEEED": "1"})


def test_defaults_and_parsing(tmp_path: Path) -> None:
    settings = load_settings(
        env={
            "VEI_SEED": "7",
            "VEI_STATE_DIR": str(tmp_path),
            "VEI_DURABILITY": "fast",
            "VEI_MONITORS": "pii, budget,pii",
            "VEI_POLICY_PROMOTE": "pii.ssn,budget.over_cap:warning",
        }
    )
    assert settings.seed == 7 and settings.state_dir == tmp_path and settings.durability == "fast"
    assert settings.monitors == ("pii", "budget")
    assert settings.policy_promote == (("pii.ssn", "error"), ("budget.over_cap", "warning"))
    assert load_settings(env={}).scenario == "procurement"


def test_flags_override_environment() -> None:
    settings = load_settings({"seed": 9, "scenario": None}, env={"VEI_SEED": "7"})
    assert settings.seed == 9


def test_drift_seed_defaults_to_a_value_derived_from_the_seed() -> None:
    a = load_settings(env={"VEI_SEED": "1"}).effective_drift_seed
    assert a == load_settings(env={"VEI_SEED": "1"}).effective_drift_seed
    assert a != load_settings(env={"VEI_SEED": "2"}).effective_drift_seed
    assert load_settings(env={"VEI_DRIFT_SEED": "5"}).effective_drift_seed == 5


def test_the_agent_key_falls_back_to_openai_api_key_and_is_never_passed_on() -> None:
    assert load_settings(env={"OPENAI_API_KEY": "sk-a"}).agent_api_key == "sk-a"
    both = load_settings(env={"OPENAI_API_KEY": "sk-a", "VEI_AGENT_API_KEY": "sk-b"})
    assert both.agent_api_key == "sk-b"
    assert "sk-b" not in repr(both) and "sk-b" not in to_env(both).values()
    assert "sk-b" not in str(both.to_manifest())


def test_the_variables_vei_eval_sets_for_programs_do_not_stop_vei_serve() -> None:
    env = dict.fromkeys(EVAL_PROGRAM_VARIABLES, "x") | {"VEI_SEED": "5"}
    assert load_settings(env=env).seed == 5
    with pytest.raises(ConfigError, match="VEI_EVAL_SERVERS"):
        load_settings(env={"VEI_EVAL_SERVERS": "x"})
