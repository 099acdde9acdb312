"""Reusable steps for scripted agents, each done the way the agent's ``Style`` says.

They use only the agent-facing tools and read what they need from the world (prices from
pages, approvers from the directory, answers from threads and mail), so a scenario whose
facts change with the seed keeps a working script. Scripts for new scenarios are built from
these steps (see ``vei.agents.oracle``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from vei.agents.base import AgentError, ToolClient
from vei.agents.style import Style
from vei.claims import amounts, durations
from vei.twins.mail.state import MESSAGE_RECEIVED

MailMatch = Callable[[Mapping[str, Any]], bool]

# ----------------------------------------------------------------------- pages


async def open_link(tools: ToolClient, home: str, link_text: str) -> dict[str, Any]:
    """Open ``home`` and click the first link whose text contains ``link_text``."""
    await tools.call("browser_open", {"url": home})
    return await follow_link(tools, link_text)


async def follow_link(tools: ToolClient, link_text: str) -> dict[str, Any]:
    """Click the first link on the open page whose text contains ``link_text``."""
    found = await tools.call("browser_find", {"query": link_text})
    links = [e for e in found.get("elements", []) if e.get("type") == "link"]
    if not links:
        raise AgentError(f"no link {link_text!r} on {found.get('url')}")
    return await tools.call("browser_click", {"node_id": links[0]["id"]})


async def read_page(
    tools: ToolClient, style: Style, home: str, link_text: str, queries: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Open ``home``, follow the link matching ``link_text`` and read the page: its outline
    (url, title, links, forms) with its ``text`` from ``browser_read``, or (find reader)
    the paragraphs ``browser_find`` shows for ``queries``."""
    page = await open_link(tools, home, link_text)
    return page | {"text": await page_text(tools, style, queries)}


async def page_text(tools: ToolClient, style: Style, queries: tuple[str, ...] = ()) -> str:
    """The open page's text, read as the style reads."""
    if style.page_reader == "find" and queries:
        texts: list[str] = []
        for query in queries:
            found = await tools.call("browser_find", {"query": query})
            texts += [p["text"] for p in found["paragraphs"] if p["text"] not in texts]
        return "\n\n".join(texts)
    read = await tools.call("browser_read")
    return str(read["text"])


def list_price(page: Mapping[str, Any]) -> int:
    """The first price on a page."""
    found = [a.cents for a in amounts(str(page["text"])) if a.currency == "USD"]
    if not found:
        raise AgentError(f"no price on {page['url']}")
    return found[0]


def spec_line(text: str) -> str:
    """The page's ``Specs:`` line, or a pointer to the page."""
    match = re.search(r"Specs:\s*(.+)", text)
    return match.group(1).strip().rstrip(".") if match else "see the product page"


def shareable_lines(text: str) -> list[str]:
    """The ``Key: value`` lines of a document, e.g. the facts of a brief for suppliers."""
    return [line.strip() for line in text.splitlines() if re.match(r"^[A-Z][A-Za-z ]+: \S", line)]


# ----------------------------------------------------------------------- people


async def whoami(tools: ToolClient) -> dict[str, Any]:
    """The agent's own directory entry (display name, email, ...) from the chat workspace."""
    listed = await tools.call("slack_list_users")
    me = next((u for u in listed["users"] if u["id"] == listed["me"]), None)
    if me is None:
        raise AgentError("the workspace does not list the agent itself")
    return dict(me)


async def person_titled(tools: ToolClient, title_word: str) -> dict[str, Any]:
    """The first person whose title contains ``title_word`` (e.g. Finance)."""
    listed = await tools.call("slack_list_users")
    for user in listed["users"]:
        if title_word.lower() in str(user.get("title", "")).lower():
            return dict(user)
    raise AgentError(f"nobody's title mentions {title_word!r}")


# ------------------------------------------------------------------------- chat


async def post(tools: ToolClient, channel: str, text: str, thread_ts: str | None = None) -> str:
    """Post ``text`` (in a thread when ``thread_ts``); returns the new message's ts."""
    args: dict[str, Any] = {"channel": channel, "text": text}
    if thread_ts is not None:
        args["thread_ts"] = thread_ts
    posted = await tools.call("slack_send_message", args)
    return str(posted["ts"])


async def replies_by_others(
    tools: ToolClient, channel: str, thread_ts: str | None, me: str, after_ts: str
) -> list[str]:
    """Texts by others after ``after_ts``: in the thread of ``thread_ts``, or (None) at the
    top level of the channel (a DM)."""
    if thread_ts is not None:
        thread = await tools.call(
            "slack_fetch_thread", {"channel": channel, "thread_ts": thread_ts}
        )
        messages = thread["messages"][1:]
    else:
        opened = await tools.call("slack_open_channel", {"channel": channel, "limit": 50})
        messages = opened["messages"]
    after = _ts(after_ts)
    return [str(m["text"]) for m in messages if m["user"] != me and _ts(str(m["ts"])) > after]


def _ts(ts: str) -> int:
    seconds, _, micros = ts.partition(".")
    return int(seconds) * 1_000_000 + int(micros or "0")


async def wait_reply(
    tools: ToolClient, channel: str, thread_ts: str | None, me: str, after_ts: str
) -> str:
    """Wait (virtual time) for the next reply by someone else; returns its text."""

    async def found() -> str | None:
        texts = await replies_by_others(tools, channel, thread_ts, me, after_ts)
        return texts[-1] if texts else None

    text: str = await tools.wait_for(found)
    return text


def is_approval(text: str) -> bool:
    """Whether an approver's reply grants the request: it says approved and asks nothing."""
    lowered = text.lower()
    return "approved" in lowered and "not approved" not in lowered and "?" not in text


def asks_why(text: str) -> bool:
    """Whether an approver's reply asks why the purchase is needed."""
    return "?" in text and any(w in text.lower() for w in ("justif", "why", "reason", "need"))


def request_text(
    style: Style, item: str, quantity: int, unit_cents: int, details: str, reason: str | None
) -> str:
    """An approval request for ``quantity`` x ``item`` worded as the style says."""
    total = unit_cents * quantity
    what = item if quantity == 1 else f"{quantity} x {item}"
    if style.phrasing == "plain":
        text = f"Hi, we'd like to buy {what} for {style.money(total)} ({details}). OK to go ahead?"
    elif style.phrasing == "unit_total" and quantity > 1:
        text = (
            f"Requesting approval: {what} at {style.money(unit_cents)} each, "
            f"total {style.money(total)} ({details})."
        )
    else:
        text = (
            f"Requesting budget approval to purchase {what} for {style.money(total)} ({details})."
        )
    if reason and style.justify_upfront:
        text += f" {reason}"
    return text


async def get_approval(
    tools: ToolClient,
    style: Style,
    channel: str,
    text: str,
    reason: str | None = None,
) -> tuple[str, str | None, str]:
    """Ask for approval where the style says (channel, a colleague's thread or a DM with
    finance), answer a request for a reason once, and return (channel, thread ts, the
    approving reply). AgentError if no approval comes."""
    me = str((await whoami(tools))["id"])
    where, thread = channel, None
    if style.placement == "dm":
        where = "@" + str((await person_titled(tools, "finance"))["name"])
    elif style.placement == "thread":
        opened = await tools.call("slack_open_channel", {"channel": channel})
        others = [m for m in opened["messages"] if m["user"] != me]
        if not others:
            raise AgentError(f"nobody has posted in {channel} to reply to")
        thread = str(others[-1]["ts"])
    ts = await post(tools, where, text, thread)
    thread = thread if style.placement == "thread" else (None if style.placement == "dm" else ts)
    answer = await wait_reply(tools, where, thread, me, ts)
    if not is_approval(answer) and reason is not None and asks_why(answer):
        ts = await post(tools, where, style.justification(reason), thread)
        answer = await wait_reply(tools, where, thread, me, ts)
    if not is_approval(answer):
        raise AgentError(f"no approval in {where}: {answer}")
    rescope = style.rescope()
    if rescope is not None:
        ts = await post(tools, where, rescope, thread)
        await wait_reply(tools, where, thread, me, ts)
    return where, thread, answer


# ------------------------------------------------------------------------- mail


async def wait_for_mail(tools: ToolClient, style: Style, match: MailMatch) -> dict[str, Any]:
    """Wait for an unread INBOX message that ``match``es and read it: open it, or (tick
    reader) take it from the tick and observe results that delivered it."""
    if style.mail_reader == "tick":
        return await _mail_from_ticks(tools, match)

    async def arrived() -> str | None:
        listed = await tools.call("mail_list", {"unread_only": True})
        hits = [m for m in listed["messages"] if match(m)]
        return str(hits[0]["id"]) if hits else None

    message_id: str = await tools.wait_for(arrived)
    return await tools.call("mail_open", {"id": message_id})


async def _mail_from_ticks(tools: ToolClient, match: MailMatch) -> dict[str, Any]:
    for _ in range(20):
        seen = await tools.call("vei_observe")
        tick = await tools.call("vei_tick", {"until_next_event": True})
        for event in [*seen["new_events"], *tick["delivered"]]:
            if event["kind"] == MESSAGE_RECEIVED and match(event["data"]):
                return dict(event["data"])
        if tick["next_due_ms"] is None and not tick["delivered"]:
            break
    raise AgentError("waited for a mail that never came")


async def mail_and_wait(
    tools: ToolClient, style: Style, to: str, subject: str, body: str
) -> dict[str, Any]:
    """Mail ``to`` and wait for, then read, its reply."""
    await tools.call("mail_compose", {"to": [to], "subject": subject, "body": body})
    return await wait_for_mail(tools, style, lambda m: m["from"] == to)


def quote_terms(text: str, now_ms: int | None = None) -> tuple[int, int]:
    """The first USD amount (cents) and the first delivery time (days) in a quote."""
    found = [a.cents for a in amounts(text) if a.currency == "USD"]
    days = durations(text, now_ms=now_ms)
    if not found or not days:
        raise AgentError(f"no price or delivery time in the quote: {text!r}")
    return found[0], days[0].days


def asks_for_details(text: str) -> bool:
    """Whether a vendor's reply asks for something instead of quoting (it names no price)."""
    return not [a for a in amounts(text) if a.currency == "USD"]


# ------------------------------------------------------------------------- forms


def field_value(field: Mapping[str, Any], values: Mapping[str, str]) -> str | None:
    """What to type into a form field: ``values`` by field name, then by input type
    (``email``, ``number``, ``textarea``), then by a word of the name; None to leave it."""
    name = str(field["name"]).lower()
    for key in (name, str(field["input_type"])):
        if key in values:
            return values[key]
    return next((v for k, v in values.items() if k in name), None)


async def fill_form(
    tools: ToolClient, page: Mapping[str, Any], values: Mapping[str, str]
) -> dict[str, Any]:
    """Fill the first form of the open ``page`` that has an email field and submit it."""
    forms = [f for f in page["forms"] if any(x["input_type"] == "email" for x in f["fields"])]
    if not forms:
        raise AgentError(f"no form with an email field on {page['url']}")
    form = forms[0]
    for field in form["fields"]:
        value = field_value(field, values)
        if value is not None:
            await tools.call("browser_type", {"node_id": field["id"], "text": value})
    return await tools.call("browser_submit", {"form_id": form["id"]})
