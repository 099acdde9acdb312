"""Facts drawn per seed: values, ranges, choices and expressions, each from its own stream,
substituted with their types into the scenario."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vei.facts import FactError, draw_facts, evaluate, substitute
from vei.types import DEFAULT_SEED

FACTS: dict[str, Any] = {
    "product": {"choice": [{"product": "A", "ram_gb": 16}, {"product": "B", "ram_gb": 32}]},
    "price_cents": {"range": [100_000, 200_000], "step": 500, "default": 150_000},
    "quantity": {"choice": [2, 3, 4], "default": 2},
    "total_cents": {"expr": "price_cents * quantity"},
    "cap_cents": 500_000,
}


@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_draws_stay_in_their_ranges_and_derive_their_expressions(seed: int) -> None:
    facts = draw_facts(FACTS, seed)
    assert 100_000 <= int(facts["price_cents"]) <= 200_000 and int(facts["price_cents"]) % 500 == 0
    assert facts["quantity"] in (2, 3, 4)
    assert facts["total_cents"] == int(facts["price_cents"]) * int(facts["quantity"])
    assert (facts["product"], facts["ram_gb"]) in (("A", 16), ("B", 32))
    assert facts["cap_cents"] == 500_000
    assert draw_facts(FACTS, seed) == facts  # a pure function of the seed


def test_the_default_seed_keeps_the_declared_defaults() -> None:
    facts = draw_facts(FACTS, DEFAULT_SEED)
    assert (facts["price_cents"], facts["quantity"], facts["total_cents"]) == (150_000, 2, 300_000)


def test_seeds_draw_different_facts() -> None:
    prices = {draw_facts(FACTS, seed)["price_cents"] for seed in range(20)}
    assert len(prices) > 10


def test_adding_a_fact_never_shifts_another_ones_draw() -> None:
    more = {"colour": {"choice": ["red", "blue"]}, **FACTS}
    for seed in range(10):
        with_more = draw_facts(more, seed)
        assert {k: with_more[k] for k in draw_facts(FACTS, seed)} == draw_facts(FACTS, seed)


def test_expressions_use_integers_earlier_facts_and_a_few_operators() -> None:
    assert evaluate("min(a, 10) + b // 2 - -1", {"a": 7, "b": 9}) == 12
    for bad, reason in [
        ("a ** 2", "may use integers"),
        ("later * 2", "'later' is not an integer fact"),
        ("a // 0", "division by zero"),
        ("name", "'name' is not an integer fact"),
        ("1 +", "is not an expression"),
    ]:
        with pytest.raises(FactError, match=reason):
            evaluate(bad, {"a": 7, "name": "text"})


def test_bad_declarations_name_the_fact() -> None:
    for raw, reason in [
        ({"x": {"range": [5, 1]}}, "facts.x.*range 5..1 is empty"),
        ({"x": {"range": [0, 10], "step": 3, "default": 4}}, "default 4 is not a value"),
        ({"x": {"choice": []}}, "facts.x.choice"),
        ({"x": {"choice": [1, {"a": 1}]}}, "all values or all mappings"),
        ({"x": {"choice": [1], "range": [0, 1]}}, "exactly one of range, choice and expr"),
        ({"X": 1}, "not a fact name"),
        ({"x": 1.5}, "expected a number, a text"),
        ({"x": {"choice": [{"y": 1}]}, "y": 2}, "facts.y: defines 'y', which is already a fact"),
    ]:
        with pytest.raises(FactError, match=reason):
            draw_facts(raw, 1)


def test_substitution_keeps_types_formats_money_and_leaves_runtime_templates() -> None:
    facts = {"cap_cents": 350_000, "product": "MacroBook", "days": 5}
    raw = {
        "budget": {"cap_cents": "{cap_cents}"},
        "task": "Buy the {product} within {cap} in {days} days; braces: {{literal}}",
        "npcs": [{"templates": ["{amount} of {cap} for {product}"]}],
    }
    done = substitute(raw, facts)
    assert done["budget"]["cap_cents"] == 350_000
    assert done["task"] == "Buy the MacroBook within $3,500 in 5 days; braces: {literal}"
    assert done["npcs"][0]["templates"] == ["{amount} of $3,500 for MacroBook"]


def test_an_unknown_placeholder_names_its_path_and_the_known_facts() -> None:
    with pytest.raises(FactError, match=r"twins\.browser\.text: unknown fact \{shiping\}.*product"):
        substitute({"twins": {"browser": {"text": "{shiping}"}}}, {"product": "A"})
