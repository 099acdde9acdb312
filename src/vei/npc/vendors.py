"""Vendors: mail responders that quote once they know what is asked, and web shops whose
forms record orders and quote requests.

A mail responder with ``needs`` reads every mail the agent has sent it so far; while a
point is missing it asks for it (in words not used before), and it quotes once all are
there. A form responder with a ``catalog`` matches the product typed into the form, reads
the quantity, records the order or quote request at once (``npc.order_recorded``) and
mails its answer to the address typed into the form, if that is the agent's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vei.core.context import CallContext
from vei.core.events import Event
from vei.core.twin import State
from vei.facts import fact_variables, render
from vei.money import format_money
from vei.npc.approver import pick_template
from vei.twins.mail.state import MESSAGE_RECEIVED
from vei.twins.mail.tools import inbound_mail_data
from vei.understand import Point, join_words, match_product, points_met

CONTACTED = "npc.contacted"
ORDER_RECORDED = "npc.order_recorded"


@dataclass(frozen=True)
class Priced:
    """A form submission read as an order line: what, how many, at what price."""

    product: str
    quantity: int
    unit_cents: int
    total_cents: int


def price_submission(rule: Mapping[str, Any], values: Mapping[str, Any]) -> Priced | None:
    """The order line a submission of ``rule``'s form states, priced from its catalog;
    None when the product is not in the catalog or the quantity is not a positive number."""
    catalog = {item["product"]: item["unit_cents"] for item in rule.get("catalog", [])}
    typed = str(values.get(rule.get("product_field") or "", ""))
    product = match_product(typed, list(catalog))
    if product is None:
        return None
    raw = str(values.get(rule.get("quantity_field") or "", "1") or "1").strip()
    if not raw.isdigit() or int(raw) <= 0:
        return None
    qty = int(raw)
    return Priced(product, qty, catalog[product], catalog[product] * qty)


def on_mail_sent(state: State, event: Event, ctx: CallContext, rule: Mapping[str, Any]) -> None:
    """Answer (or ask for what is missing) when the agent mails ``rule``'s address."""
    data = event.data
    if rule["address"].lower() not in {*data["to"], *data["cc"]}:
        return
    npc = rule["id"]
    count = state["npc"]["contacts"].get(npc, 0) + 1
    variables = fact_variables(state["npc"]["facts"]) | {
        "subject": data["subject"],
        "sender": state["mail"]["name"] or data["from"],
        "missing": "",
    }
    group: str | None = None
    needs = rule.get("needs")
    if needs is not None:
        said = "\n".join([*_sent_to(state, rule["address"]), f"{data['subject']}\n{data['body']}"])
        declared = [Point(p["name"], tuple(p["any"])) for p in needs["points"]]
        met = points_met(said, declared)
        if len(met) < (needs["min_points"] or len(declared)):
            missing = [p.name for p in declared if p.name not in met]
            variables["missing"] = join_words(missing, "and")
            group = "ask_templates"
    if group is None:
        if count >= rule["replies_after"]:
            group = "templates"
        elif rule["ack_templates"]:
            group = "ack_templates"
    template = None
    if group is not None:
        templates = list(rule[group])
        used = state["npc"]["asked"].get(npc, {}).get(group, [])
        index = pick_template(ctx, npc, templates, used, event)
        body = render(templates[index], variables)
        subject = render(rule["subject"], variables)
        reply = inbound_mail_data(ctx, rule["address"], data["from"], subject, body, data["id"])
        ctx.schedule(rule["delay_ms"], MESSAGE_RECEIVED, reply, actor=f"npc:{npc}")
        template = [group, index]
    ctx.emit(
        CONTACTED, {"npc": npc, "message": data["id"], "template": template}, actor=f"npc:{npc}"
    )


def _sent_to(state: State, address: str) -> list[str]:
    """Subjects and bodies of the mails the agent sent to ``address`` before."""
    mail = state["mail"]
    return [
        f"{m['subject']}\n{m['body']}"
        for m in mail["messages"].values()
        if m["folder"] == "SENT" and address.lower() in {*m["to"], *m["cc"]}
    ]


def on_form_submitted(
    state: State, event: Event, ctx: CallContext, rule: Mapping[str, Any]
) -> None:
    """Record an order or quote request from the form and mail the answer."""
    data = event.data
    if data.get("form_id") != rule["form"]:
        return
    npc = rule["id"]
    values: Mapping[str, str] = data.get("values", {})
    address = str(values.get(rule["email_field"], "")).strip().lower()
    variables = fact_variables(state["npc"]["facts"]) | {
        "form": rule["form"],
        "values": ", ".join(f"{k}: {v}" for k, v in sorted(values.items())),
        "asked": str(values.get(rule.get("product_field") or "", "")),
        "product": "",
        "quantity": "",
        "unit": "",
        "total": "",
    }
    templates = list(rule["templates"])
    if rule["catalog"]:
        priced = price_submission(rule, values)
        if priced is None:
            templates = list(rule["unknown_templates"])
        else:
            variables |= {
                "product": priced.product,
                "quantity": str(priced.quantity),
                "unit": format_money(priced.unit_cents),
                "total": format_money(priced.total_cents),
            }
            ctx.emit(
                ORDER_RECORDED,
                {
                    "id": data["submission_id"],
                    "npc": npc,
                    "kind": rule["record"],
                    "form": rule["form"],
                    "product": priced.product,
                    "quantity": priced.quantity,
                    "unit_cents": priced.unit_cents,
                    "total_cents": priced.total_cents,
                    "reply_to": address,
                },
                actor=f"npc:{npc}",
            )
    if address != state["mail"]["address"]:
        return  # the vendor answers whatever address was typed; it is not ours
    index = pick_template(ctx, npc, templates, [], event)
    body = render(templates[index], variables)
    subject = render(rule["subject"], variables)
    reply = inbound_mail_data(ctx, rule["from_address"], address, subject, body)
    ctx.schedule(rule["delay_ms"], MESSAGE_RECEIVED, reply, actor=f"npc:{npc}")


# -------------------------------------------------------------------------- reducers


def contacted(state: State, event: Event) -> None:
    """Count the agent's mails to an NPC and remember the wording it answered with."""
    npc = event.data["npc"]
    contacts = state["npc"]["contacts"]
    contacts[npc] = contacts.get(npc, 0) + 1
    if event.data["template"] is not None:
        group, index = event.data["template"]
        state["npc"]["asked"].setdefault(npc, {}).setdefault(group, []).append(index)


def order_recorded(state: State, event: Event) -> None:
    """Keep the vendor's record of an order or quote request."""
    data = event.data
    state["npc"]["orders"][data["id"]] = {**data, "t_ms": event.t_ms}
