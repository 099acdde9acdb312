"""The chat approver's state machine: which agent messages are requests to it, and what it
decides when it gets to them.

A request is a conversation: the agent's first message and its follow-ups (thread replies,
or top-level messages in a DM or channel while the approver waits for an answer). Each
agent message is recorded at once (``npc.request_updated``); the approver answers
``delay_ms`` later (``npc.answer_due``), reading everything said so far, so a justification
posted before it answered is taken into account and it answers once. Its decision is a
record (``npc.approval_decided``) and a chat reply announcing it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from vei.core.context import CallContext
from vei.core.events import Event
from vei.core.rng import stream
from vei.core.twin import State
from vei.facts import fact_variables, render
from vei.money import format_money
from vei.twins.slack.state import dm_id, find_user
from vei.twins.slack.tools import post_message
from vei.understand import (
    Asked,
    Point,
    asks_approval,
    first_name,
    item_in,
    join_words,
    mentioned,
    points_met,
    quantity,
    requested_amount,
)

REQUEST_UPDATED = "npc.request_updated"
ANSWER_DUE = "npc.answer_due"
APPROVAL_DECIDED = "npc.approval_decided"

# Decisions that wait for the agent to say more; an agent message then always gets an answer.
WAITING = frozenset({"pending", "justify", "weak_justification", "ask_amount", "clarify"})
_RESCOPE = re.compile(
    r"\bre-?scop|\binstead\b|\breduc|\blower\b|\bupdate|\brevis|\bchang|\bcorrect|\bactually\b"
    r"|\bnew\s+(?:total|amount)\b",
    re.IGNORECASE,
)


# ------------------------------------------------------------------- who is asked


def _approver(slack: Mapping[str, Any], rule: Mapping[str, Any]) -> dict[str, Any]:
    user = find_user(slack, rule["user"])
    if user is None:
        raise ValueError(f"npc {rule['id']}: unknown chat user {rule['user']!r}")
    return user


def _addressed(slack: Mapping[str, Any], rule: Mapping[str, Any], data: Mapping[str, Any]) -> bool:
    """Whether an agent message is for this approver: in its channel, in a DM with it, or
    mentioning it in a channel it is in."""
    cid = str(data["channel"])
    approver = _approver(slack, rule)
    if cid == rule["channel"] or cid == dm_id(slack["me"], approver["id"]):
        return True
    channel = slack["channels"].get(cid)
    in_channel = channel is not None and approver["id"] in channel["members"]
    return in_channel and mentioned(str(data["text"]), approver)


def _latest_waiting(requests: Mapping[str, Any], rule_id: str, cid: str) -> dict[str, Any] | None:
    open_ones = [
        r
        for r in requests.values()
        if r["npc"] == rule_id and r["channel"] == cid and r["decision"] in WAITING
    ]
    return max(open_ones, key=lambda r: r["messages"][-1]["t_ms"], default=None)


def on_agent_message(
    state: State, event: Event, ctx: CallContext, rules: Sequence[Mapping[str, Any]]
) -> None:
    """Record an agent message that concerns an approver and schedule its answer."""
    slack = state["slack"]
    data = event.data
    if data["user"] != slack["me"]:
        return
    channel = slack["channels"].get(data["channel"])
    if channel is None:
        return
    ts = channel["last_ts"]  # the reducer just placed this message
    text = str(data["text"])
    requests: dict[str, Any] = state["npc"]["requests"]
    for rule in rules:
        if not _addressed(slack, rule, data):
            continue
        cid = str(data["channel"])
        is_dm = channel["kind"] == "dm"
        root = data["thread_ts"] or ts
        record = requests.get(f"{rule['id']}:{cid}:{root}")
        new_request = asks_approval(text) and (
            bool(requested_amount(text).amount_cents or requested_amount(text).candidates)
            or bool(re.search(r"approv|sign.?off", text, re.IGNORECASE))
        )
        if record is None and data["thread_ts"] is None and not new_request:
            record = _latest_waiting(requests, rule["id"], cid)
        if record is None and not new_request:
            continue
        if record is None:
            key, thread_ts = f"{rule['id']}:{cid}:{root}", (None if is_dm else root)
            answer = True
        else:
            key, thread_ts = record["key"], record["thread_ts"]
            answer = _needs_answer(record, text) and not record["due"]
        actor = f"npc:{rule['id']}"
        ctx.emit(
            REQUEST_UPDATED,
            {
                "key": key,
                "npc": rule["id"],
                "channel": cid,
                "thread_ts": thread_ts,
                "requester": slack["me"],
                "approver": _approver(slack, rule)["id"],
                "message": {"ts": ts, "text": text},
                "answer": answer,
            },
            actor=actor,
        )
        if answer:
            ctx.schedule(rule["delay_ms"], ANSWER_DUE, {"npc": rule["id"], "key": key}, actor=actor)


def _needs_answer(record: Mapping[str, Any], text: str) -> bool:
    if record["decision"] in WAITING or record["decision"] == "rejected":
        return True
    asked = requested_amount(text)
    states_amount = asked.amount_cents is not None or bool(asked.candidates)
    return states_amount and (asks_approval(text) or bool(_RESCOPE.search(text)))


# -------------------------------------------------------------------------- deciding


def _understand(rule: Mapping[str, Any], record: Mapping[str, Any]) -> dict[str, Any]:
    """Amount, unit price, item, quantity and justification points from the conversation."""
    messages = [m["text"] for m in record["messages"]]
    items, nouns = list(rule["items"]), list(rule["nouns"])
    qty = next((q for q in (quantity(t, items, nouns) for t in reversed(messages)) if q), None)
    item = next((i for i in (item_in(t, items) for t in reversed(messages)) if i), None)
    asked = Asked(None)
    previous = record["decision"]
    for index in range(len(messages) - 1, -1, -1):
        text = messages[index]
        found = requested_amount(text, qty)
        if found.amount_cents is None and not found.candidates:
            continue
        # A follow-up's amounts re-scope the request only when it says so (or was asked
        # for an amount); a justification that mentions another price does not.
        first = index == 0
        waiting_for_amount = previous in ("ask_amount", "clarify")
        if first or waiting_for_amount or asks_approval(text) or _RESCOPE.search(text):
            asked = found
            break
    need = rule.get("need")
    points: list[str] = []
    if need is not None:
        declared = [Point(p["name"], tuple(p["any"])) for p in need["points"]]
        points = points_met("\n".join(messages), declared)
    return {"asked": asked, "quantity": qty, "item": item, "points": points}


def decide(rule: Mapping[str, Any], record: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The decision on ``record`` and what it was based on."""
    seen = _understand(rule, record)
    asked: Asked = seen["asked"]
    amount = asked.amount_cents
    if amount is None:
        return ("clarify" if asked.candidates else "ask_amount"), seen
    if amount <= rule["cap_cents"]:
        return "approved", seen
    cap = rule["justification_cap_cents"]
    if cap is None or amount > cap:
        return "rejected", seen
    need = rule["need"]
    required = need["min_points"] or len(need["points"])
    if len(seen["points"]) >= required:
        return "approved", seen
    asked_why = any(h["decision"] in ("justify", "weak_justification") for h in record["history"])
    return ("weak_justification" if asked_why else "justify"), seen


_GROUP = {
    "approved": "approve",
    "rejected": "reject",
    "justify": "justify",
    "weak_justification": "weak_justification",
    "ask_amount": "ask_amount",
    "clarify": "clarify",
}


def pick_template(
    ctx: CallContext,
    npc: str,
    templates: Sequence[str],
    used: Sequence[int],
    trigger: Event,
) -> int:
    """A template index not used yet in this conversation (else any but the last used),
    drawn from the NPC's stream at the trigger's time, so drift never rewords it."""
    fresh = [i for i in range(len(templates)) if i not in used]
    if not fresh:
        fresh = [i for i in range(len(templates)) if not used or i != used[-1]] or [0]
    return int(stream(ctx.seed, f"npc:{npc}", trigger.t_ms, trigger.kind).choice(fresh))


def on_answer_due(state: State, event: Event, ctx: CallContext, rule: Mapping[str, Any]) -> None:
    """Decide the request and post the answer (the decision first, then the reply)."""
    record = state["npc"]["requests"].get(event.data["key"])
    if record is None:
        return
    slack = state["slack"]
    decision, seen = decide(rule, record)
    group = _GROUP[decision]
    templates = list(rule["templates"][group])
    index = pick_template(ctx, rule["id"], templates, record["asked"].get(group, []), event)
    asked: Asked = seen["asked"]
    requester = find_user(slack, record["requester"]) or {}
    amount = asked.amount_cents
    variables = fact_variables(state["npc"]["facts"]) | {
        "amount": format_money(amount) if amount is not None else "",
        "amounts": join_words([format_money(c) for c in asked.candidates]),
        "cap": format_money(rule["cap_cents"]),
        "justification_cap": format_money(rule["justification_cap_cents"] or rule["cap_cents"]),
        "requester": first_name(str(requester.get("display_name", ""))),
        "item": seen["item"] or "it",
        "quantity": str(seen["quantity"] or 1),
    }
    reply = render(templates[index], variables)
    actor = f"npc:{rule['id']}"
    ctx.emit(
        APPROVAL_DECIDED,
        {
            "key": record["key"],
            "npc": rule["id"],
            "decision": decision,
            "amount_cents": amount,
            "unit_cents": asked.unit_cents,
            "candidates": list(asked.candidates),
            "item": seen["item"],
            "quantity": seen["quantity"],
            "points": seen["points"],
            "template": [group, index],
        },
        actor=actor,
    )
    post_message(
        ctx, state, record["channel"], rule["user"], reply, record["thread_ts"], actor=actor
    )


# -------------------------------------------------------------------------- reducers


def request_updated(state: State, event: Event) -> None:
    """Add the agent's message to its request (creating the request on its first)."""
    data = event.data
    requests = state["npc"]["requests"]
    record = requests.get(data["key"])
    if record is None:
        record = requests[data["key"]] = {
            "key": data["key"],
            "npc": data["npc"],
            "channel": data["channel"],
            "thread_ts": data["thread_ts"],
            "request_ts": data["message"]["ts"],
            "requester": data["requester"],
            "approver": data["approver"],
            "messages": [],
            "decision": "pending",
            "amount_cents": None,
            "unit_cents": None,
            "item": None,
            "quantity": None,
            "points": [],
            "history": [],
            "asked": {},
            "due": False,
            "t_ms": None,
        }
    record["messages"].append({**data["message"], "t_ms": event.t_ms})
    if data["answer"]:
        record["due"] = True


def answer_due(state: State, event: Event) -> None:
    """The approver is answering now: nothing is due any more."""
    record = state["npc"]["requests"].get(event.data["key"])
    if record is not None:
        record["due"] = False


def approval_decided(state: State, event: Event) -> None:
    """Record the decision: the request's current amount, item and decision, its history."""
    data = event.data
    record = state["npc"]["requests"][data["key"]]
    for name in ("decision", "amount_cents", "unit_cents", "item", "quantity", "points"):
        record[name] = data[name]
    record["t_ms"] = event.t_ms
    record["history"].append(
        {"decision": data["decision"], "amount_cents": data["amount_cents"], "t_ms": event.t_ms}
    )
    group, index = data["template"]
    record["asked"].setdefault(group, []).append(index)
