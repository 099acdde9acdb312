"""Drift jobs as scenarios declare them, and the ``drift`` section of a scenario file.

A job is ordinary company noise on a cadence: mail into the agent's inbox, chat messages,
or price and stock changes on vendor pages. ``every_ms``, ``offset_ms`` and ``jitter_ms``
are the cadence at ``light``; busier modes divide them (see ``MODE_ACTIVITY``). Templates
are ``str.format`` strings over the variables in ``TEMPLATE_VARIABLES``.
"""

from __future__ import annotations

import functools
import operator
import string
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from vei.core.twin import DriftJobBase, DriftKind
from vei.twins import TWINS

DriftMode = Literal["off", "light", "fast", "aggressive"]
ActiveMode = Literal["light", "fast", "aggressive"]
ACTIVE_MODES: tuple[ActiveMode, ...] = ("light", "fast", "aggressive")
# How many times busier than ``light`` each mode is, in per mille (integers: no floats).
MODE_ACTIVITY: dict[str, int] = {"light": 1_000, "fast": 6_000, "aggressive": 20_000}
MAX_CADENCE_MS = 7 * 24 * 3_600_000

TEMPLATE_VARIABLES: dict[str, str] = {
    "me": "the agent's first name",
    "sender": "the first name of whoever sends or posts",
    "colleague": "another colleague's first name",
    "company": "the company name (from the agent's mail domain)",
    "domain": "the agent's mail domain",
    "topic": "a workplace topic (drawn)",
    "day": "a weekday (drawn)",
    "time": "a time of day such as 3:30 pm (drawn)",
    "n": "a small number 2..9 (drawn)",
    "count": "a number 10..99 (drawn)",
    "amount": "a money amount $40..$900 (drawn)",
}


def template_problems(templates: list[str]) -> list[str]:
    """Unknown variables or bad braces in ``templates``, as messages (empty when fine)."""
    problems: list[str] = []
    for text in templates:
        try:
            names = [field for _, field, _, _ in string.Formatter().parse(text) if field]
        except ValueError as exc:
            problems.append(f"{text!r}: {exc}")
            continue
        for name in names:
            if name not in TEMPLATE_VARIABLES:
                allowed = ", ".join(sorted(TEMPLATE_VARIABLES))
                problems.append(f"{text!r}: unknown variable {{{name}}} (allowed: {allowed})")
    return problems


Templates = Annotated[list[str], Field(min_length=1, description="Wordings; one is drawn.")]


class _Job(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(
        pattern=r"^[a-z][a-z0-9_]{0,47}$",
        description="Job id: recorded in every event it causes; its draws use stream drift/<id>.",
    )
    every_ms: int = Field(
        ge=1_000, le=MAX_CADENCE_MS, description="Time between occurrences at light."
    )
    offset_ms: int = Field(default=0, ge=0, le=MAX_CADENCE_MS, description="First occurrence.")
    jitter_ms: int = Field(
        default=0, ge=0, le=MAX_CADENCE_MS, description="Each occurrence is up to this much later."
    )
    modes: list[ActiveMode] = Field(
        default=list(ACTIVE_MODES), min_length=1, description="Modes the job runs in."
    )

    def _templates(self) -> list[str]:
        return []

    @model_validator(mode="after")
    def _check_templates(self) -> _Job:
        problems = template_problems(self._templates())
        if problems:
            raise ValueError(problems[0])
        return self


class MailJob(_Job):
    """Mail into the agent's inbox from one of ``senders`` (default: colleagues)."""

    kind: Literal["mail"]
    senders: list[str] = Field(
        default_factory=list,
        description="From addresses; {domain} is the agent's domain. Empty: the colleagues.",
    )
    subjects: Templates
    bodies: Templates

    def _templates(self) -> list[str]:
        return [*self.senders, *self.subjects, *self.bodies]


class ChatJob(_Job):
    """A chat message in ``channel`` (``#name``) or a direct message to the agent (``dm``)."""

    kind: Literal["chat"]
    channel: str = Field(min_length=1, description="'#name' of a channel, or 'dm'.")
    users: list[str] = Field(
        default_factory=list, description="Authors (handles). Empty: every member but the agent."
    )
    texts: Templates

    def _templates(self) -> list[str]:
        return list(self.texts)


class PageJob(_Job):
    """A vendor page changes: its first price moves within ``price_percent`` of the seeded
    price and/or a stock line shows a level drawn from ``stock``."""

    kind: Literal["page"]
    urls: list[str] = Field(
        default_factory=list, description="Pages to change. Empty: every page that shows a price."
    )
    price_percent: int = Field(
        default=0, ge=0, le=50, description="Largest price change, percent of the seeded price."
    )
    stock: tuple[int, int] | None = Field(
        default=None, description="[low, high] units in stock, drawn per change; null: no line."
    )

    @model_validator(mode="after")
    def _changes_something(self) -> PageJob:
        if self.price_percent == 0 and self.stock is None:
            raise ValueError("a page job needs price_percent > 0 or a stock range")
        if self.stock is not None and not 0 <= self.stock[0] <= self.stock[1]:
            raise ValueError("stock must be [low, high] with 0 <= low <= high")
        return self


# Jobs of the kinds twins declare (``Twin.drift``), by kind.
TWIN_DRIFT: dict[str, DriftKind] = {k.name: k for t in TWINS.values() for k in t.drift}

if TYPE_CHECKING:
    DriftJob = MailJob | ChatJob | PageJob | DriftJobBase
else:
    # A scenario's drift job: one of the built-in kinds or a twin's, chosen by ``kind``.
    DriftJob = Annotated[
        functools.reduce(
            operator.or_, [MailJob, ChatJob, PageJob, *(k.job for k in TWIN_DRIFT.values())]
        ),
        Field(discriminator="kind"),
    ]


class DriftSection(BaseModel):
    """The optional ``drift`` section of a scenario: which background noise it gets."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    library: bool = Field(default=True, description="Include the built-in job library.")
    exclude: list[str] = Field(
        default_factory=list, description="Ids of built-in jobs to leave out."
    )
    rate_percent: int = Field(
        default=100, ge=1, le=100_000, description="Activity multiplier in percent (100 = x1)."
    )
    jobs: list[DriftJob] = Field(default_factory=list, description="The scenario's own jobs.")

    @model_validator(mode="after")
    def _unique(self) -> DriftSection:
        ids = [job.id for job in self.jobs]
        for index, jid in enumerate(ids):
            if jid in ids[:index]:
                raise ValueError(f"drift.jobs.{index}.id: {jid!r} is used twice")
        return self


def activity_permille(mode: str, rate_permille: int = 1_000) -> int:
    """How much busier than ``light`` at rate 1 the world is; 0 for ``off``."""
    if mode == "off":
        return 0
    if mode not in MODE_ACTIVITY:
        raise ValueError(f"unknown drift mode {mode!r} (allowed: off | {' | '.join(ACTIVE_MODES)})")
    if rate_permille <= 0:
        raise ValueError("the drift rate must be > 0")
    return max(1, MODE_ACTIVITY[mode] * rate_permille // 1_000)
