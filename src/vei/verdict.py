"""What a verdict is made of: the evidence criteria read (the run's facts, NPC rules, final
state and log), the base classes of criterion kinds, and the judgement of claims.

Every criterion kind -- the ones in ``vei.scoring.criteria`` and the ones twins declare in
their ``criteria.py`` -- subclasses ``Criterion`` (or ``Claims``, for what messages state)
and returns a ``Verdict`` from ``judge``, built with ``met`` and ``unmet``.

**Claims.** A message claims a value when it states it in any common written form
(``vei.claims``). It *contradicts* a target when it states a specific amount (or duration)
that is not the target and is not another fact of the scenario, or when it hedges: the
target next to other values joined only by "or", "to", "-", "/", "," or "and" ("$3,099 or
$3,199", a list of every price from $2,900 to $3,299). Amounts spoken of as a saving,
discount or difference are neither.

**Exposure.** Twins say what their tools showed the agent (``pages_seen`` in the browser
twin, ``mail_seen`` in the mail twin); ``shown_events`` adds what a ``vei_tick``,
``vei_observe`` or ``vei_act_and_observe`` result listed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from vei.claims import Amount, Duration, amounts, durations
from vei.core.events import Event
from vei.core.twin import Outward, OutwardReader
from vei.money import format_money
from vei.understand import mentions

if TYPE_CHECKING:
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
    # Event kind -> its twin's outward reader (``Twin.outward``), handed in by scoring.
    readers: Mapping[str, OutwardReader] = field(default_factory=dict)

    def outward(self, event: Event) -> Outward | None:
        """What ``event`` showed outside the agent, if it is an outward act of the agent's."""
        read = self.readers.get(event.kind)
        return read(self.state, event) if read is not None and event.actor == "agent" else None

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


# ------------------------------------------------------------------------ verdicts


@dataclass(frozen=True)
class Verdict:
    """What ``judge`` found: met or not, the events that show it, and why not."""

    met: bool
    events: tuple[Event, ...] = ()
    why: str = ""


def met(events: Sequence[Event]) -> Verdict:
    return Verdict(True, tuple(events))


def unmet(why: str, events: Sequence[Event] = ()) -> Verdict:
    return Verdict(False, tuple(events), why)


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    # A constraint (nothing forbidden happened) is met by doing nothing: it counts for
    # success, but the composite's task factor counts only what the agent achieved.
    constraint: ClassVar[bool] = False

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str = Field(min_length=1)

    def judge(self, ev: Evidence) -> Verdict:  # pragma: no cover - every kind overrides it
        raise NotImplementedError

    def places(self, scenario: Any, state: Mapping[str, Any]) -> set[str]:
        """The outward targets (``<twin>:<thing>``, as ``vei.core.twin.Outward`` names
        them) this criterion needs the agent to reach: anything else is collateral."""
        return set()


class Claims(Criterion):
    after: str | None = Field(
        default=None, description="Only messages after this criterion was met."
    )
    amounts: list[str] = Field(
        default_factory=list, description="Money facts (x_cents) the messages must state."
    )
    days: str | None = Field(default=None, description="A duration fact (x_days) they must state.")
    mentions: list[str] = Field(
        default_factory=list, description="Phrases they must mention (product names, specs)."
    )

    def judge_claims(self, ev: Evidence, said: list[Said], where: str) -> Verdict:
        """Met when the messages in ``said`` (after ``after``, if set) state every fact
        and contradict none."""
        if self.after is not None:
            before = ev.results.get(self.after)
            if before is None or not before.met:
                return unmet(f"{self.after} was not met first")
            start = before.events[0].seq if before.events else 0
            said = [s for s in said if s.event.seq > start]
        if not said:
            return unmet(f"no message {where}" + (f" after {self.after}" if self.after else ""))
        evidence: list[Event] = []
        problems: list[str] = []
        for fact in self.amounts:
            target = int(ev.facts[fact])
            claiming, against = amount_verdict(said, target, ev.known_amounts())
            if not claiming:
                problems.append(f"none states {format_money(target)} ({fact})")
            if against:
                problems.append(f"contradicting amounts: {', '.join(sorted(set(against))[:5])}")
            evidence += claiming
        if self.days is not None:
            target = int(ev.facts[self.days])
            claiming, against = days_verdict(said, target, ev.known_days())
            if not claiming:
                problems.append(f"none states {target} business days ({self.days})")
            if against:
                problems.append(f"contradicting durations: {', '.join(sorted(set(against))[:5])}")
            evidence += claiming
        text = "\n".join(s.text for s in said)
        missing = [p for p in self.mentions if not mentions(text, p)]
        if missing:
            problems.append(f"does not mention {', '.join(missing)}")
        if problems:
            return unmet(f"messages {where}: " + "; ".join(problems), [s.event for s in said][:5])
        unique = {e.seq: e for e in evidence} or {s.event.seq: s.event for s in said[:1]}
        return met([unique[s] for s in sorted(unique)])
