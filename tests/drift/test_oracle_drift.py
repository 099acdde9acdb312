"""The reference solutions still succeed while the company moves around them (light drift),
and still when it is busier (fast)."""

from __future__ import annotations

import pytest

from vei.agents.oracle import SCRIPTS

from .oracle_run import run_oracle


@pytest.mark.parametrize("seed", [42042, 7, 90210])
@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_the_oracle_succeeds_under_light_drift(name: str, seed: int) -> None:
    run = run_oracle(name, seed=seed, drift_mode="light")
    assert run.report.success, run.report.criteria
    # A colleague's ping arrives in the first minute (an oracle that waits for nobody,
    # as in fin_contradictory_requirements, may finish before it).
    assert run.drift_events >= 1 or run.report.virtual_time_ms < 60_000


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_the_oracle_succeeds_under_fast_drift(name: str) -> None:
    run = run_oracle(name, drift_mode="fast")
    assert run.report.success, run.report.criteria
    assert run.drift_events >= 1
