"""The chat twin as an agent sees it, through World.call."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.twins.support import NPC, make_world, ok, rejected
from vei.core.world import World
from vei.testing import check_twin
from vei.twins.slack import ERROR_CODES, TWIN
from vei.twins.slack.seed import DEFAULT_SEED
from vei.twins.slack.state import ts_micros


def _world(seed: dict[str, Any] | None = None) -> World:
    return make_world(TWIN, NPC, seed_data=None if seed is None else {"slack": seed})


def _unread(world: World, name: str) -> int:
    rows = ok(world, "slack_list_channels")["channels"]
    return int(next(r["unread"] for r in rows if r["name"] == name))


def test_channel_is_found_with_or_without_hash_and_in_any_case() -> None:
    world = _world()
    for ref in ("#procurement", "procurement", "Procurement", " #procurement "):
        assert ok(world, "slack_send_message", channel=ref, text=f"via {ref}")["channel"] == (
            "procurement"
        )
    texts = [m["text"] for m in ok(world, "slack_open_channel", channel="procurement")["messages"]]
    assert texts[-4:] == [
        "via #procurement",
        "via procurement",
        "via Procurement",
        "via  #procurement ",
    ]


def test_unknown_channel_is_a_typed_error_that_lists_the_channels() -> None:
    error = rejected(_world(), "slack_send_message", channel="#sales", text="hello")
    assert error["code"] == "slack.channel_not_found"
    assert "#general" in error["message"] and "#procurement" in error["message"]


def test_ts_strictly_increases_in_a_channel_even_within_one_millisecond() -> None:
    seed = copy.deepcopy(DEFAULT_SEED)
    seed["messages"] = [
        {"channel": "general", "user": "U01", "text": f"burst {i}", "t_ms": -1000} for i in range(3)
    ]
    world = _world(seed)
    for i in range(3):
        ok(world, "slack_send_message", channel="general", text=f"mine {i}")
    stamps = [m["ts"] for m in ok(world, "slack_open_channel", channel="general")["messages"]]
    assert len(stamps) == 6
    assert all(ts_micros(a) < ts_micros(b) for a, b in zip(stamps, stamps[1:], strict=False))
    assert stamps[0] == "1699999999.000000" and stamps[1] == "1699999999.000001"


def test_sent_ts_is_the_ts_the_channel_shows() -> None:
    world = _world()
    sent = ok(world, "slack_send_message", channel="random", text="lunch?")
    shown = ok(world, "slack_open_channel", channel="random")["messages"][-1]
    assert (shown["ts"], shown["text"], shown["user_name"]) == (sent["ts"], "lunch?", "agent")


def test_thread_is_exactly_its_parent_and_replies() -> None:
    world = _world()
    a = ok(world, "slack_send_message", channel="random", text="A")["ts"]
    r1 = ok(world, "slack_send_message", channel="random", text="r1", thread_ts=a)["ts"]
    b = ok(world, "slack_send_message", channel="random", text="B")["ts"]
    ok(world, "slack_send_message", channel="random", text="rb", thread_ts=b)
    r2 = ok(world, "slack_send_message", channel="random", text="r2", thread_ts=a)["ts"]
    thread = ok(world, "slack_fetch_thread", channel="random", thread_ts=a)
    assert [m["ts"] for m in thread["messages"]] == [a, r1, r2]
    assert thread["messages"][0]["reply_count"] == 2
    # Asking with a reply's ts gives the same thread.
    assert ok(world, "slack_fetch_thread", channel="#random", thread_ts=r1)["thread_ts"] == a
    top = [m["text"] for m in ok(world, "slack_open_channel", channel="random")["messages"]]
    assert "r1" not in top and top[-2:] == ["A", "B"]


def test_replying_to_a_missing_message_or_to_a_reply_is_rejected() -> None:
    world = _world()
    error = rejected(
        world, "slack_send_message", channel="random", text="hi", thread_ts="1700000000.123456"
    )
    assert error["code"] == "slack.message_not_found"
    parent = ok(world, "slack_send_message", channel="random", text="parent")["ts"]
    reply = ok(world, "slack_send_message", channel="random", text="r", thread_ts=parent)["ts"]
    error = rejected(world, "slack_send_message", channel="random", text="x", thread_ts=reply)
    assert error["code"] == "slack.invalid_thread" and parent in error["message"]


def test_react_on_a_missing_message_fails_and_changes_nothing() -> None:
    error = rejected(_world(), "slack_react", channel="general", ts="1700000000.000000", emoji="+1")
    assert error["code"] == "slack.message_not_found"


def test_reacting_twice_with_one_emoji_counts_once() -> None:
    world = _world()
    ts = ok(world, "slack_send_message", channel="general", text="shipped")["ts"]
    first = world.call("slack_react", {"channel": "general", "ts": ts, "emoji": ":tada:"})
    second = world.call("slack_react", {"channel": "general", "ts": ts, "emoji": "TADA"})
    assert first.result["added"] and not second.result["added"] and second.events == ()
    shown = ok(world, "slack_open_channel", channel="general")["messages"][-1]
    assert shown["reactions"] == [{"emoji": "tada", "count": 1, "users": ["agent"]}]
    assert rejected(world, "slack_react", channel="general", ts=ts, emoji="no way")["code"] == (
        "slack.invalid_argument"
    )


def test_unread_counts_others_messages_and_opening_clears_them() -> None:
    world = _world()
    assert _unread(world, "#procurement") == 2  # seeded: Maya's request and Sam's reply
    assert world.summaries()["slack"] == {"unread": 2, "unread_by_channel": {"#procurement": 2}}
    opened = ok(world, "slack_open_channel", channel="#procurement")
    assert opened["unread_before"] == 2
    assert [m["new"] for m in opened["messages"]] == [True]
    assert [r["user_name"] for r in opened["new_replies"]] == ["sam.patel"]
    assert _unread(world, "#procurement") == 0
    ok(world, "slack_send_message", channel="procurement", text="I'll look")  # own: not unread
    ok(world, "npc_post", channel="#procurement", user="maya.chen", text="thanks!")
    assert _unread(world, "#procurement") == 1
    assert world.summaries()["slack"]["unread"] == 1
    ok(world, "slack_open_channel", channel="procurement")
    assert world.summaries()["slack"] == {"unread": 0, "unread_by_channel": {}}


def test_opening_a_read_channel_again_records_nothing() -> None:
    world = _world()
    ok(world, "slack_open_channel", channel="general")
    assert world.call("slack_open_channel", {"channel": "general"}).events == ()


def test_dm_is_created_on_first_use_and_shared_by_both_sides() -> None:
    world = _world()
    sent = ok(world, "slack_send_message", channel="@maya.chen", text="quick question")
    assert (sent["channel"], sent["name"]) == ("dm:U00:U01", "@maya.chen")
    ok(world, "npc_post", channel="@agent", user="U01", text="sure, go ahead")
    assert _unread(world, "@maya.chen") == 1
    opened = ok(world, "slack_open_channel", channel="@U01")
    assert [m["text"] for m in opened["messages"]] == ["quick question", "sure, go ahead"]
    names = [r["name"] for r in ok(world, "slack_list_channels")["channels"]]
    assert names.count("@maya.chen") == 1 and names[-1] == "@maya.chen"


def test_dm_with_an_unknown_user_is_a_typed_error() -> None:
    error = rejected(_world(), "slack_send_message", channel="@nobody", text="hi")
    assert error["code"] == "slack.user_not_found"


def test_writing_needs_membership_and_private_channels_stay_hidden() -> None:
    seed = copy.deepcopy(DEFAULT_SEED)
    seed["channels"] += [
        {"name": "finance", "members": ["U02"]},
        {"name": "exec", "members": ["U04"], "private": True},
    ]
    world = _world(seed)
    assert rejected(world, "slack_send_message", channel="finance", text="hi")["code"] == (
        "slack.not_in_channel"
    )
    ok(world, "slack_open_channel", channel="finance")  # public: readable without joining
    assert ok(world, "slack_join_channel", channel="#finance")["joined"] is True
    ok(world, "slack_send_message", channel="finance", text="hi")
    assert (
        rejected(world, "slack_open_channel", channel="exec")["code"] == "slack.channel_not_found"
    )
    names = [r["name"] for r in ok(world, "slack_list_channels")["channels"]]
    assert "#exec" not in names and "#finance" in names


def test_message_text_must_not_be_blank_or_too_long() -> None:
    world = _world()
    assert rejected(world, "slack_send_message", channel="general", text="  \n")["code"] == (
        "slack.invalid_argument"
    )
    assert rejected(world, "slack_send_message", channel="general", text="x" * 4001)["code"] == (
        "core.invalid_arguments"
    )


def test_scheduled_post_gets_its_ts_when_it_arrives() -> None:
    world = _world()
    ok(world, "npc_post", channel="random", user="jordan.lee", text="later", delay_ms=60_000)
    mine = ok(world, "slack_send_message", channel="random", text="now")["ts"]
    ok(world, "vei_tick")
    last = ok(world, "slack_open_channel", channel="random")["messages"][-1]
    assert last["text"] == "later" and ts_micros(last["ts"]) > ts_micros(mine)
    assert last["ts"] == "1700000060.000000"


def test_users_list_names_the_agent() -> None:
    result = ok(_world(), "slack_list_users")
    assert result["me"] == "U00"
    assert {u["name"] for u in result["users"]} >= {"agent", "maya.chen", "sam.patel"}


def test_inconsistent_seed_is_refused_with_a_clear_message() -> None:
    seed = copy.deepcopy(DEFAULT_SEED)
    seed["messages"].append({"channel": "general", "user": "ghost", "text": "boo", "t_ms": 0})
    with pytest.raises(ValueError, match="ghost"):
        TWIN.initial_state(seed)


def test_slack_passes_the_twin_contract() -> None:
    calls: list[tuple[str, dict[str, Any]]] = [
        ("slack_open_channel", {"channel": "#procurement"}),
        ("slack_send_message", {"channel": "procurement", "text": "on it"}),
        ("slack_send_message", {"channel": "@sam.patel", "text": "approval?"}),
        ("slack_open_channel", {"channel": "@jordan.lee"}),
        ("slack_react", {"channel": "general", "ts": "1700000000.000000", "emoji": "x"}),
        ("slack_fetch_thread", {"channel": "procurement", "thread_ts": "1699992800.000000"}),
        ("slack_react", {"channel": "procurement", "ts": "1699992800.000000", "emoji": "eyes"}),
        ("slack_send_message", {"channel": "nowhere", "text": "x"}),
    ]
    check_twin(TWIN, calls=calls, error_codes=ERROR_CODES)
