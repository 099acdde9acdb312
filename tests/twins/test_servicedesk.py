"""The service desk twin: incidents with SLA timers and breaches, request stages decided
only by their approvers, notifications, the chat approver NPC and incident-update drift."""

from __future__ import annotations

import random
from typing import Any

from tests.twins.support import make_world, ok, rejected
from vei.core.world import World
from vei.testing import check_twin
from vei.twins import TWINS
from vei.twins.servicedesk import TWIN
from vei.twins.servicedesk.criteria import ServicedeskRecord, ServicedeskStage
from vei.twins.servicedesk.drift import DRIFT
from vei.twins.servicedesk.state import COMMENT_ADDED, SLA_BREACHED
from vei.verdict import Evidence

_MIN = 60_000


def _world(**seed: Any) -> World:
    return make_world(TWIN, seed_data={"servicedesk": seed} if seed else None)


def test_the_twin_keeps_the_contract() -> None:
    check_twin(
        TWIN,
        calls=[
            ("servicedesk_acknowledge", {"incident": "INC-0042"}),
            ("servicedesk_acknowledge", {"incident": "INC-0042"}),
            (
                "servicedesk_comment",
                {"record": "INC-0042", "text": "Rolling back", "work_note": True},
            ),
            ("servicedesk_link", {"record": "inc-42", "kind": "doc", "ref": "DOC-3"}),
            ("servicedesk_update_incident", {"incident": "INC-0041", "priority": 2}),
            (
                "servicedesk_resolve",
                {"incident": "INC-0042", "code": "solved (work around)", "notes": "Rolled back"},
            ),
            ("servicedesk_close", {"record": "INC-0042"}),
            ("servicedesk_approve", {"request": "REQ-0012", "comment": "ok"}),
            (
                "servicedesk_create_incident",
                {
                    "short_description": "Printer",
                    "caller": "maya.chen@company.example",
                    "priority": 4,
                },
            ),
            ("vei_tick", {"dt_ms": 60 * _MIN}),
            ("servicedesk_get_incident", {"incident": "INC-0043"}),
        ],
    )


def test_a_p1_acknowledged_in_time_meets_its_response_sla() -> None:
    world = _world()
    row = ok(world, "servicedesk_list_incidents", priority=1)["incidents"][0]
    assert (row["id"], row["sla"]["response"]["status"]) == ("INC-0042", "running")
    assert row["sla"]["response"]["remaining_ms"] == 10 * _MIN  # opened 5 minutes before start
    done = ok(world, "servicedesk_acknowledge", incident="INC-0042")
    assert done == {
        "id": "INC-0042",
        "state": "In Progress",
        "assignee": "agent@company.example",
        "response_sla": "met",
    }
    ok(world, "vei_tick", dt_ms=20 * _MIN)
    incident = ok(world, "servicedesk_get_incident", incident="INC-0042")
    assert incident["sla"]["response"]["status"] == "met"
    assert (
        world.state["servicedesk"]["incidents"]["INC-0042"]["sla"]["response"]["breached_ms"]
        is None
    )


def test_an_unacknowledged_p1_breaches_when_its_timer_comes_due() -> None:
    world = _world()
    ok(world, "vei_tick", dt_ms=9 * _MIN)
    assert (
        ok(world, "servicedesk_get_incident", incident="INC-0042")["sla"]["response"]["status"]
        == "running"
    )
    outcome = world.call("vei_tick", {"dt_ms": 2 * _MIN})
    breaches = [e for e in outcome.events if e.kind == SLA_BREACHED]
    assert [(e.data["incident"], e.data["timer"], e.t_ms) for e in breaches] == [
        ("INC-0042", "response", 10 * _MIN)
    ]
    assert (
        ok(world, "servicedesk_get_incident", incident="INC-0042")["sla"]["response"]["status"]
        == "breached"
    )
    assert ok(world, "servicedesk_acknowledge", incident="INC-0042")["response_sla"] == "met late"


def test_raising_the_priority_moves_the_sla_due_time() -> None:
    world = _world()
    ok(world, "servicedesk_update_incident", incident="INC-0041", priority=1)
    # INC-0041 was opened two hours before the start: a P1 resolution target of 4 hours.
    row = ok(world, "servicedesk_get_incident", incident="INC-0041")
    assert row["sla"]["resolution"]["due_ms"] == 2 * 60 * _MIN
    outcome = world.call("vei_tick", {"dt_ms": 2 * 60 * _MIN + 1})
    breached = [
        (e.data["incident"], e.data["timer"]) for e in outcome.events if e.kind == SLA_BREACHED
    ]
    assert ("INC-0041", "resolution") in breached and ("INC-0041", "response") not in breached


def test_incident_states_move_only_as_allowed_and_errors_say_what_is() -> None:
    world = _world()
    error = rejected(world, "servicedesk_update_incident", incident="INC-0042", state="Resolved")
    assert (
        error["code"] == "servicedesk.invalid_state" and "servicedesk_resolve" in error["message"]
    )
    assert (
        rejected(world, "servicedesk_close", record="INC-0042")["code"]
        == "servicedesk.invalid_state"
    )
    assert (
        "Duplicate"
        in rejected(world, "servicedesk_resolve", incident="INC-0042", code="fixed", notes="x")[
            "message"
        ]
    )
    assert (
        rejected(world, "servicedesk_update_incident", incident="INC-0042")["code"]
        == "servicedesk.invalid_argument"
    )
    assert (
        rejected(world, "servicedesk_get_incident", incident="INC-9")["code"]
        == "servicedesk.record_not_found"
    )
    ok(world, "servicedesk_update_incident", incident="INC-0042", state="canceled")
    error = rejected(world, "servicedesk_update_incident", incident="INC-0042", state="In Progress")
    assert "nothing (final)" in error["message"]


def test_only_the_approver_a_stage_names_may_decide_it_in_order() -> None:
    world = _world()
    error = rejected(world, "servicedesk_approve", request="REQ-0012", comment="fine")
    assert error["code"] == "servicedesk.not_approver"
    assert "Priya Nair (priya.nair@company.example)" in error["message"]
    error = rejected(world, "servicedesk_approve", request="REQ-0012", stage=2, comment="fine")
    assert (
        error["code"] == "servicedesk.stage_not_open"
        and "stage 1 (Manager approval) waits" in error["message"]
    )
    waiting = ok(world, "servicedesk_list_requests", awaiting_me=True)
    assert waiting["total"] == 0


def _seed_two_stage(first_approver: str) -> dict[str, Any]:
    return {
        "me": "agent@company.example",
        "people": [
            {"login": "agent@company.example", "name": "Alex Morgan"},
            {"login": "priya.nair@company.example", "name": "Priya Nair"},
        ],
        "requests": [
            {
                "number": 7,
                "item": "Access: NetSuite",
                "requester": "priya.nair@company.example",
                "requested_for": "priya.nair@company.example",
                "stages": [
                    {"name": "IT approval", "approver": first_approver},
                    {"name": "Finance approval", "approver": "priya.nair@company.example"},
                ],
            }
        ],
    }


def test_approving_requests_the_next_stage_and_the_last_one_approves_the_request() -> None:
    world = _world(**_seed_two_stage("agent@company.example"))
    done = ok(world, "servicedesk_approve", request="req-7", comment="Verified in the directory")
    assert done == {
        "id": "REQ-0007",
        "stage": 1,
        "stage_name": "IT approval",
        "decision": "approved",
        "state": "Pending Approval",
    }
    request = ok(world, "servicedesk_get_request", request="REQ-0007")
    assert [s["state"] for s in request["stages"]] == ["approved", "requested"]
    assert request["stages"][0]["decided_by"] == "agent@company.example"
    assert request["current_stage"]["approver"] == "priya.nair@company.example"
    assert (
        rejected(world, "servicedesk_close", record="REQ-0007")["code"]
        == "servicedesk.invalid_state"
    )


def test_rejecting_needs_a_reason_and_rejects_the_request() -> None:
    world = _world(**_seed_two_stage("agent@company.example"))
    assert (
        rejected(world, "servicedesk_reject", request="REQ-0007", comment="")["code"]
        == "core.invalid_arguments"
    )
    ok(world, "servicedesk_reject", request="REQ-0007", comment="Not needed")
    request = ok(world, "servicedesk_get_request", request="REQ-0007")
    assert (request["state"], [s["state"] for s in request["stages"]]) == (
        "Rejected",
        ["rejected", "skipped"],
    )


def test_criteria_need_the_agents_own_timely_acknowledgement_link_and_stage_comment() -> None:
    world = _world(
        **(
            _seed_two_stage("agent@company.example")
            | {
                "incidents": [
                    {
                        "number": 5,
                        "short_description": "Down",
                        "caller": "priya.nair@company.example",
                        "priority": 1,
                    }
                ]
            }
        )
    )
    record = ServicedeskRecord(
        id="r",
        description="d",
        kind="servicedesk_record",
        record="INC-0005",
        acknowledged=True,
        links=["DOC-2"],
        comment_mentions=["rollback"],
    )
    stage = ServicedeskStage(
        id="s",
        description="d",
        kind="servicedesk_stage",
        request="REQ-0007",
        stage="IT approval",
        comment_mentions=["verified"],
    )
    events = []
    for tool, args in (
        ("servicedesk_acknowledge", {"incident": "INC-0005"}),
        ("servicedesk_link", {"record": "INC-0005", "kind": "doc", "ref": "DOC-2"}),
        ("servicedesk_approve", {"request": "REQ-0007", "comment": "ok"}),
    ):
        events += world.call(tool, args).events
    ev = Evidence(facts={}, rules=[], state=world.state, events=events)
    assert "do not mention rollback" in record.judge(ev).why or "no comment" in record.judge(ev).why
    assert "does not mention verified" in stage.judge(ev).why
    events += world.call(
        "servicedesk_comment", {"record": "INC-0005", "text": "Rollback done"}
    ).events
    ev = Evidence(facts={}, rules=[], state=world.state, events=events)
    assert record.judge(ev).met
    assert record.places(None, world.state) == {"servicedesk:INC-0005"}


def test_a_breach_is_mailed_to_the_agent_and_posted_in_the_notify_channel() -> None:
    slack_seed = {
        "me": "agent",
        "users": [
            {"id": "U00", "name": "agent", "display_name": "Alex Morgan"},
            {"id": "U09", "name": "servicedesk", "display_name": "Service Desk"},
        ],
        "channels": [{"name": "it-incidents"}],
    }
    desk = {
        "me": "agent@company.example",
        "people": [
            {"login": "agent@company.example", "name": "Alex"},
            {"login": "ann@company.example", "name": "Ann"},
        ],
        "incidents": [
            {
                "number": 1,
                "short_description": "DB down",
                "caller": "ann@company.example",
                "priority": 1,
            }
        ],
        "notify": {
            "mail_from": "servicedesk@company.example",
            "chat_user": "servicedesk",
            "channel": "it-incidents",
        },
    }
    world = make_world(
        TWINS["slack"],
        TWINS["mail"],
        TWIN,
        seed_data={
            "slack": slack_seed,
            "mail": {"address": "agent@company.example"},
            "servicedesk": desk,
        },
    )
    ok(world, "vei_tick", dt_ms=16 * _MIN)
    assert (
        ok(world, "mail_list")["messages"][0]["subject"] == "SLA breached: INC-0001 response (P1)"
    )
    posts = ok(world, "slack_open_channel", channel="it-incidents")["messages"]
    assert any("INC-0001" in p["text"] and "breached" in p["text"] for p in posts)


def test_drifted_incident_updates_are_pure_draws_on_open_incidents() -> None:
    kind = DRIFT[0]
    job = kind.compile(kind.library[0], {"servicedesk": _world().state["servicedesk"]})
    assert isinstance(job, dict) and [i["id"] for i in job["incidents"]] == ["INC-0041", "INC-0042"]
    first = kind.occur(job, random.Random(3), {}, {})
    assert first == kind.occur(job, random.Random(3), {}, {}) and first[0] == COMMENT_ADDED
    assert kind.compile(kind.library[0], {}) == "the world has no servicedesk twin"


def test_the_chat_approver_approves_their_stage_only_when_asked_about_that_request() -> None:
    from vei.npc.engine import TWIN as NPC_ENGINE

    slack_seed = {
        "me": "agent",
        "users": [
            {"id": "U00", "name": "agent", "display_name": "Alex Morgan"},
            {"id": "U01", "name": "priya.nair", "display_name": "Priya Nair"},
        ],
        "channels": [{"name": "general"}],
    }
    rule = {
        "id": "priya",
        "kind": "servicedesk_approver",
        "user": "priya.nair",
        "login": "priya.nair@company.example",
        "delay_ms": 30_000,
    }
    seed = {
        "slack": slack_seed,
        "servicedesk": _seed_two_stage("priya.nair@company.example"),
        "npc": {"rules": [rule], "facts": {}},
    }
    world = make_world(TWINS["slack"], TWIN, NPC_ENGINE, seed_data=seed)
    ok(world, "slack_send_message", channel="@priya.nair", text="Could you approve it please?")
    ok(world, "vei_tick", dt_ms=60_000)
    assert world.state["servicedesk"]["requests"]["REQ-0007"]["stages"][0]["state"] == "requested"
    ok(
        world,
        "slack_send_message",
        channel="@priya.nair",
        text="Could you approve REQ-0007 please?",
    )
    ok(world, "slack_send_message", channel="@priya.nair", text="Please approve REQ-0007, thanks!")
    ok(world, "vei_tick", dt_ms=60_000)
    stage = world.state["servicedesk"]["requests"]["REQ-0007"]["stages"][0]
    assert (stage["state"], stage["decided_by"]) == ("approved", "priya.nair@company.example")
    replies = [
        m
        for m in ok(world, "slack_open_channel", channel="@priya.nair")["messages"]
        if m["user"] == "U01"
    ]
    assert len(replies) == 1 and "REQ-0007" in replies[0]["text"]
