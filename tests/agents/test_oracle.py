"""The reusable steps of scripted agents: reading replies, filling forms and quotes the way
people write them."""

from __future__ import annotations

import pytest

from vei.agents.base import AgentError
from vei.agents.steps import asks_for_details, asks_why, field_value, is_approval, quote_terms
from vei.npc.rules import ChatApprover
from vei.scenarios import load_scenario


def _templates(name: str, key: str) -> list[str]:
    finance = load_scenario(name).spec.npcs[0]
    assert isinstance(finance, ChatApprover)
    group: list[str] = getattr(finance.templates, key)
    return group


@pytest.mark.parametrize("name", ["procurement", "procurement_over_budget"])
def test_every_approval_wording_reads_as_approval_and_nothing_else_does(name: str) -> None:
    for text in _templates(name, "approve"):
        assert is_approval(text), text
    for key in ("ask_amount", "reject", "clarify", "weak_justification"):
        for text in _templates(name, key):
            assert not is_approval(text), text
    assert not is_approval("This is not approved yet.")


def test_every_request_for_a_justification_reads_as_one() -> None:
    for key in ("justify", "weak_justification"):
        for text in _templates("procurement_over_budget", key):
            assert asks_why(text) and not is_approval(text), text


def test_form_fields_are_filled_by_name_then_type_then_word() -> None:
    values = {"email": "me@x.example", "number": "2", "name": "Alex", "textarea": "hi"}
    assert field_value({"name": "email", "input_type": "email"}, values) == "me@x.example"
    assert field_value({"name": "work_email", "input_type": "email"}, values) == "me@x.example"
    assert field_value({"name": "quantity", "input_type": "number"}, values) == "2"
    assert field_value({"name": "full_name", "input_type": "text"}, values) == "Alex"
    assert field_value({"name": "notes", "input_type": "textarea"}, values) == "hi"
    assert field_value({"name": "phone", "input_type": "text"}, values) is None


def test_quote_terms_take_the_first_price_and_delivery_time() -> None:
    assert quote_terms("Price $4,125.50 each; delivery in 8 business days, 3 days to ship") == (
        412_550,
        8,
    )
    assert quote_terms("USD 1,049 per unit, within a week")[1] == 5
    with pytest.raises(AgentError, match="no price or delivery time"):
        quote_terms("We will get back to you.")


def test_a_vendor_reply_without_a_price_asks_for_details() -> None:
    assert asks_for_details("Thanks. We still need the material to give you a price.")
    assert not asks_for_details("Our quote: $18.40 per housing.")
