"""The CRM twin: consent enforced on outreach, a pipeline that refuses invalid jumps, records
found by id, name or email, activities, owners, and the contract check."""

from __future__ import annotations

from typing import Any

import pytest

from tests.twins.support import make_world, ok, rejected
from vei.core.world import World
from vei.testing import check_twin
from vei.twins.crm import TWIN, do_not_contact_addresses
from vei.twins.crm.drift import DRIFT
from vei.twins.crm.seed import DEFAULT_SEED
from vei.twins.crm.state import initial_state


def _world() -> World:
    return make_world(TWIN)


def test_check_twin_passes_with_calls_across_every_tool() -> None:
    check_twin(
        TWIN,
        calls=[
            ("crm_search", {"query": "harbor"}),
            ("crm_get_deal", {"deal": "DL-1"}),
            ("crm_move_deal", {"deal": "DL-1", "stage": "closed_won"}),
            ("crm_move_deal", {"deal": "DL-1", "stage": "proposal", "reason": "asked for one"}),
            ("crm_email_contact", {"contact": "CT-2", "subject": "Hi", "body": "Hello"}),
            ("crm_email_contact", {"contact": "CT-1", "subject": "Hi", "body": "Hello"}),
            ("crm_log_activity", {"type": "meeting", "subject": "Demo", "deal": "DL-1"}),
            ("crm_assign_owner", {"record": "DL-1", "owner": "nobody@x.example"}),
            ("crm_assign_owner", {"record": "DL-1", "owner": "dana.reyes@company.example"}),
            ("crm_create_company", {"name": "Harbor Logistics"}),
            ("crm_create_company", {"name": "Orbit Foods", "domain": "orbit.example"}),
            (
                "crm_create_contact",
                {"name": "Ana", "email": "ana@orbit.example", "company": "Orbit Foods"},
            ),
            (
                "crm_create_deal",
                {"name": "Orbit pilot", "company": "Orbit Foods", "amount_cents": 500000},
            ),
            ("crm_update_deal", {"deal": "Orbit pilot", "close_date": "2023-13-01"}),
            ("crm_update_deal", {"deal": "Orbit pilot", "close_date": "2023-12-20"}),
            ("crm_set_do_not_contact", {"contact": "ana@orbit.example", "reason": "asked"}),
            ("crm_list_activities", {"deal": "DL-1"}),
        ],
    )


def test_do_not_contact_is_refused_by_outreach_and_named_in_the_error() -> None:
    world = _world()
    error = rejected(
        world,
        "crm_email_contact",
        contact="sam.patel@harborlogistics.example",
        subject="Hi",
        body="Hello",
    )
    assert error["code"] == "crm.do_not_contact"
    assert "CT-2" in error["message"] and "Asked by phone" in error["message"]
    sent = ok(
        world, "crm_email_contact", contact="Jordan Blake", subject="Next steps", body="Hi Jordan"
    )
    assert sent["to"] == "jordan.blake@harborlogistics.example"
    assert ok(world, "crm_get_contact", contact="CT-1")["activities"][-1]["type"] == "email"
    # Opting out takes effect on the next outreach, and cannot be lifted by the agent.
    ok(world, "crm_set_do_not_contact", contact="CT-1", reason="Unsubscribed by reply")
    assert (
        rejected(world, "crm_email_contact", contact="CT-1", subject="Hi", body="x")["code"]
        == "crm.do_not_contact"
    )
    assert do_not_contact_addresses(world.state) == {
        "sam.patel@harborlogistics.example",
        "jordan.blake@harborlogistics.example",
    }


def test_the_pipeline_refuses_jumps_and_lists_the_allowed_moves() -> None:
    world = _world()
    error = rejected(world, "crm_move_deal", deal="DL-1", stage="closed_won")
    assert error["code"] == "crm.invalid_transition"
    assert "prospecting, proposal, closed_lost" in error["message"]
    assert rejected(world, "crm_move_deal", deal="DL-1", stage="won")["code"] == "crm.unknown_stage"
    moved = ok(world, "crm_move_deal", deal="DL-1", stage="proposal", reason="Proposal requested")
    assert moved["stage"] == "proposal" and moved["allowed_stages"] == [
        "qualification",
        "negotiation",
        "closed_lost",
    ]
    deal = ok(world, "crm_get_deal", deal="Harbor Logistics fleet tracking")
    assert deal["history"] == [
        {
            "from": "qualification",
            "to": "proposal",
            "t_ms": deal["history"][0]["t_ms"],
            "by": "agent@company.example",
            "reason": "Proposal requested",
        }
    ]
    ok(world, "crm_move_deal", deal="DL-1", stage="closed_lost")
    assert (
        "none (it is closed)"
        in rejected(world, "crm_move_deal", deal="DL-1", stage="proposal")["message"]
    )


def test_names_that_match_several_records_are_refused_with_their_ids() -> None:
    seed: dict[str, Any] = {
        **DEFAULT_SEED,
        "contacts": [
            *DEFAULT_SEED["contacts"],
            {"name": "Jordan Blake", "email": "jblake@pinecrest.example", "company": "CO-2"},
        ],
    }
    world = make_world(TWIN, seed_data={"crm": seed})
    error = rejected(world, "crm_get_contact", contact="jordan blake")
    assert error["code"] == "crm.ambiguous"
    assert (
        "CT-1 (Harbor Logistics)" in error["message"]
        and "CT-4 (Pinecrest Clinics)" in error["message"]
    )
    assert ok(world, "crm_get_contact", contact="jblake@pinecrest.example")["id"] == "CT-4"
    # A contact of another company cannot be logged against this deal.
    mismatch = rejected(
        world, "crm_log_activity", type="meeting", subject="x", deal="DL-1", contact="CT-4"
    )
    assert mismatch["code"] == "crm.mismatch" and "Pinecrest Clinics" in mismatch["message"]


def test_new_records_get_the_next_ids_and_lists_stay_in_id_order() -> None:
    world = _world()
    company = ok(world, "crm_create_company", name="Orbit Foods")
    assert company["id"] == "CO-3"
    ok(world, "crm_create_contact", name="Ana Ruiz", email="Ana@Orbit.example", company="CO-3")
    deal = ok(
        world,
        "crm_create_deal",
        name="Orbit pilot",
        company="orbit foods",
        amount_cents=1_234_550,
        contact="ana@orbit.example",
    )
    assert (deal["id"], deal["contact"], deal["amount"], deal["stage"]) == (
        "DL-3",
        "CT-4",
        "$12,345.50",
        "prospecting",
    )
    assert [d["id"] for d in ok(world, "crm_list_deals")["deals"]] == ["DL-1", "DL-2", "DL-3"]
    assert (
        rejected(world, "crm_create_contact", name="A", email="ana@orbit.example", company="CO-3")[
            "code"
        ]
        == "crm.duplicate"
    )
    act = ok(
        world,
        "crm_log_activity",
        type="call",
        subject="Kickoff",
        body="Wants 20 seats",
        deal="DL-3",
    )
    assert (act["id"], act["company"]) == ("ACT-2", "CO-3")
    found = ok(world, "crm_search", query="orbit pilot")["results"]
    assert [r["id"] for r in found[:2]] == ["DL-3", "CO-3"]


def test_owners_must_be_crm_users() -> None:
    world = _world()
    error = rejected(world, "crm_assign_owner", record="CO-1", owner="maya@company.example")
    assert error["code"] == "crm.unknown_user" and "dana.reyes@company.example" in error["message"]
    assert (
        ok(world, "crm_assign_owner", record="co-1", owner="Dana Reyes")["owner"]
        == "dana.reyes@company.example"
    )
    assert ok(world, "crm_list_deals", owner="dana.reyes@company.example")["total"] == 1


@pytest.mark.parametrize(
    "change, message",
    [
        (
            {"deals": [{"name": "x", "company": "CO-9", "amount_cents": 1, "stage": "proposal"}]},
            "no single company",
        ),
        (
            {"deals": [{"name": "x", "company": "CO-1", "amount_cents": 1, "stage": "won"}]},
            "unknown stage",
        ),
        ({"me": "someone@else.example"}, "me must be one of the users"),
    ],
)
def test_bad_seeds_are_refused_naming_the_record(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        initial_state({**DEFAULT_SEED, **change})


def test_drift_updates_deals_other_reps_own() -> None:
    kind = DRIFT[0]
    compiled = kind.compile(kind.library[0], {"crm": initial_state(None)})
    assert compiled == {"deals": [{"id": "DL-2", "owner": "dana.reyes@company.example"}]}
    import random

    event, data, target, _ = kind.occur(compiled, random.Random(3), {}, {})
    assert (event, data["deal"], target) == ("crm.deal_updated", "DL-2", "crm:DL-2")
