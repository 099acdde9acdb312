"""Success criteria: predicates over the final state and the event log of a run.

Criteria never count tool calls; they ask whether something happened in the world (a page
was read, an approval was given, a mail went out, a message states the facts). Each
returns whether it was met and its evidence: the events that satisfy it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from vei.core.events import Event
from vei.money import parse_amounts, parse_days


class _Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str = Field(min_length=1)


class PageRead(_Criterion):
    """The agent read (browser_read) the page at ``url``."""

    kind: Literal["page_read"]
    url: str


class Approval(_Criterion):
    """NPC ``npc`` approved a request whose amount is within its cap."""

    kind: Literal["approval"]
    npc: str


class MailSent(_Criterion):
    """The agent sent mail to ``to`` (or cc'd it)."""

    kind: Literal["mail_sent"]
    to: str


class MailOpened(_Criterion):
    """The agent opened mail from ``sender``; with ``amount_fact``, one stating that amount."""

    kind: Literal["mail_opened"]
    sender: str
    amount_fact: str | None = None


class FormSubmitted(_Criterion):
    """The agent submitted web form ``form``."""

    kind: Literal["form_submitted"]
    form: str


class ChatPost(_Criterion):
    """The agent posted in ``channel`` (after criterion ``after`` was met, if given) a
    message stating the ``amount_fact`` amount and the ``days_fact`` number of days."""

    kind: Literal["chat_post"]
    channel: str
    after: str | None = None
    amount_fact: str | None = None
    days_fact: str | None = None


Criterion = Annotated[
    PageRead | Approval | MailSent | MailOpened | FormSubmitted | ChatPost,
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


@dataclass
class Judge:
    """Evaluates criteria in order (so ``after`` can refer to earlier ones)."""

    facts: Mapping[str, int | str]
    rules: Sequence[Mapping[str, Any]]
    state: Mapping[str, Any]
    events: Sequence[Event]
    results: dict[str, Outcome] = field(default_factory=dict)

    def evaluate(self, criterion: Any) -> Outcome:
        method = getattr(self, f"_{criterion.kind}")
        hits: list[Event] = method(criterion)
        outcome = Outcome(
            criterion.id,
            criterion.description,
            bool(hits),
            tuple(e.seq for e in hits[:5]),
            hits[0].t_ms if hits else None,
        )
        self.results[criterion.id] = outcome
        return outcome

    def _of(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.kind == kind]

    def _page_read(self, c: PageRead) -> list[Event]:
        want = c.url.rstrip("/")
        return [
            e
            for e in self._of("browser.page_read")
            if str(e.data.get("url", "")).rstrip("/") == want
        ]

    def _approval(self, c: Approval) -> list[Event]:
        rule = next((r for r in self.rules if r["id"] == c.npc), None)
        if rule is None:
            return []
        cap = rule.get("justification_cap_cents") or rule["cap_cents"]
        return [
            e
            for e in self._of("npc.approval_decided")
            if e.data["npc"] == c.npc
            and e.data["decision"] == "approved"
            and e.data["amount_cents"] is not None
            and e.data["amount_cents"] <= cap
        ]

    def _mail_sent(self, c: MailSent) -> list[Event]:
        want = c.to.lower()
        return [e for e in self._of("mail.message_sent") if want in {*e.data["to"], *e.data["cc"]}]

    def _mail_opened(self, c: MailOpened) -> list[Event]:
        messages = self.state.get("mail", {}).get("messages", {})
        hits = []
        for e in self._of("mail.message_read"):
            message = messages.get(e.data["id"], {})
            if message.get("from") != c.sender.lower():
                continue
            if c.amount_fact and self.facts[c.amount_fact] not in parse_amounts(
                message.get("body", "")
            ):
                continue
            hits.append(e)
        return hits

    def _form_submitted(self, c: FormSubmitted) -> list[Event]:
        return [e for e in self._of("browser.form_submitted") if e.data.get("form_id") == c.form]

    def _chat_post(self, c: ChatPost) -> list[Event]:
        slack = self.state.get("slack", {})
        since = -(2**62)
        if c.after is not None:
            before = self.results.get(c.after)
            if before is None or not before.met or before.t_ms is None:
                return []
            since = before.t_ms
        hits = []
        for e in self._of("slack.message_posted"):
            if e.data["user"] != slack.get("me") or e.data["channel"] != c.channel.lstrip("#"):
                continue
            if e.t_ms < since or (c.after is not None and e.seq < self._first_seq(c.after)):
                continue
            text = e.data["text"]
            if c.amount_fact and self.facts[c.amount_fact] not in parse_amounts(text):
                continue
            if c.days_fact and self.facts[c.days_fact] not in parse_days(text):
                continue
            hits.append(e)
        return hits

    def _first_seq(self, criterion_id: str) -> int:
        outcome = self.results[criterion_id]
        return outcome.events[0] if outcome.events else 0


def judge(
    criteria: Sequence[Any],
    *,
    facts: Mapping[str, int | str],
    rules: Sequence[Mapping[str, Any]],
    state: Mapping[str, Any],
    events: Sequence[Event],
) -> list[Outcome]:
    """Every criterion's outcome, in declaration order."""
    j = Judge(facts=facts, rules=rules, state=state, events=events)
    return [j.evaluate(c) for c in criteria]
