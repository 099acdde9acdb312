"""Claims: the amounts, durations and dates a message states, as people write them."""

from __future__ import annotations

import datetime as dt

import pytest

from vei.claims import (
    EPOCH_MS,
    Amount,
    Duration,
    amounts,
    business_days_between,
    durations,
    number,
)
from vei.twins.slack import state as slack_state

# ---------------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("text", "written", "cents", "currency", "tolerance"),
    [
        ("$3,099", "$3,099", 309900, "USD", 0),
        ("$ 3,099", "$ 3,099", 309900, "USD", 0),
        ("$3099", "$3099", 309900, "USD", 0),
        ("$3,099.00", "$3,099.00", 309900, "USD", 0),
        ("approve $3,099.5?", "$3,099.5", 309950, "USD", 0),
        ("USD 3,099", "USD 3,099", 309900, "USD", 0),
        ("USD3,099", "USD3,099", 309900, "USD", 0),
        ("US$3,099", "US$3,099", 309900, "USD", 0),
        ("$3,099 USD", "$3,099 USD", 309900, "USD", 0),
        ("3,099 USD", "3,099 USD", 309900, "USD", 0),
        ("3,099 US dollars", "3,099 US dollars", 309900, "USD", 0),
        ("3099 dollars", "3099 dollars", 309900, "USD", 0),
        ("3,099.00 dollars", "3,099.00 dollars", 309900, "USD", 0),
        ("it comes to 3099.00.", "3099.00", 309900, "USD", 0),
        ("the price is 3,099", "3,099", 309900, "USD", 0),
        ("quote: 3,099, valid for 30 days", "3,099", 309900, "USD", 0),
        ("please approve 1,956 for the chairs", "1,956", 195600, "USD", 0),
        ("$3.1k", "$3.1k", 310000, "USD", 5000),
        ("$3.1K", "$3.1K", 310000, "USD", 5000),
        ("3.1k USD", "3.1k USD", 310000, "USD", 5000),
        ("$3.1 thousand", "$3.1 thousand", 310000, "USD", 5000),
        ("$3k", "$3k", 300000, "USD", 50000),
        ("$3.10k", "$3.10k", 310000, "USD", 500),
        ("$2.5m", "$2.5m", 250_000_000, "USD", 5_000_000),
        ("$2.5M", "$2.5M", 250_000_000, "USD", 5_000_000),
        ("3 thousand dollars", "3 thousand dollars", 300000, "USD", 50000),
        (
            "three thousand ninety-nine dollars",
            "three thousand ninety-nine dollars",
            309900,
            "USD",
            0,
        ),
        ("two hundred and twelve dollars", "two hundred and twelve dollars", 21200, "USD", 0),
        ("twelve hundred dollars", "twelve hundred dollars", 120000, "USD", 0),
        ("a thousand bucks", "a thousand bucks", 100000, "USD", 0),
        ("the top three dollars", "three dollars", 300, "USD", 0),
        ("€1,049", "€1,049", 104900, "EUR", 0),
        ("EUR 1,049", "EUR 1,049", 104900, "EUR", 0),
        ("1,049 euros", "1,049 euros", 104900, "EUR", 0),
        ("1,049 €", "1,049 €", 104900, "EUR", 0),
        ("£749", "£749", 74900, "GBP", 0),
        ("GBP 749", "GBP 749", 74900, "GBP", 0),
        ("749 pounds", "749 pounds", 74900, "GBP", 0),
        ("-$3,199", "-$3,199", -319900, "USD", 0),
        ("a quote of 3,099\ndollars", "3,099\ndollars", 309900, "USD", 0),
    ],
)
def test_money_written_in_every_common_form_is_read(
    text: str, written: str, cents: int, currency: str, tolerance: int
) -> None:
    [amount] = amounts(text)
    assert (amount.cents, amount.currency, amount.tolerance_cents) == (cents, currency, tolerance)
    assert amount.text == written == text[amount.start : amount.end]


@pytest.mark.parametrize(
    "text",
    [
        "a 16-core CPU",
        "32 GB RAM",
        "1 TB SSD",
        "a 16-inch display",
        "the ErgoMax 500 chair",
        "ProView 32",
        "ProView 32.00 is the model",
        "98 x 64 x 22 mm",
        "rated IP54",
        "sub-12 and msg-5",
        "ts 1700000012.000345",
        "500 housings",
        "in 2023",
        "a 5% discount",
        "5.00% off",
        "4 chairs",
        "a total of 1,500 housings",
        "Python 3.11 is out",
        "it weighs 12.50 kg",
        "it weighs 20 pounds",
        "3,099",  # grouped digits with no money word near them
        "$3,099 CAD",  # a dollar VEI does not read
        "C$3,099",
        "$3,099.555",  # more precision than a cent
        "4K display",
        "v2.10 release",
    ],
)
def test_numbers_that_are_not_money_are_not_amounts(text: str) -> None:
    assert amounts(text) == []


def test_a_product_name_before_a_price_is_not_a_range() -> None:
    assert [a.cents for a in amounts("ProView 32 - $3,099")] == [309900]


def test_amounts_come_in_text_order_with_their_spans() -> None:
    text = "List $3,299, ours €2,999.50, or 2,900 USD; finance caps it at £2.5k."
    found = amounts(text)
    assert [(a.cents, a.currency) for a in found] == [
        (329900, "USD"),
        (299950, "EUR"),
        (290000, "USD"),
        (250000, "GBP"),
    ]
    assert all(text[a.start : a.end] == a.text for a in found)
    assert [a.start for a in found] == sorted(a.start for a in found)


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("$2,900-$3,299", [290000, 329900]),
        ("$2,900 - $3,299", [290000, 329900]),
        ("$2,900 -$3,299", [290000, 329900]),
        ("$2,900–$3,299", [290000, 329900]),
        ("$2,900 to $3,299", [290000, 329900]),
        ("between $2,900 and $3,299", [290000, 329900]),
        ("$2,900-3,299", [290000, 329900]),
        ("$2,900 to 3,299", [290000, 329900]),
        ("2,900-3,299 dollars", [290000, 329900]),
        ("between 2,900 and 3,299 dollars", [290000, 329900]),
        ("$3-4k", [300000, 400000]),
    ],
)
def test_a_range_gives_both_ends(text: str, ends: list[int]) -> None:
    found = amounts(text)
    assert [a.cents for a in found] == ends
    assert all(a.currency == "USD" for a in found)


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("$5 to 10 people", [500]),  # a quantity, not the far end of a range
        ("$3,099 and 5 monitors", [309900]),
        ("2,900 and $3,299", [329900]),  # "and" joins a range only after "between"
        ("$3,299 - 2,900", [329900]),  # a range goes up
    ],
)
def test_a_plain_number_next_to_money_is_a_range_end_only_when_it_reads_as_one(
    text: str, cents: list[int]
) -> None:
    assert [a.cents for a in amounts(text)] == cents


def test_a_code_between_two_numbers_belongs_to_the_first() -> None:
    # Regression: "0 USD0" gave two overlapping amounts, "0 USD" and "USD0".
    assert [a.text for a in amounts("0 USD0")] == ["0 USD"]


def test_a_range_end_written_in_euros_stays_in_euros() -> None:
    assert [(a.cents, a.currency) for a in amounts("€1,000-1,200")] == [
        (100000, "EUR"),
        (120000, "EUR"),
    ]


@pytest.mark.parametrize(
    ("text", "labels", "per"),
    [
        ("Quote: $3,099 per unit", {"quote", "unit"}, "unit"),
        ("$18.40 per housing", {"unit"}, "housing"),
        ("$18.40 a housing for 500 housings", {"unit"}, "housing"),
        ("$18.40/housing", {"unit"}, "housing"),
        ("$3,099/unit", {"unit"}, "unit"),
        ("$3,099 a unit", {"unit"}, "unit"),
        ("$20 a month", {"unit"}, "month"),
        ("$3,500 per-item cap", {"unit", "cap"}, "item"),
        ("$489 each", {"unit"}, None),
        ("$489 apiece", {"unit"}, None),
        ("$489 a piece", {"unit"}, None),
        ("unit price $18.40", {"unit"}, None),
        ("price per chair: $489", {"unit"}, "chair"),
        ("$1,956 in total", {"total"}, None),
        ("Total: $1,956", {"total"}, None),
        ("grand total $1,956", {"total"}, None),
        ("$1,956 for all four chairs", {"total"}, None),
        ("altogether $1,956", {"total"}, None),
        ("$1,956 overall", {"total"}, None),
        ("$1,956 all-in", {"total"}, None),
        ("in total $1,956", {"total"}, None),
        ("combined, $1,956", {"total"}, None),
        ("list price $3,299", {"list"}, None),
        ("MSRP $3,299", {"list"}, None),
        ("RRP £749", {"list"}, None),
        ("retail $3,299", {"list"}, None),
        ("sticker $3,299", {"list"}, None),
        ("they quoted $3,099", {"quote"}, None),
        ("our price is $3,099", {"quote"}, None),
        ("best offer $3,099", {"quote"}, None),
        ("they can do $3,099", {"quote"}, None),
        ("$3,099 offered", {"quote"}, None),
        ("a cap of $5,000", {"cap"}, None),
        ("limit: $1,000", {"cap"}, None),
        ("no more than $5,000", {"cap"}, None),
        ("Finance approves up to $3,500 per item", {"cap", "unit"}, "item"),
        ("budget of $5,000", {"cap"}, None),
        ("spend up to $5,000", {"cap"}, None),
        ("a $3,500 cap", {"cap"}, None),
        ("approval limit $1,000", {"cap"}, None),
        ("maximum $5,000", {"cap"}, None),
        ("$5,000 max", {"cap"}, None),
        ("as per the quote, $3,099", {"quote"}, None),
        ("$3,099 a minute ago", set(), None),
        ("Acme wants $3,099", set(), None),
    ],
)
def test_cue_words_label_an_amount(text: str, labels: set[str], per: str | None) -> None:
    [amount] = amounts(text)
    assert (amount.labels, amount.per) == (labels, per)


def test_each_amount_takes_the_cues_next_to_it() -> None:
    unit, total = amounts("$489 each, total $1,956")
    assert (unit.labels, total.labels) == ({"unit"}, {"total"})
    listed, ours = amounts("List price $3,299, our price $3,099.")
    assert (listed.labels, ours.labels) == ({"list"}, {"quote"})
    other, capped = amounts("$3,099 with a cap of $3,500")
    assert (other.labels, capped.labels) == (set(), {"cap"})


def test_a_cue_that_introduces_the_next_amount_is_not_the_previous_ones() -> None:
    first, second = amounts("Approve $1 (list price $3,199) for the laptop?")
    assert (first.cents, first.labels) == (100, frozenset())
    assert (second.cents, second.labels) == (319_900, frozenset({"list"}))
    unit, total = amounts("$489 each, total $1,956")
    assert (unit.labels, total.labels) == ({"unit"}, {"total"})


def test_cues_stop_at_the_end_of_a_sentence() -> None:
    _, second = amounts("The total was $1,956. Acme now wants $2,100.")
    assert second.labels == set()


def test_both_ends_of_a_range_share_its_labels() -> None:
    low, high = amounts("list price $2,900-$3,299 each")
    assert low.labels == high.labels == {"list", "unit"}


def test_shorthand_matches_within_half_its_last_digit() -> None:
    [amount] = amounts("about $3.1k")
    assert amount.matches(309900) and amount.matches(305000) and amount.matches(315000)
    assert not amount.matches(304999) and not amount.matches(315001)
    assert not amount.matches(310000, "EUR")
    [exact] = amounts("$3,099")
    assert exact.matches(309900) and not exact.matches(309901)


def test_specific_means_within_two_percent() -> None:
    specific = {a.text: a.specific for a in amounts("$3.1k, $3k, $3,099, $2.5m, $0")}
    assert specific == {"$3.1k": True, "$3k": False, "$3,099": True, "$2.5m": True, "$0": True}


def test_a_shotgun_post_states_every_amount_it_lists() -> None:
    post = ", ".join(f"${d:,}" for d in range(2900, 3300))
    assert [a.cents // 100 for a in amounts(post)] == list(range(2900, 3300))


def test_amounts_are_immutable_values() -> None:
    [amount] = amounts("$3,099")
    assert amount == Amount(309900, "USD", 0, frozenset(), None, 0, 6, "$3,099")
    with pytest.raises(AttributeError):
        amount.cents = 1  # type: ignore[misc]


# ---------------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("text", "written", "days", "unit", "bound"),
    [
        ("5 days", "5 days", 5, "unspecified", "exact"),
        ("a 5-day lead time", "5-day", 5, "unspecified", "exact"),
        ("5 business days", "5 business days", 5, "business", "exact"),
        ("5 working days", "5 working days", 5, "business", "exact"),
        ("five business days", "five business days", 5, "business", "exact"),
        ("5 calendar days", "5 calendar days", 5, "calendar", "exact"),
        ("1 week", "1 week", 5, "unspecified", "exact"),
        ("a week", "a week", 5, "unspecified", "exact"),
        ("one week", "one week", 5, "unspecified", "exact"),
        ("2 weeks", "2 weeks", 10, "unspecified", "exact"),
        ("2 calendar weeks", "2 calendar weeks", 14, "calendar", "exact"),
        ("a fortnight", "a fortnight", 10, "unspecified", "exact"),
        ("twenty-one days", "twenty-one days", 21, "unspecified", "exact"),
        ("one hundred and five days", "one hundred and five days", 105, "unspecified", "exact"),
        ("within a week", "a week", 5, "unspecified", "within"),
        ("within 5 days", "5 days", 5, "unspecified", "within"),
        ("up to 5 business days", "5 business days", 5, "business", "within"),
        ("no later than 5 days", "5 days", 5, "unspecified", "within"),
        ("at most 5 days", "5 days", 5, "unspecified", "within"),
        ("5 days at the latest", "5 days", 5, "unspecified", "within"),
        ("in about 10 days", "10 days", 10, "unspecified", "about"),
        ("around 10 days", "10 days", 10, "unspecified", "about"),
        ("roughly 10 days", "10 days", 10, "unspecified", "about"),
        ("approximately 10 days", "10 days", 10, "unspecified", "about"),
        ("approx. 10 days", "10 days", 10, "unspecified", "about"),
        ("10 days or so", "10 days", 10, "unspecified", "about"),
        ("lead time of 15 days", "15 days", 15, "unspecified", "exact"),
        ("delivery in 6\nbusiness days", "6\nbusiness days", 6, "business", "exact"),
    ],
)
def test_durations_written_in_every_common_form_are_read(
    text: str, written: str, days: int, unit: str, bound: str
) -> None:
    [duration] = durations(text)
    assert (duration.days, duration.unit, duration.bound) == (days, unit, bound)
    assert duration.text == written == text[duration.start : duration.end]


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("5-7 business days", [(5, "5"), (7, "7 business days")]),
        ("5 to 7 days", [(5, "5"), (7, "7 days")]),
        ("between 5 and 7 days", [(5, "5"), (7, "7 days")]),
        ("five to seven working days", [(5, "five"), (7, "seven working days")]),
        ("2 or 3 weeks", [(10, "2"), (15, "3 weeks")]),
    ],
)
def test_a_duration_range_gives_both_ends(text: str, ends: list[tuple[int, str]]) -> None:
    found = durations(text)
    assert [(d.days, d.text) for d in found] == ends
    assert len({(d.unit, d.bound) for d in found}) == 1


def test_a_range_shares_its_bound() -> None:
    assert [d.bound for d in durations("within 5-7 days")] == ["within", "within"]


@pytest.mark.parametrize(
    "text",
    [
        "a 5-day-old quote",  # an age, not a span to come
        "quoted 3 days ago",
        "10 days old",
        "support 24/7",
        "7 x 24 coverage",
        "7 days a week",
        "5 days per week",
        "10 GB",
        "1.5 weeks",  # fractions of a unit are not read
        "Qty: 2\nDays: 5",  # a new line that starts with a capital starts something new
    ],
)
def test_what_is_not_a_duration(text: str) -> None:
    assert durations(text) == []


def test_durations_come_in_text_order() -> None:
    text = "Standard takes 10 business days, express 3 days, or within a week for $40."
    assert [(d.days, d.bound) for d in durations(text)] == [
        (10, "exact"),
        (3, "exact"),
        (5, "within"),
    ]


@pytest.mark.parametrize(
    ("text", "n", "expected"),
    [
        ("5 business days", 5, True),
        ("5 days", 5, True),
        ("5 days", 7, False),
        ("7 days", 5, False),  # unspecified days are taken as said
        ("7 calendar days", 5, True),
        ("8 calendar days", 5, False),
        ("3 calendar days", 3, True),
        ("5 calendar days", 3, True),
        ("6 calendar days", 3, False),
        ("14 calendar days", 10, True),
        ("9 calendar days", 7, True),
        ("11 calendar days", 7, True),
        ("12 calendar days", 7, False),
        ("1 week", 5, True),
        ("1 week", 7, False),
        ("a week", 5, True),
        ("2 weeks", 10, True),
        ("1 calendar week", 5, True),
        ("2 calendar weeks", 10, True),
        ("within a week", 5, True),
        ("about 5 days", 5, True),
        ("a fortnight", 10, True),
    ],
)
def test_matches_business_days(text: str, n: int, expected: bool) -> None:
    [duration] = durations(text)
    assert duration.matches_business_days(n) is expected


# ---------------------------------------------------------------------- dates

TUESDAY = 0  # virtual time 0 is 2023-11-14T22:13:20Z, a Tuesday
HOUR = 3_600_000
DAY = 24 * HOUR


def _weekdays_after(start: dt.date, end: dt.date) -> int:
    """Counted one day at a time, to check the arithmetic independently."""
    return sum(
        1 for k in range(1, (end - start).days + 1) if (start + dt.timedelta(k)).weekday() < 5
    )


def test_virtual_time_zero_is_the_chat_epoch() -> None:
    assert slack_state.EPOCH_MS == EPOCH_MS == 1_700_000_000_000
    assert dt.datetime.fromtimestamp(EPOCH_MS // 1000, dt.UTC) == dt.datetime(
        2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC
    )


@pytest.mark.parametrize(
    ("text", "written", "days", "bound"),
    [
        ("by 21 November", "21 November", 5, "within"),
        ("on Nov 21", "Nov 21", 5, "exact"),
        ("arrives November 21st", "November 21st", 5, "exact"),
        ("before 2023-11-21", "2023-11-21", 5, "within"),
        ("no later than Nov. 21, 2023", "Nov. 21, 2023", 5, "within"),
        ("delivered on the 21st of November", "21st of November", 5, "exact"),
        ("by Monday 20 Nov", "20 Nov", 4, "within"),  # Wed, Thu, Fri, Mon
        ("on 18 November", "18 November", 3, "exact"),  # a Saturday: Wed, Thu, Fri
        ("on 14 Nov", "14 Nov", 0, "exact"),  # today
        ("2023-11-01", "2023-11-01", -9, "exact"),  # already past
        ("ETA 21 November at the latest", "21 November", 5, "within"),
    ],
)
def test_dates_are_business_days_from_now(text: str, written: str, days: int, bound: str) -> None:
    [date] = durations(text, now_ms=TUESDAY)
    assert (date.days, date.unit, date.bound, date.text) == (days, "business", bound, written)
    assert text[date.start : date.end] == written


def test_a_date_without_a_year_is_its_next_occurrence() -> None:
    [date] = durations("by 10 November", now_ms=TUESDAY)
    assert date.days == _weekdays_after(dt.date(2023, 11, 14), dt.date(2024, 11, 10)) == 258
    [leap] = durations("on Feb 29", now_ms=TUESDAY)
    assert leap.days == _weekdays_after(dt.date(2023, 11, 14), dt.date(2024, 2, 29))


def test_dates_count_from_the_date_of_now() -> None:
    # Two hours after virtual time 0 it is already Wednesday in UTC.
    assert [d.days for d in durations("by 21 November", now_ms=2 * HOUR)] == [4]
    # Four days later it is Saturday: Monday and Tuesday remain.
    assert [d.days for d in durations("by 21 November", now_ms=4 * DAY)] == [2]


@pytest.mark.parametrize(
    "text", ["by 21/11", "11/21", "on 31 November", "you may 3 times", "2023-13-01", "Nov 2023"]
)
def test_ambiguous_or_impossible_dates_are_skipped(text: str) -> None:
    assert durations(text, now_ms=TUESDAY) == []


def test_words_that_are_a_duration_are_not_also_a_date() -> None:
    assert [d.text for d in durations("on Nov 21 days", now_ms=TUESDAY)] == ["21 days"]
    assert [d.text for d in durations("a to 5 days")] == ["5 days"]


def test_a_time_outside_the_calendar_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="now_ms=.* outside the calendar"):
        durations("by 21 November", now_ms=10**20)


def test_dates_are_read_only_when_now_is_given() -> None:
    text = "5 business days, so by 21 November"
    assert [d.text for d in durations(text)] == ["5 business days"]
    assert [d.text for d in durations(text, now_ms=TUESDAY)] == ["5 business days", "21 November"]


def test_business_days_between_agrees_with_counting_day_by_day() -> None:
    start = dt.date(2023, 11, 14)
    for offset in range(-30, 60):
        end = start + dt.timedelta(offset)
        expected = _weekdays_after(start, end) if offset >= 0 else -_weekdays_after(end, start)
        assert business_days_between(start, end) == expected


def test_durations_are_immutable_values() -> None:
    [duration] = durations("5 days")
    assert duration == Duration(5, "unspecified", "exact", 0, 6, "5 days")


# ---------------------------------------------------------------------- number


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("five", 5),
        ("zero", 0),
        ("nineteen", 19),
        ("twenty-one", 21),
        ("twenty one", 21),
        ("ninety-nine", 99),
        ("two hundred and twelve", 212),
        ("two hundred twelve", 212),
        ("twelve hundred", 1200),
        ("a hundred", 100),
        ("a thousand", 1000),
        ("a", 1),
        ("an", 1),
        ("three thousand ninety-nine", 3099),
        ("one million two hundred thousand and five", 1_200_005),
        ("Five", 5),
        ("3,099", 3099),
        ("3099", 3099),
        ("1,000,000", 1_000_000),
    ],
)
def test_number_reads_digits_and_words(written: str, value: int) -> None:
    assert number(written) == value


@pytest.mark.parametrize(
    "written",
    [
        "",
        "five five",
        "twenty thirty",
        "hundred",
        "and five",
        "five and",
        "3.5",
        "3,09",
        "1,0000",
        "thousand million",
        "one thousand two thousand",
        "zero five",
        "fivety",
        "a a",
    ],
)
def test_number_refuses_what_is_not_a_number(written: str) -> None:
    assert number(written) is None
