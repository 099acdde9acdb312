"""Chat state: users, channels, messages, threads, reactions and the agent's unread counts.

``state["slack"]`` holds ``me`` (the user id the agent acts as), ``users`` (id -> user) and
``channels`` (channel id -> channel). A channel's id is its name (``general``) or, for a
direct message, ``dm:<id>:<id>`` with the two user ids sorted, so the same pair always gets
the same DM. A channel keeps its messages by ``ts``; a message keeps the ``ts`` of its
replies, so a thread is exactly its parent and those replies.

``ts`` is Slack-style (``"1700000012.000345"``): seconds and microseconds of virtual time
past ``EPOCH_MS``, bumped by one microsecond when needed so it is strictly greater than the
channel's previous ``ts``. Reducers compute it, so an event scheduled long before delivery
still gets a ts that fits the channel at delivery time.

Unread counts are the agent's only: every message by someone else in a channel the agent
belongs to (thread replies included) counts until the agent opens the channel.

So that reading costs what it returns, however long the history, a channel also keeps its
top-level messages' ``ts`` in order (``roots``) and its thread replies' (``reply_log``);
the workspace says so with ``ordered: true``. State recorded before these lists existed has
neither (and keeps its exact shape when replayed, so its recorded hashes still verify):
reading it falls back to sorting the channel.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from vei.claims import EPOCH_MS as EPOCH_MS  # virtual time 0 as Unix time; claims read dates by it
from vei.core.errors import VeiError
from vei.core.events import Event
from vei.core.twin import Outward, Reducer, State
from vei.twins.slack.seed import DEFAULT_SEED, SlackSeed

MESSAGE_POSTED = "slack.message_posted"
CHANNEL_READ = "slack.channel_read"
REACTION_ADDED = "slack.reaction_added"
CHANNEL_JOINED = "slack.channel_joined"
DM_OPENED = "slack.dm_opened"

_EMOJI = re.compile(r"^[a-z0-9_+-]{1,64}$")


def ts_micros(ts: str) -> int:
    """A ts string as integer microseconds (for ordering; strings may differ in width)."""
    seconds, _, micros = ts.partition(".")
    return int(seconds) * 1_000_000 + int(micros or "0")


def next_ts(last_ts: str | None, t_ms: int) -> str:
    """The ts of a message posted at ``t_ms`` into a channel whose latest ts is ``last_ts``."""
    micros = (EPOCH_MS + t_ms) * 1000
    if last_ts is not None:
        micros = max(micros, ts_micros(last_ts) + 1)
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def dm_id(user_a: str, user_b: str) -> str:
    """The deterministic id of the direct-message channel between two users."""
    return "dm:" + ":".join(sorted((user_a, user_b)))


def normalize_emoji(emoji: str) -> str | None:
    """``:thumbsup:`` or ``ThumbsUp`` -> ``thumbsup``; None if it is not an emoji name."""
    name = emoji.strip().strip(":").lower()
    return name if _EMOJI.match(name) else None


def find_user(slack: Mapping[str, Any], ref: str) -> dict[str, Any] | None:
    """A user by id or handle (``U01``, ``maya.chen`` or ``@maya.chen``)."""
    key = ref.strip().removeprefix("@")
    users: dict[str, dict[str, Any]] = slack["users"]
    if key in users:
        return users[key]
    lowered = key.lower()
    for user in users.values():
        if user["name"] == lowered:
            return user
    return None


def visible(slack: Mapping[str, Any], channel: Mapping[str, Any]) -> bool:
    """Whether the agent can see a channel: every public one, and the rest it belongs to."""
    return channel["kind"] == "public" or slack["me"] in channel["members"]


def display_name(slack: Mapping[str, Any], channel: Mapping[str, Any]) -> str:
    """``#general`` for a channel, ``@maya.chen`` for a DM as the agent sees it."""
    if channel["kind"] != "dm":
        return f"#{channel['name']}"
    others = [m for m in channel["members"] if m != slack["me"]] or [slack["me"]]
    return ",".join(f"@{slack['users'][m]['name']}" for m in others)


def resolve_channel(slack: Mapping[str, Any], ref: str) -> tuple[str, dict[str, Any] | None]:
    """What an agent's channel reference names: (channel id, the channel, or None for a DM
    not used yet). Raises ``slack.user_not_found`` / ``slack.channel_not_found``; a private
    channel the agent is not in is reported as not found."""
    ref = ref.strip()
    channels: dict[str, dict[str, Any]] = slack["channels"]
    if ref.startswith("@"):
        user = find_user(slack, ref)
        if user is None:
            raise VeiError("slack.user_not_found", f"no user {ref!r}; slack_list_users lists them")
        cid = dm_id(slack["me"], user["id"])
        return cid, channels.get(cid)
    cid = ref if ref in channels else ref.removeprefix("#").lower()
    channel = channels.get(cid)
    if channel is None or not visible(slack, channel):
        known = ", ".join(
            display_name(slack, ch)
            for ch in sorted(channels.values(), key=lambda c: c["id"])
            if visible(slack, ch) and ch["kind"] != "dm"
        )
        raise VeiError("slack.channel_not_found", f"no channel {ref!r} (channels: {known})")
    return cid, channel


def channel_name(slack: Mapping[str, Any], cid: str, channel: Mapping[str, Any] | None) -> str:
    """``display_name`` that also works for a DM that does not exist yet."""
    if channel is None:  # a DM not used yet
        channel = {"kind": "dm", "name": cid, "members": cid.split(":")[1:]}
    return display_name(slack, channel)


def _channel(
    cid: str, name: str, kind: str, topic: str, members: list[str], ordered: bool = True
) -> dict[str, Any]:
    channel: dict[str, Any] = {
        "id": cid,
        "name": name,
        "kind": kind,
        "topic": topic,
        "members": sorted(set(members)),
        "messages": {},
        "last_ts": None,
        "last_read_ts": None,
        "unread": 0,
    }
    if ordered:
        channel["roots"] = []
        channel["reply_log"] = []
    return channel


def is_ordered(slack: Mapping[str, Any]) -> bool:
    """Whether the workspace keeps ``roots`` and ``reply_log`` per channel."""
    return slack.get("ordered") is True


def _ensure_dm(slack: dict[str, Any], cid: str) -> dict[str, Any]:
    channels: dict[str, dict[str, Any]] = slack["channels"]
    if cid not in channels:
        if not cid.startswith("dm:"):
            raise ValueError(f"slack event names unknown channel {cid!r}")
        members = cid.split(":")[1:]
        channels[cid] = _channel(cid, cid, "dm", "", members, is_ordered(slack))
    return channels[cid]


def _count_unread(slack: Mapping[str, Any], channel: Mapping[str, Any]) -> int:
    me = slack["me"]
    if me not in channel["members"]:
        return 0
    after = -1 if channel["last_read_ts"] is None else ts_micros(channel["last_read_ts"])
    return sum(
        1 for ts, msg in channel["messages"].items() if msg["user"] != me and ts_micros(ts) > after
    )


def _add_message(
    slack: dict[str, Any], cid: str, user: str, text: str, thread_ts: str | None, t_ms: int
) -> str:
    channel = _ensure_dm(slack, cid)
    if thread_ts is not None and thread_ts not in channel["messages"]:
        raise ValueError(f"slack event replies to unknown ts {thread_ts!r} in {cid!r}")
    ts = next_ts(channel["last_ts"], t_ms)
    channel["messages"][ts] = {
        "ts": ts,
        "user": user,
        "text": text,
        "thread_ts": thread_ts,
        "replies": [],
        "reactions": {},
    }
    channel["last_ts"] = ts
    if thread_ts is not None:
        channel["messages"][thread_ts]["replies"].append(ts)
    if "roots" in channel:
        channel["roots" if thread_ts is None else "reply_log"].append(ts)
    if user != slack["me"] and slack["me"] in channel["members"]:
        channel["unread"] += 1
    return ts


def _add_reaction(message: dict[str, Any], emoji: str, user: str) -> None:
    users: list[str] = message["reactions"].setdefault(emoji, [])
    if user not in users:
        users.append(user)
        users.sort()


def initial_state(seed_data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The workspace described by ``seed_data`` (or the default one); ValueError if it is
    inconsistent (unknown user or channel, a reply to a later message, time going back)."""
    seed = SlackSeed.model_validate(DEFAULT_SEED if seed_data is None else seed_data)
    slack: dict[str, Any] = {"me": "", "users": {}, "channels": {}, "ordered": True}
    for user in seed.users:
        if user.id in slack["users"] or find_user(slack, user.name) is not None:
            raise ValueError(f"slack seed: duplicate user {user.id!r} / {user.name!r}")
        slack["users"][user.id] = user.model_dump()

    def user_id(ref: str, where: str) -> str:
        found = find_user(slack, ref)
        if found is None:
            raise ValueError(f"slack seed: {where} names unknown user {ref!r}")
        return str(found["id"])

    slack["me"] = user_id(seed.me, "me")
    everyone = list(slack["users"])
    for ch in seed.channels:
        if ch.name in slack["channels"]:
            raise ValueError(f"slack seed: duplicate channel {ch.name!r}")
        members = everyone if ch.members is None else [user_id(m, ch.name) for m in ch.members]
        kind = "private" if ch.private else "public"
        slack["channels"][ch.name] = _channel(ch.name, ch.name, kind, ch.topic, members)
    placed: list[tuple[str, str]] = []
    first_unread: dict[str, str] = {}
    last_t: int | None = None
    for index, msg in enumerate(seed.messages):
        where = f"message {index}"
        if last_t is not None and msg.t_ms < last_t:
            raise ValueError(f"slack seed: {where} is earlier than the one before it")
        last_t = msg.t_ms
        author = user_id(msg.user, where)
        if msg.channel.startswith("@"):
            cid = dm_id(slack["me"], user_id(msg.channel, where))
        elif msg.channel.removeprefix("#") in slack["channels"]:
            cid = msg.channel.removeprefix("#")
        else:
            raise ValueError(f"slack seed: {where} names unknown channel {msg.channel!r}")
        parent: str | None = None
        if msg.reply_to is not None:
            if msg.reply_to >= index or placed[msg.reply_to][0] != cid:
                raise ValueError(f"slack seed: {where} replies to a later or foreign message")
            parent = placed[msg.reply_to][1]
            if slack["channels"][cid]["messages"][parent]["thread_ts"] is not None:
                raise ValueError(f"slack seed: {where} replies to a reply")
        ts = _add_message(slack, cid, author, msg.text, parent, msg.t_ms)
        placed.append((cid, ts))
        for emoji, refs in msg.reactions.items():
            name = normalize_emoji(emoji)
            if name is None:
                raise ValueError(f"slack seed: {where} has a bad emoji {emoji!r}")
            for ref in refs:
                _add_reaction(slack["channels"][cid]["messages"][ts], name, user_id(ref, where))
        if msg.unread:
            first_unread.setdefault(cid, ts)
    for cid, channel in slack["channels"].items():
        # The read position sits just before the first message flagged unread.
        stamps = sorted(channel["messages"], key=ts_micros)
        if cid in first_unread:
            before = [ts for ts in stamps if ts_micros(ts) < ts_micros(first_unread[cid])]
            channel["last_read_ts"] = before[-1] if before else None
        else:
            channel["last_read_ts"] = channel["last_ts"]
        channel["unread"] = _count_unread(slack, channel)
    return slack


def _message_posted(state: State, event: Event) -> None:
    data = event.data
    _add_message(
        state["slack"], data["channel"], data["user"], data["text"], data["thread_ts"], event.t_ms
    )


def _channel_read(state: State, event: Event) -> None:
    slack = state["slack"]
    channel = slack["channels"][event.data["channel"]]
    channel["last_read_ts"] = event.data["ts"]
    # Read up to the newest message (what slack_open_channel records): nothing is unread,
    # and counting would cost the whole history.
    read_all = event.data["ts"] == channel["last_ts"]
    channel["unread"] = 0 if read_all else _count_unread(slack, channel)


def _reaction_added(state: State, event: Event) -> None:
    data = event.data
    message = state["slack"]["channels"][data["channel"]]["messages"][data["ts"]]
    _add_reaction(message, data["emoji"], data["user"])


def _channel_joined(state: State, event: Event) -> None:
    slack = state["slack"]
    channel = slack["channels"][event.data["channel"]]
    user = event.data["user"]
    if user not in channel["members"]:
        channel["members"] = sorted([*channel["members"], user])
    if user == slack["me"]:
        channel["last_read_ts"] = channel["last_ts"]
        channel["unread"] = 0


def _dm_opened(state: State, event: Event) -> None:
    _ensure_dm(state["slack"], event.data["channel"])


REDUCERS: dict[str, Reducer] = {
    MESSAGE_POSTED: _message_posted,
    CHANNEL_READ: _channel_read,
    REACTION_ADDED: _reaction_added,
    CHANNEL_JOINED: _channel_joined,
    DM_OPENED: _dm_opened,
}


def summary(state: State) -> dict[str, Any]:
    """The agent's unread messages: the total and per channel (only channels with some)."""
    slack = state["slack"]
    by_channel = {
        display_name(slack, ch): ch["unread"]
        for ch in slack["channels"].values()
        if ch["unread"] and visible(slack, ch)
    }
    return {"unread": sum(by_channel.values()), "unread_by_channel": by_channel}


def _outward_post(state: Mapping[str, Any], event: Event) -> Outward:
    cid = str(event.data["channel"])
    channel = state["slack"]["channels"].get(cid)
    kind = channel["kind"] if channel else ("dm" if cid.startswith("dm:") else "public")
    where = cid if kind == "dm" else f"#{cid}"
    text = str(event.data["text"])
    return Outward("chat", where, text, (f"slack:{cid}",), public=kind == "public")


def _outward_reaction(state: Mapping[str, Any], event: Event) -> Outward:
    cid = str(event.data["channel"])
    return Outward("chat", f"reaction in {cid}", str(event.data["emoji"]), (f"slack:{cid}",))


# What the agent's chat events show others (vei.core.twin.Outward).
OUTWARD = {MESSAGE_POSTED: _outward_post, REACTION_ADDED: _outward_reaction}
