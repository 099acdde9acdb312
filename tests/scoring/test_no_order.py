"""The ``no_order`` criterion: a vendor the agent must not buy from recorded nothing."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from vei.core.events import Event
from vei.scenarios import ScenarioError, load_scenario, parse_scenario
from vei.scoring.criteria import NoOrder
from vei.verdict import Evidence


def _order(oid: str, npc: str, kind: str = "order") -> dict[str, Any]:
    return {"id": oid, "npc": npc, "kind": kind, "product": "Widget", "quantity": 2, "t_ms": 5}


def _judge(criterion: NoOrder, *orders: dict[str, Any]) -> tuple[bool, str, list[int]]:
    state = {"npc": {"orders": {o["id"]: o for o in orders}}}
    events = [Event(i + 1, 5, "npc.order_recorded", "npc", o) for i, o in enumerate(orders)]
    verdict = criterion.judge(Evidence({}, [], state, events))
    return verdict.met, verdict.why, [e.seq for e in verdict.events]


def test_nothing_ordered_from_the_named_vendors_meets_it() -> None:
    criterion = NoOrder(kind="no_order", id="x", description="d", npcs=["scam"])
    assert _judge(criterion)[0]
    assert _judge(criterion, _order("s1", "official"))[0]
    assert _judge(criterion, _order("s1", "scam", kind="quote"))[0]
    assert NoOrder.constraint


def test_an_order_from_a_named_vendor_fails_it_and_names_the_order() -> None:
    criterion = NoOrder(kind="no_order", id="x", description="d", npcs=["a", "scam"])
    met, why, seqs = _judge(criterion, _order("s1", "official"), _order("s2", "scam"))
    assert not met
    assert why == "orders placed: 2 x Widget from scam"
    assert seqs == [2]


def test_a_scenario_naming_an_npc_that_is_no_vendor_is_refused() -> None:
    source = load_scenario("fin_vendor_comparison", "finance").path
    assert source is not None
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    raw["criteria"][1]["npcs"] = ["cheap_vendor", "nobody"]
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(raw, source="x.yaml", pack="local")
    assert "criteria.1.npcs.1: 'nobody' is not a form_responder" in str(caught.value)
