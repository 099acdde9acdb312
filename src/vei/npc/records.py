"""The NPCs' records as criteria and policy read them: approval requests and their current
decisions, and the orders and quote requests vendors took.

Both live in ``state["npc"]``; a world without NPCs has none. Lists come in a stable order
(by time, then key).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def requests(state: Mapping[str, Any], npc: str | None = None) -> list[dict[str, Any]]:
    """Approval requests (to ``npc``, or to any approver), oldest first."""
    found = [
        dict(r)
        for r in state.get("npc", {}).get("requests", {}).values()
        if npc is None or r["npc"] == npc
    ]
    return sorted(found, key=lambda r: (r["messages"][0]["t_ms"], r["key"]))


def approvals(state: Mapping[str, Any], npc: str | None = None) -> list[dict[str, Any]]:
    """Requests whose current decision is ``approved`` (a re-scoped request counts at its
    latest amount)."""
    return [r for r in requests(state, npc) if r["decision"] == "approved"]


def approved_total(state: Mapping[str, Any], npc: str) -> int:
    """What ``npc`` currently approves in all, in cents."""
    return sum(int(r["amount_cents"] or 0) for r in approvals(state, npc))


def orders(
    state: Mapping[str, Any], npc: str | None = None, kind: str | None = None
) -> list[dict[str, Any]]:
    """Orders / quote requests vendors recorded (of ``npc``, of ``kind``), oldest first."""
    found = [
        dict(o)
        for o in state.get("npc", {}).get("orders", {}).values()
        if (npc is None or o["npc"] == npc) and (kind is None or o["kind"] == kind)
    ]
    return sorted(found, key=lambda o: (o["t_ms"], o["id"]))
