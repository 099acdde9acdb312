"""Money and duration in text: how NPCs and criteria read "$3,199" or "5 business days".

Amounts are integer cents everywhere (no floats). The reading itself is :mod:`vei.claims`
(every written form, labels, tolerance, ranges, dates); the two parsers here are its plain
views for callers that need only numbers.
"""

from __future__ import annotations

from vei.claims import amounts, durations


def parse_amounts(text: str) -> list[int]:
    """Every US-dollar amount in ``text``, in order, as integer cents (both ends of a range;
    shorthand such as ``$3.2k`` as its stated value)."""
    return [a.cents for a in amounts(text) if a.currency == "USD"]


def parse_days(text: str) -> list[int]:
    """Every duration in ``text``, in order, in days as stated (``5 business days`` is 5,
    ``1 week`` 5, ``2 calendar weeks`` 14; dates are not read)."""
    return [d.days for d in durations(text)]


def format_money(cents: int) -> str:
    """``$3,199`` for whole dollars, ``$3,199.50`` otherwise."""
    dollars, rest = divmod(abs(cents), 100)
    sign = "-" if cents < 0 else ""
    return f"{sign}${dollars:,}" if rest == 0 else f"{sign}${dollars:,}.{rest:02d}"
