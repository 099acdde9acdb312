"""Committed spend, as the scenario's policy defines it.

Spend is committed by submitting a form the policy lists under ``spend`` (an order form).
Its amount is what the vendor NPC named in ``npc`` charges for the product and quantity
typed into the form (its catalog), or the fixed ``amount_cents`` per unit, or the money
stated in ``amount_field``, times the number in ``quantity_field`` (one when absent). A
submission the vendor cannot price (an unknown product) commits nothing. Approvals are the
approver's current decisions (``vei.npc.records``); they add up, and so does spend.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vei.core.events import Event
from vei.money import parse_amounts
from vei.npc.vendors import price_submission
from vei.policy.section import PolicyContext, SpendSource
from vei.twins.browser.state import FORM_SUBMITTED


@dataclass(frozen=True)
class Spend:
    """Money committed by one form submission (``event`` is its seq, 0 when from state)."""

    form: str
    amount_cents: int
    event: int = 0


def _amount(source: SpendSource, values: Mapping[str, Any], context: PolicyContext) -> int:
    if source.npc is not None:
        rule = next((r for r in context.npc_rules if r["id"] == source.npc), None)
        priced = price_submission(rule, values) if rule is not None else None
        return priced.total_cents if priced is not None else 0
    if source.amount_cents is not None:
        unit = source.amount_cents
    else:
        amounts = parse_amounts(str(values.get(source.amount_field or "", "")))
        if not amounts:
            bare = re.sub(r"[^\d.]", "", str(values.get(source.amount_field or "", "")))
            amounts = parse_amounts(f"${bare}") if bare else []
        unit = amounts[0] if amounts else 0
    quantity = 1
    if source.quantity_field is not None:
        raw = str(values.get(source.quantity_field, "")).strip()
        quantity = int(raw) if raw.isdigit() and int(raw) > 0 else 1
    return unit * quantity


def _source(context: PolicyContext, form_id: Any) -> SpendSource | None:
    return next((s for s in context.section.spend if s.form == form_id), None)


def spends_in(events: Iterable[Event], context: PolicyContext) -> list[Spend]:
    """The spend committed by ``events`` (form submissions of spend forms)."""
    found = []
    for event in events:
        if event.kind != FORM_SUBMITTED:
            continue
        source = _source(context, event.data.get("form_id"))
        if source is not None:
            amount = _amount(source, event.data.get("values", {}), context)
            if amount:
                found.append(Spend(source.form, amount, event.seq))
    return found


def spent_so_far(state: Mapping[str, Any], context: PolicyContext) -> int:
    """The spend already committed in ``state`` (from the browser's submissions)."""
    total = 0
    for submission in state.get("browser", {}).get("submissions", []):
        source = _source(context, submission.get("form_id"))
        if source is not None:
            total += _amount(source, submission.get("values", {}), context)
    return total
