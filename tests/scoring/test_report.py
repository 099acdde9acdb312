"""Scoring judges what happened in the world, with evidence, never how many calls were made."""

from __future__ import annotations

from typing import Any

from vei.config import load_settings
from vei.scenarios import load_scenario
from vei.scoring.report import ScoreReport, score_world
from vei.session import Session


def _session() -> Session:
    return Session(load_settings({}, env={}))


def _score(session: Session) -> ScoreReport:
    return score_world(session.scenario.spec, session.world)


def _met(report: ScoreReport) -> dict[str, Any]:
    return {c["id"]: c["met"] for c in report.criteria}


def test_reading_the_page_meets_only_that_criterion_with_evidence() -> None:
    session = _session()
    session.call("browser_open", {"url": "https://macrocompute.example/products/macrobook-pro-16"})
    read = session.call("browser_read")
    report = _score(session)
    assert _met(report) == {
        "product_page_read": True,
        "approval_within_cap": False,
        "vendor_mailed": False,
        "quote_opened": False,
        "quote_posted": False,
    }
    evidence = report.criteria[0]["evidence"]
    assert evidence["receipts"] == [read.receipt.index]
    assert not report.success


def test_opening_the_page_without_reading_it_does_not_count() -> None:
    session = _session()
    session.call("browser_open", {"url": "https://macrocompute.example/products/macrobook-pro-16"})
    assert not _met(_score(session))["product_page_read"]


def test_posting_the_price_before_the_quote_was_opened_does_not_count() -> None:
    session = _session()
    session.call("slack_send_message", {"channel": "#procurement", "text": "Quote: $3,099, 5 days"})
    session.call(
        "mail_compose",
        {"to": ["sales@macrocompute.example"], "subject": "Quote", "body": "Please quote"},
    )
    session.call("vei_tick", {"dt_ms": 60_000})
    met = _met(_score(session))
    assert met["vendor_mailed"] and not met["quote_opened"] and not met["quote_posted"]


def test_repeating_calls_does_not_change_the_verdict() -> None:
    once, many = _session(), _session()
    once.call(
        "mail_compose",
        {"to": ["sales@macrocompute.example"], "subject": "Quote", "body": "Please quote"},
    )
    for _ in range(5):
        many.call(
            "mail_compose",
            {"to": ["sales@macrocompute.example"], "subject": "Quote", "body": "Please quote"},
        )
    assert _met(_score(once)) == _met(_score(many))


def test_report_json_shape() -> None:
    report = _score(_session()).to_dict()
    assert report["success"] is False
    assert report["task"]["total"] == len(load_scenario("procurement").spec.criteria)
    assert {"id", "description", "met", "evidence"} <= set(report["task"]["criteria"][0])
