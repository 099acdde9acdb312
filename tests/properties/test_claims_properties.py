"""Properties of claims extraction: formatted money reads back, nothing is invented, any text
is safe, and long adversarial input stays linear."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vei.claims import Amount, Duration, amounts, durations, number
from vei.money import format_money, parse_amounts

# Whole dollars up to 15 digits: the largest amount the extractor reads.
cents_values = st.integers(-(10**17) + 1, 10**17 - 1)
NUMBER_WORD = re.compile(
    r"zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|teen|twenty|thirty"
    r"|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion",
    re.IGNORECASE,
)
# Money words without a number: what a post full of cues but no amount looks like.
money_words = st.lists(
    st.sampled_from(
        [
            "$",
            "US$",
            "USD",
            "EUR",
            "GBP",
            "€",
            "£",
            "dollars",
            "euros",
            "pounds",
            "k",
            "m",
            "total",
            "each",
            "per unit",
            "quote",
            "a",
            "an",
            "week",
            "days",
            "-",
            " ",
            ",",
            ".",
            "to",
            "between",
            "and",
            "\n",
        ]
    ),
    max_size=30,
).map(" ".join)


@given(cents_values)
def test_formatted_money_reads_back_as_one_exact_amount(cents: int) -> None:
    [amount] = amounts(format_money(cents))
    assert (amount.cents, amount.currency, amount.tolerance_cents) == (cents, "USD", 0)
    assert amount.matches(cents) and amount.specific


@given(cents_values, st.sampled_from(["Acme quoted {} for it.", "Total: {}", "({}, incl. tax)"]))
def test_formatted_money_in_a_sentence_reads_back(cents: int, template: str) -> None:
    assert parse_amounts(template.format(format_money(cents))) == [cents]


@given(st.integers(1, 60), st.sampled_from(["{} business days", "within {} working days"]))
def test_n_business_days_is_one_duration_matching_n(n: int, template: str) -> None:
    [duration] = durations(template.format(n))
    assert duration.matches_business_days(n)
    assert not duration.matches_business_days(n + 1)


@given(st.integers(0, 999_999))
def test_number_reads_its_own_digits_grouped_or_not(n: int) -> None:
    assert number(str(n)) == number(f"{n:,}") == n


@given(
    st.one_of(
        st.text(st.characters(blacklist_categories=["Nd", "No", "Nl"])),
        money_words,
    ).filter(lambda t: NUMBER_WORD.search(t) is None)
)
def test_text_without_digits_or_number_words_has_no_amounts(text: str) -> None:
    assert amounts(text) == []


@given(st.text(), st.integers(-(10**12), 10**12))
def test_extraction_never_raises_and_is_pure(text: str, now_ms: int) -> None:
    first = (amounts(text), durations(text, now_ms=now_ms))
    assert first == (amounts(text), durations(text, now_ms=now_ms))
    for claims in first:
        _assert_in_order_without_overlaps(text, claims)


def _assert_in_order_without_overlaps(text: str, claims: Sequence[Amount | Duration]) -> None:
    for claim in claims:
        assert text[claim.start : claim.end] == claim.text
    spans = [(c.start, c.end) for c in claims]
    assert spans == sorted(spans)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False))


@given(
    st.lists(
        st.sampled_from(
            [
                "$",
                "1",
                ",",
                ".",
                " ",
                "-",
                "k",
                "USD",
                "one",
                "a",
                "week",
                "days",
                "Nov",
                "to",
                "and",
                "\n",
                "é",
                "€",
            ]
        ),
        max_size=60,
    ).map("".join)
)
def test_fragments_of_money_never_break_spans(text: str) -> None:
    _assert_in_order_without_overlaps(text, amounts(text))
    _assert_in_order_without_overlaps(text, durations(text, now_ms=0))


@pytest.mark.parametrize(
    ("text", "amount_count", "duration_count"),
    [
        ("$" * 10_000, 0, 0),
        ("$" * 10_000 + "5", 1, 0),
        ("1," * 5_000, 0, 0),
        ("1," * 5_000 + " dollars", 0, 0),
        ("1" * 10_000 + " dollars", 0, 0),
        ("1." * 5_000, 0, 0),
        ("9" * 20_000, 0, 0),
        ("one " * 5_000 + "dollars", 1, 0),
        ("a " * 10_000 + "week", 0, 1),
        ("5-" * 5_000 + "days", 0, 0),  # no number in the chain stands alone
        ("$1 to " * 3_000, 3_000, 0),
        ("-$1" * 3_000, 3_000, 0),
        (" " * 20_000 + "$5", 1, 0),
        ("$1,000 each, total per unit " * 1_000, 1_000, 0),
        ("twenty-" * 3_000 + "one days", 0, 0),
        ("Nov 1 " * 3_000, 0, 3_000),
    ],
)
def test_long_adversarial_text_is_read_in_one_pass(
    text: str, amount_count: int, duration_count: int
) -> None:
    assert len(amounts(text)) == amount_count
    assert len(durations(text, now_ms=0)) == duration_count


@settings(max_examples=25)  # each example reads a few thousand claims
@given(st.integers(100, 2_000), st.sampled_from(["$5 ", "five business days, ", "3,099 USD; "]))
def test_a_repeated_claim_is_found_every_time(repeats: int, claim: str) -> None:
    text = claim * repeats
    assert len(amounts(text)) + len(durations(text)) == repeats
