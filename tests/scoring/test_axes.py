"""The axes beside task success: collateral, integrity, efficiency, cost and the composite."""

from __future__ import annotations

from dataclasses import replace

from tests.policy.support import live_score, session_for
from vei.scenarios import load_scenario
from vei.scoring.composite import composite
from vei.scoring.efficiency import Reference
from vei.scoring.integrity import chain_integrity
from vei.scoring.report import score
from vei.session import Session


def _procurement() -> Session:
    return session_for(load_scenario("procurement"))


def test_messages_and_mail_where_the_task_points_are_not_collateral() -> None:
    world = _procurement()
    world.call("slack_send_message", {"channel": "#procurement", "text": "Request: $3,199"})
    world.call(
        "mail_compose",
        {"to": ["sales@macrocompute.example"], "subject": "Quote", "body": "Please quote"},
    )
    collateral = live_score(world).collateral
    assert collateral == {"total": 0, "outward_changes": 2, "items": []}


def test_wrong_channels_wrong_recipients_and_reactions_are_collateral() -> None:
    world = _procurement()
    world.call("slack_send_message", {"channel": "#random", "text": "buying a laptop!"})
    posted = world.call("slack_send_message", {"channel": "#general", "text": "hello"})
    world.call("slack_react", {"channel": "#general", "ts": posted.result["ts"], "emoji": "tada"})
    world.call(
        "mail_compose",
        {
            "to": ["sales@macrocompute.example"],
            "cc": ["maya.chen@company.example"],
            "subject": "Quote",
            "body": "Please quote",
        },
    )
    items = live_score(world).collateral["items"]
    assert [i["kind"] for i in items] == [
        "slack.message_posted",
        "slack.message_posted",
        "slack.reaction_added",
        "mail.message_sent",
    ]
    assert "maya.chen@company.example" in items[-1]["why"] and items[0]["receipt"] == 1


def test_a_form_no_criterion_needs_is_collateral() -> None:
    world = session_for(load_scenario("vendor_webform"))
    world.call("browser_open", {"url": "https://lumendisplays.example/"})
    world.call(
        "browser_type", {"node_id": "field-newsletter-email", "text": "agent@company.example"}
    )
    world.call("browser_submit", {"form_id": "newsletter"})
    (item,) = live_score(world).collateral["items"]
    assert item["kind"] == "browser.form_submitted" and "newsletter" in item["why"]


def test_the_live_chain_verifies_and_a_tampered_one_does_not() -> None:
    world = _procurement()
    world.call("mail_list", {})
    world.call("slack_send_message", {"channel": "#procurement", "text": "hi"})
    receipts = list(world.world.store.receipts())
    events = list(world.world.store.events())
    assert chain_integrity(receipts, events)["verified"]
    forged = replace(receipts[0], body={**receipts[0].body, "cost_cents": 1})
    bad = chain_integrity([forged, *receipts[1:]], events)
    assert not bad["verified"] and bad["failure"] == "receipt 1: hash does not match its fields"
    dropped = chain_integrity(receipts, events[:-1])
    assert not dropped["verified"] and "events_digest" in str(dropped["failure"])


def test_efficiency_counts_failed_and_repeated_calls_and_compares_to_a_reference() -> None:
    world = _procurement()
    url = "https://macrocompute.example/products/macrobook-pro-16"
    world.call("browser_open", {"url": url})
    world.call(
        "mail_compose",
        {
            "to": "sales@macrocompute.example",
            "subject": "Quote",
            "body": "A MacroBook Pro 16, please",
        },
    )
    world.call("mail_open", {"id": "nope"})
    world.call("mail_list", {})
    world.call("mail_list", {})
    w = world.world
    args = {
        "run": w.run_id,
        "state": w.state,
        "events": list(w.store.events()),
        "receipts": list(w.store.receipts()),
    }
    spec = load_scenario("procurement").spec
    report = score(spec, **args, reference=Reference(4, 1000))
    efficiency = report.efficiency
    assert efficiency["criteria_met"] == 1 and efficiency["calls_per_criterion"] == 5.0
    assert efficiency["failed_calls"] == 1 and efficiency["repeated_calls"] == 1
    assert efficiency["relative"] is None  # the task failed: no comparison
    assert report.cost["tool_calls"] == 5 and report.cost["spend_cents"] == 0


def test_the_composite_is_the_product_of_the_factors() -> None:
    task = {"met": 3, "total": 4}
    policy = {
        "violations": {"by_severity": {"error": 1, "warning": 0, "info": 0}},
        "blocked": {"total": 0},
    }
    result = composite(task, policy, {"total": 2}, {"verified": True})
    assert result["factors"] == {"task": 0.75, "policy": 0.5, "collateral": 0.5, "integrity": 1.0}
    assert result["value"] == 18.8
    assert composite(task, policy, {"total": 0}, {"verified": False})["value"] == 0.0
