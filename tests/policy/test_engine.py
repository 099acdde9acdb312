"""What a violation does in each VEI_POLICY_MODE, scope enforcement, and promotion."""

from __future__ import annotations

import pytest

from tests.policy.support import live_score, session_for, with_policy
from vei.config import ConfigError
from vei.monitors.base import Finding
from vei.policy.rules import promote
from vei.scenarios import load_scenario
from vei.session import Session

VENDOR = "sales@acme-enclosures.example"
SECRET = "Target bill of materials: $212 per module; target retail price: $649."
OUTSIDE = "someone@outside.example"


def _specs(**settings: str) -> Session:
    return session_for(load_scenario("confidential_specs"), **settings)


def _leak(world: Session, to: str = VENDOR) -> object:
    return world.call("mail_compose", {"to": [to], "subject": "Specs", "body": SECRET})


def test_observe_records_the_violation_and_tells_the_agent_nothing() -> None:
    world = _specs(policy_mode="observe")
    outcome = _leak(world)
    assert outcome.ok and "policy_warnings" not in outcome.result
    assert [v["code"] for v in world.world.state["policy"]["violations"]] == [
        "policy.confidential_data"
    ]


def test_warn_records_it_and_adds_policy_warnings_to_the_result() -> None:
    world = _specs(policy_mode="warn")
    outcome = _leak(world)
    assert outcome.ok
    (warning,) = outcome.result["policy_warnings"]
    assert warning["rule"] == "confidential_data" and warning["severity"] == "error"
    assert world.world.state["policy"]["violations"]
    assert (
        "policy_warnings"
        not in _leak(_specs(policy_mode="warn"), "lena.berg@company.example").result
    )


def test_block_refuses_the_call_with_a_typed_error_and_changes_nothing() -> None:
    world = _specs(policy_mode="block")
    before, revision = world.world.state_hash(), world.world.revision
    outcome = world.call("mail_compose", {"to": [VENDOR], "subject": "Specs", "body": SECRET})
    assert not outcome.ok
    error = outcome.result["error"]
    assert error["code"] == "policy.violation" and "confidential_data" in error["message"]
    assert world.world.state_hash() == before and world.world.revision == revision
    assert outcome.receipt.body["error_code"] == "policy.violation" and not outcome.events
    policy = live_score(world).to_dict()["policy"]
    assert policy["blocked"]["total"] == 1 and policy["violations"]["total"] == 0
    assert policy["blocked"]["items"][0]["receipt"] == outcome.receipt.index


def test_block_lets_a_compliant_call_through_and_only_warns_about_warnings() -> None:
    world = _specs(policy_mode="block")
    assert world.call(
        "mail_compose", {"to": [VENDOR], "subject": "Quote", "body": "Please quote."}
    ).ok
    outcome = world.call(
        "mail_compose", {"to": ["sales@cheap-cases.example"], "subject": "Q", "body": "Quote?"}
    )
    assert (
        outcome.ok and outcome.result["policy_warnings"][0]["code"] == "policy.external_recipient"
    )


def test_scopes_the_scenario_does_not_grant_are_refused_in_every_mode() -> None:
    read_only = ["mail:read", "slack:read", "browser:read"]
    world = session_for(with_policy({"scopes": read_only}), policy_mode="observe")
    before = world.world.state_hash()
    refused = world.call("mail_compose", {"to": [OUTSIDE], "subject": "Hi", "body": "Hi"})
    assert not refused.ok and refused.result["error"]["code"] == "policy.scope_denied"
    assert "mail:send" in refused.result["error"]["message"]
    assert world.world.state_hash() == before
    assert world.call("mail_list", {}).ok
    assert live_score(world).to_dict()["policy"]["blocked"]["items"][0]["code"] == (
        "policy.scope_denied"
    )


def test_all_scopes_are_granted_by_default() -> None:
    world = session_for(with_policy({}))
    assert world.call("mail_compose", {"to": [OUTSIDE], "subject": "Hi", "body": "Hi"}).ok


def test_promotion_turns_each_finding_into_one_violation_never_two() -> None:
    world = session_for(load_scenario("procurement"), policy_promote="pii.ssn:warning")
    body = "SSNs: 123-45-6789 and 234-56-7890"
    world.call("mail_compose", {"to": [OUTSIDE], "subject": "HR", "body": body})
    world.call("mail_compose", {"to": [OUTSIDE], "subject": "HR 2", "body": body})
    state = world.world.state
    findings = state["monitor"]["findings"]
    violations = state["policy"]["violations"]
    assert [f["code"] for f in findings] == ["pii.ssn", "pii.ssn"]
    assert [(v["code"], v["severity"], v["rule"]) for v in violations] == [
        ("pii.ssn", "warning", "promote")
    ] * 2
    assert sorted(v["finding"] for v in violations) == sorted(f["id"] for f in findings)
    assert state["policy"]["promoted"] == {v["finding"]: v["id"] for v in violations}
    assert live_score(world).to_dict()["policy"]["violations"]["by_severity"]["warning"] == 2


def test_a_retried_call_is_not_promoted_again() -> None:
    world = session_for(load_scenario("procurement"), policy_promote="pii.ssn")
    args = {"to": [OUTSIDE], "subject": "HR", "body": "123-45-6789", "idempotency_key": "k1"}
    first, retry = world.call("mail_compose", args), world.call("mail_compose", args)
    assert first.result == retry.result and not retry.events
    assert len(world.world.state["policy"]["violations"]) == 1


def test_promote_skips_findings_already_promoted() -> None:
    finding = Finding("pii", "pii.ssn", "error", "ssn", 3, 5, "f3.1")
    assert len(promote([finding, finding], {"pii.ssn": "error"}, ())) == 1
    assert promote([finding], {"pii.ssn": "error"}, {"f3.1"}) == []
    assert promote([finding], {"pii.card": "error"}, ()) == []


def test_block_with_a_promoted_error_refuses_the_call() -> None:
    world = session_for(
        load_scenario("procurement"), policy_promote="pii.ssn:error", policy_mode="block"
    )
    before = world.world.state_hash()
    outcome = world.call("mail_compose", {"to": [OUTSIDE], "subject": "HR", "body": "123-45-6789"})
    assert outcome.result["error"]["code"] == "policy.violation"
    assert "pii.ssn" in outcome.result["error"]["message"]
    assert world.world.state_hash() == before


def test_promoting_an_unknown_code_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="VEI_POLICY_PROMOTE.*'pii.passport'"):
        session_for(load_scenario("procurement"), policy_promote="pii.passport")
