"""Recognising sensitive content in text: SSNs, card numbers, credentials, confidential
material. Pure functions; matches are reported masked, never verbatim.

- **SSN**: ``123-45-6789`` (or with spaces), excluding numbers that are never issued
  (area 000, 666 or 9xx, group 00, serial 0000).
- **Card**: 13 to 19 digits, optionally grouped by spaces or dashes, that pass the Luhn
  check and are not one repeated digit.
- **Credential**: well-known key formats (AWS access keys, GitHub, Slack and Stripe/OpenAI
  style secret keys, private key blocks) and ``password: ...`` / ``api_key=...``
  assignments.
- **Confidential**: a declared marker as a whole word (any case), or a passage of at
  least ``SHINGLE_WORDS`` consecutive words copied from a confidential document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

SHINGLE_WORDS = 8

_SSN = re.compile(
    r"(?<![\d-])(?!000|666|9\d\d)(\d{3})([- ])(?!00)(\d{2})\2(?!0000)(\d{4})(?![\d-])"
)
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_CREDENTIALS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("secret key", re.compile(r"\b(?:sk|rk)[-_](?:live[-_]|test[-_]|proj[-_])?[A-Za-z0-9]{20,}")),
    ("private key", re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----")),
    (
        "password or key assignment",
        re.compile(
            r"\b(?:password|passwd|pwd|api[_ -]?key|secret|access[_ -]?token)\s*[:=]\s*\S{6,}",
            re.IGNORECASE,
        ),
    ),
)
_WORD = re.compile(r"[a-z0-9]+")


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn checksum."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def mask(digits: str) -> str:
    """All but the last four digits hidden: ``***6789``."""
    return "***" + digits[-4:]


def find_ssns(text: str) -> list[str]:
    """The SSNs in ``text``, masked."""
    return [mask(m.group(4)) for m in _SSN.finditer(text)]


def find_cards(text: str) -> list[str]:
    """The Luhn-valid card numbers in ``text``, masked."""
    found = []
    for match in _CARD.finditer(text):
        digits = re.sub(r"[ -]", "", match.group(0))
        if 13 <= len(digits) <= 19 and len(set(digits)) > 1 and luhn_valid(digits):
            found.append(mask(digits))
    return found


def find_credentials(text: str) -> list[str]:
    """The kinds of credential found in ``text`` (each kind once, in table order)."""
    return [kind for kind, pattern in _CREDENTIALS if pattern.search(text)]


def words(text: str) -> list[str]:
    """Lowercase words (letters and digits) of ``text``."""
    return _WORD.findall(text.lower())


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[tuple[str, ...]]:
    """Every run of ``size`` consecutive words in ``text``."""
    w = words(text)
    return {tuple(w[i : i + size]) for i in range(len(w) - size + 1)}


def marker_hits(text: str, markers: Iterable[str]) -> list[str]:
    """The markers that occur in ``text`` as whole words, any case."""
    hits = []
    for marker in markers:
        pattern = r"(?<![A-Za-z0-9])" + re.escape(marker) + r"(?![A-Za-z0-9])"
        if re.search(pattern, text, re.IGNORECASE):
            hits.append(marker)
    return hits


def copied_documents(text: str, documents: Mapping[str, str]) -> list[str]:
    """The documents (url -> text) from which ``text`` copies a passage."""
    sent = shingles(text)
    if not sent:
        return []
    return [url for url, body in documents.items() if sent & shingles(body)]


# ---------------------------------------------------------------- confidential facts

_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_ORDINAL = r"(?:st|nd|rd|th)?"
_MONEY_CUES = re.compile(
    r"\b(?:cost|costs|price|priced|bom|materials|retail|msrp|target|sell|selling|usd|dollars?"
    r"|budget|per\s+(?:unit|module|piece))\b",
    re.IGNORECASE,
)


def day_month(text: str) -> tuple[int, int] | None:
    """(day, month) of ``12 March``, ``March 12th``, ``2027-03-12``; None otherwise."""
    value = text.strip().lower()
    iso = re.fullmatch(r"(?:\d{4}-)?(\d{2})-(\d{2})", value)
    if iso:
        month, day = int(iso.group(1)), int(iso.group(2))
        return (day, month) if 1 <= month <= 12 and 1 <= day <= 31 else None
    for index, name in enumerate(_MONTHS, start=1):
        for pattern in (
            rf"(\d{{1,2}}){_ORDINAL}(?:\s+of)?\s+{name}",
            rf"{name}\s+(\d{{1,2}}){_ORDINAL}",
        ):
            found = re.fullmatch(pattern, value)
            if found and 1 <= int(found.group(1)) <= 31:
                return int(found.group(1)), index
    return None


def date_mentioned(text: str, day: int, month: int) -> bool:
    """Whether ``text`` names that day of that month in a common form (names or numbers)."""
    name = _MONTHS[month - 1]
    months = rf"(?:{name}|{name[:3]}\.?)"
    patterns = (
        rf"\b0?{day}{_ORDINAL}(?:\s+of)?\s+{months}\b",
        rf"\b{months}\s+0?{day}{_ORDINAL}\b",
        rf"\b\d{{4}}-{month:02d}-{day:02d}\b",
        rf"(?<![\d/.])0?{day}[/.]0?{month}(?![\d])",
        rf"(?<![\d/.])0?{month}/0?{day}(?![\d])",
    )
    return any(re.search(p, text, re.IGNORECASE) for p in patterns)


def money_mentioned(text: str, cents: int) -> bool:
    """Whether ``text`` states the amount in any written form, or its whole dollars as a
    bare number next to a money word (``the BOM is 212 per module``)."""
    from vei.claims import amounts

    if any(a.currency == "USD" and a.matches(cents) for a in amounts(text)):
        return True
    if cents % 100:
        return False
    dollars = cents // 100
    for match in re.finditer(
        rf"(?<![\d.,]){dollars:,}(?![\d,]|\.\d)|(?<![\d.,]){dollars}(?![\d,]|\.\d)", text
    ):
        window = text[max(0, match.start() - 40) : match.end() + 40]
        if _MONEY_CUES.search(window):
            return True
    return False


def links_to(text: str, urls: Iterable[str]) -> list[str]:
    """The URLs whose host and path appear in ``text`` (with or without scheme, ``www.``
    or a trailing slash, any case)."""
    lowered = text.lower()
    found = []
    for url in urls:
        bare = re.sub(r"^[a-z]+://(?:www\.)?", "", url.lower()).rstrip("/")
        if bare and bare in lowered:
            found.append(url)
    return found


def facts_mentioned(text: str, facts: Iterable[Mapping[str, object]]) -> list[str]:
    """The names of the confidential facts (``ConfidentialFact`` dumps) ``text`` carries."""
    from vei.understand import mentions

    hits = []
    for fact in facts:
        money, date, phrases = fact.get("money_cents"), fact.get("date"), fact.get("phrases") or []
        if isinstance(money, int):
            found = money_mentioned(text, money)
        elif isinstance(date, str):
            parsed = day_month(date)
            found = parsed is not None and date_mentioned(text, *parsed)
        else:
            found = any(mentions(text, str(p)) for p in phrases)  # type: ignore[attr-defined]
        if found:
            hits.append(str(fact["name"]))
    return hits
