"""What criteria read: the run's facts, NPC rules, final state and log, and two judgements
built on them -- which claims the agent's messages make, and what the agent was shown.

**Claims.** A message claims a value when it states it in any common written form
(``vei.claims``). It *contradicts* a target when it states a specific amount (or duration)
that is not the target and is not another fact of the scenario, or when it hedges: the
target next to other values joined only by "or", "to", "-", "/", "," or "and" ("$3,099 or
$3,199", a list of every price from $2,900 to $3,299). Amounts spoken of as a saving,
discount or difference are neither.

**Exposure.** The agent saw a page when it read it (``browser_read``) or searched it
(``browser_find``); it saw a mail when it opened it, or when a ``vei_tick``,
``vei_observe`` or ``vei_act_and_observe`` result listed its delivery (with the body).
Mail list and search rows show only a snippet and do not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from vei.claims import Amount, Duration, amounts, durations
from vei.core.events import Event
from vei.receipts.chain import Receipt

HIDDEN_PREFIXES = ("core.", "npc.", "monitor.", "policy.", "actors.", "drift.")
MAX_LISTED = 50
_HEDGE = re.compile(r"^\s*(?:,|or|or maybe|maybe|to|-|–|—|/|and|,\s*or|,\s*and)\s*$", re.IGNORECASE)
_NEUTRAL = re.compile(
    r"\b(?:sav(?:e|es|ing|ings)|discount(?:ed)?|off|below|less|cheaper|under|differen(?:ce|t)"
    r"|more\s+than|over)\s*$",
    re.IGNORECASE,
)


@dataclass
class Evidence:
    """Everything a criterion may look at, plus the outcomes judged so far (for ``after``)."""

    facts: Mapping[str, int | str]
    rules: Sequence[Mapping[str, Any]]
    state: Mapping[str, Any]
    events: Sequence[Event]
    receipts: Sequence[Receipt] = ()
    results: dict[str, Any] = field(default_factory=dict)

    def of(self, *kinds: str) -> list[Event]:
        """Events of the given kinds, in log order."""
        return [e for e in self.events if e.kind in kinds]

    def rule(self, npc: str) -> Mapping[str, Any] | None:
        """The NPC rule ``npc``, if the scenario declares it."""
        return next((r for r in self.rules if r["id"] == npc), None)

    @property
    def me_chat(self) -> str:
        return str(self.state.get("slack", {}).get("me", ""))

    @property
    def me_mail(self) -> str:
        return str(self.state.get("mail", {}).get("address", ""))

    def known_amounts(self) -> set[int]:
        """Every money fact of the scenario, in cents."""
        return {v for k, v in self.facts.items() if k.endswith("_cents") and isinstance(v, int)}

    def known_days(self) -> set[int]:
        """Every duration fact of the scenario, in days."""
        return {v for k, v in self.facts.items() if k.endswith("_days") and isinstance(v, int)}


# --------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class Said:
    """One message of the agent's: its event and its text."""

    event: Event
    text: str


def _neutral(text: str, amount: Amount) -> bool:
    return bool(_NEUTRAL.search(text[max(0, amount.start - 24) : amount.start]))


def _hedged(text: str, spans: Sequence[Amount | Duration], index: int) -> bool:
    """Whether the value at ``index`` sits next to another joined only by a hedge word."""
    for other in (index - 1, index + 1):
        if 0 <= other < len(spans):
            a, b = sorted((spans[index], spans[other]), key=lambda s: s.start)
            if _HEDGE.match(text[a.end : b.start]):
                return True
    return False


def amount_verdict(
    said: Sequence[Said], target: int, known: set[int]
) -> tuple[list[Event], list[str]]:
    """(messages claiming ``target``, contradicting claims) over the agent's messages."""
    claiming: list[Event] = []
    against: list[str] = []
    for item in said:
        found = [a for a in amounts(item.text) if a.currency == "USD" and a.specific]
        hits = [i for i, a in enumerate(found) if a.matches(target)]
        if hits:
            claiming.append(item.event)
        for i, a in enumerate(found):
            if _neutral(item.text, a) or a.matches(target):
                continue
            if _hedged(item.text, found, i) or not any(a.matches(k) for k in known):
                against.append(a.text)
    return claiming, against


def days_verdict(
    said: Sequence[Said], target: int, known: set[int]
) -> tuple[list[Event], list[str]]:
    """(messages claiming ``target`` business days, contradicting durations)."""
    claiming: list[Event] = []
    against: list[str] = []
    for item in said:
        found = durations(item.text, now_ms=item.event.t_ms)
        if any(d.matches_business_days(target) for d in found):
            claiming.append(item.event)
        for i, d in enumerate(found):
            if d.matches_business_days(target):
                continue
            if not any(d.matches_business_days(k) for k in known) or _hedged(item.text, found, i):
                against.append(d.text)
    return claiming, against


# ------------------------------------------------------------------------- exposure


def _hidden(kind: str) -> bool:
    return kind.startswith(HIDDEN_PREFIXES)


def shown_events(events: Sequence[Event], receipts: Sequence[Receipt]) -> list[Event]:
    """Delivered events a tick or observe result listed to the agent, in log order."""
    by_seq = {e.seq: e for e in events}
    shown: dict[int, Event] = {}
    observed = 0
    for receipt in receipts:
        body = receipt.body
        tool = body["tool"]
        if not body["ok"]:
            continue
        if tool == "vei_tick" and body["events"]:
            first, last = body["events"]
            listed = [by_seq[s] for s in range(first, last + 1) if s in by_seq]
            visible = [e for e in listed if not _hidden(e.kind)]
            shown.update((e.seq, e) for e in visible[-MAX_LISTED:])
        elif tool in ("vei_observe", "vei_act_and_observe"):
            upto = body["rev_after"]
            new = [
                by_seq[s]
                for s in range(observed + 1, upto + 1)
                if s in by_seq and by_seq[s].actor != "agent" and not _hidden(by_seq[s].kind)
            ]
            shown.update((e.seq, e) for e in new[-MAX_LISTED:])
            observed = upto
    return [shown[s] for s in sorted(shown)]


def pages_seen(events: Iterable[Event]) -> dict[str, Event]:
    """URL -> the first event that showed the agent that page's text."""
    seen: dict[str, Event] = {}
    for event in events:
        if event.kind in ("browser.page_read", "browser.page_searched"):
            seen.setdefault(str(event.data["url"]).rstrip("/"), event)
    return seen


def mail_seen(ev: Evidence) -> dict[str, Event]:
    """Message id -> the first event that showed the agent its body."""
    seen: dict[str, Event] = {}
    for event in ev.of("mail.message_read"):
        seen.setdefault(str(event.data["id"]), event)
    for event in shown_events(ev.events, ev.receipts):
        if event.kind == "mail.message_received":
            current = seen.get(str(event.data["id"]))
            if current is None or current.seq > event.seq:
                seen[str(event.data["id"])] = event
    return seen
