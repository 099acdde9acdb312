"""Mail tools the agent calls, and ``deliver_mail`` for other code (NPCs, scenarios).

The agent reads and sends as the seed's ``address``. Recipients (``to``, ``cc``) are
forgiving, as a person would be: one address, a comma- or semicolon-separated string, the
``Name <addr>`` / ``"Name" <addr>`` forms, or a JSON list of any of these. They are
normalised when the arguments are parsed (plain lowercase addresses, display names dropped,
duplicates removed, order kept), so every spelling of the same recipients is the same call;
an entry that is not an address is kept as written for the tool to name it in
``mail.invalid_address``. Lists are newest first. Error codes are in ``ERROR_CODES``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from vei.core.context import CallContext
from vei.core.errors import VeiError, invalid
from vei.core.events import Event
from vei.core.registry import ToolArgs, ToolSpec, tool
from vei.core.twin import State
from vei.twins.mail.state import (
    FOLDERS,
    MESSAGE_READ,
    MESSAGE_RECEIVED,
    MESSAGE_SENT,
    bad_addresses,
    is_indexed,
    normalize_addresses,
    recipient_entries,
    reply_subject,
    thread_of,
)

MAX_SUBJECT = 300
MAX_BODY = 20_000
MAX_RECIPIENTS = 50
SNIPPET = 100

ERROR_CODES: dict[str, str] = {
    "mail.unknown_folder": "No folder of that name; the message lists the valid folders (INBOX, SENT).",
    "mail.message_not_found": "No message with that id in the mailbox; mail_list and mail_search give ids.",
    "mail.invalid_address": "A recipient is not an email address written as name@domain.tld, <name@domain.tld> or Name <name@domain.tld>; the message names that entry. Nothing is sent.",
    "mail.invalid_argument": "A subject, body or search query that is only whitespace, too many recipients, or a reply with nobody to send it to.",
}

_ID = Field(min_length=1, max_length=100, description="Message id from mail_list or mail_search.")
_LIMIT = Field(default=50, ge=1, le=200, description="At most this many messages.")
_RECIPIENTS = (
    'One address ("bob@company.example"), several separated by commas or semicolons '
    '("bob@company.example, Ann Lee <ann@company.example>"), or a list of these'
)
# The schema agents see says what is accepted; the model holds one entry per recipient.
Recipients = Annotated[
    list[str],
    BeforeValidator(
        recipient_entries,
        json_schema_input_type=str | Annotated[list[str], Field(max_length=MAX_RECIPIENTS)],
    ),
]


class ListArgs(ToolArgs):
    folder: str = Field(default="INBOX", description="INBOX (default) or SENT.")
    unread_only: bool = Field(default=False, description="Only messages you have not opened.")
    limit: int = _LIMIT


class OpenArgs(ToolArgs):
    id: str = _ID


class ComposeArgs(ToolArgs):
    to: Recipients = Field(min_length=1, max_length=MAX_RECIPIENTS, description=_RECIPIENTS + ".")
    subject: str = Field(min_length=1, max_length=MAX_SUBJECT, description="Subject line.")
    body: str = Field(min_length=1, max_length=MAX_BODY, description="Plain-text body.")
    cc: Recipients = Field(
        default_factory=list, max_length=MAX_RECIPIENTS, description=_RECIPIENTS + " (optional)."
    )


class ReplyArgs(ToolArgs):
    id: str = _ID
    body: str = Field(min_length=1, max_length=MAX_BODY, description="Plain-text body.")
    reply_all: bool = Field(
        default=False, description="Also copy everyone else on the original message."
    )
    cc: Recipients = Field(
        default_factory=list,
        max_length=MAX_RECIPIENTS,
        description=_RECIPIENTS + " to copy as well (optional).",
    )


class SearchArgs(ToolArgs):
    query: str = Field(
        min_length=1,
        max_length=200,
        description="Words that must all appear (any case) in the subject, body, sender or recipients.",
    )
    folder: str | None = Field(default=None, description="INBOX or SENT; omit for both.")
    limit: int = _LIMIT


def _folder(name: str) -> str:
    folder = name.strip().upper()
    if folder not in FOLDERS:
        raise VeiError(
            "mail.unknown_folder", f"no folder {name!r}; folders are {', '.join(FOLDERS)}"
        )
    return folder


def _get(mail: Mapping[str, Any], msg_id: str) -> dict[str, Any]:
    msg = mail["messages"].get(msg_id.strip())
    if msg is None:
        raise VeiError("mail.message_not_found", f"no message {msg_id!r}")
    return dict(msg)


def _recipients(to: Sequence[str], cc: Sequence[str]) -> tuple[list[str], list[str]]:
    bad = bad_addresses([*to, *cc])
    if bad:
        raise VeiError(
            "mail.invalid_address",
            f"{bad[0]!r} is not an email address (expected name@domain.tld or "
            "Name <name@domain.tld>, several separated by commas); nothing was sent",
        )
    to_list = normalize_addresses(to)
    cc_list = [a for a in normalize_addresses(cc) if a not in to_list]
    if len(to_list) + len(cc_list) > MAX_RECIPIENTS:
        raise invalid("mail", f"at most {MAX_RECIPIENTS} recipients in to and cc together")
    return to_list, cc_list


def _row(msg: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": msg["id"],
        "from": msg["from"],
        "to": list(msg["to"]),
        "subject": msg["subject"],
        "unread": msg["unread"],
        "date_ms": msg["date_ms"],
        "folder": msg["folder"],
        "thread_id": msg["thread_id"],
        "snippet": " ".join(msg["body"].split())[:SNIPPET],
    }


def _newest_first(messages: Any) -> list[dict[str, Any]]:
    return sorted(messages, key=lambda m: (m["date_ms"], m["order"]), reverse=True)


def list_messages(state: State, args: ListArgs, ctx: CallContext) -> dict[str, Any]:
    """A folder's messages, newest first."""
    folder = _folder(args.folder)
    mail = state["mail"]
    if is_indexed(mail):
        ids = (mail["unread"] if args.unread_only else mail["folders"])[folder]
        newest = ids[: -args.limit - 1 : -1]
        rows = [_row(mail["messages"][msg_id]) for msg_id in newest]
        return {"folder": folder, "messages": rows, "total": len(ids)}
    found = [
        m
        for m in _newest_first(mail["messages"].values())
        if m["folder"] == folder and (m["unread"] or not args.unread_only)
    ]
    rows = [_row(m) for m in found[: args.limit]]
    return {"folder": folder, "messages": rows, "total": len(found)}


def open_message(state: State, args: OpenArgs, ctx: CallContext) -> dict[str, Any]:
    """One whole message, its fields at the top level, with the ids of its thread oldest
    first (``thread_ids``); opening it marks it read."""
    mail = state["mail"]
    msg = _get(mail, args.id)
    if msg["unread"]:
        ctx.emit(MESSAGE_READ, {"id": msg["id"]})
    if is_indexed(mail):
        thread_ids = list(mail["threads"][msg["thread_id"]])
    else:
        thread = _newest_first(
            m for m in mail["messages"].values() if m["thread_id"] == msg["thread_id"]
        )
        thread_ids = [m["id"] for m in reversed(thread)]
    view = _row(msg) | {
        "cc": list(msg["cc"]),
        "body": msg["body"],
        "in_reply_to": msg["in_reply_to"],
        "unread": False,
    }
    del view["snippet"]
    return view | {"thread_ids": thread_ids}


def _send(
    ctx: CallContext,
    mail: Mapping[str, Any],
    to: list[str],
    cc: list[str],
    subject: str,
    body: str,
    in_reply_to: str | None,
) -> dict[str, Any]:
    if not subject.strip() or not body.strip():
        raise invalid("mail", "subject and body must not be only whitespace")
    msg_id = ctx.new_id("msg")
    data = {
        "id": msg_id,
        "from": mail["address"],
        "to": to,
        "cc": cc,
        "subject": subject,
        "body": body,
        "in_reply_to": in_reply_to,
    }
    ctx.emit(MESSAGE_SENT, data)
    return {
        "id": msg_id,
        "folder": "SENT",
        "to": list(to),
        "cc": list(cc),
        "subject": subject,
        "in_reply_to": in_reply_to,
        "thread_id": thread_of(mail, msg_id, in_reply_to),
        "date_ms": ctx.now_ms,
    }


def compose(state: State, args: ComposeArgs, ctx: CallContext) -> dict[str, Any]:
    """Send a new message; it lands in SENT."""
    to, cc = _recipients(args.to, args.cc)
    return _send(ctx, state["mail"], to, cc, args.subject, args.body, None)


def reply(state: State, args: ReplyArgs, ctx: CallContext) -> dict[str, Any]:
    """Answer a message in its thread with ``Re:`` subject, to its sender (or, for a message
    you sent, its recipients); ``reply_all`` copies the others on it, ``cc`` adds more. It
    lands in SENT."""
    mail = state["mail"]
    original = _get(mail, args.id)
    me = mail["address"]
    if original["folder"] == "SENT":  # a follow-up to something you sent
        to, others = list(original["to"]), list(original["cc"])
    else:
        to, others = [original["from"]], [*original["to"], *original["cc"]]
    copied = [a for a in others if a != me] if args.reply_all else []
    to, cc = _recipients([a for a in to if a != me], [*copied, *args.cc])
    if not to:
        raise invalid("mail", f"message {original['id']!r} has nobody but you to reply to")
    subject = reply_subject(original["subject"])[:MAX_SUBJECT]
    return _send(ctx, mail, to, cc, subject, args.body, original["id"])


def search(state: State, args: SearchArgs, ctx: CallContext) -> dict[str, Any]:
    """Messages containing every query word, newest first."""
    words = args.query.lower().split()
    if not words:
        raise invalid("mail", "the query has no words")
    folder = None if args.folder is None else _folder(args.folder)
    found = []
    for msg in _newest_first(state["mail"]["messages"].values()):
        if folder is not None and msg["folder"] != folder:
            continue
        text = " ".join([msg["subject"], msg["body"], msg["from"], *msg["to"], *msg["cc"]])
        if all(word in text.lower() for word in words):
            found.append(msg)
    rows = [_row(m) for m in found[: args.limit]]
    return {"query": args.query, "messages": rows, "total": len(found)}


def inbound_mail_data(
    ctx: CallContext,
    from_addr: str,
    to: str | Sequence[str],
    subject: str,
    body: str,
    in_reply_to: str | None = None,
    *,
    cc: Sequence[str] = (),
) -> dict[str, Any]:
    """The payload of a ``mail.message_received`` event, with a fresh message id. Use it with
    ``ctx.schedule(delay, MESSAGE_RECEIVED, data, actor=...)`` for mail that arrives later;
    the thread is decided on arrival. Raises ValueError for a bad address."""
    recipients = [to] if isinstance(to, str) else list(to)
    bad = bad_addresses([from_addr, *recipients, *cc])
    if bad or not recipients:
        raise ValueError(f"mail: bad or missing address {bad[0] if bad else 'to'!r}")
    return {
        "id": ctx.new_id("msg"),
        "from": normalize_addresses([from_addr])[0],
        "to": normalize_addresses(recipients),
        "cc": normalize_addresses(cc),
        "subject": subject,
        "body": body,
        "in_reply_to": in_reply_to,
    }


def deliver_mail(
    ctx: CallContext,
    from_addr: str,
    to: str | Sequence[str],
    subject: str,
    body: str,
    in_reply_to: str | None = None,
    *,
    cc: Sequence[str] = (),
    actor: str | None = None,
) -> Event:
    """Deliver a message into the agent's INBOX now, unread (for NPCs and scenarios). With
    ``in_reply_to`` it joins that message's thread. The event's actor defaults to the sender."""
    data = inbound_mail_data(ctx, from_addr, to, subject, body, in_reply_to, cc=cc)
    return ctx.emit(MESSAGE_RECEIVED, data, actor=actor or data["from"])


TOOLS: tuple[ToolSpec, ...] = (
    tool(
        "mail_list",
        "List messages in a folder (INBOX by default, or SENT), newest first; unread_only for just the unopened ones. "
        "Returns {folder, messages: [{id, from, to, subject, unread, date_ms, folder, thread_id, snippet}], total}.",
        ListArgs,
        list_messages,
        latency_ms=300,
        keywords=("inbox", "emails", "unread", "check", "show"),
    ),
    tool(
        "mail_open",
        "Open one message by id and mark it read. "
        "Returns its {id, from, to, cc, subject, body, date_ms, folder, thread_id, in_reply_to, unread} and thread_ids, the ids of its thread oldest first.",
        OpenArgs,
        open_message,
        records=True,
        latency_ms=300,
        keywords=("read", "email", "body", "view"),
    ),
    tool(
        "mail_compose",
        "Send a new email. to and cc each take one address, several in one string separated by commas or semicolons (Name <addr> is fine), or a list. "
        "Returns the sent message's {id, folder, to, cc, subject, in_reply_to, thread_id, date_ms}.",
        ComposeArgs,
        compose,
        effect="write",
        scope="mail:send",
        latency_ms=600,
        keywords=("write", "new", "email", "mail", "address"),
    ),
    tool(
        "mail_reply",
        "Reply to a message by id, in its thread with a Re: subject, to its sender; reply_all copies everyone on it, cc adds more. "
        "Returns the sent reply's {id, folder, to, cc, subject, in_reply_to, thread_id, date_ms}.",
        ReplyArgs,
        reply,
        effect="write",
        scope="mail:send",
        latency_ms=600,
        keywords=("answer", "respond", "email"),
    ),
    tool(
        "mail_search",
        "Find messages whose subject, body, sender or recipients contain all the query words (any case), newest first. "
        "Returns {query, messages: [{id, from, to, subject, unread, date_ms, folder, thread_id, snippet}], total}.",
        SearchArgs,
        search,
        latency_ms=400,
        keywords=("email", "lookup", "look"),
    ),
)
