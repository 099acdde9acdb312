from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vei.money import format_money, parse_amounts, parse_days


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("$3,199", [319900]),
        ("costs $3,199.00 each", [319900]),
        ("$ 3199", [319900]),
        ("3,199 USD", [319900]),
        ("3199 dollars", [319900]),
        ("$3.2k", [320000]),
        ("approve $3,099.5?", [309950]),
        ("a 16-core CPU with 32 GB RAM", []),
        ("$1,299 or $3,199", [129900, 319900]),
    ],
)
def test_parse_amounts(text: str, cents: list[int]) -> None:
    assert parse_amounts(text) == cents


def test_parse_days() -> None:
    assert parse_days("delivery in 5 business days, or a 7-day rush") == [5, 7]
    assert parse_days("16-core CPU") == []


@given(st.integers(0, 10**9))
def test_formatted_money_parses_back(cents: int) -> None:
    assert parse_amounts(format_money(cents)) == [cents]
