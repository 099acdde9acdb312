"""Invalid settings stop `vei serve` before it serves anything, naming the variable."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.e2e.conftest import clean_env

CASES = {
    "VEI_SEED": "x",
    "VEI_DURABILITY": "sometimes",
    "VEI_SCENARIO": "atlantis",
    "VEI_POLICY_MODE": "punish",
    "VEI_TYPO": "1",
}


@pytest.mark.parametrize("variable", sorted(CASES))
def test_invalid_setting_stops_start_up(variable: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "vei", "serve"],
        env=clean_env({variable: CASES[variable]}),
        input="",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert variable in proc.stderr


def test_flag_overrides_environment_and_is_validated() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "vei", "serve", "--scenario", "atlantis"],
        env=clean_env({"VEI_SCENARIO": "procurement"}),
        input="",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "atlantis" in proc.stderr
