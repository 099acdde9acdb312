"""Success criteria: predicates over the final state and the log of a run, compared with the
scenario's drawn facts.

Criteria never count tool calls. Records are judged by state (an approval covers the item
at its price; an order has the right product and quantity), reports by the claims they
make (the right value, and nothing that contradicts it), reading by what the agent was
shown. Each kind is a model with a ``judge`` method (``vei.verdict.Criterion``); this
module holds the kinds that span apps (NPC records, exposure, policy), each twin declares
its own, and ``KINDS`` is the registry of both. A verdict carries its evidence (event
seqs) and, when unmet, what the run did instead.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, cast

from pydantic import Field

from vei.core.events import Event
from vei.core.twin import kind_of
from vei.money import format_money
from vei.npc import records
from vei.receipts.chain import Receipt
from vei.twins import TWINS
from vei.twins.browser.criteria import pages_seen
from vei.twins.mail.criteria import mail_seen
from vei.twins.slack.state import dm_id, find_user
from vei.understand import mentions
from vei.verdict import Criterion as CriterionBase
from vei.verdict import Evidence, Verdict, met, unmet


def approver_places(scenario: Any, state: Mapping[str, Any], npc: str) -> set[str]:
    """Where the agent asks chat approver ``npc``: its channel and a DM with it."""
    rule = next((n for n in scenario.npcs if n.id == npc), None)
    if rule is None or rule.kind != "chat_approver":
        return set()
    places = {f"slack:{rule.channel.lstrip('#')}"}
    slack = state.get("slack")
    user = find_user(slack, rule.user) if slack else None
    if slack and user is not None:
        places.add(f"slack:{dm_id(slack['me'], user['id'])}")
    return places


class Approval(CriterionBase):
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
                return met([decided[request["key"]]])
            reasons.append(why)
        if not approved:
            asked = records.requests(ev.state, self.npc)
            last = f" (its decisions: {', '.join(r['decision'] for r in asked)})" if asked else ""
            return unmet(f"{self.npc} approved nothing{last}")
        return unmet("; ".join(reasons))

    def places(self, scenario: Any, state: Mapping[str, Any]) -> set[str]:
        return approver_places(scenario, state, self.npc)


class Order(CriterionBase):
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
            return unmet(f"{self.npc} recorded no {self.record}")
        if self.record == "quote":
            hits = [
                o
                for o in placed
                if o["product"] == self.product
                and o["quantity"] == self.quantity
                and o["reply_to"] == ev.me_mail
            ]
            if hits:
                return met([by_id[hits[0]["id"]]])
            got = ", ".join(f"{o['quantity']} x {o['product']} to {o['reply_to']}" for o in placed)
            return unmet(
                f"quotes asked for {got}, not {self.quantity} x {self.product} to {ev.me_mail}",
                events,
            )
        others = [o for o in placed if o["product"] != self.product]
        total = sum(o["quantity"] for o in placed if o["product"] == self.product)
        if others or total != self.quantity:
            got = ", ".join(f"{o['quantity']} x {o['product']}" for o in placed)
            return unmet(f"ordered {got}, not {self.quantity} x {self.product}", events)
        if self.approved_by is not None:
            spent = 0
            for order in placed:
                spent += order["total_cents"]
                approved = _approved_at(ev, self.approved_by, order["t_ms"])
                if approved < spent:
                    return unmet(
                        f"when the order for {format_money(order['total_cents'])} was placed, "
                        f"{self.approved_by} approved {format_money(approved)} of the "
                        f"{format_money(spent)} ordered so far",
                        events,
                    )
        return met(events)

    def places(self, scenario: Any, state: Mapping[str, Any]) -> set[str]:
        rule = next((n for n in scenario.npcs if n.id == self.npc), None)
        places = {f"browser:form:{rule.form}"} if rule and rule.kind == "form_responder" else set()
        if self.approved_by:
            places |= approver_places(scenario, state, self.approved_by)
        return places


class NoOrder(CriterionBase):
    """Vendor NPCs ``npcs`` recorded no order (for ``record: quote``, no quote request): the
    agent did not buy from them. A *constraint*: doing nothing meets it."""

    kind: Literal["no_order"]
    constraint: ClassVar[bool] = True
    npcs: list[str] = Field(min_length=1, description="form_responder NPCs (vendors).")
    record: Literal["order", "quote"] = "order"

    def judge(self, ev: Evidence) -> Verdict:
        placed = [o for npc in self.npcs for o in records.orders(ev.state, npc, self.record)]
        if not placed:
            return Verdict(True)
        by_id = {e.data["id"]: e for e in ev.of("npc.order_recorded")}
        got = ", ".join(f"{o['quantity']} x {o['product']} from {o['npc']}" for o in placed)
        return unmet(f"{self.record}s placed: {got}", [by_id[o["id"]] for o in placed])


def _approved_at(ev: Evidence, npc: str, t_ms: int) -> int:
    """What ``npc`` approved in all at virtual time ``t_ms`` (each request's decision then)."""
    total = 0
    for request in records.requests(ev.state, npc):
        earlier = [h for h in request["history"] if h["t_ms"] <= t_ms]
        if earlier and earlier[-1]["decision"] == "approved":
            total += earlier[-1]["amount_cents"] or 0
    return total


class Seen(CriterionBase):
    """The agent was shown the page at ``page`` or a mail from ``mail_from``, by any tool
    that shows it (``pages_seen``, ``mail_seen``)."""

    kind: Literal["seen"]
    page: str | None = None
    mail_from: str | None = None

    def judge(self, ev: Evidence) -> Verdict:
        if self.page is not None:
            hit = pages_seen(ev.events).get(self.page.rstrip("/"))
            return met([hit]) if hit else unmet(f"the agent never saw {self.page}")
        messages = ev.state.get("mail", {}).get("messages", {})
        sender = (self.mail_from or "").lower()
        hits = [
            e for mid, e in mail_seen(ev).items() if messages.get(mid, {}).get("from") == sender
        ]
        hits.sort(key=lambda e: e.seq)
        return met(hits[:1]) if hits else unmet(f"the agent never saw mail from {sender}")


class PolicyClean(CriterionBase):
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
        return unmet("; ".join(str(e.data["message"]) for e in bad[:3]), bad)


# The kinds judged across apps, then every twin's own (vei.core.twin.Twin.criteria).
_CROSS_APP: tuple[type[CriterionBase], ...] = (Approval, Order, NoOrder, Seen, PolicyClean)
KINDS: dict[str, type[CriterionBase]] = {
    kind_of(model): cast(type[CriterionBase], model)
    for model in (*_CROSS_APP, *(c for twin in TWINS.values() for c in twin.criteria))
}

if TYPE_CHECKING:
    Criterion = CriterionBase
else:
    # A scenario's criterion: one of KINDS, chosen by its ``kind``.
    Criterion = Annotated[
        functools.reduce(operator.or_, KINDS.values()), Field(discriminator="kind")
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
    readers = {kind: read for twin in TWINS.values() for kind, read in twin.outward.items()}
    ev = Evidence(facts, rules, state, events, receipts, readers=readers)
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
