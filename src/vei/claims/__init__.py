"""Claims: the money amounts, durations and dates a message states, read as people write them.

``amounts(text)`` finds ``$3,099``, ``USD 3,099``, ``3,099 US dollars``, ``$3.1k``,
``3099.00``, ``three thousand ninety-nine dollars`` and ranges, each with its currency,
tolerance, cue labels (total, unit, list, quote, cap) and span; ``durations(text)`` finds
``5 business days``, ``a week``, ``within 5-7 days`` and, with ``now_ms``, dates as business
days from now. Everything here is pure (no I/O, clock or randomness) and linear in the text.
docs/claims.md lists what is read and what is not.
"""

from __future__ import annotations

from vei.claims._amounts import LABELS, Amount, amounts
from vei.claims._dates import EPOCH_MS, business_days_between
from vei.claims._durations import BOUNDS, UNITS, Duration, durations
from vei.claims._numbers import number

__all__ = [
    "BOUNDS",
    "EPOCH_MS",
    "LABELS",
    "UNITS",
    "Amount",
    "Duration",
    "amounts",
    "business_days_between",
    "durations",
    "number",
]
