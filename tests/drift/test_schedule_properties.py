"""The drift schedule is a pure function of drift seed, job and occurrence: it never goes
back in time, and planning in windows gives the same events as planning at once."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vei.drift import compile_drift, plan
from vei.drift.assemble import initial_app_states
from vei.scenarios import load_scenario

SCENARIO = load_scenario("procurement")
STATES = initial_app_states(SCENARIO.twins, SCENARIO.seed_data)
HOUR = 3_600_000


def _config(seed: int, mode: str, rate: int) -> dict[str, object]:
    return compile_drift(None, STATES, mode=mode, seed=seed, rate_permille=rate)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**63 - 1),
    mode=st.sampled_from(["light", "fast", "aggressive"]),
    rate=st.integers(100, 5_000),
    cut=st.integers(0, 2 * HOUR),
)
def test_windows_compose_and_each_job_moves_forward(
    seed: int, mode: str, rate: int, cut: int
) -> None:
    config = _config(seed, mode, rate)
    whole = plan(config, 2 * HOUR)
    assert plan(config, cut) + plan(config, 2 * HOUR, after_ms=cut) == whole
    assert whole == plan(_config(seed, mode, rate), 2 * HOUR)
    for job in {o.job for o in whole}:
        times = [o.due_ms for o in whole if o.job == job]
        ks = [o.k for o in whole if o.job == job]
        assert times == sorted(set(times)) and ks == list(range(len(ks)))


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**63 - 1))
def test_busier_modes_plan_more(seed: int) -> None:
    counts = [len(plan(_config(seed, m, 1_000), 2 * HOUR)) for m in ("light", "fast", "aggressive")]
    assert counts[0] < counts[1] < counts[2]
