"""Money amounts in text: ``$3,099``, ``USD 3,099``, ``3,099 US dollars``, ``$3.1k``, ``3099.00``.

The scan finds every number in digits (with a multiplier and a currency word after it, if
any) and looks just before it for a currency sign or code; spelled-out amounts are found by
their currency word. Plain numbers are money only as bare money or as the far end of a range
whose other end is money (the rules are in docs/claims.md). Cue words in the same clause give
each amount its labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from vei.claims._context import clause_before, last_words
from vei.claims._numbers import NUMBER_WORDS, SPACE, tail_number

LABELS = ("total", "unit", "list", "quote", "cap")


@dataclass(frozen=True)
class Amount:
    """One money amount a text states. ``labels`` is a set: sort it before it goes into an
    event or a hash (set order changes between processes)."""

    cents: int
    currency: str
    tolerance_cents: int
    labels: frozenset[str]
    per: str | None
    start: int
    end: int
    text: str

    def matches(self, cents: int, currency: str = "USD") -> bool:
        """True when this amount is ``cents`` in ``currency``, within its tolerance."""
        return currency == self.currency and abs(self.cents - cents) <= self.tolerance_cents

    @property
    def specific(self) -> bool:
        """True when the amount is stated to within 2% of its value (``$3.1k`` is, ``$3k`` is not)."""
        return self.tolerance_cents * 50 <= abs(self.cents)


_MULTIPLIERS = {"k": 10**3, "thousand": 10**3, "m": 10**6, "mm": 10**6, "mn": 10**6}
_MULTIPLIERS |= {"million": 10**6, "bn": 10**9, "billion": 10**9}
_MULT = rf"(?:k|mm|mn|m|bn)(?![a-z])|{SPACE}?(?:thousand|million|billion)(?![a-z])"
_CURRENCY_WORDS = (
    rf"(?:u\.?s\.?{SPACE})?dollars?(?![a-z])|bucks(?![a-z])|euros?(?![a-z])"
    rf"|pounds?(?:{SPACE}sterling)?(?![a-z])|(?:usd|eur|gbp)(?![a-z])"
)


# Every amount but a spelled-out one has digits, so the scan finds numbers (a pattern that
# starts with a digit is searched fast) and then looks just before each for a currency sign.
_NUMBER = re.compile(
    r"(?P<int>[0-9](?:[0-9]{0,2}(?:,[0-9]{3}){1,4}|[0-9]{0,14}))(?:\.(?P<frac>[0-9]{1,6}))?"
    rf"(?![0-9]|[.,][0-9])(?P<mult>{_MULT})?(?:{SPACE}?(?P<cur>{_CURRENCY_WORDS}|[€£](?![0-9])))?",
    re.IGNORECASE,
)
_SIGN_BEFORE = re.compile(
    r"(?:(?<![\w.,])(?P<neg>[-\u2212]))?(?<![a-z0-9_])"
    r"(?P<sym>u\.?s\.?\$|usd\$|\$|€|£|(?:usd|eur|gbp)(?![a-z]))[^\S\n]?$",
    re.IGNORECASE,
)
_CODE_HINT = re.compile(r"usd|eur|gbp", re.IGNORECASE)
_SPELLED = re.compile(
    rf"(?<![\w-])(?P<words>{NUMBER_WORDS}){SPACE}(?P<cur>{_CURRENCY_WORDS})", re.IGNORECASE
)
# Spelled-out amounts need a currency word; most posts have none, and trying number words at
# every letter would be most of the cost of a scan.
_CURRENCY_STEMS = ("dollar", "buck", "euro", "pound", "usd", "eur", "gbp")

# A currency code written after a $ amount: the same one is part of it ("$3,099 USD"); a
# dollar of another country means the amount is not in a currency VEI reads.
_TRAILING_CODE = re.compile(r"[^\S\n]?(usd|eur|gbp|cad|aud|nzd|sgd|hkd|mxn)(?![a-z])", re.I)
_RANGE_GAP = re.compile(r"[^\S\n]{0,2}(?:[-\u2013\u2014]|to|and)[^\S\n]{0,2}", re.I)
_BETWEEN = re.compile(r"between[^\S\n]{1,2}$", re.I)
# Words that may follow a bare number that is money; any other word makes it a quantity or
# a measure ("500 housings", "32 GB", "12.50 kg").
_FREE_AFTER = frozenset({
    "and", "or", "to", "for", "each", "apiece", "per", "total", "in", "with", "plus", "including",
    "incl", "excluding", "excl", "ex", "is", "was", "please", "if", "on", "at", "from", "by", "a",
    "an", "the", "before", "after", "tops", "max", "maximum", "altogether", "overall", "combined",
    "list", "retail", "quoted", "offered", "net", "gross", "vat", "tax", "usd",
})  # fmt: skip
_NEXT_WORD = re.compile(r"[^\S\n]{0,3}([a-z]+)|%|[^\S\n]?[x×](?![a-z])|-[a-z]", re.I)
_PREVIOUS_WORD = re.compile(r"([A-Za-z][\w-]*)[^\S\n]$")
_MONEY_CUE = re.compile(
    r"(?<![a-z])(?:pric\w*|quot\w*|cost\w*|total\w*|approv\w*|budget\w*|pay\w*|paid|spen[dt]\w*"
    r"|charg\w*|invoic\w*|amount\w*|offer\w*|fees?|sum|list|retail|msrp|rrp|refund\w*|worth)(?![a-z])"
)
_PREFIX_CUES = {
    "unit": re.compile(
        r"(?<![a-z])(?:each|apiece|a piece|unit (?:price|cost)|per[ -]unit|a unit|(?<!as )per [a-z])"
    ),
    "total": re.compile(
        r"(?<![a-z])(?:grand total|in total|total\w*|altogether|overall|for all|combined|all[ -]in)(?![a-z])"
    ),
    "list": re.compile(r"(?<![a-z])(?:list(?:ed)?|retail|msrp|rrp|sticker)(?![a-z])"),
    "quote": re.compile(r"(?<![a-z])(?:quot(?:e|es|ed|ing)|offer\w*|our price|can do)(?![a-z])"),
    "cap": re.compile(
        r"(?<![a-z])(?:caps?|capped|limit\w*|budget(?:ed)?(?: of| is| at|:)|up to|maximum|max"
        r"|at most|no more than|not to exceed|ceiling)(?![a-z])"
    ),
}
_PER_BEFORE = re.compile(r"(?<![a-z])(?<!as )per[ -]([a-z][a-z-]*)")
# "$3,099 a few more" or "$3,099 a good deal" is no unit price.
_NOT_A_UNIT = frozenset({
    "few", "lot", "bit", "little", "couple", "number", "total", "good", "great", "fair", "while",
    "deal",
})  # fmt: skip
_POSTFIX = re.compile(
    r"[^\S\n]{0,2}[(\[]?[^\S\n]{0,2}(?:"
    r"(?P<each>each|apiece|a[^\S\n]piece|ea\.?)(?![a-z])"
    r"|per(?:[^\S\n]|-)(?P<per>[a-z][a-z-]{0,30})"
    r"|/[^\S\n]?(?P<slash>[a-z][a-z-]{0,30})"
    r"|an?[^\S\n](?P<a>[a-z][a-z-]{0,30})(?=[^\S\n]*(?:[.,;:!?)\]\n]|$|(?:and|or|for|with|plus"
    r"|excl\w*|incl\w*|before|after|if|on|at|from|by|to)(?![a-z])))"
    r"|(?P<total>in[^\S\n]total|total|altogether|overall|combined|for[^\S\n]all|all(?:[^\S\n]|-)in)(?![a-z])"
    r"|(?P<cap>max(?:imum)?|tops|at[^\S\n]most|cap)(?![a-z])"
    r"|(?P<list>list(?:[^\S\n]price)?|retail|msrp|rrp)(?![a-z])"
    r"|(?P<quote>quoted|offered)(?![a-z])"
    r")",
    re.IGNORECASE,
)
_WEIGHT = re.compile(r"(?<![a-z])(?:weigh\w*|heav\w*|lbs?)(?![a-z])")


@dataclass
class _Candidate:
    """A number the pattern found, before the rules decide whether it is money."""

    start: int
    end: int
    cents: int
    tolerance: int
    multiplier: int
    currency: str | None  # None: a plain number, money only by the rules below
    decimals: int = 0
    grouped: bool = False  # digits grouped by commas: "3,099"
    partner: int | None = None  # the start of the other end of its range


def amounts(text: str) -> list[Amount]:
    """Every money amount in ``text``, in text order (docs/claims.md lists the forms read).

    Pure and linear in the length of ``text``; never raises on any string.
    """
    found = [c for c in map(_written, _NUMBER.finditer(text)) if c is not None]
    lower = text.lower()
    if any(stem in lower for stem in _CURRENCY_STEMS):
        found = sorted([*found, *_spelled(text)], key=lambda c: c.start)
    found = _first_of_overlaps(found)
    for index, candidate in enumerate(found):
        if candidate.currency is None and _is_bare_money(text, candidate):
            candidate.currency = "USD"
        if index:
            _join_range(text, found[index - 1], candidate)
    return _labelled(text, [c for c in found if c.currency is not None])


def _written(match: re.Match[str]) -> _Candidate | None:
    """The candidate a number in digits makes, with the sign or code before it if any."""
    text, start, end = match.string, match.start(), match.end()
    before = text[max(0, start - 8) : start]
    sign = None
    if "$" in before or "€" in before or "£" in before or _CODE_HINT.search(before):
        sign = _SIGN_BEFORE.search(text, max(0, start - 8), start)
    if sign is None and start and (text[start - 1].isalnum() or text[start - 1] in "_.,"):
        return None  # glued to what is before it: "IP54", "1.5", "sub12"
    whole, frac, cur = match["int"], match["frac"] or "", match["cur"]
    value = _value(whole, frac, match["mult"])
    if value is None:
        return None
    cents, tolerance, multiplier = value
    found = _Candidate(start, end, cents, tolerance, multiplier, None, len(frac), "," in whole)
    if sign is None and cur is None:
        return found  # a plain number: money only by the rules below
    if sign is not None:
        found.start, found.currency = sign.start(), _currency(sign["sym"])
        if cur is None:
            trailing = _TRAILING_CODE.match(text, end)
            if trailing is not None and trailing.group(1).upper() != found.currency:
                return None  # "$3,099 CAD": a dollar VEI does not read
            found.end = trailing.end() if trailing is not None else end
        elif _currency(cur) != found.currency:
            return None  # "$3,099 EUR" says two things
        if sign["neg"] is not None:
            found.cents = -cents
        return found
    found.currency = _currency(cur)
    if found.currency == "GBP" and cur[0] in "pP":
        _, clause = clause_before(text, start)
        if _WEIGHT.search(clause.lower()):
            return None  # "weighs 20 pounds"
    return found


def _spelled(text: str) -> list[_Candidate]:
    """The spelled-out amounts ("twelve hundred dollars") in ``text``."""
    spelled: list[_Candidate] = []
    for match in _SPELLED.finditer(text):
        tail = tail_number(match["words"])
        if tail is not None:
            dollars, offset = tail
            start = match.start() + offset
            spelled.append(
                _Candidate(start, match.end(), dollars * 100, 0, 1, _currency(match["cur"]))
            )
    return spelled


def _first_of_overlaps(found: list[_Candidate]) -> list[_Candidate]:
    """Candidates that share characters keep the first: in "0 USD0" the code belongs to the
    amount before it, not to the number after it."""
    kept: list[_Candidate] = []
    for candidate in found:
        if not kept or kept[-1].end <= candidate.start:
            kept.append(candidate)
    return kept


def _value(whole: str, frac: str, mult: str | None) -> tuple[int, int, int] | None:
    """(cents, tolerance in cents, multiplier) of a written number, or None when the
    number has more precision than a cent."""
    scale = 10 ** len(frac)
    units = int(whole.replace(",", "")) * scale + int(frac or "0")
    if mult is None:
        return (units * 100 // scale, 0, 1) if len(frac) <= 2 else None
    multiplier = _MULTIPLIERS[mult.strip().lower()]
    if units * multiplier * 100 % scale:
        return None
    # Shorthand is as precise as its last digit: "$3.1k" is $3,050 to $3,150.
    return units * multiplier * 100 // scale, multiplier * 100 // (2 * scale), multiplier


def _currency(written: str) -> str:
    word = written.lower()
    if word.startswith(("€", "eur")):
        return "EUR"
    if word.startswith(("£", "gbp", "pound")):
        return "GBP"
    return "USD"


def _is_bare_money(text: str, c: _Candidate) -> bool:
    """A plain number is money when written as money (3099.00; 3,099 near a money word)
    and nothing says it is something else (a unit after it, a product name before it)."""
    if c.multiplier != 1 or c.decimals > 2 or not (c.decimals == 2 or c.grouped):
        return False
    if not _free_after(text, c.end) or _after_name(text, c.start):
        return False
    if c.decimals == 2:
        return True
    _, clause = clause_before(text, c.start)
    return bool(_MONEY_CUE.search(last_words(clause, 4)) or _POSTFIX.match(text, c.end))


def _after_name(text: str, start: int) -> bool:
    """True when a capitalised word that is not a money word comes right before
    ``start``: "ProView 32.00" names a model, "Python 3.11" a version."""
    _, clause = clause_before(text, start)
    before = _PREVIOUS_WORD.search(clause)
    if before is None or not before.group(1)[0].isupper():
        return False
    return _MONEY_CUE.search(before.group(1).lower()) is None


def _free_after(text: str, end: int) -> bool:
    """True unless a word other than a money word, a %, or a ``-core``-like suffix follows."""
    after = _NEXT_WORD.match(text, end)
    if after is None:
        return True
    word = after.group(1)
    return word is not None and word.lower() in _FREE_AFTER


def _join_range(text: str, first: _Candidate, second: _Candidate) -> None:
    """Make ``first`` and ``second`` the two ends of a range when the text joins them so:
    ``$2,900-$3,299``, ``$2,900 to 3,299``, ``between 2,900 and 3,299 dollars``, ``$3-4k``."""
    if first.currency is None and second.currency is None:
        return
    gap = text[first.end : second.start]
    if second.cents < 0 and first.currency is not None and not gap.strip():
        # "$2,900 -$3,299": the minus joins a range, it does not make a debt.
        second.cents, second.start, gap = -second.cents, second.start + 1, gap + "-"
    if _RANGE_GAP.fullmatch(gap) is None:
        return
    if (
        "and" in gap.lower()
        and _BETWEEN.search(text, max(0, first.start - 12), first.start) is None
    ):
        return
    if first.currency is None or second.currency is None:
        plain = first if first.currency is None else second
        # A plain number is a range end only where it reads as one: never a quantity ("$5
        # to 10 people"), a model ("ProView 32 - $3,099") or an id ("sub-12 to $5"); a
        # plain first end must be joined tightly ("2,900-3,299 dollars", "3 to $4").
        if plain.decimals > 2 or (plain is second and not _free_after(text, second.end)):
            return
        spaced_dash = gap.strip() in "-\u2013\u2014" and gap.strip() != gap
        if plain is first and (
            spaced_dash
            or _after_name(text, first.start)
            or text[first.start - 1 : first.start] == "-"
        ):
            return
        if (
            first.multiplier == 1
            and second.multiplier > 1
            and first.cents * second.multiplier <= second.cents
        ):
            first.cents *= second.multiplier  # "$3-4k" is $3k to $4k
            first.tolerance, first.multiplier = second.tolerance, second.multiplier
        if first.cents > second.cents:
            return
        plain.currency = first.currency or second.currency
    first.partner, second.partner = second.start, first.start


def _labelled(text: str, money: list[_Candidate]) -> list[Amount]:
    """Amounts with their labels: cue words right after an amount are its own; cue words
    before it come from its clause, but not from words the amount before already took."""
    result: list[Amount] = []
    floor = 0
    for index, c in enumerate(money):
        labels: set[str] = set()
        per: str | None = None
        consumed = c.end
        following = money[index + 1].start if index + 1 < len(money) else None
        for _ in range(3):  # "$3,099 per unit quoted": a few postfix cues may follow
            post = _POSTFIX.match(text, consumed)
            if post is None:
                break
            kind = post.lastgroup or ""
            if (
                kind in ("total", "cap", "list", "quote")
                and following is not None
                and not text[post.end() : following].strip(" \t:=$")
            ):
                break  # "$1 (list price $3,199)": the cue introduces the next amount
            noun = post.group(kind).lower() if kind in ("per", "slash", "a") else None
            if kind == "a" and noun in _NOT_A_UNIT:
                break
            labels.add("unit" if kind in ("each", "per", "slash", "a") else kind)
            per = per or noun
            consumed = post.end()
        _, clause = clause_before(text, c.start, floor)
        window = last_words(clause, 6)
        labels |= {name for name, cue in _PREFIX_CUES.items() if cue.search(window)}
        if per is None and "unit" in labels:
            before = _PER_BEFORE.findall(window)
            per = before[-1] if before else None
        floor = consumed
        currency = c.currency or "USD"
        amount = Amount(
            c.cents,
            currency,
            c.tolerance,
            frozenset(labels),
            per,
            c.start,
            c.end,
            text[c.start : c.end],
        )
        result.append(amount)
    for index in range(1, len(money)):
        if money[index].partner == money[index - 1].start:
            a, b = result[index - 1], result[index]
            labels_ab, per_ab = a.labels | b.labels, a.per or b.per
            result[index - 1] = replace(a, labels=labels_ab, per=per_ab)
            result[index] = replace(b, labels=labels_ab, per=per_ab)
    return result
