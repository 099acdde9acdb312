"""Whole numbers as people write them: ``3,099``, ``five``, ``twenty-one``, ``twelve hundred``.

``NUMBER_WORDS`` is the regex fragment the amount and duration patterns use to find a run of
number words; :func:`number` decides whether a run really is a number.
"""

from __future__ import annotations

import re

_SMALL_WORDS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]  # fmt: skip
_SMALL = {word: value for value, word in enumerate(_SMALL_WORDS)}
_TENS_WORDS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_TENS = {word: 10 * (index + 2) for index, word in enumerate(_TENS_WORDS)}
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

_Trie = dict[str, "_Trie"]


def word_pattern(words: list[str]) -> str:
    """A regex alternation of ``words`` written as a trie (``f(?:ive|our)``): the engine
    tries one branch per letter instead of every word, which matters at every position of a
    scan. Callers add the word boundary."""
    tree: _Trie = {}
    for word in words:
        node = tree
        for letter in word:
            node = node.setdefault(letter, {})
        node[""] = {}
    return _branches(tree)


def _branches(node: _Trie) -> str:
    ends_here = "" in node
    branches = [re.escape(letter) + _branches(node[letter]) for letter in sorted(node) if letter]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 and not ends_here else f"(?:{'|'.join(branches)})"
    return body + ("?" if ends_here else "")


_WORD = word_pattern([*_SMALL, *_TENS, "hundred", *_SCALES])
_AFTER_SCALE = "(?:(?<=hundred)|(?<=thousand)|(?<=million)|(?<=billion))"
# A space between words, which may be a line break when the next line goes on in lower case
# (mail wraps "6\nbusiness days"); a line that starts with a capital starts something new.
SPACE = r"(?:[^\S\n]{1,2}|[^\S\n]?\n[^\S\n]?(?=(?-i:[a-z])))"
# A run of at most 12 number words joined by spaces or hyphens ("and" only after a scale
# word, so "between five and seven" stays two numbers). The bound keeps the search linear.
NUMBER_WORDS = (
    rf"(?:an?{SPACE}(?=hundred|thousand|million|billion))?"
    rf"(?:{_WORD})\b(?:(?:{SPACE}|[^\S\n]?-[^\S\n]?|{_AFTER_SCALE}{SPACE}and{SPACE})(?:{_WORD})\b){{0,11}}"
)
# Up to 15 digits (a quadrillion dollars is not a quote), grouped by commas or not.
_DIGITS_ONLY = re.compile(r"[0-9]{1,3}(?:,[0-9]{3}){1,4}|[0-9]{1,15}")
_SPLIT = re.compile(r"[\s-]+")
_WORD_START = re.compile(r"(?<=[\s-])\S")


def number(word_or_digits: str) -> int | None:
    """The whole number written in ``word_or_digits``, or ``None`` when it is not one.

    Digits may be grouped by commas in threes (``3,099``); words cover zero to nineteen, the
    tens, hyphenated or spaced compounds, ``hundred``/``thousand``/``million``/``billion``
    with an optional ``and`` after them (``two hundred and twelve`` is 212, ``twelve
    hundred`` 1,200), and ``a``/``an`` for one (``a thousand``; alone, as before a unit).
    Anything else (decimals, ``five five``, badly grouped digits) is ``None``.
    """
    text = word_or_digits.strip()
    if _DIGITS_ONLY.fullmatch(text):
        return int(text.replace(",", ""))
    words = [w for w in _SPLIT.split(text.lower()) if w]
    if words in (["a"], ["an"]):
        return 1
    if (
        len(words) > 1
        and words[0] in ("a", "an")
        and (words[1] == "hundred" or words[1] in _SCALES)
    ):
        words[0] = "one"
    return _words_value(words) if words else None


def tail_number(written: str) -> tuple[int, int] | None:
    """The number ``written`` ends with and the offset where it starts: all of it when it is
    one number, else its longest tail that is ("three two" -> (2, 6)); None when none is."""
    value = number(written)
    if value is not None:
        return value, 0
    for tail in _WORD_START.finditer(written):
        value = number(written[tail.start() :])
        if value is not None:
            return value, tail.start()
    return None


def _words_value(words: list[str]) -> int | None:
    """The value of number words, checking the order a person would write them in."""
    total, group, last, smallest_scale = 0, 0, "", 10**12
    for word in words:
        if word == "and":
            if last not in ("hundred", "scale"):
                return None
            last = "and"
        elif word in _SMALL or word in _TENS:
            value = _SMALL.get(word, _TENS.get(word, 0))
            kind = "tens" if word in _TENS else ("unit" if value < 10 else "teen")
            if value == 0 and len(words) > 1:
                return None
            if last == "tens" and kind == "unit" or last in ("", "scale", "hundred", "and"):
                group += value
            else:
                return None
            last = kind
        elif word == "hundred":
            if last not in ("unit", "teen", "tens") or not 0 < group % 100 == group:
                return None
            group *= 100
            last = "hundred"
        elif word in _SCALES:
            scale = _SCALES[word]
            if last not in ("unit", "teen", "tens", "hundred") or scale >= smallest_scale:
                return None
            total += group * scale
            group, last, smallest_scale = 0, "scale", scale
        else:
            return None
    return None if last == "and" else total + group
