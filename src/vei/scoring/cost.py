"""The cost axis: what the run spent, in synthetic money and virtual time.

``tool_cost_cents`` sums the registry cost of every call (from receipts);
``spend_cents`` is the money committed in the world (orders through the forms the
scenario's policy lists under ``spend``); ``virtual_time_ms`` is when the last call
ended.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vei.core.events import Event
from vei.monitors.history import is_app_tool
from vei.monitors.spend import spends_in
from vei.policy.section import PolicyContext
from vei.receipts.chain import Receipt


def cost_axis(
    context: PolicyContext,
    events: Sequence[Event],
    receipts: Sequence[Receipt],
    virtual_time_ms: int,
) -> dict[str, Any]:
    """``{"tool_cost_cents", "spend_cents", "tool_calls", "app_calls", "virtual_time_ms"}``."""
    spend = spends_in(events, context)
    return {
        "tool_cost_cents": sum(int(r.body["cost_cents"]) for r in receipts),
        "spend_cents": sum(s.amount_cents for s in spend),
        "tool_calls": len(receipts),
        "app_calls": sum(1 for r in receipts if is_app_tool(str(r.body["tool"]))),
        "virtual_time_ms": virtual_time_ms,
    }
