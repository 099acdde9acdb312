"""How NPCs read what the agent wrote: is it a request, for how much, for what, how many, and
does it say why.

Pure functions over text. Money comes from ``vei.claims`` (every written form); the total is
the amount asked for, not the first number; per-unit prices are multiplied by the quantity;
a message whose amounts cannot be told apart is ambiguous, and the NPC asks which one.
Items are matched against the names a scenario declares; needs are declared points (each a
few phrases), and a justification is judged by how many points it speaks to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from vei.claims import Amount, amounts, number

# ----------------------------------------------------------------- normalised words

_SPLIT = re.compile(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_SUFFIXES = ("s", "es", "ed", "d", "ing", "er", "ers", "'s")


def words(text: str) -> list[str]:
    """Lowercase words with digits split from letters: ``"128GB RAM"`` -> 128, gb, ram."""
    spaced = _SPLIT.sub(" ", text.lower().replace("'s", ""))
    return [w for w in _NON_WORD.split(spaced) if w]


def _word_matches(pattern: str, word: str) -> bool:
    if word == pattern:
        return True
    if pattern.isdigit() or len(pattern) < 3:
        return False
    stem = pattern[:-1] if pattern.endswith("e") else pattern
    return any(word == pattern + s or word == stem + s for s in _SUFFIXES) or (word == stem + "ing")


def find_phrase(phrase: str, text_words: Sequence[str]) -> int:
    """Where ``phrase`` occurs in ``text_words`` as consecutive words (light plural and
    tense endings allowed; numbers exact), or -1."""
    pattern = words(phrase)
    if not pattern:
        return -1
    for start in range(len(text_words) - len(pattern) + 1):
        if all(_word_matches(p, text_words[start + i]) for i, p in enumerate(pattern)):
            return start
    return -1


def mentions(text: str, phrase: str) -> bool:
    """Whether ``text`` says ``phrase`` (see ``find_phrase``)."""
    return find_phrase(phrase, words(text)) >= 0


# --------------------------------------------------------------------------- needs


@dataclass(frozen=True)
class Point:
    """One thing a message should speak to, shown by any of its phrases."""

    name: str
    phrases: tuple[str, ...]


def points_met(text: str, points: Iterable[Point]) -> list[str]:
    """The names of the points ``text`` speaks to, in declaration order."""
    text_words = words(text)
    return [p.name for p in points if any(find_phrase(x, text_words) >= 0 for x in p.phrases)]


# ------------------------------------------------------------------------- intent

_APPROVAL_WORDS = re.compile(
    r"\bapprov(?:e|al|als|ing)\b|\bsign(?:\s|-)?off\b|\bsign\s+(?:this|it|that)\s+off\b"
    r"|\bgreen\s*light\b|\bauthori[sz](?:e|ation)\b|\bpermission\b|\bsanction\b"
    r"|\b(?:be|get|getting|have\s+(?:this|it))\s+(?:this\s+|it\s+)?approved\b",
    re.IGNORECASE,
)
_ASKING = re.compile(
    r"\b(?:ok(?:ay)?|alright|fine|good)\s+(?:to|for|if)\b|\bgo\s+ahead\b|\bproceed\b"
    r"|\b(?:can|could|may|shall|should)\s+(?:we|i)\b|\bis\s+(?:it|that|this)\s+(?:ok|okay|fine)\b"
    r"|\bwould\s+(?:you|it)\b|\bplease\b|\brequest(?:ing)?\b|\bneed\s+(?:your|a|an|the)\b",
    re.IGNORECASE,
)
_SPENDING = re.compile(
    r"\b(?:buy|buying|purchase|purchasing|order|ordering|get|getting|spend|spending|pay|paying"
    r"|budget|procure)\b",
    re.IGNORECASE,
)


def asks_approval(text: str) -> bool:
    """Whether ``text`` asks for an approval, as a person would read it: it uses approval
    words (approve, approval, sign off, green light, ...), or it asks (a question, "OK to",
    "can we", "please") about spending (buy, order, purchase, budget, ...). A report such as
    "quote from the vendor: $3,099" asks nothing; "was approved" is a report too."""
    if _APPROVAL_WORDS.search(text):
        return True
    asking = "?" in text or bool(_ASKING.search(text))
    return asking and bool(_SPENDING.search(text))


# -------------------------------------------------------------------- quantities

_QTY_NOUNS = frozenset(
    {"unit", "units", "piece", "pieces", "pcs", "item", "items", "seat", "seats"}
)
_ITEM = "\u00a7item\u00a7"
_TOKEN = re.compile(r"\u00a7item\u00a7|[a-z0-9]+|[x\u00d7]")
_QTY_WORDS = frozenset({"qty", "quantity"})
_SKIPPABLE = frozenset({"x", "\u00d7", "new", "more", "of", "the", "our"})


def _count(token: str) -> int | None:
    if token in ("a", "an"):
        return 1
    times = re.fullmatch(r"(\d{1,4})x", token)
    value = int(times.group(1)) if times else number(token)
    return value if value is not None and 0 < value < 100_000 else None


def quantity(text: str, items: Sequence[str] = (), nouns: Sequence[str] = ()) -> int | None:
    """How many of an item ``text`` asks for: a number (digits or words) right before one of
    the ``items`` or ``nouns`` ("four ErgoMax 500 chairs", "4 x ErgoMax 500", "2 units"),
    right after an item ("ErgoMax 500 x 4"), or after qty/quantity ("qty: 4"). Numbers inside
    item names do not count. None when no quantity is stated."""
    lowered = text.lower()
    for item in sorted((i for i in items if i.strip()), key=len, reverse=True):
        lowered = re.sub(re.escape(item.lower()), f" {_ITEM} ", lowered)
    tokens = _TOKEN.findall(lowered)
    noun_words = [n.lower() for n in nouns]
    for index, token in enumerate(tokens):
        if token in _QTY_WORDS:
            after = [_count(t) for t in tokens[index + 1 : index + 3] if t != "of"]
            if after and after[0] is not None:
                return after[0]
            continue
        is_target = (
            token == _ITEM
            or token in _QTY_NOUNS
            or any(_word_matches(n, token) for n in noun_words)
        )
        if not is_target:
            continue
        for back in range(index - 1, max(index - 4, -1), -1):
            count = _count(tokens[back])
            if count is not None:
                return count
            if tokens[back] not in _SKIPPABLE and tokens[back] != _ITEM:
                break
        if token == _ITEM and index + 2 < len(tokens) and tokens[index + 1] in ("x", "\u00d7"):
            count = _count(tokens[index + 2])
            if count is not None:
                return count
    return None


# ------------------------------------------------------------------------- items


def item_in(text: str, items: Sequence[str]) -> str | None:
    """The one declared item ``text`` names: an item whose whole name appears wins; else an
    item all of whose distinguishing words appear. None when none or more than one does."""
    text_words = words(text)
    whole = [i for i in items if i.strip() and find_phrase(i, text_words) >= 0]
    if len(whole) == 1:
        return whole[0]
    if len(whole) > 1:
        longest = max(whole, key=len)
        others = [w for w in whole if w != longest]
        return longest if all(find_phrase(o, words(longest)) >= 0 for o in others) else None
    partial = [i for i in items if _distinct_words_in(i, items, set(text_words))]
    return partial[0] if len(partial) == 1 else None


def _distinct_words_in(item: str, items: Sequence[str], text_words: set[str]) -> bool:
    mine = set(words(item))
    others = set().union(*(set(words(o)) for o in items if o != item)) if len(items) > 1 else set()
    distinct = mine - others
    return bool(distinct) and distinct <= text_words


def match_product(typed: str, products: Sequence[str]) -> str | None:
    """The product a form's product field names: one whose words all appear in ``typed``,
    or whose words include all of ``typed``'s (``"ProView 32"`` is ``"Lumen ProView 32"``).
    None when nothing or more than one matches."""
    typed_words = set(words(typed))
    if not typed_words:
        return None
    full = [p for p in products if set(words(p)) <= typed_words]
    if len(full) == 1:
        return full[0]
    inside = [p for p in products if typed_words <= set(words(p))]
    return inside[0] if len(inside) == 1 else None


# ------------------------------------------------------------------------ amounts


@dataclass(frozen=True)
class Asked:
    """What a message asks to have approved: ``amount_cents`` (the total), or None with the
    ``candidates`` it could not tell apart (empty when it states no amount)."""

    amount_cents: int | None
    unit_cents: int | None = None
    candidates: tuple[int, ...] = ()


def requested_amount(text: str, qty: int | None = None) -> Asked:
    """The total ``text`` asks for (see the module docstring). Caps and budgets mentioned
    in passing ("within the $3,500 cap") are not what is asked, nor is a list price cited
    beside another amount; shorthand such as "$3k" is too vague to approve."""
    found = [a for a in amounts(text) if a.currency == "USD" and a.specific]
    asked = [a for a in found if "cap" not in a.labels]
    # A list price cited beside the amount asked for is a reference, not the ask.
    priced = [a for a in asked if "list" not in a.labels]
    if priced:
        asked = priced
    if not asked:
        return Asked(None)
    totals = _distinct(a for a in asked if "total" in a.labels)
    units = _distinct(a for a in asked if "unit" in a.labels or a.per is not None)
    others = _distinct(
        a for a in asked if "total" not in a.labels and "unit" not in a.labels and a.per is None
    )
    if len(totals) == 1:
        unit = units[0] if len(units) == 1 else None
        return Asked(totals[0], unit)
    if len(totals) > 1:
        return Asked(None, None, tuple(totals))
    if len(units) == 1:
        unit = units[0]
        if qty is not None and qty > 1:
            total = unit * qty
            if all(o in (total, unit) for o in others):
                return Asked(total, unit)
            return Asked(None, unit, tuple(sorted({total, *others})))
        if not others:
            return Asked(unit, unit)
        if len(others) == 1 and others[0] % unit == 0:
            return Asked(others[0], unit)
        return Asked(None, unit, tuple(sorted({unit, *others})))
    if len(others) == 1:
        return Asked(others[0])
    if len(others) == 2 and qty is not None and others[1] == others[0] * qty:
        return Asked(others[1], others[0])  # "$1,956 (4 x $489)"
    return Asked(None, None, tuple(others))


def _distinct(found: Iterable[Amount]) -> list[int]:
    return sorted({a.cents for a in found})


def join_words(items: Sequence[str], last: str = "or") -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def first_name(display_name: str) -> str:
    """``Alex`` for ``Alex Morgan``."""
    return display_name.split(" ")[0] if display_name else ""


def mentioned(text: str, user: Mapping[str, str]) -> bool:
    """Whether ``text`` addresses ``user``: ``@handle`` or their first name as a word."""
    lowered = text.lower()
    if f"@{user.get('name', '').lower()}" in lowered:
        return True
    name = first_name(str(user.get("display_name", ""))).lower()
    return bool(name) and re.search(rf"\b{re.escape(name)}\b", lowered) is not None
