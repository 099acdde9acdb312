"""The reference solutions still succeed while the company moves around them (light drift),
and still when it is busier (fast)."""

from __future__ import annotations

import pytest

from vei.agents.oracle import SCRIPTS
from vei.scenarios import load_scenario, pack_of

from .oracle_run import run_oracle


@pytest.mark.parametrize("seed", [42042, 7, 90210])
@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_the_oracle_succeeds_under_light_drift(name: str, seed: int) -> None:
    run = run_oracle(name, seed=seed, drift_mode="light")
    assert run.report.success, run.report.criteria
    # Every occurrence the plan has due by the end arrived (with chat, a colleague's ping
    # comes in the first minute; a short run or a world without chat may have none).
    assert run.drift_events == run.planned
    assert (
        run.planned >= 1
        or run.report.virtual_time_ms < 60_000
        or ("slack" not in load_scenario(name, pack_of(name) or "core").spec.twins)
    )


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_the_oracle_succeeds_under_fast_drift(name: str) -> None:
    run = run_oracle(name, drift_mode="fast")
    assert run.report.success, run.report.criteria
    assert run.drift_events == run.planned
