from __future__ import annotations

from pathlib import Path

import pytest

from vei.config import EVAL_PROGRAM_VARIABLES, VARIABLES, ConfigError, load_settings, to_env
from vei.scenarios import check_settings

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
    "VEI_HTTP_TOKEN": "short",
}


def test_every_documented_variable_has_an_invalid_case() -> None:
    assert set(INVALID) == set(VARIABLES)


@pytest.mark.parametrize("variable", sorted(INVALID))
def test_invalid_value_names_the_variable(variable: str) -> None:
    with pytest.raises(ConfigError) as caught:
        # Whether a scenario exists is checked where scenarios are loaded (every command
        # and Session does it before starting).
        check_settings(load_settings(env={variable: INVALID[variable]}))
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


@pytest.mark.parametrize("raw", ["1_000", " 7 ", "7 ", "+7", "٧", "７", "0x10", ""])
def test_seed_takes_ascii_digits_only(raw: str) -> None:
    with pytest.raises(ConfigError, match="VEI_SEED"):
        load_settings(env={"VEI_SEED": raw})


def test_seed_flag_is_as_strict_as_the_variable() -> None:
    with pytest.raises(ConfigError, match="1_000"):
        load_settings({"seed": "1_000"}, env={})
    assert load_settings({"seed": "1000"}, env={}).seed == 1000


@pytest.mark.parametrize("variable", ["VEI_DRIFT_MODE", "VEI_DURABILITY", "VEI_SCENARIO"])
def test_choices_and_names_with_spaces_around_are_refused(variable: str) -> None:
    value = {"VEI_DRIFT_MODE": "light", "VEI_DURABILITY": "fast", "VEI_SCENARIO": "procurement"}
    with pytest.raises(ConfigError, match="spaces around"):
        load_settings(env={variable: f" {value[variable]}"})


def test_state_dir_of_an_unknown_user_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="VEI_STATE_DIR"):
        load_settings(env={"VEI_STATE_DIR": "~no-such-user-here/x"})


def test_state_dir_that_is_a_file_names_the_variable(tmp_path: Path) -> None:
    afile = tmp_path / "file"
    afile.write_text("")
    with pytest.raises(ConfigError, match="VEI_STATE_DIR.*not a directory"):
        load_settings(env={"VEI_STATE_DIR": str(afile)})
    with pytest.raises(ConfigError, match="not a directory"):
        load_settings({"state_dir": afile}, env={})


def test_receipt_key_whose_content_is_not_a_key_names_the_variable(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    key.write_text("not a key\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(env={"VEI_RECEIPT_KEY": str(key)})
    assert caught.value.variable == "VEI_RECEIPT_KEY" and "not an unencrypted Ed25519" in str(
        caught.value
    )


def test_http_token_is_never_shown_in_a_repr() -> None:
    token = "s3cret-token-0123456789"
    settings = load_settings(env={"VEI_HTTP_TOKEN": token})
    assert settings.http_token == token and token not in repr(settings)
    assert token not in str(settings.to_manifest())


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
