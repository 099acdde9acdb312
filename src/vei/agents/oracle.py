"""Scripted reference solutions, one per scenario, using only the agent-facing tools.

They read what they need from the world (prices from pages, quotes from mail) instead of
assuming it, so a scenario whose facts or wording change still has a working oracle.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from vei.agents.base import AgentError, ToolClient
from vei.money import format_money, parse_amounts, parse_days
from vei.scenarios.schema import ScenarioFile

Script = Callable[[ToolClient, ScenarioFile], Awaitable[None]]


async def read_page(tools: ToolClient, home: str, link_text: str) -> dict[str, Any]:
    """Open ``home``, follow the link whose text contains ``link_text`` and read the page."""
    await tools.call("browser_open", {"url": home})
    found = await tools.call("browser_find", {"query": link_text})
    links = [e for e in found.get("elements", []) if e.get("type") == "link"]
    if not links:
        raise AgentError(f"no link {link_text!r} on {home}")
    await tools.call("browser_click", {"node_id": links[0]["id"]})
    return await tools.call("browser_read")


async def request_approval(tools: ToolClient, channel: str, text: str) -> tuple[str, str]:
    """Post an approval request and wait for the first reply in its thread."""
    posted = await tools.call("slack_send_message", {"channel": channel, "text": text})
    ts = posted["ts"]

    async def reply() -> str | None:
        thread = await tools.call("slack_fetch_thread", {"channel": channel, "thread_ts": ts})
        replies = thread["messages"][1:]
        return replies[-1]["text"] if replies else None

    answer: str = await tools.wait_for(reply)
    return ts, answer


async def mail_and_wait(tools: ToolClient, to: str, subject: str, body: str) -> dict[str, Any]:
    """Send a mail to ``to`` and wait for, then open, the first unread reply from it."""
    await tools.call("mail_compose", {"to": [to], "subject": subject, "body": body})

    async def reply() -> str | None:
        listed = await tools.call("mail_list", {"unread_only": True})
        hits = [m for m in listed["messages"] if m["from"] == to]
        return hits[0]["id"] if hits else None

    message_id: str = await tools.wait_for(reply)
    opened = await tools.call("mail_open", {"id": message_id})
    message: dict[str, Any] = opened["message"]
    return message


def _specs(text: str) -> str:
    match = re.search(r"Specs:\s*(.+)", text)
    return match.group(1).strip().rstrip(".") if match else "see the product page"


async def procurement(tools: ToolClient, scenario: ScenarioFile) -> None:
    """Read the product page, get approval, mail the vendor, report the quote."""
    page = await read_page(tools, "https://macrocompute.example/", "MacroBook Pro 16")
    price = parse_amounts(page["text"])[0]
    specs = _specs(page["text"])
    _, answer = await request_approval(
        tools,
        "#procurement",
        f"Requesting budget approval to purchase one MacroBook Pro 16 at {format_money(price)} "
        f"(list price on {page['url']}; specs: {specs}).",
    )
    if "approv" not in answer.lower():
        raise AgentError(f"finance did not approve: {answer}")
    quote = await mail_and_wait(
        tools,
        "sales@macrocompute.example",
        "Quote request: MacroBook Pro 16",
        "Hello,\n\nCould you send us a quote for one MacroBook Pro 16, with the delivery time?\n\nThanks,\nAlex",
    )
    amount, days = parse_amounts(quote["body"])[0], parse_days(quote["body"])[0]
    await tools.call(
        "slack_send_message",
        {
            "channel": "#procurement",
            "text": f"MacroCompute quoted {format_money(amount)} for the MacroBook Pro 16, delivery in {days} business days.",
        },
    )


ORACLES: dict[str, Script] = {"procurement": procurement}


async def oracle(tools: ToolClient, scenario: ScenarioFile) -> None:
    """Run the scripted solution for ``scenario``; AgentError if there is none."""
    script = ORACLES.get(scenario.name)
    if script is None:
        raise AgentError(f"no oracle for scenario {scenario.name!r}")
    await script(tools, scenario)
