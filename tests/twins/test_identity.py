"""The identity twin: lifecycle, groups, apps, tokens on the virtual clock, audit log."""

from __future__ import annotations

import random
from typing import Any

import pytest
from pydantic import Field

from tests.twins.support import make_world, ok, rejected
from vei.core.context import CallContext
from vei.core.events import Event
from vei.core.registry import ToolArgs, ToolSpec
from vei.core.twin import State, Twin
from vei.core.world import World
from vei.testing import check_twin
from vei.twins.identity import TWIN, use_token
from vei.twins.identity.criteria import IdentityUntouched, IdentityUser
from vei.twins.identity.drift import DRIFT
from vei.twins.identity.state import OUTWARD, USER_CREATED
from vei.verdict import Evidence


def _world() -> World:
    return make_world(TWIN)


def _user(world: World, ref: str) -> dict[str, Any]:
    return ok(world, "identity_get_user", user=ref)


def test_the_twin_keeps_the_contract_over_a_whole_lifecycle() -> None:
    check_twin(
        TWIN,
        calls=[
            ("identity_activate", {"user": "USR-0006"}),
            ("identity_suspend", {"user": "USR-0003", "reason": "leave"}),
            ("identity_unsuspend", {"user": "USR-0003"}),
            ("identity_reset_password", {"user": "USR-0003", "ttl_minutes": 30}),
            ("identity_add_to_group", {"user": "USR-0003", "group": "design"}),
            ("identity_add_to_group", {"user": "USR-0003", "group": "design"}),
            ("identity_assign_app", {"user": "USR-0003", "app": "figma"}),
            ("identity_deactivate", {"user": "USR-0003", "reason": "left"}),
            ("identity_assign_app", {"user": "USR-0003", "app": "github"}),
            (
                "identity_create_user",
                {"login": "new.hire@company.example", "first_name": "N", "last_name": "H"},
            ),
            ("identity_get_user", {"user": "nobody"}),
            ("vei_tick", {"dt_ms": 3_600_000}),
            ("identity_audit_log", {"user": "USR-0003"}),
        ],
    )


def test_people_with_the_same_first_name_are_told_apart_by_their_profile() -> None:
    world = _world()
    sams = ok(world, "identity_list_users", query="sam")["users"]
    assert [(u["id"], u["department"]) for u in sams] == [
        ("USR-0002", "IT"),
        ("USR-0003", "Finance"),
    ]
    profile = _user(world, "SAM.PATEL@company.example")
    assert profile["manager"] == {
        "id": "USR-0001",
        "name": "Priya Nair",
        "login": "priya.nair@company.example",
    }
    assert (profile["groups"], profile["apps"]) == (["everyone", "finance"], ["netsuite"])
    assert profile["allowed_actions"] == ["suspend", "deactivate", "reset_password"]
    error = rejected(world, "identity_get_user", user="Sam")
    assert error["code"] == "identity.user_not_found" and "identity_list_users" in error["message"]


def test_list_filters_by_status_and_group_and_refuses_unknown_ones() -> None:
    world = _world()
    assert [u["id"] for u in ok(world, "identity_list_users", status="suspended")["users"]] == [
        "USR-0005"
    ]
    assert [u["id"] for u in ok(world, "identity_list_users", group="design")["users"]] == [
        "USR-0004",
        "USR-0005",
    ]
    assert "ACTIVE, SUSPENDED" in rejected(world, "identity_list_users", status="gone")["message"]
    assert "design, everyone" in rejected(world, "identity_list_users", group="ops")["message"]


def test_only_valid_lifecycle_transitions_are_allowed_and_errors_name_the_allowed_ones() -> None:
    world = _world()
    error = rejected(world, "identity_suspend", user="USR-0006")  # STAGED
    assert error["code"] == "identity.invalid_transition"
    assert (
        "is STAGED" in error["message"] and "allowed now: activate, deactivate" in error["message"]
    )
    assert (
        rejected(world, "identity_unsuspend", user="USR-0003")["code"]
        == "identity.invalid_transition"
    )
    assert (
        rejected(world, "identity_reset_password", user="USR-0005")["code"]
        == "identity.invalid_transition"
    )
    moved = ok(world, "identity_activate", user="USR-0006")
    assert (moved["from"], moved["status"]) == ("STAGED", "PROVISIONED")
    assert ok(world, "identity_unsuspend", user="USR-0005")["status"] == "ACTIVE"
    assert (
        ok(world, "identity_deactivate", user="USR-0005", reason="left")["status"]
        == "DEPROVISIONED"
    )
    error = rejected(world, "identity_deactivate", user="USR-0005")
    assert "allowed now: activate" in error["message"]


class UseTokenArgs(ToolArgs):
    token: str = Field(description="The token the person was sent.")


def _use(state: State, args: UseTokenArgs, ctx: CallContext) -> dict[str, Any]:
    return {"used": use_token(ctx, state, args.token, actor="person") is not None}


# A stand-in for the person who got the token (an NPC or drift in a scenario).
PERSON = Twin(
    name="npc",
    initial_state=lambda seed: {},
    reducers={},
    tools=(ToolSpec("npc_use_token", "Use a token. Returns {used}.", UseTokenArgs, "write", _use),),
)


def test_activation_token_makes_the_person_active_only_while_it_is_valid() -> None:
    world = make_world(TWIN, PERSON)
    token = ok(world, "identity_activate", user="USR-0006")["activation_token"]
    assert _user(world, "USR-0006")["pending_tokens"][0]["kind"] == "activation"
    assert ok(world, "npc_use_token", token="act-nope") == {"used": False}
    assert ok(world, "npc_use_token", token=token) == {"used": True}
    profile = _user(world, "USR-0006")
    assert (profile["status"], profile["pending_tokens"]) == ("ACTIVE", [])
    assert ok(world, "npc_use_token", token=token) == {"used": False}  # one-time
    assert (
        rejected(world, "identity_activate", user="USR-0006")["code"]
        == "identity.invalid_transition"
    )
    ok(world, "identity_deactivate", user="USR-0006")
    late = ok(world, "identity_activate", user="USR-0006")["activation_token"]
    ok(world, "vei_tick", dt_ms=7 * 24 * 3_600_000)
    assert ok(world, "npc_use_token", token=late) == {"used": False}
    assert _user(world, "USR-0006")["pending_tokens"][0]["status"] == "expired"


def test_a_reset_token_is_valid_for_its_virtual_time_and_replaced_by_a_new_one() -> None:
    world = _world()
    first = ok(world, "identity_reset_password", user="USR-0004", ttl_minutes=30)
    assert ok(world, "identity_verify_token", token=first["reset_token"])["status"] == "valid"
    ok(world, "vei_tick", dt_ms=29 * 60_000)
    assert ok(world, "identity_verify_token", token=first["reset_token"])["status"] == "valid"
    ok(world, "vei_tick", dt_ms=2 * 60_000)
    check = ok(world, "identity_verify_token", token=first["reset_token"])
    assert (check["status"], check["expires_ms"] - check["issued_ms"]) == ("expired", 30 * 60_000)
    second = ok(world, "identity_reset_password", user="USR-0004")
    assert second["reset_token"] != first["reset_token"]
    assert ok(world, "identity_verify_token", token=first["reset_token"])["status"] == "revoked"
    ok(world, "identity_suspend", user="USR-0004")
    assert ok(world, "identity_verify_token", token=second["reset_token"])["status"] == "revoked"
    assert (
        rejected(world, "identity_verify_token", token="rst-0")["code"]
        == "identity.token_not_found"
    )


def test_groups_and_apps_change_once_and_not_for_deprovisioned_users() -> None:
    world = _world()
    assert ok(world, "identity_add_to_group", user="USR-0003", group="GRP-3")["group"] == "design"
    assert rejected(world, "identity_add_to_group", user="USR-0003", group="design")["code"] == (
        "identity.membership_conflict"
    )
    ok(world, "identity_remove_from_group", user="USR-0003", group="design")
    assert rejected(world, "identity_remove_from_group", user="USR-0003", group="design")[
        "code"
    ] == ("identity.membership_conflict")
    assert (
        "github, netsuite"
        in rejected(world, "identity_assign_app", user="USR-0003", app="jira")["message"]
    )
    ok(world, "identity_deactivate", user="USR-0003")
    assert _user(world, "USR-0003")["groups"] == ["everyone", "finance"]  # kept until removed
    assert rejected(world, "identity_assign_app", user="USR-0003", app="github")["code"] == (
        "identity.user_deprovisioned"
    )
    ok(world, "identity_unassign_app", user="USR-0003", app="netsuite")
    assert [u["id"] for u in ok(world, "identity_get_app", app="netsuite")["users"]] == ["USR-0001"]


def test_every_change_is_in_the_audit_log_newest_first_with_who_did_it() -> None:
    world = _world()
    ok(world, "identity_add_to_group", user="USR-0003", group="design")
    ok(world, "identity_suspend", user="USR-0003", reason="security review")
    entries = ok(world, "identity_audit_log", user="sam.patel@company.example")["entries"]
    assert [(e["id"], e["action"], e["actor"]) for e in entries] == [
        ("AUD-0002", "user_suspended", "agent"),
        ("AUD-0001", "group_member_added", "agent"),
    ]
    assert entries[0]["detail"] == "ACTIVE -> SUSPENDED: security review"
    assert ok(world, "identity_audit_log", user="USR-0001")["total"] == 0


def test_create_user_checks_the_login_and_stages_the_next_id() -> None:
    world = _world()
    made = ok(
        world,
        "identity_create_user",
        login="Ana.Ruiz@company.example",
        first_name="Ana",
        last_name="Ruiz",
        manager="USR-0004",
    )
    assert made == {"id": "USR-0007", "login": "ana.ruiz@company.example", "status": "STAGED"}
    assert _user(world, "USR-0007")["manager"]["id"] == "USR-0004"
    assert rejected(
        world,
        "identity_create_user",
        login="ana.ruiz@company.example",
        first_name="A",
        last_name="R",
    )["code"] == ("identity.login_taken")
    assert (
        "company.example"
        in rejected(
            world, "identity_create_user", login="x@else.example", first_name="A", last_name="R"
        )["message"]
    )


def test_changes_reach_the_person_as_outward_targets_and_resets_are_mailed() -> None:
    world = _world()
    outcome = world.call("identity_reset_password", {"user": "USR-0002"})
    out = OUTWARD[outcome.events[0].kind](world.state, outcome.events[0])
    assert out is not None
    assert (out.targets, out.destinations) == (
        ("identity:USR-0002",),
        ("sam.okafor@company.example",),
    )


def _evidence(world: World, events: list[Event]) -> Evidence:
    return Evidence(facts={}, rules=[], state=world.state, events=events)


def test_criteria_judge_the_record_and_who_changed_it_and_spare_namesakes() -> None:
    world = _world()
    events: list[Event] = []
    want = IdentityUser(
        id="c",
        description="d",
        kind="identity_user",
        user="sam.patel@company.example",
        groups=["design"],
        not_apps=["netsuite"],
    )
    spare = IdentityUntouched(id="s", description="d", kind="identity_untouched", user="USR-0002")
    assert not want.judge(_evidence(world, events)).met
    for tool, args in (
        ("identity_add_to_group", {"user": "USR-0003", "group": "design"}),
        ("identity_unassign_app", {"user": "USR-0003", "app": "netsuite"}),
    ):
        events += world.call(tool, args).events
    assert want.judge(_evidence(world, events)).met and spare.judge(_evidence(world, events)).met
    events += world.call("identity_suspend", {"user": "USR-0002"}).events
    verdict = spare.judge(_evidence(world, events))
    assert not verdict.met and "user_suspended" in verdict.why
    assert want.places(None, world.state) == {"identity:USR-0003"}


def test_a_drifted_new_hire_is_a_pure_draw_and_lands_staged() -> None:
    kind = DRIFT[0]
    job = kind.compile(kind.library[0], {"identity": make_world(TWIN).state["identity"]})
    assert isinstance(job, dict)
    first = kind.occur(job, random.Random(5), {}, {})
    assert first == kind.occur(job, random.Random(5), {}, {})
    event_kind, data, target, _ = first
    assert event_kind == USER_CREATED and data["login"].endswith("@company.example")
    assert kind.compile(kind.library[0], {}) == "the world has no identity twin"


@pytest.mark.parametrize("ref", ["USR-0003", "usr-0003", "sam.patel@company.example"])
def test_users_are_found_by_id_in_any_case_or_by_login(ref: str) -> None:
    assert _user(_world(), ref)["id"] == "USR-0003"
