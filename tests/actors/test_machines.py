"""Background actors act on their own schedules: a manager escalates an unanswered request,
a colleague follows up, a vendor's quote expires — and each stops when the agent acts."""

from __future__ import annotations

from typing import Any

import pytest

from tests.drift.support import session
from vei.drift import DriftConfigError
from vei.scenarios import ScenarioError
from vei.session import Session

from .support import ACTORS, MINUTE, with_actors


def _said(s: Session, actor: str) -> list[Any]:
    return [
        e
        for e in s.world.store.events()
        if e.actor == f"actor:{actor}"
        and e.kind in ("slack.message_posted", "mail.message_received")
    ]


def _status(s: Session, actor: str) -> dict[str, Any]:
    status: dict[str, Any] = s.world.state["actors"]["status"][actor]
    return status


def test_actors_only_move_with_drift() -> None:
    s = session(with_actors(), drift_mode="off")
    s.call("vei_tick", {"dt_ms": 3 * 60 * MINUTE})
    assert "actors" not in s.world.state and not _said(s, "dana")
    s.close()


def test_a_manager_escalates_an_unanswered_request_up_to_the_limit() -> None:
    s = session(with_actors(), drift_mode="light")
    s.call("vei_tick", {"dt_ms": 29 * MINUTE})
    assert not _said(s, "dana")
    s.call("vei_tick", {"dt_ms": 2 * MINUTE})
    first = _said(s, "dana")
    assert len(first) == 1 and first[0].t_ms == 30 * MINUTE
    assert first[0].data["channel"] == "dm:U00:U02" and first[0].data["user"] == "U02"
    assert "Alex, the laptop request in #procurement" in first[0].data["text"]
    assert "30 minutes" in first[0].data["text"]
    s.call("vei_tick", {"dt_ms": 4 * 60 * MINUTE})
    assert [e.t_ms for e in _said(s, "dana")] == [30 * MINUTE, 60 * MINUTE]
    assert _status(s, "dana") == {"state": "escalated", "count": 2}
    s.close()


def test_a_manager_stands_down_once_the_agent_answers() -> None:
    s = session(with_actors(), drift_mode="light")
    s.call("slack_send_message", {"channel": "#procurement", "text": "On it, Maya!"})
    s.call("vei_tick", {"dt_ms": 2 * 60 * MINUTE})
    assert not _said(s, "dana") and _status(s, "dana")["state"] == "resolved"
    s.close()


def test_a_colleague_follows_up_in_the_thread_of_her_mail() -> None:
    s = session(with_actors(), drift_mode="light")
    s.call("vei_tick", {"dt_ms": 61 * MINUTE})
    (followup,) = _said(s, "maya")
    assert followup.kind == "mail.message_received" and followup.t_ms == 60 * MINUTE
    assert followup.data["from"] == "maya.chen@company.example"
    assert followup.data["subject"] == "Re: Laptop for the new designer"
    assert followup.data["in_reply_to"] == "msg-s1"
    assert (
        followup.data["body"]
        == "Hi Alex, just checking in on this (60 minutes so far). Thanks, Maya"
    )
    s.call("vei_tick", {"dt_ms": 3 * 60 * MINUTE})
    assert len(_said(s, "maya")) == 1  # max_followups
    s.close()


def test_a_colleague_who_got_an_answer_does_not_follow_up() -> None:
    s = session(with_actors(), drift_mode="light")
    args = {"to": ["maya.chen@company.example"], "subject": "Laptop", "body": "On it."}
    s.call("mail_compose", args)
    s.call("vei_tick", {"dt_ms": 2 * 60 * MINUTE})
    assert not _said(s, "maya") and _status(s, "maya")["state"] == "resolved"
    s.close()


def _request_quote(s: Session) -> None:
    args = {
        "to": ["sales@macrocompute.example"],
        "subject": "Quote",
        "body": "A MacroBook Pro 16, please?",
    }
    s.call("mail_compose", args)
    s.call("vei_tick", {"dt_ms": 1 * MINUTE})  # the vendor NPC answers after 15 s


def test_a_vendor_quote_expires_with_a_new_price() -> None:
    s = session(with_actors(), drift_mode="light")
    _request_quote(s)
    status = _status(s, "macro_quote")
    assert status["state"] == "quoted" and status["amount_cents"] == 309_900
    s.call("vei_tick", {"dt_ms": 25 * MINUTE})
    (notice,) = _said(s, "macro_quote")
    assert notice.t_ms == status["since_ms"] + 20 * MINUTE
    assert notice.data["from"] == "sales@macrocompute.example"
    assert notice.data["in_reply_to"] == status["message"]
    assert "$3,099" in notice.data["body"] and "$3,253" in notice.data["body"]
    assert _status(s, "macro_quote")["state"] == "expired"
    s.close()


def test_a_quote_the_agent_answered_in_time_holds() -> None:
    s = session(with_actors(), drift_mode="light")
    _request_quote(s)
    args = {"to": ["sales@macrocompute.example"], "subject": "Order", "body": "We accept."}
    s.call("mail_compose", args)
    s.call("vei_tick", {"dt_ms": 30 * MINUTE})
    assert not _said(s, "macro_quote") and _status(s, "macro_quote")["state"] == "accepted"
    s.close()


def test_actors_replay_to_the_same_state() -> None:
    hashes = []
    for _ in range(2):
        s = session(with_actors(), drift_mode="fast")
        _request_quote(s)
        s.call("vei_tick", {"dt_ms": 3 * 60 * MINUTE})
        hashes.append((s.world.state_hash(), s.world.chain_head))
        s.close()
    assert hashes[0] == hashes[1]


def test_actor_declarations_are_checked() -> None:
    bad_user = [{**ACTORS[0], "user": "nobody"}]
    with pytest.raises(DriftConfigError, match="unknown chat user 'nobody'"):
        session(with_actors(bad_user), drift_mode="light")
    with pytest.raises(Exception, match="uses {price}"):
        with_actors([{**ACTORS[2], "templates": ["Now {price}"]}])
    with pytest.raises(Exception, match="used twice"):
        with_actors([ACTORS[0], ACTORS[0]])
    with pytest.raises(ScenarioError, match="after_ms"):
        with_actors([{**ACTORS[1], "after_ms": 0}])


def test_agents_see_what_actors_say_not_their_state_machines() -> None:
    s = session(with_actors(), drift_mode="light")
    delivered = s.call("vei_tick", {"dt_ms": 61 * MINUTE}).result["delivered"]
    observed = s.call("vei_observe", {}).result["new_events"]
    s.close()
    actors = [d for d in delivered if str(d["actor"]).startswith("actor:")]
    assert {d["kind"] for d in actors} == {"slack.message_posted", "mail.message_received"}
    assert not [d for d in delivered + observed if str(d["kind"]).startswith("actors.")]
