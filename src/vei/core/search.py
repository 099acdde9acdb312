"""Ranked tool search (``vei_tools_search``): BM25 over each tool's words.

A tool's words are its name parts, its description and its declared ``keywords``, in two
fields (BM25F): the name, weighted ``NAME_WEIGHT`` because it is the most telling, and the
text (description and keywords); each field is length-normalised against its own average.
Query and tool words are cut to a light stem (``emails``, ``emailing`` -> ``email``) and
common words are dropped. A query word also brings in its ``SYNONYMS`` at
``SYNONYM_WEIGHT``, so "wait for a reply" finds the tool described as letting time pass.
Scores are rounded before ties are broken by name, so the ranking is the same on every
machine.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

K1 = 1.2
B = 0.75
NAME_WEIGHT = 3
SYNONYM_WEIGHT = 0.5

_WORD = re.compile(r"[a-z0-9]+")
_FIELDS = re.compile(r"\{[^{}]*\}")
_IDENTIFIER = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")

# Words too common to tell tools apart ("returns" is in every description by rule).
STOPWORDS = frozenset(
    """a an the to of in on at for from by with and or but is are was be been being it its
    this that these those i me my you your we our us can could do does did how please some
    any s t up out into about as if so just then there their them they will would should
    want need get returns""".split()  # noqa: SIM905  (a word list reads best as text)
)

# Common phrasings -> the words tools are described with. Both sides are stemmed on load.
_SYNONYM_TABLE: Mapping[str, str] = {
    "email": "mail",
    "mail": "email",
    "inbox": "mail email",
    "e": "mail",
    "chat": "slack channel",
    "slack": "chat",
    "dm": "direct slack",
    "post": "send",
    "say": "send post",
    "tell": "send post",
    "write": "send compose type",
    "compose": "send",
    "draft": "compose",
    "answer": "reply",
    "respond": "reply",
    "response": "reply",
    "wait": "tick",
    "sleep": "tick wait",
    "pause": "tick wait",
    "later": "tick wait",
    "pass": "tick",
    "find": "search",
    "search": "find",
    "look": "search find",
    "lookup": "search find",
    "locate": "search find",
    "web": "browser page",
    "website": "browser page web",
    "site": "browser page web",
    "url": "browser page",
    "page": "browser",
    "fill": "type field",
    "enter": "type",
    "input": "type field",
    "new": "happened latest",
    "latest": "new",
    "update": "new happened",
    "who": "people user",
    "person": "people user",
    "colleague": "people user",
    "employee": "people user",
    "member": "people user",
    "team": "people user",
    "everyone": "people user",
    "user": "people",
    "people": "user",
    "show": "list",
    "see": "read list",
    "view": "read open",
    "check": "read observe",
    "explain": "help",
    "press": "click",
    "button": "click",
    "previous": "back",
    "upcoming": "pending scheduled",
    "scheduled": "pending",
    "restart": "reset",
    "emoji": "react",
    "like": "react",
}


def stem(word: str) -> str:
    """A light stem of a lowercase word: plural ``-s``/``-es``/``-ies``, ``-ing`` and ``-ed``
    and a final ``-e`` come off where a word of three letters or more is left (``replies``
    -> ``reply``, ``typing`` and ``type`` -> ``typ``, ``submitted`` -> ``submit``)."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith(("ies", "ied")):
        word = word[:-3] + "y"
    elif word.endswith(("sses", "xes", "zes", "ches", "shes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    elif word.endswith("ing") and _stem_left(word[:-3]):
        word = _undouble(word[:-3])
    elif word.endswith("ed") and _stem_left(word[:-2]):
        word = _undouble(word[:-2])
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def _stem_left(rest: str) -> bool:
    return len(rest) >= 3 and any(c in "aeiouy" for c in rest)


def _undouble(word: str) -> str:
    # "submitt" -> "submit", but "fill" and "press" keep their double letter.
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouylsz":
        return word[:-1]
    return word


def _prose(description: str) -> str:
    # Drop field lists ("Returns {id, from, ...}") and snake_case identifiers (other tools'
    # and arguments' names): they say what a tool returns or refers to, not what it does,
    # and "what vei_observe returns" would otherwise rank a tool for "observe".
    while True:
        shorter = _FIELDS.sub(" ", description)
        if shorter == description:
            return _IDENTIFIER.sub(" ", description)
        description = shorter


def terms(text: str) -> list[str]:
    """The stemmed words of ``text`` that count for search (lowercased, common words
    dropped), in order."""
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


SYNONYMS: dict[str, tuple[str, ...]] = {
    stem(word): tuple(stem(w) for w in more.split()) for word, more in _SYNONYM_TABLE.items()
}


def query_weights(query: str) -> dict[str, float]:
    """Each term the query searches for, with its weight: 1 for the query's own words,
    ``SYNONYM_WEIGHT`` for words only its synonyms bring in."""
    own = terms(query)
    weights = dict.fromkeys(own, 1.0)
    for term in own:
        for extra in SYNONYMS.get(term, ()):
            weights.setdefault(extra, SYNONYM_WEIGHT)
    return weights


class _Field:
    """One field of every tool (its name, or its text): term counts and lengths."""

    def __init__(self, counts: Mapping[str, Counter[str]], weight: float) -> None:
        self.counts = counts
        self.weight = weight
        self.lengths = {doc_id: sum(c.values()) for doc_id, c in counts.items()}
        total = sum(self.lengths.values())
        self.average_length = total / len(self.lengths) if total else 1.0

    def normalised_tf(self, doc_id: str, term: str) -> float:
        """The term's weighted count in this field, scaled by the field's length against
        its average (BM25's ``b``)."""
        tf = self.counts[doc_id].get(term, 0)
        if not tf:
            return 0.0
        return self.weight * tf / (1 - B + B * self.lengths[doc_id] / self.average_length)


class SearchIndex:
    """BM25F statistics over tools' words in two fields, name and text (description and
    keywords)."""

    def __init__(self, documents: Iterable[tuple[str, str, Sequence[str]]]) -> None:
        """Index tools given as ``(name, description, keywords)``, each known by its name.
        The name field weighs ``NAME_WEIGHT``; each field is length-normalised against its
        own average."""
        names: dict[str, Counter[str]] = {}
        texts: dict[str, Counter[str]] = {}
        for name, description, keywords in documents:
            names[name] = Counter(terms(name))
            texts[name] = Counter(terms(_prose(description)) + terms(" ".join(keywords)))
        self.fields = (_Field(names, NAME_WEIGHT), _Field(texts, 1.0))
        self.document_frequency: Counter[str] = Counter()
        for name in names:
            self.document_frequency.update(names[name].keys() | texts[name].keys())
        self.ids = sorted(names)

    def idf(self, term: str) -> float:
        """How telling a term is: rarer terms weigh more (BM25's always-positive form)."""
        n, df = len(self.ids), self.document_frequency.get(term, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def score(self, doc_id: str, weights: Mapping[str, float]) -> float:
        """The BM25F score (k1 = ``K1``, b = ``B``) of one tool for weighted query terms."""
        total = 0.0
        for term, weight in weights.items():
            tf = sum(f.normalised_tf(doc_id, term) for f in self.fields)
            if tf:
                total += weight * self.idf(term) * tf * (K1 + 1) / (tf + K1)
        return total

    def rank(self, query: str, top_k: int) -> list[str]:
        """The names of the ``top_k`` best tools for ``query``, best first; tools matching
        no query term are left out; equal scores go by name."""
        weights = query_weights(query)
        scored = [(round(self.score(d, weights), 9), d) for d in self.ids]
        ranked = sorted((item for item in scored if item[0] > 0), key=lambda i: (-i[0], i[1]))
        return [doc_id for _, doc_id in ranked[:top_k]]
