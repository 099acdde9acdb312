"""The words around a claim: the clause before it, and what the words say.

Every look is bounded (a fixed number of characters back), so reading the context of every
claim in a post stays linear in the post's length.
"""

from __future__ import annotations

import re

# How far back a cue may be: a clause rarely puts its cue more than this before the number.
REACH = 120
# A clause ends at ; ! or ?, at a full stop followed by a capital (so "approx. 10 days" and
# "Nov. 21" stay one clause), and at a line break followed by a capital, a bullet or another
# line break (a wrapped line that goes on in lower case is the same sentence).
_BOUNDARY = re.compile(r"[;!?]|\.(?=\s+[A-Z\"'(])|\n(?=[^\S\n]*[A-Z\n*\u2022-])")
_WORD = re.compile(r"\S+")


def clause_before(text: str, start: int, floor: int = 0) -> tuple[int, str]:
    """Where the clause holding ``text[start]`` begins (never before ``floor``), and its
    text up to ``start``."""
    lo = max(floor, start - REACH, 0)
    window = text[lo:start]
    ends = [boundary.end() for boundary in _BOUNDARY.finditer(window)]
    begin = lo + (ends[-1] if ends else 0)
    return begin, text[begin:start]


def last_words(window: str, count: int) -> str:
    """The last ``count`` words of ``window``, lower-cased and joined by single spaces."""
    words = _WORD.findall(window)
    return " ".join(words[-count:]).lower()


def nearest(patterns: dict[str, re.Pattern[str]], window: str) -> str | None:
    """The name of the pattern whose last match in ``window`` ends nearest its end."""
    best, best_end = None, -1
    for name, pattern in patterns.items():
        for match in pattern.finditer(window):
            if match.end() > best_end:
                best, best_end = name, match.end()
    return best
