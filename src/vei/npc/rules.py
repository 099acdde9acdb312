"""NPC rules as scenarios declare them: who answers what, after how long, in which words.

Facts (prices, ETAs, caps) come from the scenario's ``facts`` and the rule itself; only the
wording is drawn, from the NPC's own RNG stream. So another seed may change the words of a
reply but never a fact in it.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from vei.money import format_money


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="NPC id; its RNG stream is npc:<id>.")
    delay_ms: int = Field(
        ge=0, le=7 * 24 * 3_600_000, description="Virtual ms before the NPC answers."
    )


Templates = Annotated[
    list[str], Field(min_length=1, description="Wordings; one is drawn per reply.")
]


class ApproverTemplates(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    approve: Templates
    justify: Templates | None = None
    ask_amount: Templates
    reject: Templates


class ChatApprover(_Rule):
    """Answers approval requests posted in ``channel``, in the request's thread.

    Within ``cap_cents``: approve. Above it: ask for a justification when
    ``justification_cap_cents`` is set (a justified request up to that cap is then
    approved), otherwise reject and ask to re-scope. No amount: ask for the amount.
    """

    kind: Literal["chat_approver"]
    user: str = Field(description="Chat handle or id the NPC posts as.")
    channel: str = Field(description="Channel name it watches, without #.")
    cap_cents: int = Field(gt=0)
    justification_cap_cents: int | None = Field(default=None, gt=0)
    keywords: list[str] = Field(
        default=[
            "approv",
            "sign off",
            "sign-off",
            "ok to buy",
            "okay to buy",
            "budget",
            "purchase",
        ],
        description="A top-level message is an approval request if it contains one (any case).",
    )
    templates: ApproverTemplates

    @model_validator(mode="after")
    def _caps(self) -> ChatApprover:
        if self.justification_cap_cents is not None:
            if self.justification_cap_cents <= self.cap_cents:
                raise ValueError("justification_cap_cents must be above cap_cents")
            if self.templates.justify is None:
                raise ValueError("templates.justify is required with justification_cap_cents")
        return self


class MailResponder(_Rule):
    """Answers mail sent to ``address``. The real answer comes with the ``replies_after``-th
    message; earlier ones get an acknowledgement (if ``ack_templates``) or silence."""

    kind: Literal["mail_responder"]
    address: str
    subject: str = Field(default="Re: {subject}")
    templates: Templates
    replies_after: int = Field(default=1, ge=1, le=5)
    ack_templates: list[str] | None = None


class FormResponder(_Rule):
    """Answers a web form submission by mailing the address typed into ``email_field``
    (nothing arrives if that is not the agent's own address)."""

    kind: Literal["form_responder"]
    form: str = Field(description="Form id on the browser twin.")
    email_field: str = Field(description="Name of the form field holding the reply address.")
    from_address: str
    subject: str
    templates: Templates


NpcRule = Annotated[ChatApprover | MailResponder | FormResponder, Field(discriminator="kind")]

# Variables each rule kind may use in its templates, besides the scenario's facts.
CONTEXT_VARIABLES: dict[str, tuple[str, ...]] = {
    "chat_approver": ("amount", "cap", "justification_cap", "requester"),
    "mail_responder": ("subject", "sender"),
    "form_responder": ("form", "values"),
}


def fact_variables(facts: Mapping[str, int | str]) -> dict[str, str]:
    """Template variables from facts: every fact, plus ``x`` as money for each ``x_cents``."""
    variables = {key: str(value) for key, value in facts.items()}
    for key, value in facts.items():
        if key.endswith("_cents") and isinstance(value, int):
            variables[key.removesuffix("_cents")] = format_money(value)
    return variables


def render(template: str, variables: Mapping[str, str]) -> str:
    """Fill ``{name}`` placeholders; KeyError names a missing variable."""
    return string.Formatter().vformat(template, (), dict(variables))


def template_errors(rule: Any, facts: Mapping[str, int | str]) -> list[str]:
    """Placeholders in ``rule``'s templates that neither facts nor the context provide."""
    allowed = set(fact_variables(facts)) | set(CONTEXT_VARIABLES[rule.kind])
    texts: list[str] = []
    for name, value in rule:
        if name == "templates" and isinstance(value, BaseModel):
            texts += [t for _, group in value for t in (group or [])]
        elif name in ("templates", "ack_templates") and value:
            texts += list(value)
        elif name == "subject":
            texts.append(value)
    problems = []
    for text in texts:
        for _, field, _, _ in string.Formatter().parse(text):
            if field is not None and field not in allowed:
                known = ", ".join(sorted(allowed))
                problems.append(f"unknown placeholder {{{field}}} (known: {known})")
    return problems
