"""The reference solutions succeed under light faults because they retry as a careful agent
does: the same idempotency key on every retry, waiting retry_after_ms of virtual time."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from tests.drift.oracle_run import OracleRun, run_oracle
from vei.agents.oracle import SCRIPTS

SEEDS = (42042, 7, 90210, 3, 11)


@pytest.fixture(scope="module")
def runs() -> dict[tuple[str, int], OracleRun]:
    return {
        (name, seed): run_oracle(name, seed=seed, fault_profile="light")
        for name in sorted(SCRIPTS)
        for seed in SEEDS
    }


def test_the_oracle_succeeds_under_light_faults(runs: dict[tuple[str, int], OracleRun]) -> None:
    failed = [key for key, run in runs.items() if not run.report.success]
    assert not failed
    # The faults really hit: the oracle had to retry.
    assert sum(run.retries for run in runs.values()) >= 3


def test_retries_wait_as_long_as_the_world_asks(runs: dict[tuple[str, int], OracleRun]) -> None:
    waited = 0
    for run in runs.values():
        receipts = run.receipts
        for before, after in zip(receipts, receipts[1:], strict=False):
            if before.body["error_code"] == "core.rate_limited":
                assert after.body["tool"] == "vei_tick"
                assert after.body["latency_ms"] >= 1_000
                waited += 1
    assert waited >= 1
    for run in runs.values():
        for receipt in run.receipts:
            if receipt.body["fault"] is not None:
                assert receipt.body["fault"] in {
                    "unavailable",
                    "rate_limited",
                    "latency_spike",
                    "timeout_after_commit",
                }


def test_the_oracle_succeeds_under_light_drift_and_light_faults_together() -> None:
    for name in sorted(SCRIPTS):
        run = run_oracle(name, drift_mode="light", fault_profile="light", seed=90210)
        assert run.report.success, (name, run.report.criteria)


def _acts(run: OracleRun) -> Counter[str]:
    """What the agent did that others can see: successful writes per tool."""
    return Counter(
        r.body["tool"]
        for r in run.receipts
        if r.body["rev_after"] > r.body["rev_before"]
        and r.body["tool"] in ("slack_send_message", "mail_compose", "browser_submit")
    )


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_writes_that_time_out_after_commit_are_not_repeated(name: str, tmp_path: Path) -> None:
    harsh = tmp_path / "harsh.yaml"
    rules = [{"kinds": ["write"], "timeout": 500, "unavailable": 100}, {"unavailable": 100}]
    harsh.write_text(yaml.safe_dump({"name": "harsh", "rules": rules}), encoding="utf-8")
    calm = run_oracle(name)
    stormy = run_oracle(name, fault_profile=str(harsh))
    assert stormy.report.success, stormy.report.criteria
    timeouts = [r for r in stormy.receipts if r.body["fault"] == "timeout_after_commit"]
    # With a single write (fin_contradictory_requirements posts once) a timeout may miss it.
    assert timeouts or sum(_acts(calm).values()) < 2
    assert _acts(stormy) == _acts(calm)
