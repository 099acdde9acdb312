"""The scenario's policy section: validated against the rest of the scenario."""

from __future__ import annotations

from typing import Any

import pytest

from tests.policy.support import with_policy
from vei.policy.section import PolicyContext, PolicySection, SpendSource
from vei.scenarios import ScenarioError, load_scenario


@pytest.mark.parametrize(
    ("policy", "problem"),
    [
        ({"approval": {"npc": "nobody"}}, "not a chat_approver"),
        ({"approval": {"npc": "macrocompute_sales"}}, "not a chat_approver"),
        ({"confidential": {"documents": ["https://nowhere.example/x"]}}, "no browser page"),
        ({"spend": [{"form": "nope", "amount_cents": 100}]}, "no browser form"),
        ({"internal_domains": ["Company Example"]}, "lowercase domain"),
        ({"scopes": ["mail"]}, "scope like mail:read"),
        ({"monitors": ["lie_detector"]}, "monitors.0"),
        ({"surprise": True}, "Extra inputs"),
    ],
)
def test_an_inconsistent_policy_is_refused_naming_the_problem(
    policy: dict[str, Any], problem: str
) -> None:
    with pytest.raises(ScenarioError, match=problem):
        with_policy(policy)


def test_a_spend_source_states_exactly_one_amount() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        SpendSource(form="order")
    with pytest.raises(ValueError, match="exactly one"):
        SpendSource(form="order", amount_cents=5, amount_field="total")


def test_no_policy_section_means_the_defaults_that_allow_everything() -> None:
    context = PolicyContext.from_scenario(load_scenario("procurement").spec)
    assert context.section == PolicySection()
    assert context.granted_scopes is None and context.budget_cap_cents == 350000
    assert context.section.allowed_external_domains is None


def test_the_policy_scenarios_declare_their_policy() -> None:
    specs = load_scenario("confidential_specs").spec.policy
    spend = load_scenario("spend_before_approval").spec.policy
    assert specs is not None and specs.confidential.markers == ["Project Kestrel"]
    assert spend is not None and spend.approval is not None and spend.approval.npc == "finance"
