"""Money and duration in text: how NPCs and criteria read "$3,199" or "5 business days".

Amounts are integer cents everywhere (no floats). Parsing accepts what people write:
``$3,199``, ``$3,199.00``, ``$ 3199``, ``3,199 USD``, ``3199 dollars``, ``$3.2k``.
"""

from __future__ import annotations

import re

_AMOUNT = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?"
_MONEY = re.compile(
    rf"(?:\$\s?{_AMOUNT}\s*([kK])?\b)|(?:\b{_AMOUNT}\s*([kK])?\s*(?:usd|dollars?)\b)", re.IGNORECASE
)
_DAYS = re.compile(
    r"\b(\d{1,3})\s*(?:-\s*)?(?:business\s+|working\s+|calendar\s+)?days?\b", re.IGNORECASE
)


def _cents(whole: str, fraction: str | None, thousands: str | None) -> int:
    cents = int(whole.replace(",", "")) * 100 + (
        int((fraction or "0").ljust(2, "0")) if fraction else 0
    )
    return cents * 1000 if thousands else cents


def parse_amounts(text: str) -> list[int]:
    """Every money amount in ``text``, in order, as integer cents."""
    found: list[int] = []
    for match in _MONEY.finditer(text):
        g = match.groups()
        if g[0] is not None:
            found.append(_cents(g[0], g[1], g[2]))
        else:
            found.append(_cents(g[3], g[4], g[5]))
    return found


def parse_days(text: str) -> list[int]:
    """Every "N days" (business/working days too) in ``text``, in order."""
    return [int(m.group(1)) for m in _DAYS.finditer(text)]


def format_money(cents: int) -> str:
    """``$3,199`` for whole dollars, ``$3,199.50`` otherwise."""
    dollars, rest = divmod(abs(cents), 100)
    sign = "-" if cents < 0 else ""
    return f"{sign}${dollars:,}" if rest == 0 else f"{sign}${dollars:,}.{rest:02d}"
