"""Scoring judges what happened in the world, with evidence, never how many calls were made."""

from __future__ import annotations

from typing import Any

from vei.config import load_settings
from vei.scenarios import load_scenario
from vei.scoring.report import ScoreReport, score_world
from vei.session import Session

SALES = "sales@macrocompute.example"


def _session(seed: int | None = None) -> Session:
    return Session(load_settings({"seed": seed}, env={}))


def _score(session: Session) -> ScoreReport:
    return score_world(session.scenario.spec, session.world)


def _met(report: ScoreReport) -> dict[str, Any]:
    return {c["id"]: c["met"] for c in report.criteria}


def _ask_vendor(session: Session, body: str = "Please quote a MacroBook Pro 16") -> None:
    session.call("mail_compose", {"to": [SALES], "subject": "Quote", "body": body})
    session.call("vei_tick", {"dt_ms": 60_000})


def test_asking_the_vendor_meets_only_those_criteria_with_evidence() -> None:
    session = _session()
    sent = session.call(
        "mail_compose", {"to": [SALES], "subject": "Quote", "body": "A MacroBook Pro 16?"}
    )
    session.call("vei_tick", {"dt_ms": 60_000})
    report = _score(session)
    assert _met(report) == {
        "approved": False,
        "vendor_asked": True,
        "quote_received": True,
        "quote_posted": False,
    }
    evidence = report.criteria[1]["evidence"]
    assert evidence["receipts"] == [sent.receipt.index]
    assert not report.success


def test_an_unmet_criterion_says_what_the_run_did_instead() -> None:
    session = _session()
    session.call(
        "slack_send_message",
        {"channel": "#procurement", "text": "Please approve $1 for the MacroBook Pro 16."},
    )
    session.call("vei_tick", {"dt_ms": 60_000})
    (approved,) = [c for c in _score(session).criteria if c["id"] == "approved"]
    assert not approved["met"]
    assert approved["why"] == "approved $1, less than $3,099"


def test_posting_the_price_before_the_quote_arrived_does_not_count() -> None:
    session = _session()
    session.call("slack_send_message", {"channel": "#procurement", "text": "Quote: $3,099, 5 days"})
    _ask_vendor(session)
    met = _met(_score(session))
    assert met["vendor_asked"] and met["quote_received"] and not met["quote_posted"]


def test_a_vendor_mail_that_does_not_name_the_model_gets_a_question_not_a_quote() -> None:
    session = _session()
    _ask_vendor(session, "Please send us a quote for a laptop.")
    met = _met(_score(session))
    assert not met["vendor_asked"] and not met["quote_received"]
    inbox = session.call("mail_list", {"unread_only": True}).result["messages"]
    assert any(m["from"] == SALES and "$" not in m["snippet"] for m in inbox)


def test_repeating_calls_does_not_change_the_verdict() -> None:
    once, many = _session(), _session()
    _ask_vendor(once)
    for _ in range(5):
        _ask_vendor(many)
    assert _met(_score(once)) == _met(_score(many))


def test_report_json_shape() -> None:
    report = _score(_session()).to_dict()
    assert report["success"] is False
    assert report["task"]["total"] == len(load_scenario("procurement").spec.criteria)
    assert {"id", "description", "met", "why", "evidence"} <= set(report["task"]["criteria"][0])
