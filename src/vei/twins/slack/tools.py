"""Chat tools the agent calls, and ``post_message`` for other code (NPCs, scenarios).

The agent always acts as the seed's ``me`` user. Channels are addressed as ``#name``,
``name``, ``@handle`` (a direct message, created on first use) or a channel id. Reading a
public channel does not need membership; writing (send, react) does. Error codes are in
``ERROR_CODES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from vei.core.context import CallContext
from vei.core.errors import VeiError, invalid
from vei.core.events import Event
from vei.core.registry import NoArgs, ToolArgs, ToolSpec, tool
from vei.core.twin import State
from vei.twins.slack.state import (
    CHANNEL_JOINED,
    CHANNEL_READ,
    DM_OPENED,
    MESSAGE_POSTED,
    REACTION_ADDED,
    channel_name,
    display_name,
    dm_id,
    find_user,
    next_ts,
    normalize_emoji,
    resolve_channel,
    ts_micros,
    visible,
)

MAX_TEXT = 4000

ERROR_CODES: dict[str, str] = {
    "slack.channel_not_found": "No channel by that name or id is visible to you (private channels you are not in look the same); slack_list_channels lists them.",
    "slack.user_not_found": "The @handle names no user; slack_list_users lists them.",
    "slack.not_in_channel": "You are not a member of that channel, so you cannot post or react there; slack_join_channel joins a public channel.",
    "slack.message_not_found": "No message with that ts in that channel (thread_ts when replying or fetching a thread, ts when reacting).",
    "slack.invalid_thread": "thread_ts names a reply, not a thread parent; reply with the parent's ts.",
    "slack.invalid_argument": "Message text that is only whitespace, or an emoji that is not an emoji name.",
}

_CHANNEL = Field(
    min_length=1,
    max_length=120,
    description="Channel as #name or name, @handle for a direct message with that user, or a channel id.",
)
_TS = Field(pattern=r"^\d+\.\d{6}$", description="A message ts, e.g. 1700000012.000345.")


class OpenChannelArgs(ToolArgs):
    channel: str = _CHANNEL
    limit: int = Field(default=20, ge=1, le=100, description="How many recent messages to return.")


class SendMessageArgs(ToolArgs):
    channel: str = _CHANNEL
    text: str = Field(min_length=1, max_length=MAX_TEXT, description="The message text.")
    thread_ts: str | None = Field(
        default=None,
        pattern=r"^\d+\.\d{6}$",
        description="ts of the thread parent to reply in that thread; omit for a new message.",
    )


class FetchThreadArgs(ToolArgs):
    channel: str = _CHANNEL
    thread_ts: str = _TS


class ReactArgs(ToolArgs):
    channel: str = _CHANNEL
    ts: str = _TS
    emoji: str = Field(
        min_length=1, max_length=66, description="Emoji name, e.g. thumbsup or :eyes:."
    )


class JoinChannelArgs(ToolArgs):
    channel: str = _CHANNEL


def _member(slack: Mapping[str, Any], cid: str, channel: Mapping[str, Any] | None) -> None:
    if channel is not None and slack["me"] not in channel["members"]:
        raise VeiError(
            "slack.not_in_channel",
            f"you are not in {channel_name(slack, cid, channel)}; join it with slack_join_channel",
        )


def _message(channel: Mapping[str, Any] | None, ts: str, name: str) -> dict[str, Any]:
    msg = None if channel is None else channel["messages"].get(ts)
    if msg is None:
        raise VeiError("slack.message_not_found", f"no message with ts {ts!r} in {name}")
    return dict(msg)


def _view(slack: Mapping[str, Any], msg: Mapping[str, Any], read_ts: str | None) -> dict[str, Any]:
    users = slack["users"]

    def handle(uid: str) -> str:
        return str(users[uid]["name"]) if uid in users else uid

    after = -1 if read_ts is None else ts_micros(read_ts)
    return {
        "ts": msg["ts"],
        "user": msg["user"],
        "user_name": handle(msg["user"]),
        "text": msg["text"],
        "thread_ts": msg["thread_ts"],
        "reply_count": len(msg["replies"]),
        "reactions": [
            {"emoji": emoji, "count": len(who), "users": [handle(u) for u in who]}
            for emoji, who in sorted(msg["reactions"].items())
        ],
        "new": msg["user"] != slack["me"] and ts_micros(msg["ts"]) > after,
    }


def list_channels(state: State, _: NoArgs, ctx: CallContext) -> dict[str, Any]:
    """The channels and DMs you can see, with your unread count in each."""
    slack = state["slack"]
    rows = [
        {
            "id": ch["id"],
            "name": display_name(slack, ch),
            "kind": ch["kind"],
            "topic": ch["topic"],
            "member_count": len(ch["members"]),
            "is_member": slack["me"] in ch["members"],
            "unread": ch["unread"],
        }
        for ch in slack["channels"].values()
        if visible(slack, ch)
    ]
    rows.sort(key=lambda r: (r["kind"] == "dm", r["name"]))
    return {"channels": rows, "unread_total": sum(r["unread"] for r in rows)}


def open_channel(state: State, args: OpenChannelArgs, ctx: CallContext) -> dict[str, Any]:
    """Recent messages of a channel; marks it read (unread goes to 0)."""
    slack = state["slack"]
    cid, ch = resolve_channel(slack, args.channel)
    name = channel_name(slack, cid, ch)
    if ch is None:  # first use of a DM creates it
        ctx.emit(DM_OPENED, {"channel": cid})
        ch = {"id": cid, "kind": "dm", "topic": "", "members": sorted(set(cid.split(":")[1:]))}
        ch |= {"messages": {}, "last_ts": None, "last_read_ts": None, "unread": 0}
    elif slack["me"] in ch["members"] and ch["last_read_ts"] != ch["last_ts"]:
        ctx.emit(CHANNEL_READ, {"channel": cid, "ts": ch["last_ts"]})
    read_ts = ch["last_read_ts"] if slack["me"] in ch["members"] else ch["last_ts"]
    latest, replies = _recent(slack, ch, read_ts, args.limit)
    return {
        "channel": cid,
        "name": name,
        "kind": ch["kind"],
        "topic": ch["topic"],
        "members": [slack["users"][m]["name"] for m in ch["members"]],
        "is_member": slack["me"] in ch["members"],
        "unread_before": ch["unread"],
        "messages": [_view(slack, m, read_ts) for m in latest],
        "new_replies": [_view(slack, m, read_ts) for m in replies],
    }


def _recent(
    slack: Mapping[str, Any], ch: Mapping[str, Any], read_ts: str | None, limit: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A channel's last ``limit`` top-level messages and its last ``limit`` thread replies
    by others after ``read_ts``, each oldest first.

    From the channel's ordered ``roots`` and ``reply_log``, reading only what is returned
    (and the agent's own replies since ``read_ts``); a channel recorded before those lists
    existed is sorted instead.
    """
    messages = ch["messages"]
    me = slack["me"]
    after = -1 if read_ts is None else ts_micros(read_ts)
    if "roots" not in ch:
        ordered = sorted(messages.values(), key=lambda m: ts_micros(m["ts"]))
        roots = [m for m in ordered if m["thread_ts"] is None][-limit:]
        new = [
            m
            for m in ordered
            if m["thread_ts"] is not None and m["user"] != me and ts_micros(m["ts"]) > after
        ]
        return roots, new[-limit:]
    latest = [messages[ts] for ts in ch["roots"][-limit:]]
    replies: list[dict[str, Any]] = []
    for ts in reversed(ch["reply_log"]):
        if len(replies) == limit or ts_micros(ts) <= after:
            break
        reply = messages[ts]
        if reply["user"] != me:
            replies.append(reply)
    replies.reverse()
    return latest, replies


def send_message(state: State, args: SendMessageArgs, ctx: CallContext) -> dict[str, Any]:
    """Post a message, or a reply when thread_ts is given."""
    slack = state["slack"]
    if not args.text.strip():
        raise invalid("slack", "text must not be only whitespace")
    cid, ch = resolve_channel(slack, args.channel)
    name = channel_name(slack, cid, ch)
    _member(slack, cid, ch)
    if args.thread_ts is not None:
        parent = _message(ch, args.thread_ts, name)
        if parent["thread_ts"] is not None:
            raise VeiError(
                "slack.invalid_thread",
                f"{args.thread_ts} is a reply; reply in its thread with thread_ts={parent['thread_ts']}",
            )
    ctx.emit(
        MESSAGE_POSTED,
        {"channel": cid, "user": slack["me"], "text": args.text, "thread_ts": args.thread_ts},
    )
    ts = next_ts(None if ch is None else ch["last_ts"], ctx.now_ms)
    return {"channel": cid, "name": name, "ts": ts, "thread_ts": args.thread_ts}


def fetch_thread(state: State, args: FetchThreadArgs, ctx: CallContext) -> dict[str, Any]:
    """A thread: its parent message first, then every reply in order."""
    slack = state["slack"]
    cid, ch = resolve_channel(slack, args.channel)
    name = channel_name(slack, cid, ch)
    msg = _message(ch, args.thread_ts, name)
    assert ch is not None  # _message found a message in it
    parent = msg if msg["thread_ts"] is None else ch["messages"][msg["thread_ts"]]
    read_ts = ch["last_read_ts"] if slack["me"] in ch["members"] else ch["last_ts"]
    thread = [parent, *(ch["messages"][ts] for ts in parent["replies"])]
    return {
        "channel": cid,
        "name": name,
        "thread_ts": parent["ts"],
        "messages": [_view(slack, m, read_ts) for m in thread],
    }


def react(state: State, args: ReactArgs, ctx: CallContext) -> dict[str, Any]:
    """Add your emoji reaction to a message; reacting twice with one emoji changes nothing."""
    slack = state["slack"]
    emoji = normalize_emoji(args.emoji)
    if emoji is None:
        raise invalid("slack", f"{args.emoji!r} is not an emoji name (letters, digits, _ + -)")
    cid, ch = resolve_channel(slack, args.channel)
    name = channel_name(slack, cid, ch)
    msg = _message(ch, args.ts, name)
    _member(slack, cid, ch)
    who = msg["reactions"].get(emoji, [])
    added = slack["me"] not in who
    if added:
        ctx.emit(
            REACTION_ADDED, {"channel": cid, "ts": args.ts, "emoji": emoji, "user": slack["me"]}
        )
    count = len(who) + (1 if added else 0)
    return {"channel": cid, "ts": args.ts, "emoji": emoji, "added": added, "count": count}


def join_channel(state: State, args: JoinChannelArgs, ctx: CallContext) -> dict[str, Any]:
    """Join a public channel (joining one you are in changes nothing)."""
    slack = state["slack"]
    cid, ch = resolve_channel(slack, args.channel)
    joined = ch is not None and slack["me"] not in ch["members"]
    if joined:
        ctx.emit(CHANNEL_JOINED, {"channel": cid, "user": slack["me"]})
    return {"channel": cid, "name": channel_name(slack, cid, ch), "joined": joined}


def list_users(state: State, _: NoArgs, ctx: CallContext) -> dict[str, Any]:
    """Everyone in the workspace, and which one is you."""
    slack = state["slack"]
    users = sorted(slack["users"].values(), key=lambda u: u["name"])
    return {"me": slack["me"], "users": [dict(u) for u in users]}


def message_data(
    state: State, channel: str, user: str, text: str, thread_ts: str | None = None
) -> dict[str, Any]:
    """The payload of a ``slack.message_posted`` event by ``user`` (id or handle), checked
    against ``state``; ``@handle`` means the DM between ``user`` and that handle. Use it
    with ``ctx.schedule(delay, MESSAGE_POSTED, data, actor=...)`` for a later post: the ts
    is assigned on delivery. Raises ValueError for an unknown user, channel or thread,
    a non-member author or bad text."""
    slack = state["slack"]
    author = find_user(slack, user)
    if author is None:
        raise ValueError(f"slack: unknown user {user!r}")
    if not text.strip() or len(text) > MAX_TEXT:
        raise ValueError(f"slack: text must be 1..{MAX_TEXT} characters and not blank")
    ref = channel.strip()
    if ref.startswith("@"):
        other = find_user(slack, ref)
        if other is None:
            raise ValueError(f"slack: unknown user {ref!r}")
        cid = dm_id(author["id"], other["id"])
        ch = slack["channels"].get(cid)
    else:
        cid = ref if ref in slack["channels"] else ref.removeprefix("#").lower()
        ch = slack["channels"].get(cid)
        if ch is None:
            raise ValueError(f"slack: unknown channel {channel!r}")
        if author["id"] not in ch["members"]:
            raise ValueError(f"slack: {author['name']} is not a member of {channel!r}")
    if thread_ts is not None:
        parent = None if ch is None else ch["messages"].get(thread_ts)
        if parent is None or parent["thread_ts"] is not None:
            raise ValueError(f"slack: {thread_ts!r} is not a thread parent in {channel!r}")
    return {"channel": cid, "user": author["id"], "text": text, "thread_ts": thread_ts}


def post_message(
    ctx: CallContext,
    state: State,
    channel: str,
    user: str,
    text: str,
    thread_ts: str | None = None,
    *,
    actor: str | None = None,
) -> Event:
    """Post as ``user`` now (for NPCs and scenarios): the same event the agent's own
    messages are, so unread counts and threads behave alike. The event's actor defaults to
    the author's user id. See ``message_data`` for the checks."""
    data = message_data(state, channel, user, text, thread_ts)
    return ctx.emit(MESSAGE_POSTED, data, actor=actor or data["user"])


TOOLS: tuple[ToolSpec, ...] = (
    tool(
        "slack_list_channels",
        "List the chat channels and direct messages you can see, with your unread count in each. "
        "Returns {channels: [{id, name, kind, topic, member_count, is_member, unread}], unread_total}.",
        NoArgs,
        list_channels,
        latency_ms=150,
        keywords=("chat", "rooms", "unread", "show"),
    ),
    tool(
        "slack_open_channel",
        "Open a channel or DM (#name, name or @handle) and mark it read. "
        "Returns {channel, name, kind, topic, members, is_member, unread_before, messages, new_replies}: its last `limit` top-level messages "
        "oldest first as {ts, user, user_name, text, thread_ts, reply_count, reactions, new} (new: not yet seen by you), and thread replies new to you.",
        OpenChannelArgs,
        open_channel,
        records=True,
        latency_ms=300,
        keywords=("read", "chat", "messages", "history", "view"),
    ),
    tool(
        "slack_send_message",
        "Post a message to a channel or DM (@handle), or reply in a thread by giving the parent's thread_ts. "
        "Returns {channel, name, ts, thread_ts} of the posted message.",
        SendMessageArgs,
        send_message,
        effect="write",
        latency_ms=400,
        keywords=("post", "chat", "say", "write", "dm"),
    ),
    tool(
        "slack_fetch_thread",
        "Read one thread in a channel. "
        "Returns {channel, name, thread_ts, messages}: the parent message, then all its replies in order, each as slack_open_channel shows messages.",
        FetchThreadArgs,
        fetch_thread,
        latency_ms=250,
        keywords=("replies", "conversation", "chat"),
    ),
    tool(
        "slack_react",
        "Add an emoji reaction to a message (by its ts); reacting again with the same emoji changes nothing. "
        "Returns {channel, ts, emoji, added, count}: added is false when you had already reacted.",
        ReactArgs,
        react,
        effect="write",
        latency_ms=200,
        keywords=("emoji", "thumbsup", "acknowledge"),
    ),
    tool(
        "slack_join_channel",
        "Join a public channel so you can post and react in it. "
        "Returns {channel, name, joined}: joined is false when you were already a member.",
        JoinChannelArgs,
        join_channel,
        effect="write",
        latency_ms=250,
        keywords=("member", "chat", "enter"),
    ),
    tool(
        "slack_list_users",
        "List the people in the workspace and say which one is you. "
        "Returns {me, users: [{id, name, display_name, title, email}]}: name is the @handle, me is your user id.",
        NoArgs,
        list_users,
        latency_ms=150,
        keywords=("people", "team", "members", "directory", "who", "contacts"),
    ),
)
