"""Background actors as scenarios declare them: deterministic state machines.

Each actor keeps its facts and timing itself; only the wording of what it says is drawn
(from its templates, or written by an optional LLM backend, see ``vei.actors.backend``).

- ``manager_escalation``: a request sits in ``channel``; if the agent has not posted there
  ``after_ms`` into the run, the manager sends the agent a direct message, and again every
  ``after_ms`` up to ``max_escalations`` times, until the agent posts there.
- ``colleague_followup``: a colleague mailed the agent; if the agent has not mailed them
  ``after_ms`` into the run, they follow up in the same thread, up to ``max_followups``.
- ``quote_expiry``: when a quote arrives by mail from ``vendor``, it holds for
  ``valid_ms``; if the agent has not written back by then, the vendor mails that the quote
  expired and states the new price (``increase_percent`` higher).
"""

from __future__ import annotations

import string
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Templates = Annotated[
    list[str], Field(min_length=1, description="Wordings; one is drawn per message.")
]
_WEEK_MS = 7 * 24 * 3_600_000


class _Actor(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,47}$", description="Actor id (actor:<id>).")
    templates: Templates

    # Variables each kind offers to its templates; facts the LLM wording must keep verbatim.
    VARIABLES: ClassVar[tuple[str, ...]] = ()
    REQUIRED: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _check_templates(self) -> _Actor:
        for text in self.templates:
            try:
                names = [f for _, f, _, _ in string.Formatter().parse(text) if f]
            except ValueError as exc:
                raise ValueError(f"templates: {text!r}: {exc}") from None
            unknown = [n for n in names if n not in self.VARIABLES]
            if unknown:
                raise ValueError(
                    f"templates: {text!r} uses {{{unknown[0]}}} "
                    f"(allowed: {', '.join(self.VARIABLES)})"
                )
        return self


class ManagerEscalation(_Actor):
    """A manager who escalates when a request in ``channel`` sits unanswered."""

    kind: Literal["manager_escalation"]
    user: str = Field(description="The manager's chat handle.")
    channel: str = Field(description="Channel (without #) where the request sits.")
    after_ms: int = Field(ge=1_000, le=_WEEK_MS, description="Silence before each escalation.")
    max_escalations: int = Field(default=2, ge=1, le=10)

    VARIABLES = ("me", "manager", "channel", "waited", "count")

    @field_validator("channel")
    @classmethod
    def _bare(cls, value: str) -> str:
        return value.removeprefix("#").lower()


class ColleagueFollowup(_Actor):
    """A colleague who follows up when their mail goes unanswered."""

    kind: Literal["colleague_followup"]
    address: str = Field(description="The colleague's mail address (their mail is seeded).")
    subject: str = Field(
        default="", description="Subject of their mail to follow up on; empty: their first."
    )
    after_ms: int = Field(ge=1_000, le=_WEEK_MS, description="Silence before each follow-up.")
    max_followups: int = Field(default=2, ge=1, le=10)

    VARIABLES = ("me", "colleague", "subject", "waited", "count")


class QuoteExpiry(_Actor):
    """A vendor whose quote expires if the agent does not write back in time."""

    kind: Literal["quote_expiry"]
    vendor: str = Field(description="The address the quote comes from.")
    valid_ms: int = Field(ge=1_000, le=_WEEK_MS, description="How long a quote holds.")
    increase_percent: int = Field(default=5, ge=1, le=100, description="New price vs the quote.")
    subject: str = Field(default="Your quote has expired", description="Subject of the notice.")

    VARIABLES = ("me", "vendor", "old_price", "new_price", "valid")
    REQUIRED = ("new_price",)


ActorRule = Annotated[
    ManagerEscalation | ColleagueFollowup | QuoteExpiry, Field(discriminator="kind")
]


def duration_words(ms: int) -> str:
    """``45 minutes``, ``2 hours``, ``1 day``: how people say how long something took."""
    minutes = ms // 60_000
    if minutes < 90:
        return f"{max(1, minutes)} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    if hours < 36:
        return f"{hours} hours"
    days = hours // 24
    return f"{days} day{'s' if days != 1 else ''}"
