"""``vei-drift plan`` and ``vei-drift run``: a deterministic schedule, more with a higher
rate and a busier mode; drift applied to a stored run keeps it verifiable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from vei.cli.drift import app, parse_duration
from vei.cli.state import app as state_app
from vei.config import load_settings
from vei.session import Session

from .support import MINUTE


def drift(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def planned(*args: str) -> dict[str, Any]:
    result = drift("plan", "--json", *args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_plan_is_deterministic() -> None:
    first = drift("plan", "--mode", "fast", "--until", "2h")
    second = drift("plan", "--mode", "fast", "--until", "2h")
    assert first.exit_code == 0 and first.stdout == second.stdout
    lines = first.stdout.splitlines()
    assert lines[0].startswith("# procurement: drift fast") and len(lines) > 50
    assert planned("--mode", "fast", "--until", "2h") == planned("--mode", "fast", "--until", "2h")


def test_a_higher_rate_plans_more_activity() -> None:
    counts = [
        len(planned("--mode", "light", "--until", "4h", "--rate", rate)["events"])
        for rate in ("0.5", "1", "2", "4")
    ]
    assert counts == sorted(counts) and len(set(counts)) == 4, counts


def test_modes_are_strictly_increasing_in_activity() -> None:
    counts = [
        len(planned("--mode", mode, "--until", "2h")["events"])
        for mode in ("off", "light", "fast", "aggressive")
    ]
    assert counts[0] == 0 and counts[0] < counts[1] < counts[2] < counts[3], counts


def test_plan_rows_name_time_job_target_and_summary() -> None:
    rows = planned("--scenario", "vendor_webform", "--mode", "light", "--until", "1h")["events"]
    assert rows == sorted(rows, key=lambda r: r["t_ms"])
    for row in rows:
        assert set(row) == {"t_ms", "job", "occurrence", "kind", "target", "summary"}
        assert row["summary"]
    targets = {r["target"].split(":")[0] for r in rows}
    assert targets == {"mail", "slack", "browser"}


def test_another_drift_seed_plans_differently() -> None:
    a = planned("--mode", "fast", "--until", "1h", "--drift-seed", "1")["events"]
    b = planned("--mode", "fast", "--until", "1h", "--drift-seed", "2")["events"]
    assert a != b


def test_plan_errors_name_the_problem() -> None:
    bad = drift("plan", "--mode", "fast", "--until", "ten minutes")
    assert bad.exit_code == 2 and "--until" in bad.output
    mode = drift("plan", "--mode", "wild", "--until", "1h")
    assert mode.exit_code == 2 and "VEI_DRIFT_MODE" in mode.output


def test_durations() -> None:
    assert parse_duration("1h30m") == 90 * MINUTE
    assert parse_duration("500ms") == 500 and parse_duration("2d") == 2 * 24 * 60 * MINUTE
    for text in ("", "10", "1 h", "5x"):
        with pytest.raises(ValueError):
            parse_duration(text)


def _stored_run(state_dir: Path, mode: str) -> None:
    settings = load_settings({"drift_mode": mode, "state_dir": state_dir}, env={})
    s = Session(settings, run_id="stored")
    s.call("slack_send_message", {"channel": "#procurement", "text": "Approve $3,199 please"})
    s.call("vei_tick", {"dt_ms": 5 * MINUTE})
    s.close()


def test_run_applies_drift_to_a_stored_run_and_it_still_verifies(tmp_path: Path) -> None:
    _stored_run(tmp_path, "light")
    result = drift("run", "stored", "--until", "3h", "--state-dir", tmp_path, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["to_ms"] - report["from_ms"] == 180 * MINUTE
    assert report["events"] >= 20 and any(k.startswith("drift:") for k in report["by_source"])
    verify = CliRunner().invoke(state_app, ["verify", "stored", "--state-dir", str(tmp_path)])
    assert verify.exit_code == 0, verify.output
    # The drift it delivered is what the plan says for that window.
    settings = load_settings({"drift_mode": "light"}, env={})
    plan = planned("--mode", "light", "--until", "4h", "--seed", str(settings.seed))
    window = [e for e in plan["events"] if report["from_ms"] < e["t_ms"] <= report["to_ms"]]
    assert len(window) == report["events"]


def test_run_refuses_a_run_started_without_drift(tmp_path: Path) -> None:
    _stored_run(tmp_path, "off")
    result = drift("run", "stored", "--until", "1h", "--state-dir", tmp_path)
    assert result.exit_code == 2 and "VEI_DRIFT_MODE=off" in result.output
    verify = CliRunner().invoke(state_app, ["verify", "stored", "--state-dir", str(tmp_path)])
    assert verify.exit_code == 0, verify.output


def test_run_keeps_background_actors_acting(tmp_path: Path) -> None:
    from tests.actors.support import with_actors

    settings = load_settings({"drift_mode": "light", "state_dir": tmp_path}, env={})
    Session(settings, scenario=with_actors(), run_id="actors").close()
    result = drift("run", "actors", "--until", "2h", "--state-dir", tmp_path, "--json")
    assert result.exit_code == 0, result.output
    by_source = json.loads(result.stdout)["by_source"]
    assert by_source["actor:dana"] == 2 and by_source["actor:maya"] == 1
    verify = CliRunner().invoke(state_app, ["verify", "actors", "--state-dir", str(tmp_path)])
    assert verify.exit_code == 0, verify.output
