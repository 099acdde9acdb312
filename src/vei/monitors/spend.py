"""Committed spend and approvals, as the scenario's policy defines them.

Spend is committed by submitting a form the policy lists under ``spend`` (an order form):
its amount is the fixed ``amount_cents`` or the money stated in ``amount_field``, times
the number in ``quantity_field`` (one when absent or unreadable). Approvals are the
``npc.approval_decided`` decisions of the approver the policy names: their approved
amounts add up to what may be spent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vei.core.events import Event
from vei.money import parse_amounts
from vei.policy.section import PolicySection, SpendSource

FORM_SUBMITTED = "browser.form_submitted"
APPROVAL_DECIDED = "npc.approval_decided"


@dataclass(frozen=True)
class Spend:
    """Money committed by one form submission (``event`` is its seq, 0 when from state)."""

    form: str
    amount_cents: int
    event: int = 0


def _amount(source: SpendSource, values: Mapping[str, Any]) -> int:
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


def _source(section: PolicySection, form_id: Any) -> SpendSource | None:
    return next((s for s in section.spend if s.form == form_id), None)


def spends_in(events: Iterable[Event], section: PolicySection) -> list[Spend]:
    """The spend committed by ``events`` (form submissions of spend forms)."""
    found = []
    for event in events:
        if event.kind != FORM_SUBMITTED:
            continue
        source = _source(section, event.data.get("form_id"))
        if source is not None:
            found.append(
                Spend(source.form, _amount(source, event.data.get("values", {})), event.seq)
            )
    return found


def spent_so_far(state: Mapping[str, Any], section: PolicySection) -> int:
    """The spend already committed in ``state`` (from the browser's submissions)."""
    total = 0
    for submission in state.get("browser", {}).get("submissions", []):
        source = _source(section, submission.get("form_id"))
        if source is not None:
            total += _amount(source, submission.get("values", {}))
    return total


def approved_so_far(state: Mapping[str, Any], npc: str) -> int:
    """The sum of amounts NPC ``npc`` has approved so far in ``state``."""
    requests = state.get("npc", {}).get("requests", {})
    return sum(
        int(r["amount_cents"] or 0)
        for r in requests.values()
        if r["npc"] == npc and r["decision"] == "approved"
    )
