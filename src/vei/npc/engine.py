"""The NPC engine: a tool-less twin whose reactors answer the agent as the scenario says.

Its state holds the rules and the drawn facts (so they are part of the hashed, replayed
world) and the NPCs' records:

- ``requests``: approval conversations by key (``<npc>:<channel>:<thread ts>``), each with
  the agent's messages, the current decision, amount, unit price, item, quantity and
  justification points, and the history of decisions (``vei.npc.approver``);
- ``orders``: orders and quote requests vendors took through their forms, by submission id
  (``vei.npc.vendors``);
- ``contacts`` (mails per mail responder) and ``asked`` (wordings used, so a question asked
  again is worded differently).

Twins add NPC kinds of their own (``Twin.npc``): the engine calls their reactors once per
declared rule of that kind. Replies are ordinary events: a chat answer is a ``slack.message_posted`` when the approver
gets to the request, a mail answer a scheduled ``mail.message_received``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter

from vei.core.context import CallContext
from vei.core.events import Event
from vei.core.twin import State, Twin
from vei.npc import approver, vendors
from vei.npc.rules import TWIN_KINDS, NpcRule
from vei.twins.browser.state import FORM_SUBMITTED
from vei.twins.mail.state import MESSAGE_SENT
from vei.twins.slack.state import MESSAGE_POSTED

APPROVAL_DECIDED = approver.APPROVAL_DECIDED
ORDER_RECORDED = vendors.ORDER_RECORDED
CONTACTED = vendors.CONTACTED

_RULES = TypeAdapter(list[NpcRule])


def initial_state(seed_data: Mapping[str, Any] | None) -> dict[str, Any]:
    """``{"rules": [...], "facts": {...}}`` validated; every record starts empty."""
    data = dict(seed_data or {})
    rules = _RULES.validate_python(data.get("rules", []))
    return {
        "rules": [rule.model_dump(mode="json") for rule in rules],
        "facts": dict(data.get("facts", {})),
        "requests": {},
        "orders": {},
        "contacts": {},
        "asked": {},
    }


def _rules(state: State, kind: str) -> list[dict[str, Any]]:
    return [r for r in state["npc"]["rules"] if r["kind"] == kind]


def _rule(state: State, npc: str) -> dict[str, Any] | None:
    return next((r for r in state["npc"]["rules"] if r["id"] == npc), None)


def _on_chat_message(state: State, event: Event, ctx: CallContext) -> None:
    approver.on_agent_message(state, event, ctx, _rules(state, "chat_approver"))


def _on_answer_due(state: State, event: Event, ctx: CallContext) -> None:
    rule = _rule(state, event.data["npc"])
    if rule is not None:
        approver.on_answer_due(state, event, ctx, rule)


def _on_mail_sent(state: State, event: Event, ctx: CallContext) -> None:
    for rule in _rules(state, "mail_responder"):
        vendors.on_mail_sent(state, event, ctx, rule)


def _on_form_submitted(state: State, event: Event, ctx: CallContext) -> None:
    for rule in _rules(state, "form_responder"):
        vendors.on_form_submitted(state, event, ctx, rule)


def _twin_reactor(kind: str, react: Any) -> Any:
    def reactor(state: State, event: Event, ctx: CallContext) -> None:
        for rule in _rules(state, kind):
            react(state, event, ctx, rule)

    return reactor


def _reactors() -> dict[str, tuple[Any, ...]]:
    found: dict[str, tuple[Any, ...]] = {
        MESSAGE_POSTED: (_on_chat_message,),
        approver.ANSWER_DUE: (_on_answer_due,),
        MESSAGE_SENT: (_on_mail_sent,),
        FORM_SUBMITTED: (_on_form_submitted,),
    }
    for name in sorted(TWIN_KINDS):
        for event_kind, react in TWIN_KINDS[name].reactors.items():
            found[event_kind] = (*found.get(event_kind, ()), _twin_reactor(name, react))
    return found


TWIN = Twin(
    name="npc",
    initial_state=initial_state,
    reducers={
        approver.REQUEST_UPDATED: approver.request_updated,
        approver.ANSWER_DUE: approver.answer_due,
        APPROVAL_DECIDED: approver.approval_decided,
        CONTACTED: vendors.contacted,
        ORDER_RECORDED: vendors.order_recorded,
    },
    tools=(),
    announced=False,
    reactors=_reactors(),
)
