"""Durations in text (``5 business days``, ``five business days``, ``within a week``,
``5-7 days``) and, given the time, dates (``by 21 November``) as business days from now."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from vei.claims._context import clause_before, last_words, nearest
from vei.claims._dates import find_dates
from vei.claims._numbers import NUMBER_WORDS, SPACE, tail_number

UNITS = ("business", "calendar", "unspecified")
BOUNDS = ("exact", "within", "about")


@dataclass(frozen=True)
class Duration:
    """One span of time a text states, in days."""

    days: int
    unit: str
    bound: str
    start: int
    end: int
    text: str

    def matches_business_days(self, n: int) -> bool:
        """True when this duration is a way of saying ``n`` business days.

        Business and unspecified days must equal ``n`` (a week counts as 5); calendar days
        must be a span ``n`` business days can take: from ``n + 2*(n//5)`` to
        ``n + 2*ceil(n/5)``, so 7 calendar days are 5 business days and 3 business days
        are 3 to 5 calendar days. "within" and "about" match as exact values do.
        """
        if self.unit != "calendar":
            return self.days == n
        return n + 2 * (n // 5) <= self.days <= n + 2 * -(-n // 5)


_DIGITS = r"[0-9]{1,4}(?![0-9]|[.,][0-9])"
_GAP = rf"{SPACE}?"
_DURATION = re.compile(
    rf"(?<![\w.,/-])(?P<n1>{_DIGITS}|{NUMBER_WORDS}|(?<!once )(?<!twice )(?<!times )an?(?![a-z]))"
    rf"(?:{_GAP}(?P<conn>[-\u2013\u2014]|to|or|and){_GAP}(?P<n2>{_DIGITS}|{NUMBER_WORDS}))?"
    rf"(?:{_GAP}-{_GAP}|{_GAP})"
    rf"(?:(?P<qual>business|working|work|calendar)(?:{SPACE}|-))?"
    rf"(?P<unit>days?|weeks?|wks?|fortnights?)(?![a-z])",
    re.IGNORECASE,
)
# What a span of time is not a duration to come: an age ("5-day-old", "3 days ago") or a
# frequency ("7 days a week").
_NOT_A_DURATION = re.compile(
    r"(?:[^\S\n]|-)old(?![a-z])|[^\S\n]{1,2}ago(?![a-z])"
    r"|[^\S\n]{1,2}(?:a|per|each)[^\S\n]{1,2}(?:week|month|year)(?![a-z])|/(?:week|wk|month)",
    re.IGNORECASE,
)
_BETWEEN = re.compile(r"between[^\S\n]{1,2}$", re.IGNORECASE)
_BOUND_BEFORE = {
    "within": re.compile(
        r"(?<![a-z])(?:within|up to|no later than|not later than|at most|no more than|under"
        r"|less than|at the latest|max(?:imum)?)(?![a-z])"
    ),
    "about": re.compile(
        r"(?<![a-z])(?:about|around|roughly|approximately|approx|circa|ca\.|some)(?![a-z])|~"
    ),
}
_BOUND_AFTER = re.compile(
    r"[^\S\n]{0,2},?[^\S\n]{0,2}(?:(?P<within>or less|or sooner|or earlier|at the latest|at most"
    r"|max(?:imum)?|tops)|(?P<about>or so|give or take|more or less))(?![a-z])",
    re.IGNORECASE,
)
_DATE_BOUND = {
    "within": re.compile(
        r"(?<![a-z])(?:by|before|no later than|not later than|until|till|latest)(?![a-z])"
    ),
    "exact": re.compile(r"(?<![a-z])(?:on|arriv\w*|deliver\w*|ships?|shipping|eta|due)(?![a-z])"),
}
_UNIT_STEMS = ("day", "week", "wk", "fortnight")
_DAYS_PER = {"day": 1, "week": 5, "wk": 5, "fortnight": 10}
_CALENDAR_DAYS_PER = {"day": 1, "week": 7, "wk": 7, "fortnight": 14}


def durations(text: str, *, now_ms: int | None = None) -> list[Duration]:
    """Every duration in ``text``, in text order; with ``now_ms`` (virtual time), also every
    date, as business days from the date of ``now_ms`` (docs/claims.md has the rules).

    Pure and linear in the length of ``text``; never raises on any string (``ValueError``
    only for a ``now_ms`` outside the years 1 to 9999).
    """
    found: list[Duration] = []
    floor = 0
    lower = text.lower()
    has_unit = any(unit in lower for unit in _UNIT_STEMS)
    for match in _DURATION.finditer(text) if has_unit else ():
        if match.start() < floor:
            continue
        excluded = _NOT_A_DURATION.match(text, match.end())
        if excluded is not None:
            floor = excluded.end()  # "7 days a week" holds no "a week" either
            continue
        found.extend(_read(text, match, floor))
        floor = match.end()
    if now_ms is not None:
        spans = [(d.start, d.end) for d in found]
        # A date that shares words with a duration ("Nov 21 days") is not also a date.
        found.extend(d for d in _dates(text, now_ms) if not _overlaps(spans, d.start, d.end))
        found.sort(key=lambda d: d.start)
    return found


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when ``[start, end)`` overlaps one of ``spans`` (sorted, not overlapping)."""
    before_end = bisect.bisect_left(spans, (end,))  # spans that start before ``end``
    return before_end > 0 and spans[before_end - 1][1] > start


def _read(text: str, match: re.Match[str], floor: int) -> list[Duration]:
    """The one or two durations (a range gives both ends) one match states."""
    qualifier = (match.group("qual") or "").lower()
    unit = "calendar" if qualifier == "calendar" else ("business" if qualifier else "unspecified")
    word = match.group("unit").lower().rstrip("s")
    per = (_CALENDAR_DAYS_PER if unit == "calendar" else _DAYS_PER)[word]
    bound = _bound(text, match, floor)
    ends: list[tuple[int, int, int]] = []  # (count, start, end)
    first = _count(match.group("n1"), match.start("n1"))
    if match.group("n2") is not None:
        second = _count(match.group("n2"), match.start("n2"))
        is_range = match.group("conn").lower() != "and" or _BETWEEN.search(
            text, max(0, match.start() - 12), match.start()
        )
        if second is not None:
            # "a to 5 days" is not a range from one.
            if first is not None and is_range and match.group("n1").lower() not in ("a", "an"):
                ends.append((first[0], first[1], match.end("n1")))
            ends.append((second[0], second[1], match.end()))
    elif first is not None:
        ends.append((first[0], first[1], match.end()))
    return [Duration(count * per, unit, bound, s, e, text[s:e]) for count, s, e in ends]


def _count(written: str, start: int) -> tuple[int, int] | None:
    found = tail_number(written)
    return None if found is None else (found[0], start + found[1])


def _bound(text: str, match: re.Match[str], floor: int) -> str:
    after = _BOUND_AFTER.match(text, match.end())
    if after is not None:
        return after.lastgroup or "exact"
    _, clause = clause_before(text, match.start(), floor)
    return nearest(_BOUND_BEFORE, last_words(clause, 4)) or "exact"


def _dates(text: str, now_ms: int) -> list[Duration]:
    result: list[Duration] = []
    floor = 0
    for date in find_dates(text, now_ms):
        _, clause = clause_before(text, date.start, floor)
        bound = nearest(_DATE_BOUND, last_words(clause, 4)) or "exact"
        after = _BOUND_AFTER.match(text, date.end)
        if after is not None and after.lastgroup == "within":
            bound = "within"
        text_of = text[date.start : date.end]
        result.append(
            Duration(date.business_days, "business", bound, date.start, date.end, text_of)
        )
        floor = date.end
    return result
