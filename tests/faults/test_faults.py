"""Fault profiles: off injects nothing; aggressive fails calls the way real services fail,
reproducibly; a timeout after commit plus the same idempotency key acts once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from vei.config import ConfigError, load_settings
from vei.core.events import Event
from vei.faults import PROFILES, FaultMiddleware, fault_middleware
from vei.scenarios import load_scenario, parse_scenario
from vei.session import Session

READS = [("mail_list", {}), ("slack_list_channels", {}), ("slack_list_users", {})]


def _session(scenario: Any = None, **settings: Any) -> Session:
    return Session(load_settings(settings, env={}), scenario=scenario, run_id="faults")


def _hammer(s: Session, calls: int) -> list[dict[str, Any]]:
    """Mixed reads and writes at a steady pace; the error objects of the failed ones."""
    errors = []
    for i in range(calls):
        if i % 5 == 4:
            name, args = "slack_send_message", {"channel": "#random", "text": f"note {i}"}
        else:
            name, args = READS[i % len(READS)]
        outcome = s.call(name, args)
        if not outcome.ok:
            errors.append(outcome.result["error"])
        if i % 10 == 9:
            s.call("vei_tick", {"dt_ms": 1_000})
    return errors


def _faults(s: Session) -> list[tuple[int, str | None, str | None]]:
    return [(r.index, r.body["fault"], r.body["error_code"]) for r in s.world.store.receipts()]


def _profile_file(tmp_path: Path, **rule: Any) -> Path:
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump({"name": "test-profile", "rules": [rule]}), encoding="utf-8")
    return path


def test_off_injects_no_fault_over_many_calls() -> None:
    s = _session(fault_profile="off")
    assert fault_middleware(s.settings) == []
    # The off profile as a middleware, too: it has no rule, so nothing ever matches.
    s.world.middleware.append(FaultMiddleware(PROFILES["off"]))
    assert _hammer(s, 600) == []
    assert all(fault is None for _, fault, _ in _faults(s))
    s.close()


def test_aggressive_gives_retryable_failures_and_rate_limits() -> None:
    s = _session(fault_profile="aggressive")
    errors = _hammer(s, 400)
    codes = Counter(e["code"] for e in errors)
    assert codes["core.unavailable"] > 5 and codes["core.rate_limited"] > 5, codes
    assert codes["core.timeout"] > 0, codes
    for error in errors:
        assert error["retryable"] is True
        if error["code"] == "core.rate_limited":
            assert isinstance(error["retry_after_ms"], int) and error["retry_after_ms"] > 0
    recorded = Counter(fault for _, fault, _ in _faults(s) if fault)
    assert set(recorded) == {"unavailable", "rate_limited", "latency_spike", "timeout_after_commit"}
    s.close()


def test_a_rate_limit_holds_until_retry_after_on_the_virtual_clock(tmp_path: Path) -> None:
    path = _profile_file(
        tmp_path, tools=["mail_*"], rate_limit=1000, retry_after_ms=[4000, 4000], scope="twin"
    )
    s = _session(fault_profile=str(path))
    first = s.call("mail_list", {}).result["error"]
    assert first["code"] == "core.rate_limited" and first["retry_after_ms"] == 4000
    s.call("vei_tick", {"dt_ms": 1_000})
    again = s.call("mail_search", {"query": "laptop"}).result["error"]
    assert again["code"] == "core.rate_limited" and 0 < again["retry_after_ms"] < 4000
    assert s.call("slack_list_channels", {}).ok  # only the mail tools are limited
    s.call("vei_tick", {"dt_ms": 3_000})
    # The window is over; with rate_limit=1000 the next call draws a new limit.
    assert s.call("mail_list", {}).result["error"]["retry_after_ms"] == 4000
    s.close()


def test_faults_are_a_function_of_the_seed_and_the_calls() -> None:
    runs = []
    for seed in (5, 5, 6):
        s = _session(fault_profile="aggressive", seed=seed)
        _hammer(s, 150)
        runs.append(_faults(s))
        s.close()
    assert runs[0] == runs[1] and runs[0] != runs[2]


def test_a_refused_call_changes_nothing(tmp_path: Path) -> None:
    s = _session(fault_profile=str(_profile_file(tmp_path, unavailable=1000)))
    before = s.world.state_hash()
    outcome = s.call("slack_send_message", {"channel": "#random", "text": "hello"})
    assert outcome.result["error"]["code"] == "core.unavailable" and outcome.events == ()
    assert s.world.state_hash() == before and outcome.receipt.body["fault"] == "unavailable"
    s.close()


def _sent(s: Session) -> list[Event]:
    return [e for e in s.world.store.events() if e.kind == "mail.message_sent"]


def test_a_retry_with_the_same_key_after_a_timeout_after_commit_exists_once(
    tmp_path: Path,
) -> None:
    path = _profile_file(tmp_path, tools=["mail_compose"], timeout=1000, timeout_ms=20_000)
    s = _session(fault_profile=str(path))
    args = {"to": ["sales@macrocompute.example"], "subject": "Quote", "body": "Hi"}
    keyed = {**args, "idempotency_key": "quote-1"}
    first = s.call("mail_compose", keyed)
    assert first.result["error"]["code"] == "core.timeout"
    assert first.result["error"]["retryable"] is True
    assert first.receipt.body["fault"] == "timeout_after_commit"
    assert first.receipt.body["latency_ms"] >= 20_000
    assert len(_sent(s)) == 1  # the write happened although the agent was told it timed out
    retry = s.call("mail_compose", keyed)
    assert retry.ok and retry.result["id"] == _sent(s)[0].data["id"]
    assert len(_sent(s)) == 1
    # Without a key, the same careful-looking retry sends the mail twice.
    s.call("mail_compose", args)
    s.call("mail_compose", args)
    assert len(_sent(s)) == 3
    s.close()


def test_a_latency_spike_costs_virtual_time_and_succeeds(tmp_path: Path) -> None:
    path = _profile_file(tmp_path, latency=1000, latency_ms=[7000, 7000])
    s = _session(fault_profile=str(path))
    outcome = s.call("mail_list", {})
    assert outcome.ok and outcome.receipt.body["fault"] == "latency_spike"
    assert (
        outcome.receipt.body["latency_ms"]
        == s.world.registry.resolve("mail_list").latency_ms + 7000
    )
    s.close()


def test_a_scenario_can_exempt_tools_from_faults(tmp_path: Path) -> None:
    raw = load_scenario("procurement").spec.model_dump(mode="json", by_alias=True)
    raw["faults"] = {"exempt": ["mail_*"]}
    scenario = parse_scenario(raw, source="exempt")
    s = _session(scenario, fault_profile=str(_profile_file(tmp_path, unavailable=1000)))
    assert all(s.call("mail_list", {}).ok for _ in range(20))
    assert not s.call("slack_list_channels", {}).ok
    s.close()


def test_custom_profile_files_are_validated_at_start_up(tmp_path: Path) -> None:
    good = _profile_file(tmp_path, unavailable=10)
    settings = load_settings(env={"VEI_FAULT_PROFILE": str(good)})
    label = settings.to_manifest()["fault_profile"]
    assert label.startswith("file:test-profile@") and str(tmp_path) not in label
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nrules:\n  - unavailable: 2000\n", encoding="utf-8")
    for value in (str(bad), str(tmp_path / "missing.yaml"), "chaotic"):
        with pytest.raises(ConfigError, match="VEI_FAULT_PROFILE") as caught:
            load_settings(env={"VEI_FAULT_PROFILE": value})
        assert "off | light | aggressive" in str(caught.value)
    assert (
        load_settings(env={"VEI_FAULT_PROFILE": "light"}).to_manifest()["fault_profile"] == "light"
    )
