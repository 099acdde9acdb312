"""The NPC engine: a tool-less twin whose reactors answer the agent as the scenario says.

Its state holds the rules and facts (so they are part of the hashed, replayed world) and
what each NPC has decided. Replies are ordinary scheduled events: a chat reply is a
``slack.message_posted`` in the request's thread, a mail reply a ``mail.message_received``,
and each approval decision an ``npc.approval_decided`` delivered at the same moment as the
reply that announces it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter

from vei.core.context import CallContext
from vei.core.events import Event
from vei.core.rng import stream
from vei.core.twin import State, Twin
from vei.money import format_money, parse_amounts
from vei.npc.rules import NpcRule, fact_variables, render
from vei.twins.mail.state import MESSAGE_RECEIVED, MESSAGE_SENT
from vei.twins.mail.tools import inbound_mail_data
from vei.twins.slack.state import MESSAGE_POSTED, find_user
from vei.twins.slack.tools import message_data

APPROVAL_DECIDED = "npc.approval_decided"
CONTACTED = "npc.contacted"
FORM_SUBMITTED = "browser.form_submitted"
# decision -> the template group that announces it
_TEMPLATE_FOR = {
    "approved": "approve",
    "rejected": "reject",
    "justify": "justify",
    "ask_amount": "ask_amount",
}
_JUSTIFICATION_WORDS = ("because", "justif", "need", "required", "reason", "since")

_RULES = TypeAdapter(list[NpcRule])


def initial_state(seed_data: Mapping[str, Any] | None) -> dict[str, Any]:
    """``{"rules": [...], "facts": {...}}`` validated; decisions and contacts start empty."""
    data = dict(seed_data or {})
    rules = _RULES.validate_python(data.get("rules", []))
    return {
        "rules": [rule.model_dump(mode="json") for rule in rules],
        "facts": dict(data.get("facts", {})),
        "requests": {},
        "contacts": {},
    }


def _rules(state: State, kind: str) -> list[dict[str, Any]]:
    return [r for r in state["npc"]["rules"] if r["kind"] == kind]


def _pick(
    ctx: CallContext,
    rule: Mapping[str, Any],
    templates: list[str],
    variables: Mapping[str, str],
    trigger: Event,
) -> str:
    # Keyed by when the agent acted, not by the revision: background drift before the
    # request must not change what an NPC says (another drift seed changes drift only).
    template = stream(ctx.seed, f"npc:{rule['id']}", trigger.t_ms, trigger.kind).choice(templates)
    return render(template, variables)


# ----------------------------------------------------------------- chat approvals


def _decide(rule: Mapping[str, Any], amount: int | None, justified: bool) -> str:
    if amount is None:
        return "ask_amount"
    if amount <= rule["cap_cents"]:
        return "approved"
    cap = rule["justification_cap_cents"]
    if cap is None:
        return "rejected"
    if not justified:
        return "justify"
    return "approved" if amount <= cap else "rejected"


def _on_chat_message(state: State, event: Event, ctx: CallContext) -> None:
    slack = state["slack"]
    data = event.data
    if data["user"] != slack["me"]:
        return
    channel = slack["channels"].get(data["channel"])
    if channel is None:
        return
    ts = channel["last_ts"]  # the reducer just placed this message
    text: str = data["text"]
    for rule in _rules(state, "chat_approver"):
        if rule["channel"] != data["channel"]:
            continue
        requests = state["npc"]["requests"]
        amounts = parse_amounts(text)
        if data["thread_ts"] is None:
            if not any(word in text.lower() for word in rule["keywords"]):
                continue
            # A request that already gives its reason counts as justified, as a person would read it.
            justified = any(w in text.lower() for w in _JUSTIFICATION_WORDS)
            request_ts, amount = ts, (amounts[0] if amounts else None)
        else:
            request = requests.get(f"{rule['id']}/{data['thread_ts']}")
            if request is None or request["decision"] not in ("justify", "ask_amount", "rejected"):
                continue
            request_ts = data["thread_ts"]
            amount = amounts[0] if amounts else request["amount_cents"]
            justified = request["decision"] == "justify" and any(
                w in text.lower() for w in _JUSTIFICATION_WORDS
            )
        decision = _decide(rule, amount, justified)
        requester = find_user(slack, slack["me"]) or {}
        variables = fact_variables(state["npc"]["facts"]) | {
            "amount": format_money(amount) if amount is not None else "",
            "cap": format_money(rule["cap_cents"]),
            "justification_cap": format_money(rule["justification_cap_cents"] or rule["cap_cents"]),
            "requester": str(requester.get("display_name", "")).split(" ")[0],
        }
        key = _TEMPLATE_FOR[decision]
        reply = _pick(ctx, rule, rule["templates"][key], variables, event)
        actor = f"npc:{rule['id']}"
        ctx.schedule(
            rule["delay_ms"],
            APPROVAL_DECIDED,
            {
                "npc": rule["id"],
                "channel": data["channel"],
                "request_ts": request_ts,
                "amount_cents": amount,
                "decision": decision,
            },
            actor=actor,
        )
        ctx.schedule(
            rule["delay_ms"],
            MESSAGE_POSTED,
            message_data(state, data["channel"], rule["user"], reply, request_ts),
            actor=actor,
        )


def _approval_decided(state: State, event: Event) -> None:
    data = event.data
    state["npc"]["requests"][f"{data['npc']}/{data['request_ts']}"] = {
        "npc": data["npc"],
        "channel": data["channel"],
        "request_ts": data["request_ts"],
        "amount_cents": data["amount_cents"],
        "decision": data["decision"],
        "t_ms": event.t_ms,
    }


# ------------------------------------------------------------------------ mail


def _on_mail_sent(state: State, event: Event, ctx: CallContext) -> None:
    data = event.data
    recipients = {*data["to"], *data["cc"]}
    for rule in _rules(state, "mail_responder"):
        if rule["address"].lower() not in recipients:
            continue
        count = state["npc"]["contacts"].get(rule["id"], 0) + 1
        ctx.emit(CONTACTED, {"npc": rule["id"], "message": data["id"]}, actor=f"npc:{rule['id']}")
        variables = fact_variables(state["npc"]["facts"]) | {
            "subject": data["subject"],
            "sender": state["mail"]["name"] or data["from"],
        }
        if count >= rule["replies_after"]:
            templates = rule["templates"]
        elif rule["ack_templates"]:
            templates = rule["ack_templates"]
        else:
            continue
        body = _pick(ctx, rule, templates, variables, event)
        subject = render(rule["subject"], variables)
        reply = inbound_mail_data(ctx, rule["address"], data["from"], subject, body, data["id"])
        ctx.schedule(rule["delay_ms"], MESSAGE_RECEIVED, reply, actor=f"npc:{rule['id']}")


def _contacted(state: State, event: Event) -> None:
    contacts = state["npc"]["contacts"]
    contacts[event.data["npc"]] = contacts.get(event.data["npc"], 0) + 1


def _on_form_submitted(state: State, event: Event, ctx: CallContext) -> None:
    data = event.data
    for rule in _rules(state, "form_responder"):
        if data.get("form_id") != rule["form"]:
            continue
        values: Mapping[str, str] = data.get("values", {})
        address = str(values.get(rule["email_field"], "")).strip().lower()
        if address != state["mail"]["address"]:
            continue  # the vendor answers whatever address was typed; it is not ours
        variables = fact_variables(state["npc"]["facts"]) | {
            "form": rule["form"],
            "values": ", ".join(f"{k}: {v}" for k, v in sorted(values.items())),
        }
        body = _pick(ctx, rule, rule["templates"], variables, event)
        subject = render(rule["subject"], variables)
        reply = inbound_mail_data(ctx, rule["from_address"], address, subject, body)
        ctx.schedule(rule["delay_ms"], MESSAGE_RECEIVED, reply, actor=f"npc:{rule['id']}")


TWIN = Twin(
    name="npc",
    initial_state=initial_state,
    reducers={APPROVAL_DECIDED: _approval_decided, CONTACTED: _contacted},
    tools=(),
    announced=False,
    reactors={
        MESSAGE_POSTED: (_on_chat_message,),
        MESSAGE_SENT: (_on_mail_sent,),
        FORM_SUBMITTED: (_on_form_submitted,),
    },
)
