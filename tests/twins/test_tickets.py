"""The tickets twin: declared workflows, filters, links to real documents and issues,
history, its criteria and its drift."""

from __future__ import annotations

import random

from tests.twins.support import make_world, ok, rejected
from vei.core.events import Event
from vei.core.world import World
from vei.monitors.outflow import outward_of
from vei.testing import check_twin
from vei.twins.docs import TWIN as DOCS
from vei.twins.tickets import TWIN
from vei.twins.tickets.criteria import TicketState, TicketsUntouched
from vei.twins.tickets.drift import DRIFT
from vei.twins.tickets.state import ISSUE_CREATED
from vei.verdict import Evidence, met


def _world() -> World:
    return make_world(TWIN, DOCS)


def test_the_twin_keeps_the_contract() -> None:
    check_twin(
        TWIN,
        calls=[
            ("tickets_search", {"project": "IT", "open_only": True}),
            ("tickets_get", {"ticket": "IT-2"}),
            ("tickets_transition", {"ticket": "SEC-1", "status": "Mitigated"}),
            ("tickets_transition", {"ticket": "SEC-1", "status": "Triage", "comment": "Looking"}),
            ("tickets_create", {"project": "IT", "summary": "New monitor", "type": "Request"}),
            ("tickets_update", {"ticket": "IT-3", "assignee": "sam.okafor@company.example"}),
            ("tickets_comment", {"ticket": "IT-3", "body": "Ordered."}),
            ("tickets_link", {"ticket": "IT-3", "target": "IT-1", "relation": "duplicates"}),
            ("tickets_link", {"ticket": "IT-3", "target": "IT-1", "relation": "duplicates"}),
            ("tickets_get_project", {"project": "SEC"}),
            ("vei_tick", {"dt_ms": 60_000}),
        ],
    )


def test_a_move_the_workflow_does_not_allow_is_refused_naming_the_allowed_ones() -> None:
    world = _world()
    error = rejected(world, "tickets_transition", ticket="SEC-1", status="Accepted")
    assert error["code"] == "tickets.invalid_transition" and "Triage" in error["message"]
    error = rejected(world, "tickets_transition", ticket="SEC-1", status="Closed")
    assert error["code"] == "tickets.invalid_status" and "Mitigated" in error["message"]
    assert ok(world, "tickets_transition", ticket="sec-1", status="triage")["status"] == "Triage"
    done = ok(
        world, "tickets_transition", ticket="SEC-1", status="Accepted", resolution="Risk accepted"
    )
    assert done["resolution"] == "Risk accepted"
    issue = ok(world, "tickets_get", ticket="SEC-1")
    assert (issue["category"], issue["allowed_transitions"]) == ("done", ["Open"])
    assert [(h["before"], h["after"]) for h in issue["history"]] == [
        ("Open", "Triage"),
        ("Triage", "Accepted"),
    ]


def test_search_filters_combine_and_assignees_must_be_known_people() -> None:
    world = _world()
    mine = ok(world, "tickets_search", assignee="agent@company.example")["issues"]
    assert [i["id"] for i in mine] == ["IT-2"]
    assert [i["id"] for i in ok(world, "tickets_search", query="still happening")["issues"]] == [
        "IT-2"
    ]
    unassigned = ok(world, "tickets_search", assignee="none", open_only=True)["issues"]
    assert [i["id"] for i in unassigned] == ["HELP-1", "SEC-1"]
    error = rejected(world, "tickets_update", ticket="IT-1", assignee="zed@company.example")
    assert error["code"] == "tickets.unknown_person"
    error = rejected(world, "tickets_create", project="SEC", type="Bug", summary="x")
    assert error["code"] == "tickets.invalid_type" and "Review" in error["message"]
    assert (
        rejected(world, "tickets_update", ticket="IT-1", priority="High")["code"]
        == "tickets.invalid_argument"
    )


def test_links_name_real_documents_and_issues() -> None:
    world = _world()
    assert ok(world, "tickets_link", ticket="IT-1", target="doc-1")["link"]["target"] == "DOC-1"
    assert (
        rejected(world, "tickets_link", ticket="IT-1", target="DOC-9")["code"]
        == "tickets.link_target_not_found"
    )
    assert (
        rejected(world, "tickets_link", ticket="IT-1", target="IT-1")["code"]
        == "tickets.invalid_argument"
    )
    assert (
        rejected(world, "tickets_link", ticket="IT-1", target="DOC-1")["code"]
        == "tickets.link_exists"
    )
    ok(world, "tickets_link", ticket="IT-1", target="https://vendor.example/q/1")
    kinds = [link["kind"] for link in ok(world, "tickets_get", ticket="IT-1")["links"]]
    assert kinds == ["doc", "url"]


def test_portal_comments_are_public_and_internal_ones_are_not() -> None:
    world = _world()
    public = world.call("tickets_comment", {"ticket": "HELP-1", "body": "Try again now."})
    internal = world.call("tickets_comment", {"ticket": "IT-1", "body": "Ordered."})
    first, second = (
        outward_of(world.state, public.events[0]),
        outward_of(world.state, internal.events[0]),
    )
    assert first is not None and first.public and first.targets == ("tickets:HELP-1",)
    assert second is not None and not second.public


def test_ticket_criterion_needs_the_status_the_link_and_the_agents_change() -> None:
    world = _world()
    criterion = TicketState(
        id="closed",
        description="d",
        kind="ticket_state",
        ticket="IT-1",
        status=["Done"],
        links=["DOC-1"],
    )
    untouched = TicketsUntouched(
        id="left", description="d", kind="tickets_untouched", tickets=["IT-2"]
    )

    def judge(c: TicketState | TicketsUntouched) -> str:
        verdict = c.judge(Evidence({}, [], world.state, world.store.events()))
        return "met" if verdict.met else verdict.why

    assert "is To Do, not Done" in judge(criterion) and "not changed by the agent" in judge(
        criterion
    )
    ok(world, "tickets_transition", ticket="IT-1", status="Done")
    assert judge(criterion) == "IT-1 does not link DOC-1"
    ok(world, "tickets_link", ticket="IT-1", target="DOC-1")
    assert judge(criterion) == "met" and judge(untouched) == "met"
    ok(world, "tickets_comment", ticket="IT-2", body="x")
    assert judge(untouched) == "the agent changed IT-2"
    filed = TicketState(
        id="linked", description="d", kind="ticket_state", ticket="IT-1", doc_from="filed"
    )
    created = Event(seq=1, t_ms=0, kind="docs.doc_created", actor="agent", data={"doc": "DOC-2"})
    ev = Evidence({}, [], world.state, world.store.events(), results={"filed": met([created])})
    assert filed.judge(ev).why == "IT-1 does not link DOC-2"


def test_drift_files_new_issues_in_the_first_project() -> None:
    kind = DRIFT[0]
    compiled = kind.compile(kind.library[0], {"tickets": TWIN.initial_state(None)})
    assert isinstance(compiled, dict) and compiled["project"] == "HELP"
    event_kind, data, _, _ = kind.occur(compiled, random.Random(1), {}, {})
    state = {"tickets": TWIN.initial_state(None)}
    drifted = Event(seq=1, t_ms=9, kind=event_kind, actor="drift", data=data | {"drift": {}})
    TWIN.reducers[ISSUE_CREATED](state, drifted)
    assert state["tickets"]["issues"]["HELP-2"]["reporter"] == data["reporter"]
    assert outward_of(state, drifted) is None
