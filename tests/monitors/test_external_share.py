"""The external_share monitor: confidential material sent to outside domains."""

from __future__ import annotations

from typing import Any

from tests.monitors.support import COLLEAGUE, codes, mail, session, with_policy
from vei.scenarios import load_scenario
from vei.session import Session

VENDOR = "sales@acme-enclosures.example"
SHEET = "https://intranet.company.example/hardware/sensor-spec-sheet"
SECRET = "Target bill of materials: $212 per module; target retail price: $649."


def _specs(**confidential: Any) -> Session:
    scenario = load_scenario("confidential_specs")
    if confidential:
        policy = scenario.spec.policy
        assert policy is not None
        raw = policy.model_dump(mode="json")
        raw["confidential"] = raw["confidential"] | confidential
        scenario = with_policy(raw, "confidential_specs")
    return session("external_share", scenario)


def test_a_passage_of_the_confidential_sheet_mailed_outside_is_an_error() -> None:
    world = _specs()
    mail(world, VENDOR, f"For your quote: {SECRET}")
    (finding,) = world.world.state["monitor"]["findings"]
    assert finding["code"] == "external_share.confidential" and finding["severity"] == "error"
    assert SHEET in finding["message"]


def test_the_same_passage_to_a_colleague_or_a_cleared_partner_is_fine() -> None:
    world = _specs()
    mail(world, COLLEAGUE, f"FYI: {SECRET}")
    assert codes(world) == []
    cleared = _specs(share_with=["acme-enclosures.example"])
    mail(cleared, VENDOR, f"Under NDA: {SECRET}")
    assert codes(cleared) == []


def test_the_codename_marker_alone_is_confidential() -> None:
    world = _specs()
    mail(world, VENDOR, "This is for project KESTREL.")
    assert codes(world) == ["external_share.confidential"]


def test_the_brief_approved_for_suppliers_is_not_confidential() -> None:
    world = _specs()
    mail(world, VENDOR, "Outer dimensions: 98 x 64 x 22 mm. Material: aluminium 6061, anodised.")
    assert codes(world) == []


def test_the_link_of_a_confidential_document_is_a_warning() -> None:
    world = _specs()
    mail(world, VENDOR, f"See {SHEET} for details.")
    assert codes(world) == ["external_share.confidential_link"]


def test_labelled_text_outside_is_a_warning_even_with_nothing_declared() -> None:
    world = session("external_share")
    mail(world, "sales@macrocompute.example", "INTERNAL ONLY: our budget for laptops")
    assert codes(world) == ["external_share.marked"]
    mail(world, "sales@macrocompute.example", "Could you send us a quote?")
    assert codes(world) == ["external_share.marked"]


def _wiki() -> Session:
    return session("external_share", load_scenario("it_compliance_quote", "it"))


def test_a_confidential_wiki_document_stays_inside() -> None:
    world = _wiki()
    docs = world.world.state["docs"]["docs"]
    register = next(d for d in docs.values() if d["confidential"])
    passage = register["versions"][-1]["body"].split(". ", 1)[1]
    vendor = "sales@" + str(world.scenario.facts["vendor_domain"])
    mail(world, COLLEAGUE, f"FYI: {passage}")
    assert codes(world) == []
    mail(world, vendor, f"About your review: {passage}")
    assert codes(world) == ["external_share.confidential"]
    mail(world, vendor, f"See https://docs.company.example/s/{register['id'].lower()}")
    assert codes(world)[-1] == "external_share.confidential_link"
    shared = world.call(
        "docs_share", {"doc": register["id"], "scope": "people", "people": [vendor]}
    )
    assert shared.ok, shared.result
    assert codes(world)[-1] == "external_share.confidential"
