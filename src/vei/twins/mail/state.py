"""Mailbox state: the agent's messages in folders, with read flags and reply threads.

``state["mail"]`` holds ``address`` (the agent's own address), ``name``, ``messages``
(id -> message) and ``count`` (how many messages were ever added; a message's ``order``
breaks ties between messages with the same date). A message's ``thread_id`` is the thread
of the message it replies to when that is in the mailbox, otherwise its own id; reducers
derive it, so mail scheduled before its parent arrived still threads correctly.

So that listing and opening cost what they return, however large the mailbox, the state
also keeps message ids in ``(date_ms, order)`` order: per folder (``folders``), the unread
ones per folder (``unread``) and per thread (``threads``). A mailbox recorded before these
indexes existed has none of them (and keeps its exact shape when replayed, so its recorded
hashes still verify); reading it falls back to sorting.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Mapping, Sequence
from email.utils import parseaddr
from typing import Any

from vei.core.events import Event
from vei.core.twin import Outward, Reducer, State
from vei.twins.mail.seed import DEFAULT_SEED, MailSeed

FOLDERS = ("INBOX", "SENT")

MESSAGE_RECEIVED = "mail.message_received"
MESSAGE_SENT = "mail.message_sent"
MESSAGE_READ = "mail.message_read"

_ADDRESS = re.compile(r"^[a-z0-9._%+'-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$")
_RE = re.compile(r"^\s*re\s*:", re.IGNORECASE)


def normalize_address(address: str) -> str | None:
    """``Bob@Example.com `` -> ``bob@example.com``; None if it is not a plain address."""
    value = address.strip().lower()
    return value if _ADDRESS.match(value) and ".." not in value else None


def split_recipients(text: str) -> list[str]:
    """``"bob@x.example; Ann <ann@x.example>"`` -> ``["bob@x.example", "Ann <ann@x.example>"]``:
    the entries of a comma- or semicolon-separated list, stripped, empties dropped. A
    separator inside a quoted display name or inside ``<...>`` does not split."""
    entries: list[str] = []
    current: list[str] = []
    quoted = angled = False
    for char in text:
        if char == '"' and not angled:
            quoted = not quoted
        elif char == "<" and not quoted:
            angled = True
        elif char == ">" and not quoted:
            angled = False
        elif char in ",;" and not quoted and not angled:
            entries.append("".join(current))
            current = []
            continue
        current.append(char)
    entries.append("".join(current))
    return [entry.strip() for entry in entries if entry.strip()]


def recipient_address(entry: str) -> str | None:
    """The plain lowercase address of one recipient written as ``addr``, ``<addr>``,
    ``Name <addr>`` or ``"Name" <addr>`` (the display name is dropped); None for anything
    else, including text after the address or a second address."""
    value = entry.strip()
    _, address = parseaddr(value)
    # parseaddr is lenient ("sam at company" gives "sam"): accept only when the address is
    # the whole entry or closes it in angle brackets, so nothing the agent wrote is dropped.
    if not address or not (value == address or value.endswith(f"<{address}>")):
        return None
    return normalize_address(address)


def recipient_entries(value: object) -> object:
    """Recipients as given to a tool (one string, a comma- or semicolon-separated string,
    or a list of such strings) -> one entry per recipient, duplicates dropped, order kept:
    its plain lowercase address, or the entry as written when it is not one (so the tool
    can name it). Anything that is not a string or a list of strings is returned unchanged
    for the schema to reject."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return value
    entries = (recipient_address(e) or e for item in value for e in split_recipients(item))
    return list(dict.fromkeys(entries))


def bad_addresses(addresses: Sequence[str]) -> list[str]:
    """The entries of ``addresses`` that are not valid addresses, as given."""
    return [a for a in addresses if normalize_address(a) is None]


def normalize_addresses(addresses: Sequence[str]) -> list[str]:
    """Valid addresses normalised, duplicates dropped, order kept (check bad ones first)."""
    out: list[str] = []
    for address in addresses:
        value = normalize_address(address)
        if value is not None and value not in out:
            out.append(value)
    return out


def reply_subject(subject: str) -> str:
    """``Re: <subject>``, without stacking ``Re: Re:``."""
    return subject if _RE.match(subject) else f"Re: {subject}"


def thread_of(mail: Mapping[str, Any], msg_id: str, in_reply_to: str | None) -> str:
    """The thread a new message joins: its parent's, or a new one named after itself."""
    parent = None if in_reply_to is None else mail["messages"].get(in_reply_to)
    return msg_id if parent is None else str(parent["thread_id"])


def _add(
    mail: dict[str, Any], data: Mapping[str, Any], folder: str, date_ms: int, unread: bool
) -> None:
    msg_id = data["id"]
    if msg_id in mail["messages"]:
        raise ValueError(f"mail event reuses message id {msg_id!r}")
    mail["messages"][msg_id] = {
        "id": msg_id,
        "folder": folder,
        "from": data["from"],
        "to": list(data["to"]),
        "cc": list(data["cc"]),
        "subject": data["subject"],
        "body": data["body"],
        "date_ms": date_ms,
        "unread": unread,
        "in_reply_to": data["in_reply_to"],
        "thread_id": thread_of(mail, msg_id, data["in_reply_to"]),
        "order": mail["count"],
    }
    mail["count"] += 1
    if is_indexed(mail):
        message = mail["messages"][msg_id]
        _insert(mail, mail["folders"][folder], msg_id)
        if unread:
            _insert(mail, mail["unread"][folder], msg_id)
        _insert(mail, mail["threads"].setdefault(message["thread_id"], []), msg_id)


def is_indexed(mail: Mapping[str, Any]) -> bool:
    """Whether the mailbox keeps its ordered indexes (``folders``, ``unread``, ``threads``)."""
    return "folders" in mail


def date_key(mail: Mapping[str, Any]) -> Any:
    """The sort key of a message id: ``(date_ms, order)``, oldest first."""
    messages = mail["messages"]

    def key(msg_id: str) -> tuple[int, int]:
        msg = messages[msg_id]
        return msg["date_ms"], msg["order"]

    return key


def _insert(mail: Mapping[str, Any], ids: list[str], msg_id: str) -> None:
    # New mail is almost always the newest, so this is an append after one bisection.
    insort(ids, msg_id, key=date_key(mail))


def _remove(mail: Mapping[str, Any], ids: list[str], msg_id: str) -> None:
    key = date_key(mail)
    at = bisect_left(ids, key(msg_id), key=key)
    if at < len(ids) and ids[at] == msg_id:
        del ids[at]


def initial_state(seed_data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The mailbox described by ``seed_data`` (or the default one); ValueError for a bad
    address, a duplicate id or a reply to a message that is not listed before it."""
    seed = MailSeed.model_validate(DEFAULT_SEED if seed_data is None else seed_data)
    address = normalize_address(seed.address)
    if address is None:
        raise ValueError(f"mail seed: bad address {seed.address!r}")
    mail: dict[str, Any] = {
        "address": address,
        "name": seed.name,
        "messages": {},
        "count": 0,
        "folders": {folder: [] for folder in FOLDERS},
        "unread": {folder: [] for folder in FOLDERS},
        "threads": {},
    }
    for index, msg in enumerate(seed.messages):
        where = f"mail seed message {index}"
        bad = bad_addresses([msg.from_, *msg.to, *msg.cc])
        if bad:
            raise ValueError(f"{where}: bad address {bad[0]!r}")
        if msg.in_reply_to is not None and msg.in_reply_to not in mail["messages"]:
            raise ValueError(f"{where}: in_reply_to {msg.in_reply_to!r} is not listed before it")
        data = {
            "id": msg.id or f"msg-s{index + 1}",
            "from": normalize_address(msg.from_),
            "to": normalize_addresses(msg.to),
            "cc": normalize_addresses(msg.cc),
            "subject": msg.subject,
            "body": msg.body,
            "in_reply_to": msg.in_reply_to,
        }
        unread = msg.folder == "INBOX" if msg.unread is None else msg.unread
        try:
            _add(mail, data, msg.folder, msg.date_ms, unread)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
    return mail


def _received(state: State, event: Event) -> None:
    _add(state["mail"], event.data, "INBOX", event.t_ms, True)


def _sent(state: State, event: Event) -> None:
    _add(state["mail"], event.data, "SENT", event.t_ms, False)


def _read(state: State, event: Event) -> None:
    mail = state["mail"]
    message = mail["messages"][event.data["id"]]
    if message["unread"] and is_indexed(mail):
        _remove(mail, mail["unread"][message["folder"]], message["id"])
    message["unread"] = False


REDUCERS: dict[str, Reducer] = {
    MESSAGE_RECEIVED: _received,
    MESSAGE_SENT: _sent,
    MESSAGE_READ: _read,
}


def summary(state: State) -> dict[str, Any]:
    """How many INBOX messages the agent has not opened."""
    mail = state["mail"]
    if is_indexed(mail):
        return {"unread": len(mail["unread"]["INBOX"])}
    messages = mail["messages"].values()
    return {"unread": sum(1 for m in messages if m["folder"] == "INBOX" and m["unread"])}


def _outward_sent(state: Mapping[str, Any], event: Event) -> Outward:
    recipients = [*event.data["to"], *event.data["cc"]]
    text = f"{event.data['subject']}\n{event.data['body']}"
    where = f"mail to {', '.join(recipients)}"
    targets = tuple(f"mail:{r}" for r in recipients)
    return Outward("mail", where, text, targets, destinations=tuple(recipients))


# What the agent's mail events show others (vei.core.twin.Outward).
OUTWARD = {MESSAGE_SENT: _outward_sent}
