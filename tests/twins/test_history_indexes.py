"""Chat and mail keep their history in order, so reads cost what they return.

Reads on the ordered indexes must answer exactly what sorting the whole history answers,
and state recorded before the indexes existed must keep its shape when events are replayed
onto it (its recorded hashes still verify) and still be read correctly.
"""

from __future__ import annotations

import copy
from typing import Any

from tests.twins.support import NPC, make_world, ok
from vei.core.context import CallContext
from vei.core.state import apply_event, reducer_table
from vei.core.twin import State, Twin
from vei.core.world import World
from vei.twins.mail import TWIN as MAIL
from vei.twins.slack import TWIN as SLACK


def _busy_world() -> World:
    world = make_world(SLACK, MAIL, NPC)
    ok(world, "slack_send_message", channel="@maya.chen", text="a DM opened later")
    parent = ok(world, "slack_send_message", channel="#general", text="thread root")["ts"]
    for i in range(30):
        ok(world, "npc_post", channel="#general", user="maya.chen", text=f"note {i}")
        if i % 3 == 0:
            ok(world, "slack_send_message", channel="#general", text=f"mine {i}", thread_ts=parent)
        if i % 4 == 0:
            ok(world, "npc_post", channel="#general", user="maya.chen", text=f"re {i}",
               thread_ts=parent)  # fmt: skip
        if i == 12:
            ok(world, "slack_open_channel", channel="#general")
        sent = ok(world, "npc_mail", sender="vendor@acme.example", subject=f"quote {i}", body="b")
        if i % 5 == 0:
            ok(world, "mail_open", id=sent["id"])
            ok(world, "mail_reply", id=sent["id"], body="thanks")
    return world


def _strip(state: State) -> State:
    """The state as VEI recorded it before the ordered indexes existed."""
    old = copy.deepcopy(state)
    old["slack"].pop("ordered")
    for channel in old["slack"]["channels"].values():
        del channel["roots"], channel["reply_log"]
    for key in ("folders", "unread", "threads"):
        del old["mail"][key]
    return old


def _read(twin: Twin, state: State, tool: str, **args: Any) -> dict[str, Any]:
    spec = next(s for s in twin.tools if s.name == tool)
    ctx = CallContext(seed=1, now_ms=10**9, next_seq=10**6, actor="agent")
    result: dict[str, Any] = spec.handler(state, spec.args.model_validate(args), ctx)
    return result


READS: list[tuple[Twin, str, dict[str, Any]]] = [
    (SLACK, "slack_open_channel", {"channel": "#general"}),
    (SLACK, "slack_open_channel", {"channel": "#general", "limit": 3}),
    (SLACK, "slack_open_channel", {"channel": "#random", "limit": 1}),
    (MAIL, "mail_list", {}),
    (MAIL, "mail_list", {"limit": 4}),
    (MAIL, "mail_list", {"unread_only": True, "limit": 7}),
    (MAIL, "mail_list", {"folder": "SENT"}),
]


def test_reads_on_the_indexes_answer_what_sorting_the_history_answers() -> None:
    world = _busy_world()
    old = _strip(world.state)
    for twin, tool, args in READS:
        assert _read(twin, world.state, tool, **args) == _read(twin, old, tool, **args), tool
    inbox = ok(world, "mail_list", limit=200)["messages"]
    assert len(inbox) == 33  # the three seeded mails and thirty delivered
    for row in inbox[::6]:
        assert _read(MAIL, world.state, "mail_open", id=row["id"]) == _read(
            MAIL, old, "mail_open", id=row["id"]
        )
    assert SLACK.summary is not None and MAIL.summary is not None
    assert MAIL.summary(world.state) == MAIL.summary(old)
    assert SLACK.summary(world.state) == SLACK.summary(old)


def test_new_replies_are_the_last_ones_by_others_since_the_channel_was_read() -> None:
    world = _busy_world()
    opened = ok(world, "slack_open_channel", channel="#general")
    assert [m["text"] for m in opened["messages"]][-2:] == ["note 28", "note 29"]
    assert [m["text"] for m in opened["new_replies"]] == ["re 16", "re 20", "re 24", "re 28"]
    again = ok(world, "slack_open_channel", channel="#general")
    assert again["new_replies"] == [] and again["unread_before"] == 0


def test_state_recorded_before_the_indexes_keeps_its_shape_when_replayed() -> None:
    world = _busy_world()
    fresh = make_world(SLACK, MAIL, NPC)
    old = _strip(fresh.state)
    reducers = reducer_table(world.twins)
    for event in world.store.events():
        apply_event(old, event, reducers)
    assert old == _strip(world.state)
