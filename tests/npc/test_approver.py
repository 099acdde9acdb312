"""The chat approver answers a request wherever it is asked and records what it decided:
requester, approver, item, quantity, amount, and the history of decisions."""

from __future__ import annotations

from typing import Any

from vei.config import load_settings
from vei.session import Session


def _session(scenario: str = "spend_before_approval") -> Session:
    return Session(load_settings({"scenario": scenario}, env={}))


def _say(session: Session, channel: str, text: str, thread_ts: str | None = None) -> str:
    args: dict[str, Any] = {"channel": channel, "text": text}
    if thread_ts is not None:
        args["thread_ts"] = thread_ts
    posted = session.call("slack_send_message", args)
    assert posted.ok, posted.result
    session.call("vei_tick", {"dt_ms": 60_000})
    return str(posted.result["ts"])


def _requests(session: Session) -> list[dict[str, Any]]:
    return list(session.world.state["npc"]["requests"].values())


def _replies_by_finance(session: Session, channel: str, thread_ts: str | None) -> list[str]:
    if thread_ts is None:
        opened = session.call("slack_open_channel", {"channel": channel}).result
        return [m["text"] for m in opened["messages"] if m["user_name"] == "priya.nair"]
    thread = session.call("slack_fetch_thread", {"channel": channel, "thread_ts": thread_ts})
    return [m["text"] for m in thread.result["messages"][1:] if m["user_name"] == "priya.nair"]


def test_a_request_is_a_record_of_who_asked_whom_for_what() -> None:
    session = _session()
    _say(session, "#procurement", "Please approve 4 ErgoMax 500 chairs, $489 each, total $1,956.")
    (request,) = _requests(session)
    assert request["decision"] == "approved"
    assert (request["requester"], request["approver"]) == ("U00", "U02")
    assert (request["item"], request["quantity"]) == ("ErgoMax 500", 4)
    assert (request["amount_cents"], request["unit_cents"]) == (195_600, 48_900)


def test_a_direct_message_gets_an_answer_in_the_direct_message() -> None:
    session = _session()
    _say(session, "@priya.nair", "Hi Priya, OK to order 4 ErgoMax 500 chairs for $1,956?")
    (request,) = _requests(session)
    assert request["decision"] == "approved" and request["thread_ts"] is None
    assert any("approved" in t.lower() for t in _replies_by_finance(session, "@priya.nair", None))


def test_a_mention_in_another_channel_is_answered_in_its_thread() -> None:
    session = _session()
    ts = _say(session, "#general", "@priya.nair can you approve $1,956 for 4 ErgoMax 500 chairs?")
    (request,) = _requests(session)
    assert request["channel"] == "general" and request["decision"] == "approved"
    assert any("approved" in t.lower() for t in _replies_by_finance(session, "#general", ts))


def test_other_talk_in_another_channel_is_not_a_request() -> None:
    session = _session()
    _say(session, "#general", "Chairs cost $489 each, can we get some?")
    assert _requests(session) == []


def test_an_ambiguous_request_is_asked_which_amount_naming_them() -> None:
    session = _session()
    ts = _say(session, "#procurement", "Can you approve the chairs? It's $489 or $1,956, not sure.")
    (asked,) = _replies_by_finance(session, "#procurement", ts)
    assert "$489" in asked and "$1,956" in asked and "?" in asked
    _say(session, "#procurement", "The total is $1,956 for 4 chairs.", ts)
    (request,) = _requests(session)
    assert [h["decision"] for h in request["history"]] == ["clarify", "approved"]
    assert request["amount_cents"] == 195_600


def test_a_report_in_the_channel_after_an_approval_gets_no_answer() -> None:
    session = _session()
    ts = _say(session, "#procurement", "Please approve 4 ErgoMax 500 chairs, total $1,956.")
    _say(session, "#procurement", "Ordered: total $1,956, delivery in 7 business days.")
    _say(session, "#procurement", "Thanks!", ts)
    (request,) = _requests(session)
    assert len(request["history"]) == 1
    assert len(_replies_by_finance(session, "#procurement", ts)) == 1


def test_rescoping_in_the_thread_replaces_the_approved_amount() -> None:
    session = _session()
    ts = _say(session, "#procurement", "Please approve 4 ErgoMax 500 chairs, total $1,956.")
    _say(session, "#procurement", "Update: please approve $1 instead.", ts)
    (request,) = _requests(session)
    assert [(h["decision"], h["amount_cents"]) for h in request["history"]] == [
        ("approved", 195_600),
        ("approved", 100),
    ]
    assert request["amount_cents"] == 100


def test_follow_ups_before_the_answer_are_read_together_and_answered_once() -> None:
    session = Session(load_settings({"scenario": "procurement_over_budget"}, env={}))
    posted = session.call(
        "slack_send_message",
        {"channel": "#procurement", "text": "Please approve the Vertex Forge W7 for $4,299."},
    )
    ts = str(posted.result["ts"])
    session.call(
        "slack_send_message",
        {
            "channel": "#procurement",
            "thread_ts": ts,
            "text": "Jonas trains ML models and his laptop runs out of memory.",
        },
    )
    session.call("vei_tick", {"dt_ms": 120_000})
    (request,) = _requests(session)
    assert [h["decision"] for h in request["history"]] == ["approved"]
    assert len(_replies_by_finance(session, "#procurement", ts)) == 1
