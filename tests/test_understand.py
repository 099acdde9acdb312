"""How NPCs read the agent's messages: requests with or without trigger words, the total
asked for, items and quantities, and needs judged by content."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vei.understand import (
    Point,
    asks_approval,
    item_in,
    match_product,
    mentions,
    points_met,
    quantity,
    requested_amount,
)


@pytest.mark.parametrize(
    "text",
    [
        "Requesting budget approval to purchase a MacroBook Pro 16 for $3,199.",
        "Hi Priya, we'd like to buy the MacroBook for $3,199. OK to go ahead?",
        "Could this get approved? MacroBook Pro 16, $3,199.",
        "Can we order 4 chairs ($1,956 in total)?",
        "Please sign off on $3,199 for the laptop.",
        "Green light for $3,199?",
    ],
)
def test_requests_are_recognised_with_or_without_trigger_words(text: str) -> None:
    assert asks_approval(text)


@pytest.mark.parametrize(
    "text",
    [
        "Quote from MacroCompute: $3,099 for the MacroBook Pro 16, delivery in 5 business days.",
        "Ordered 4 x ErgoMax 500 (approved by finance): total $1,956, delivery in 7 days.",
        "FYI the list price is $3,199.",
        "It was approved yesterday, thanks!",
    ],
)
def test_reports_are_not_requests(text: str) -> None:
    assert not asks_approval(text)


@pytest.mark.parametrize(
    ("text", "qty", "amount", "candidates"),
    [
        ("Approve $3,199 for the laptop?", None, 319_900, ()),
        ("4 chairs at $489 each, total $1,956", 4, 195_600, ()),
        ("$489 each, total $1,956", None, 195_600, ()),
        ("4 chairs at $489 each", 4, 195_600, ()),
        ("Approve $1,956 (4 x $489)?", 4, 195_600, ()),
        ("For $3,109 as quoted (list price $3,199), within the $3,500 cap", None, 310_900, ()),
        ("Is it $489 or $1,956?", None, None, (48_900, 195_600)),
        ("Can you approve about $3k?", None, None, ()),
        ("Can you approve the laptop?", None, None, ()),
    ],
)
def test_the_amount_asked_for_is_the_total_and_ambiguity_is_named(
    text: str, qty: int | None, amount: int | None, candidates: tuple[int, ...]
) -> None:
    asked = requested_amount(text, qty)
    assert (asked.amount_cents, asked.candidates) == (amount, candidates)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Requesting approval for four ErgoMax 500 chairs", 4),
        ("4 x ErgoMax 500 at $489", 4),
        ("ErgoMax 500 x 6, $489 each", 6),
        ("We need 3 new chairs", 3),
        ("qty: 5 ErgoMax 500", 5),
        ("an ErgoMax 500 for Dana", 1),
        ("the ErgoMax 500 for $489", None),
        ("16-core CPU, 32 GB RAM", None),
    ],
)
def test_quantities_count_items_not_numbers_in_their_names(text: str, expected: int | None) -> None:
    assert quantity(text, ["ErgoMax 500"], ["chair"]) == expected


def test_items_are_named_in_full_or_by_their_distinguishing_words() -> None:
    items = ["MacroBook Pro 16", "MacroBook Air 13"]
    assert item_in("Approve a MacroBook Pro 16 for $3,199?", items) == "MacroBook Pro 16"
    assert item_in("the macrobook air 13 instead", items) == "MacroBook Air 13"
    assert item_in("a Pro 16 laptop", items) == "MacroBook Pro 16"
    assert item_in("a MacroBook", items) is None  # could be either
    assert item_in("not the Air 13, the Pro 16", items) is None


def test_form_products_match_the_catalog_or_nothing() -> None:
    catalog = ["Lumen ProView 32", "Lumen ProView 27"]
    assert match_product("ProView 32", catalog) == "Lumen ProView 32"
    assert match_product("lumen proview 27 monitor", catalog) == "Lumen ProView 27"
    assert match_product("ProView", catalog) is None
    assert match_product("a monitor", catalog) is None


def test_needs_are_met_by_content_in_any_words() -> None:
    points = [
        Point("work", ("train", "machine learning")),
        Point("memory", ("128 GB", "out of memory")),
    ]
    assert points_met("Jonas trains models; his jobs run out of memory at 32GB.", points) == [
        "work",
        "memory",
    ]
    assert points_met("He needs 128GB for training.", points) == ["work", "memory"]
    assert points_met("because", points) == []
    assert mentions("IP54-rated, 98x64x22 mm", "98 x 64 x 22")
    assert not mentions("98 x 64 x 23", "98 x 64 x 22")


@given(st.text(max_size=300))
def test_reading_never_fails_on_any_text(text: str) -> None:
    asks_approval(text)
    requested_amount(text, 3)
    quantity(text, ["ErgoMax 500"], ["chair"])
    item_in(text, ["MacroBook Pro 16", "MacroBook Air 13"])
