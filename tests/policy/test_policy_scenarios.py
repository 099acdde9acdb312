"""The policy scenarios end to end: oracle, do-nothing and policy-blind agents, scored by
``vei-score --json`` on their stored runs, differ the way a reader expects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest
from typer.testing import CliRunner

from tests.policy.support import BLIND, run_script
from vei.agents.run import run_in_process
from vei.cli.score import app as score_app
from vei.config import load_settings
from vei.scenarios import load_scenario

AXES = ("task", "policy", "cost", "efficiency", "collateral", "integrity")
NAMES = sorted(BLIND)


def _score(run_dir: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(score_app, [str(run_dir), "--json", *extra])
    return result.exit_code, json.loads(result.output)


def _runs(name: str, state_dir: Path) -> dict[str, Path]:
    scenario = load_scenario(name)
    settings = load_settings({"state_dir": state_dir}, env={})
    runs: dict[str, Path] = {}
    for agent in ("oracle", "noop"):
        done = anyio.run(run_in_process, agent, scenario, settings)
        assert done.run_dir is not None
        runs[agent] = done.run_dir
    session, _ = run_script(BLIND[name], scenario, state_dir=state_dir)
    session.close()
    assert session.run_dir is not None
    runs["blind"] = session.run_dir
    return runs


@pytest.mark.parametrize("name", NAMES)
def test_oracle_noop_and_policy_blind_runs_differ_on_every_axis(name: str, tmp_path: Path) -> None:
    runs = _runs(name, tmp_path)
    codes, scores = {}, {}
    for agent, run_dir in runs.items():
        codes[agent], scores[agent] = _score(run_dir, "--reference", str(runs["oracle"]))
        assert set(AXES) <= set(scores[agent]), agent
        assert scores[agent]["success"] == scores[agent]["task"]["success"]
        assert scores[agent]["integrity"]["verified"], scores[agent]["integrity"]
        assert scores[agent]["integrity"]["checkpoint"]
    oracle, noop, blind = scores["oracle"], scores["noop"], scores["blind"]
    assert codes == {"oracle": 0, "noop": 1, "blind": 1}

    # task: the oracle succeeds; the policy-blind agent's task fails on the policy criterion
    # (and on the approval it skipped); doing nothing fails everything
    assert oracle["success"] and not blind["success"] and not noop["success"]
    unmet = {c["id"] for c in blind["task"]["criteria"] if not c["met"]}
    assert {c.id for c in load_scenario(name).spec.criteria if c.kind == "policy_clean"} <= unmet
    # policy: only the policy-blind agent breaks it, with an error-level violation and receipt
    assert oracle["policy"]["clean"] and noop["policy"]["clean"]
    assert not blind["policy"]["clean"]
    assert blind["policy"]["violations"]["by_severity"]["error"] >= 1
    assert all(v["receipt"] for v in blind["policy"]["violations"]["items"])
    assert blind["policy"]["findings"]["by_severity"]["error"] >= 1
    # cost and efficiency: noop spends nothing; the blind agent skips steps the oracle takes
    assert noop["cost"]["tool_calls"] == 1 < blind["cost"]["tool_calls"]
    assert blind["cost"]["tool_calls"] <= oracle["cost"]["tool_calls"]
    # (doing nothing does meet "nothing leaked / no unapproved spend": it is true)
    assert noop["efficiency"]["criteria_met"] == 1
    assert oracle["efficiency"]["relative"]["calls"] == 1.0
    assert blind["efficiency"]["relative"] is None and noop["efficiency"]["relative"] is None
    # collateral: the oracle changes nothing it should not
    assert oracle["collateral"]["total"] == 0 and noop["collateral"]["total"] == 0
    # the composite ranks them as a reader would, beside the axes
    assert oracle["composite"]["value"] == 100.0
    assert noop["composite"]["value"] < blind["composite"]["value"] < 100.0


def test_the_policy_blind_order_is_spend_without_approval(tmp_path: Path) -> None:
    runs = _runs("spend_before_approval", tmp_path)
    oracle, noop, blind = (_score(runs[a])[1] for a in ("oracle", "noop", "blind"))
    total = load_scenario("spend_before_approval").facts["total_cents"]
    assert oracle["cost"]["spend_cents"] == blind["cost"]["spend_cents"] == total
    assert noop["cost"]["spend_cents"] == 0
    (violation,) = blind["policy"]["violations"]["items"]
    assert violation["code"] == "policy.approval_before_spend"
    assert [f["code"] for f in blind["policy"]["findings"]["items"]] == [
        "budget.spend_before_approval"
    ]


def test_the_policy_blind_mail_leaks_the_confidential_sheet() -> None:
    _, report = run_script(BLIND["confidential_specs"], load_scenario("confidential_specs"))
    policy = report.to_dict()["policy"]
    assert [v["code"] for v in policy["violations"]["items"]] == ["policy.confidential_data"]
    assert [f["code"] for f in policy["findings"]["items"]] == ["external_share.confidential"]


@pytest.mark.parametrize("name", NAMES)
def test_in_block_mode_the_policy_blind_agent_is_stopped_and_nothing_leaks(name: str) -> None:
    session, report = run_script(BLIND[name], load_scenario(name), stops=True, policy_mode="block")
    scored = report.to_dict()
    assert not scored["success"]
    assert scored["policy"]["blocked"]["total"] == 1
    assert scored["policy"]["violations"]["total"] == 0
    assert scored["policy"]["findings"]["total"] == 0
    assert scored["cost"]["spend_cents"] == 0
    assert scored["composite"]["factors"]["policy"] == 0.5


def test_the_score_table_shows_every_axis_and_each_violation(tmp_path: Path) -> None:
    session, _ = run_script(
        BLIND["spend_before_approval"], load_scenario("spend_before_approval"), state_dir=tmp_path
    )
    session.close()
    result = CliRunner().invoke(score_app, [str(session.run_dir)], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    for axis in AXES:
        assert axis in result.output
    assert "policy.approval_before_spend" in result.output and "receipt" in result.output
    assert "composite" in result.output and "FAILURE" in result.output
