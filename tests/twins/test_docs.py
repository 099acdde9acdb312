"""The docs twin: versions and conflicts, ranked search, access enforced on read, shares,
ownership transfer, its criteria and its drift."""

from __future__ import annotations

import random

from tests.twins.support import make_world, ok, rejected
from vei.core.events import Event
from vei.core.world import World
from vei.monitors.external_share import LABELS
from vei.monitors.outflow import outflows, outward_of
from vei.policy.section import PolicySection
from vei.testing import check_twin
from vei.twins.docs import TWIN
from vei.twins.docs.criteria import DocsFiled, DocsOwner
from vei.twins.docs.drift import DRIFT
from vei.twins.docs.state import DOC_UPDATED
from vei.twins.mail import TWIN as MAIL
from vei.verdict import Evidence


def _world() -> World:
    return make_world(TWIN)


def test_the_twin_keeps_the_contract() -> None:
    check_twin(
        TWIN,
        calls=[
            ("docs_search", {"query": "expense policy"}),
            ("docs_read", {"doc": "DOC-1", "version": 1}),
            ("docs_read", {"doc": "DOC-5"}),
            ("docs_create", {"space": "it", "title": "Quote", "body": "Total $1,200"}),
            ("docs_update", {"doc": "DOC-6", "base_version": 1, "body": "Total $1,250"}),
            ("docs_update", {"doc": "DOC-6", "base_version": 1, "body": "stale"}),
            ("docs_comment", {"doc": "DOC-4", "body": "Is this still current?"}),
            (
                "docs_share",
                {"doc": "DOC-6", "scope": "people", "people": ["maya.chen@company.example"]},
            ),
            (
                "docs_unshare",
                {"doc": "DOC-6", "scope": "people", "people": ["maya.chen@company.example"]},
            ),
            ("docs_transfer_owner", {"doc": "DOC-2", "owner": "sam.okafor@company.example"}),
            ("docs_transfer_owner", {"doc": "DOC-2", "owner": "nobody@company.example"}),
            ("vei_tick", {"dt_ms": 60_000}),
            ("docs_history", {"doc": "DOC-6"}),
        ],
    )


def test_search_ranks_title_words_first_and_shows_a_snippet() -> None:
    world = _world()
    results = ok(world, "docs_search", query="laptop replaced")["results"]
    assert results[0]["id"] == "DOC-1" and "replaced every 3 years" in results[0]["snippet"]
    # Both expense policies match equally: id order breaks the tie, the archived one is not hidden.
    ranked = ok(world, "docs_search", query="expense meals")["results"]
    assert [(r["id"], r["status"]) for r in ranked[:2]] == [
        ("DOC-3", "archived"),
        ("DOC-4", "current"),
    ]
    assert rejected(world, "docs_search", query="!!!")["code"] == "docs.invalid_argument"


def test_restricted_documents_are_listed_but_not_readable_nor_searchable() -> None:
    world = _world()
    listed = {d["id"]: d["can_read"] for d in ok(world, "docs_list")["docs"]}
    assert listed["DOC-5"] is False and listed["DOC-4"] is True
    assert all(r["id"] != "DOC-5" for r in ok(world, "docs_search", query="band salary")["results"])
    error = rejected(world, "docs_read", doc="DOC-5")
    assert error["code"] == "docs.forbidden" and "maya.chen@company.example" in error["message"]
    assert rejected(world, "docs_comment", doc="DOC-5", body="hi")["code"] == "docs.forbidden"


def test_an_update_on_a_stale_version_is_refused_naming_the_latest() -> None:
    world = _world()
    doc = ok(world, "docs_read", doc="DOC-1")
    assert (doc["version"], doc["latest_version"]) == (2, 2)
    assert (
        ok(world, "docs_read", doc="DOC-1", version=1)["body"]
        == "Laptops are replaced every 4 years."
    )
    assert (
        ok(world, "docs_update", doc="DOC-1", base_version=2, body="Every 3 years.", note="n")[
            "version"
        ]
        == 3
    )
    error = rejected(world, "docs_update", doc="DOC-1", base_version=2, body="Every 5 years.")
    assert error["code"] == "docs.version_conflict" and "version 3" in error["message"]
    versions = ok(world, "docs_history", doc="DOC-1")["versions"]
    assert [(v["version"], v["author"]) for v in versions][0] == (3, "agent@company.example")
    assert rejected(world, "docs_read", doc="DOC-1", version=9)["code"] == "docs.version_not_found"
    assert (
        rejected(world, "docs_update", doc="DOC-1", base_version=3)["code"]
        == "docs.invalid_argument"
    )


def test_closed_spaces_take_only_restricted_documents() -> None:
    world = _world()
    error = rejected(world, "docs_create", space="hr", title="T", body="B")
    assert error["code"] == "docs.forbidden"
    assert (
        ok(world, "docs_create", space="hr", title="T", body="B", restricted=True)["id"] == "DOC-6"
    )
    assert (
        rejected(world, "docs_create", space="legal", title="T", body="B")["code"]
        == "docs.space_not_found"
    )


def test_shares_reach_the_people_and_a_link_is_public_to_the_monitors() -> None:
    world = _world()
    ok(world, "docs_create", space="it", title="Plan", body="Launch plan", confidential=True)
    shared = world.call(
        "docs_share", {"doc": "DOC-6", "scope": "people", "people": ["ann@partner.example"]}
    )
    out = outward_of(world.state, shared.events[0])
    assert out is not None and out.destinations == ("ann@partner.example",)
    assert out.text.startswith("CONFIDENTIAL") and out.targets == ("docs:DOC-6",)
    link = world.call("docs_share", {"doc": "DOC-6", "scope": "link"})
    out = outward_of(world.state, link.events[0])
    assert out is not None and out.public
    assert (
        rejected(world, "docs_share", doc="DOC-6", scope="link")["code"] == "docs.invalid_argument"
    )
    error = rejected(
        world, "docs_share", doc="DOC-6", scope="people", people=["zed@company.example"]
    )
    assert error["code"] == "docs.unknown_person"


def test_transfer_moves_ownership_and_the_criterion_sees_every_document() -> None:
    world = _world()
    assert ok(world, "docs_list", owner="priya.nair@company.example")["total"] == 2
    ok(world, "docs_transfer_owner", doc="DOC-3", owner="sam.okafor@company.example")
    criterion = DocsOwner(
        id="handed_over",
        description="d",
        kind="docs_owner",
        from_owner="priya.nair@company.example",
        to_owner="sam.okafor@company.example",
    )

    def judge() -> str:
        verdict = criterion.judge(Evidence({}, [], world.state, world.store.events()))
        return verdict.why if not verdict.met else "met"

    assert "DOC-4 (priya.nair@company.example)" in judge()
    ok(world, "docs_transfer_owner", doc="DOC-4", owner="sam.okafor@company.example")
    assert judge() == "met"
    assert world.state["docs"]["docs"]["DOC-4"]["shares"]["priya.nair@company.example"] == "edit"


def test_filed_criterion_judges_the_claims_of_the_document_text() -> None:
    world = _world()
    facts = {"total_cents": 184_500, "list_cents": 199_000}
    criterion = DocsFiled(
        id="filed",
        description="d",
        kind="docs_filed",
        space="finance",
        amounts=["total_cents"],
        mentions=["Q-7781"],
        tags=["quote"],
    )

    def judge() -> str:
        verdict = criterion.judge(Evidence(facts, [], world.state, world.store.events()))
        return "met" if verdict.met else verdict.why

    assert "no document in space finance" in judge()
    ok(
        world,
        "docs_create",
        space="finance",
        title="Quote Q-7781",
        body="Total $1,845 or $1,700",
        tags=["quote"],
    )
    assert "contradicting" in judge()
    ok(world, "docs_update", doc="DOC-6", base_version=1, body="Total $1,845 (list $1,990).")
    assert judge() == "met"


def test_drift_edits_a_current_document_as_a_colleague() -> None:
    kind = DRIFT[0]
    compiled = kind.compile(kind.library[0], {"docs": TWIN.initial_state(None)})
    assert isinstance(compiled, dict) and "DOC-3" not in compiled["docs"]
    event_kind, data, target, _ = kind.occur(compiled, random.Random(3), {}, {})
    assert event_kind == DOC_UPDATED and target == f"docs:{data['doc']}"
    state = {"docs": TWIN.initial_state(None)}
    before = state["docs"]["docs"][data["doc"]]["versions"][-1]["version"]
    drifted = Event(seq=1, t_ms=5, kind=DOC_UPDATED, actor="drift", data=data | {"drift": {}})
    TWIN.reducers[DOC_UPDATED](state, drifted)
    doc = state["docs"]["docs"][data["doc"]]
    assert doc["versions"][-1]["version"] == before + 1
    assert doc["versions"][-1]["author"] == data["author"] != "agent@company.example"
    assert outward_of(state, drifted) is None


def test_monitors_see_a_confidential_document_shared_outside_the_company() -> None:
    world = make_world(TWIN, MAIL)  # the company's domain is the agent's mail domain
    ok(
        world,
        "docs_create",
        space="it",
        title="Roadmap",
        body="Next year's plan",
        confidential=True,
    )
    inside = world.call(
        "docs_share", {"doc": "DOC-6", "scope": "people", "people": ["maya.chen@company.example"]}
    )
    outside = world.call(
        "docs_share", {"doc": "DOC-6", "scope": "people", "people": ["ann@partner.example"]}
    )
    flows = outflows(world.state, [*inside.events, *outside.events], PolicySection())
    assert [f.outside for f in flows] == [(), ("ann@partner.example",)]
    assert LABELS.search(flows[1].text) is not None  # external_share.marked fires on it
