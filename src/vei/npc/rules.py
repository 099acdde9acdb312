"""NPC rules as scenarios declare them: who answers what, after how long, in which words.

A rule's state machine decides (approve, ask for a justification, quote, ask for missing
details, record an order); facts (prices, ETAs, caps) come from the scenario's drawn
``facts`` and the rule itself. Only the wording is drawn, from the NPC's own RNG stream, so
another wording never changes a fact, and a question asked again is asked in other words.
"""

from __future__ import annotations

import functools
import operator
import string
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from vei.core.twin import NpcKind, kind_of
from vei.facts import fact_variables
from vei.twins import TWINS
from vei.understand import Point


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Rule(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="NPC id; its RNG stream is npc:<id>.")
    delay_ms: int = Field(
        ge=0, le=7 * 24 * 3_600_000, description="Virtual ms before the NPC answers."
    )


Templates = Annotated[
    list[str], Field(min_length=1, description="Wordings; one not used yet is drawn per reply.")
]


class NeedPoint(_Model):
    """One thing a message must speak to, shown by any of ``any`` (phrases, any case; light
    plural and tense endings match, numbers must be exact; ``128GB`` equals ``128 GB``)."""

    name: str = Field(min_length=1, description="What it is, e.g. 'the memory it needs'.")
    any: list[str] = Field(min_length=1, description="Phrases any one of which shows the point.")


class Need(_Model):
    """What a message must speak to: at least ``min_points`` of ``points`` (default all)."""

    points: list[NeedPoint] = Field(min_length=1)
    min_points: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _reachable(self) -> Need:
        if self.min_points is not None and self.min_points > len(self.points):
            raise ValueError("min_points is more than the number of points")
        return self

    @property
    def required(self) -> int:
        """How many points must be met."""
        return self.min_points or len(self.points)

    def as_points(self) -> list[Point]:
        """The points for ``vei.understand.points_met``."""
        return [Point(p.name, tuple(p.any)) for p in self.points]


class ApproverTemplates(_Model):
    approve: Templates
    justify: Templates | None = None
    weak_justification: Templates = Field(
        default=[
            "Sorry {requester}, that does not tell me why we need this. What is it for, and why would something cheaper not do?",
            "I still don't see the business need, {requester}. Can you say what it is needed for?",
            "That isn't a reason I can sign off on, {requester}: why this one, and what happens without it?",
        ],
        min_length=1,
    )
    ask_amount: Templates
    clarify: Templates = Field(
        default=[
            "{requester}, which amount do you need approved: {amounts}?",
            "Just to be sure, {requester}: is the total {amounts}? Give me the one number to approve.",
            "I see {amounts} in your message. Which is the total I should approve?",
        ],
        min_length=1,
    )
    reject: Templates


class ChatApprover(_Rule):
    """Answers approval requests by the agent wherever they are asked: in ``channel`` (top
    level or any thread), in a direct message to ``user``, or where the agent mentions
    ``user`` (``@handle`` or first name). A request is a message that asks (approval words,
    or a question about buying) with an amount; the amount is the total asked for.

    Within ``cap_cents``: approve. Above it: with ``justification_cap_cents`` set, ask why
    (a justification that speaks to ``need`` gets it approved up to that cap), otherwise
    reject. No amount: ask for it; amounts it cannot tell apart: ask which. A new amount in
    the same conversation is judged again (re-scoping). Each decision is a record
    (``npc.approval_decided``) naming the requester, item, quantity, amount and approver.
    """

    kind: Literal["chat_approver"]
    user: str = Field(description="Chat handle or id the NPC posts as.")
    channel: str = Field(description="Channel name it watches, without #.")
    cap_cents: int = Field(gt=0)
    justification_cap_cents: int | None = Field(default=None, gt=0)
    items: list[str] = Field(
        default_factory=list,
        description="Item names it recognises in requests, to record what is approved.",
    )
    nouns: list[str] = Field(
        default_factory=list,
        description="Words that count items in a request ('chairs' in 'four chairs').",
    )
    need: Need | None = Field(
        default=None,
        description="What a justification must speak to (with justification_cap_cents).",
    )
    templates: ApproverTemplates

    @model_validator(mode="after")
    def _caps(self) -> ChatApprover:
        if self.justification_cap_cents is not None:
            if self.justification_cap_cents <= self.cap_cents:
                raise ValueError("justification_cap_cents must be above cap_cents")
            if self.templates.justify is None:
                raise ValueError("templates.justify is required with justification_cap_cents")
            if self.need is None:
                raise ValueError("need is required with justification_cap_cents")
        return self


class MailResponder(_Rule):
    """Answers mail sent (to or cc) to ``address``, in the same thread. With ``needs``, it
    first asks (``ask_templates``, ``{missing}``) for what the agent's mails to it have not
    yet said; the answer comes once they have (and with the ``replies_after``-th mail)."""

    kind: Literal["mail_responder"]
    address: str
    subject: str = Field(default="Re: {subject}")
    templates: Templates
    replies_after: int = Field(default=1, ge=1, le=5)
    ack_templates: list[str] | None = None
    needs: Need | None = None
    ask_templates: list[str] | None = Field(
        default=None, description="Asks for what is missing; placeholders include {missing}."
    )

    @model_validator(mode="after")
    def _asks(self) -> MailResponder:
        if self.needs is not None and not self.ask_templates:
            raise ValueError("ask_templates is required with needs")
        return self


class CatalogItem(_Model):
    """A product a vendor sells through a form, at a unit price in cents."""

    product: str = Field(min_length=1)
    unit_cents: int = Field(gt=0)


class FormResponder(_Rule):
    """Answers a web form submission by mailing the address typed into ``email_field``
    (nothing arrives if that is not the agent's own address). With a ``catalog``, the
    submission is an order or quote request (``record``): the product typed into
    ``product_field`` is matched against the catalog, the quantity read from
    ``quantity_field``, and the vendor records it (``npc.order_recorded``) and prices it
    (``{product}``, ``{quantity}``, ``{unit}``, ``{total}``); an unknown product gets
    ``unknown_templates`` and no record."""

    kind: Literal["form_responder"]
    form: str = Field(description="Form id on the browser twin.")
    email_field: str = Field(description="Name of the form field holding the reply address.")
    from_address: str
    subject: str
    templates: Templates
    catalog: list[CatalogItem] = Field(default_factory=list)
    product_field: str | None = None
    quantity_field: str | None = None
    record: Literal["order", "quote"] = "quote"
    unknown_templates: list[str] | None = None

    @model_validator(mode="after")
    def _catalog(self) -> FormResponder:
        if self.catalog and (self.product_field is None or not self.unknown_templates):
            raise ValueError("a catalog needs product_field and unknown_templates")
        return self


# The NPC kinds this package implements (they span apps: a chat approver is asked in chat
# and decides on records other apps read), then every twin's own (``Twin.npc``).
BUILTIN: tuple[type[_Rule], ...] = (ChatApprover, MailResponder, FormResponder)
TWIN_KINDS: dict[str, NpcKind] = {k.name: k for t in TWINS.values() for k in t.npc}
RULES: dict[str, type[BaseModel]] = {
    **{kind_of(r): r for r in BUILTIN},
    **{name: k.rule for name, k in TWIN_KINDS.items()},
}

if TYPE_CHECKING:
    NpcRule = Any
else:
    # A scenario's NPC: one of RULES, chosen by its ``kind``.
    NpcRule = Annotated[functools.reduce(operator.or_, RULES.values()), Field(discriminator="kind")]

# Variables each rule kind may use in its templates, besides the scenario's facts.
CONTEXT_VARIABLES: dict[str, tuple[str, ...]] = {
    "chat_approver": (
        "amount",
        "amounts",
        "cap",
        "justification_cap",
        "requester",
        "item",
        "quantity",
    ),
    "mail_responder": ("subject", "sender", "missing"),
    "form_responder": ("form", "values", "product", "quantity", "unit", "total", "asked"),
    **{name: k.variables for name, k in TWIN_KINDS.items()},
}


def template_errors(rule: Any, facts: Mapping[str, int | str]) -> list[str]:
    """Placeholders in ``rule``'s templates that neither facts nor the context provide."""
    allowed = set(fact_variables(facts)) | set(CONTEXT_VARIABLES.get(rule.kind, ()))
    texts: list[str] = []
    for name, value in rule:
        if name == "templates" and isinstance(value, BaseModel):
            texts += [t for _, group in value for t in (group or [])]
        elif (name == "templates" or name.endswith("_templates")) and value:
            texts += list(value)
        elif name == "subject":
            texts.append(value)
    problems = []
    for text in texts:
        try:
            parsed = list(string.Formatter().parse(text))
        except ValueError as exc:
            problems.append(f"{text[:40]!r}: {exc}")
            continue
        for _, field, _, _ in parsed:
            if field is not None and field not in allowed:
                known = ", ".join(sorted(allowed))
                problems.append(f"unknown placeholder {{{field}}} (known: {known})")
    return problems
