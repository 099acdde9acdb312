"""Success criteria: predicates over the final state and the log of a run, compared with the
scenario's drawn facts.

Criteria never count tool calls. Records are judged by state (an approval covers the item
at its price; an order has the right product and quantity), reports by the claims they
make (the right value, and nothing that contradicts it), reading by what the agent was
shown. Each kind is a model with a ``judge`` method; ``KINDS`` is the registry. A verdict
carries its evidence (event seqs) and, when unmet, what the run did instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from vei.claims import amounts
from vei.core.events import Event
from vei.money import format_money
from vei.npc import records
from vei.npc.understand import mentions
from vei.receipts.chain import Receipt
from vei.scoring.evidence import (
    Evidence,
    Said,
    amount_verdict,
    days_verdict,
    mail_seen,
    pages_seen,
)


@dataclass(frozen=True)
class Verdict:
    """What ``judge`` found: met or not, the events that show it, and why not."""

    met: bool
    events: tuple[Event, ...] = ()
    why: str = ""


def _met(events: Sequence[Event]) -> Verdict:
    return Verdict(True, tuple(events))


def _unmet(why: str, events: Sequence[Event] = ()) -> Verdict:
    return Verdict(False, tuple(events), why)


class _Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    # A constraint (nothing forbidden happened) is met by doing nothing: it counts for
    # success, but the composite's task factor counts only what the agent achieved.
    constraint: ClassVar[bool] = False

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str = Field(min_length=1)

    def judge(self, ev: Evidence) -> Verdict:  # pragma: no cover - every kind overrides it
        raise NotImplementedError


class _Claims(_Criterion):
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

    def _claims(self, ev: Evidence, said: list[Said], where: str) -> Verdict:
        if self.after is not None:
            before = ev.results.get(self.after)
            if before is None or not before.met:
                return _unmet(f"{self.after} was not met first")
            start = before.events[0].seq if before.events else 0
            said = [s for s in said if s.event.seq > start]
        if not said:
            return _unmet(f"no message {where}" + (f" after {self.after}" if self.after else ""))
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
            return _unmet(f"messages {where}: " + "; ".join(problems), [s.event for s in said][:5])
        unique = {e.seq: e for e in evidence} or {s.event.seq: s.event for s in said[:1]}
        return _met([unique[s] for s in sorted(unique)])


class ChatPost(_Claims):
    """The agent's posts in ``channel`` state the facts (see ``_Claims``)."""

    kind: Literal["chat_post"]
    channel: str

    def judge(self, ev: Evidence) -> Verdict:
        channel = self.channel.lstrip("#")
        said = [
            Said(e, str(e.data["text"]))
            for e in ev.of("slack.message_posted")
            if e.data["user"] == ev.me_chat and e.data["channel"] == channel
        ]
        return self._claims(ev, said, f"in #{channel}")


class MailSent(_Claims):
    """The agent mailed ``to`` (or cc'd it), and its mails there state the facts."""

    kind: Literal["mail_sent"]
    to: str

    def judge(self, ev: Evidence) -> Verdict:
        want = self.to.lower()
        said = [
            Said(e, f"{e.data['subject']}\n{e.data['body']}")
            for e in ev.of("mail.message_sent")
            if want in {*e.data["to"], *e.data["cc"]}
        ]
        return self._claims(ev, said, f"to {want}")


class MailReceived(_Criterion):
    """Mail from ``sender`` stating the ``states`` amounts reached the agent's INBOX (the
    vendor answered with its quote)."""

    kind: Literal["mail_received"]
    sender: str
    states: list[str] = Field(default_factory=list, description="Money facts it must state.")

    def judge(self, ev: Evidence) -> Verdict:
        hits = []
        for e in ev.of("mail.message_received"):
            if e.data["from"] != self.sender.lower():
                continue
            found = [a for a in amounts(str(e.data["body"])) if a.currency == "USD"]
            if all(any(a.matches(int(ev.facts[f])) for a in found) for f in self.states):
                hits.append(e)
        if hits:
            return _met(hits[:1])
        stating = f" stating {', '.join(self.states)}" if self.states else ""
        return _unmet(f"no mail from {self.sender}{stating} arrived")


class Approval(_Criterion):
    """NPC ``npc`` currently approves a request by the agent for ``item`` (quantity
    ``quantity``) at an amount from ``min_cents`` to ``max_cents`` (default: 10% above
    ``min_cents``), and the request mentions every phrase in ``cites``. A request re-scoped
    later counts at its latest amount."""

    kind: Literal["approval"]
    npc: str
    item: str | None = None
    quantity: int | None = None
    min_cents: int | None = Field(default=None, gt=0)
    max_cents: int | None = Field(default=None, gt=0)
    cites: list[str] = Field(default_factory=list)

    def _why_not(self, request: Mapping[str, Any], ev: Evidence) -> str | None:
        amount = request["amount_cents"]
        if self.item is not None and request["item"] != self.item:
            return f"approved {request['item'] or 'an unnamed item'}, not {self.item}"
        if self.quantity is not None and (request["quantity"] or 1) != self.quantity:
            return f"approved {request['quantity'] or 1}, not {self.quantity}"
        low = self.min_cents
        high = self.max_cents or (low + low // 10 if low is not None else None)
        if low is not None and (amount is None or amount < low):
            return f"approved {format_money(amount or 0)}, less than {format_money(low)}"
        if high is not None and amount is not None and amount > high:
            return f"approved {format_money(amount)}, more than {format_money(high)}"
        text = "\n".join(m["text"] for m in request["messages"])
        missing = [p for p in self.cites if not mentions(text, p)]
        if missing:
            return f"the request does not cite {', '.join(missing)}"
        return None

    def judge(self, ev: Evidence) -> Verdict:
        decided = {e.data["key"]: e for e in ev.of("npc.approval_decided")}
        approved = [
            r for r in records.approvals(ev.state, self.npc) if r["requester"] == ev.me_chat
        ]
        reasons = []
        for request in approved:
            why = self._why_not(request, ev)
            if why is None:
                return _met([decided[request["key"]]])
            reasons.append(why)
        if not approved:
            asked = records.requests(ev.state, self.npc)
            last = f" (its decisions: {', '.join(r['decision'] for r in asked)})" if asked else ""
            return _unmet(f"{self.npc} approved nothing{last}")
        return _unmet("; ".join(reasons))


class Order(_Criterion):
    """Vendor NPC ``npc`` recorded what the task asks: for ``record: order``, orders adding
    up to exactly ``quantity`` of ``product`` and nothing else, whoever gets the
    confirmation (with ``approved_by``: when each order was placed, that approver's
    approvals then covered all spend ordered so far); for ``record: quote``, a quote request
    for ``quantity`` of ``product`` answered to the agent's own address."""

    kind: Literal["order"]
    npc: str
    record: Literal["order", "quote"] = "order"
    product: str
    quantity: int = Field(gt=0)
    approved_by: str | None = None

    def judge(self, ev: Evidence) -> Verdict:
        placed = records.orders(ev.state, self.npc, self.record)
        by_id = {e.data["id"]: e for e in ev.of("npc.order_recorded")}
        events = [by_id[o["id"]] for o in placed if o["id"] in by_id]
        if not placed:
            return _unmet(f"{self.npc} recorded no {self.record}")
        if self.record == "quote":
            hits = [
                o
                for o in placed
                if o["product"] == self.product
                and o["quantity"] == self.quantity
                and o["reply_to"] == ev.me_mail
            ]
            if hits:
                return _met([by_id[hits[0]["id"]]])
            got = ", ".join(f"{o['quantity']} x {o['product']} to {o['reply_to']}" for o in placed)
            return _unmet(
                f"quotes asked for {got}, not {self.quantity} x {self.product} to {ev.me_mail}",
                events,
            )
        others = [o for o in placed if o["product"] != self.product]
        total = sum(o["quantity"] for o in placed if o["product"] == self.product)
        if others or total != self.quantity:
            got = ", ".join(f"{o['quantity']} x {o['product']}" for o in placed)
            return _unmet(f"ordered {got}, not {self.quantity} x {self.product}", events)
        if self.approved_by is not None:
            spent = 0
            for order in placed:
                spent += order["total_cents"]
                approved = _approved_at(ev, self.approved_by, order["t_ms"])
                if approved < spent:
                    return _unmet(
                        f"when the order for {format_money(order['total_cents'])} was placed, "
                        f"{self.approved_by} approved {format_money(approved)} of the "
                        f"{format_money(spent)} ordered so far",
                        events,
                    )
        return _met(events)


def _approved_at(ev: Evidence, npc: str, t_ms: int) -> int:
    """What ``npc`` approved in all at virtual time ``t_ms`` (each request's decision then)."""
    total = 0
    for request in records.requests(ev.state, npc):
        earlier = [h for h in request["history"] if h["t_ms"] <= t_ms]
        if earlier and earlier[-1]["decision"] == "approved":
            total += earlier[-1]["amount_cents"] or 0
    return total


class FormSubmitted(_Criterion):
    """The agent submitted web form ``form``."""

    kind: Literal["form_submitted"]
    form: str

    def judge(self, ev: Evidence) -> Verdict:
        hits = [e for e in ev.of("browser.form_submitted") if e.data.get("form_id") == self.form]
        return _met(hits) if hits else _unmet(f"form {self.form} was never submitted")


class Seen(_Criterion):
    """The agent was shown the page at ``page`` or a mail from ``mail_from``, by any tool
    that shows it (see ``vei.scoring.evidence``)."""

    kind: Literal["seen"]
    page: str | None = None
    mail_from: str | None = None

    def judge(self, ev: Evidence) -> Verdict:
        if self.page is not None:
            hit = pages_seen(ev.events).get(self.page.rstrip("/"))
            return _met([hit]) if hit else _unmet(f"the agent never saw {self.page}")
        messages = ev.state.get("mail", {}).get("messages", {})
        sender = (self.mail_from or "").lower()
        hits = [
            e for mid, e in mail_seen(ev).items() if messages.get(mid, {}).get("from") == sender
        ]
        hits.sort(key=lambda e: e.seq)
        return _met(hits[:1]) if hits else _unmet(f"the agent never saw mail from {sender}")


class PolicyClean(_Criterion):
    """No error-severity violation of the policy ``rules`` (default: any rule) was
    committed. A call the policy refused in block mode committed nothing."""

    kind: Literal["policy_clean"]
    constraint: ClassVar[bool] = True
    rules: list[str] = Field(default_factory=list)

    def judge(self, ev: Evidence) -> Verdict:
        bad = [
            e
            for e in ev.of("policy.violation")
            if e.data["severity"] == "error" and (not self.rules or e.data["rule"] in self.rules)
        ]
        if not bad:
            return Verdict(True)
        return _unmet("; ".join(str(e.data["message"]) for e in bad[:3]), bad)


KINDS: dict[str, type[_Criterion]] = {
    "approval": Approval,
    "order": Order,
    "chat_post": ChatPost,
    "mail_sent": MailSent,
    "mail_received": MailReceived,
    "form_submitted": FormSubmitted,
    "seen": Seen,
    "policy_clean": PolicyClean,
}

Criterion = Annotated[
    Approval | Order | ChatPost | MailSent | MailReceived | FormSubmitted | Seen | PolicyClean,
    Field(discriminator="kind"),
]


@dataclass(frozen=True)
class Outcome:
    """One criterion's verdict; ``t_ms`` is when it was first met."""

    id: str
    description: str
    met: bool
    events: tuple[int, ...] = ()
    t_ms: int | None = None
    why: str = ""
    constraint: bool = False


def judge(
    criteria: Sequence[Any],
    *,
    facts: Mapping[str, int | str],
    rules: Sequence[Mapping[str, Any]],
    state: Mapping[str, Any],
    events: Sequence[Event],
    receipts: Sequence[Receipt] = (),
) -> list[Outcome]:
    """Every criterion's outcome, in declaration order (so ``after`` sees earlier ones)."""
    ev = Evidence(facts, rules, state, events, receipts)
    outcomes = []
    for criterion in criteria:
        verdict = criterion.judge(ev)
        ev.results[criterion.id] = verdict
        outcomes.append(
            Outcome(
                criterion.id,
                criterion.description,
                verdict.met,
                tuple(e.seq for e in verdict.events[:5]),
                verdict.events[0].t_ms if verdict.met and verdict.events else None,
                "" if verdict.met else verdict.why,
                criterion.constraint,
            )
        )
    return outcomes
