"""Calendar dates in text (``by 21 November``, ``on Nov 21``, ``2023-11-21``) as business days
from now.

Virtual time 0 is ``EPOCH_MS`` as a Unix time (2023-11-14T22:13:20Z, a Tuesday); dates are
read in UTC. Numeric dates with slashes (``21/11``) are ambiguous between day-month and
month-day orders and are not read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from vei.claims._numbers import word_pattern

# Virtual time 0 as Unix time in milliseconds: the chat twin's timestamps count from it too.
EPOCH_MS = 1_700_000_000_000
_DAY_MS = 86_400_000
_UNIX_DAY_0 = dt.date(1970, 1, 1)

_MONTHS = {
    name: index + 1
    for index, names in enumerate(
        (
            "jan january",
            "feb february",
            "mar march",
            "apr april",
            "may",
            "jun june",
            "jul july",
            "aug august",
            "sep sept september",
            "oct october",
            "nov november",
            "dec december",
        )
    )
    for name in names.split()
}
_MONTH = word_pattern(list(_MONTHS))
_DAY = r"[0-9]{1,2}(?![0-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:,?[^\S\n]{{1,2}}(?P<{p}year>[0-9]{{4}})(?![0-9]))?"
_DATE = re.compile(
    rf"(?<![\w-])(?:"
    rf"(?P<iy>[0-9]{{4}})-(?P<im>[0-9]{{2}})-(?P<id>[0-9]{{2}})(?![0-9])"
    rf"|(?P<dd>{_DAY})(?:\s{{1,2}}of)?\s{{1,2}}(?P<dm>{_MONTH})(?![a-z])\.?{_YEAR.format(p='d')}"
    rf"|(?P<mm>{_MONTH})(?![a-z])\.?\s{{1,2}}(?P<md>{_DAY})(?![a-z]){_YEAR.format(p='m')}"
    rf")",
    re.IGNORECASE,
)
_MONTH_STEMS = tuple(name for name in _MONTHS if len(name) == 3)
_ISO_HINT = re.compile(r"[0-9]{4}-[0-9]")
# Lower-case "may" and "march" are far more often a verb than a month.
_VERBS = frozenset({"may", "march", "mar"})


@dataclass(frozen=True)
class FoundDate:
    """A date written in the text, as business days from the date of now."""

    business_days: int
    start: int
    end: int


def today(now_ms: int) -> dt.date:
    """The UTC calendar date at virtual time ``now_ms``; ``ValueError`` when that is outside
    the years 1 to 9999."""
    try:
        return _UNIX_DAY_0 + dt.timedelta(days=(EPOCH_MS + now_ms) // _DAY_MS)
    except OverflowError:
        raise ValueError(f"now_ms={now_ms} is outside the calendar (years 1 to 9999)") from None


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Weekdays after ``start`` up to and including ``end`` (negative when ``end`` is
    earlier): Tuesday to the next Tuesday is 5."""
    if end < start:
        return -business_days_between(end, start)
    weeks, rest = divmod((end - start).days, 7)
    weekday = start.weekday()
    return weeks * 5 + sum(1 for i in range(1, rest + 1) if (weekday + i) % 7 < 5)


def find_dates(text: str, now_ms: int) -> list[FoundDate]:
    """Every date in ``text`` that is a real calendar date, in text order. A date without a
    year is its next occurrence on or after the date of ``now_ms``."""
    now = today(now_ms)
    found: list[FoundDate] = []
    lower = text.lower()
    if not any(month in lower for month in _MONTH_STEMS) and not _ISO_HINT.search(text):
        return found  # the common case: nothing that could start a date
    for match in _DATE.finditer(text):
        date = _date(match, now)
        if date is not None:
            found.append(FoundDate(business_days_between(now, date), match.start(), match.end()))
    return found


def _date(match: re.Match[str], now: dt.date) -> dt.date | None:
    g = match.groupdict()
    if g["iy"] is not None:
        return _real(int(g["iy"]), int(g["im"]), int(g["id"]))
    month_name, day, year = (
        (g["dm"], g["dd"], g["dyear"]) if g["dd"] else (g["mm"], g["md"], g["myear"])
    )
    if month_name in _VERBS:
        return None
    month = _MONTHS[month_name.lower()]
    day_number = int(day[:2] if day[:2].isdigit() else day[:1])
    if year is not None:
        return _real(int(year), month, day_number)
    for offset in range(9):  # the next year that has the date (29 February included)
        date = _real(now.year + offset, month, day_number)
        if date is not None and date >= now:
            return date
    return None


def _real(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
