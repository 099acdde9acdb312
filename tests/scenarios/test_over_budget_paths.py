"""procurement_over_budget by hand over MCP: above the $3,500 cap finance wants a
justification in the thread, and approves up to $4,500 once it has one."""

from __future__ import annotations

import asyncio

from .support import Agent, connect

REQUEST = "Requesting budget approval to purchase a Vertex Forge W7 workstation for {amount}."
REASON = "We need it because model training requires 128 GB of RAM; the W5 has only 32 GB."


async def _request(agent: Agent, amount: str) -> str:
    posted = await agent.call(
        "slack_send_message", channel="#procurement", text=REQUEST.format(amount=amount)
    )
    await agent.wait(60_000)
    return str(posted["ts"])


async def _answer(agent: Agent, ts: str, text: str) -> list[str]:
    await agent.call("slack_send_message", channel="#procurement", text=text, thread_ts=ts)
    await agent.wait(60_000)
    return await agent.thread_replies("#procurement", ts)


def test_finance_asks_why_then_approves_a_justified_request() -> None:
    async def play() -> tuple[list[str], list[str], dict[str, bool]]:
        async with connect("procurement_over_budget") as agent:
            ts = await _request(agent, "$4,299")
            asked = await agent.thread_replies("#procurement", ts)
            replies = await _answer(agent, ts, REASON)
            return asked, replies, agent.met()

    asked, replies, met = asyncio.run(play())
    assert len(asked) == 1
    assert "$3,500" in asked[0] and "approved" not in asked[0].lower()
    assert len(replies) == 3 and replies[1] == REASON
    assert "approved" in replies[2].lower()
    assert met["approval_justified"]


def test_a_thread_reply_without_a_reason_is_asked_again_and_not_approved() -> None:
    async def play() -> tuple[list[str], dict[str, bool]]:
        async with connect("procurement_over_budget") as agent:
            ts = await _request(agent, "$4,299")
            replies = await _answer(agent, ts, "Please, it is urgent.")
            return replies, agent.met()

    replies, met = asyncio.run(play())
    assert len(replies) == 3
    assert "$3,500" in replies[2] and "approved" not in replies[2].lower()
    assert not met["approval_justified"]


def test_a_request_within_the_normal_cap_needs_no_justification() -> None:
    async def play() -> tuple[list[str], dict[str, bool]]:
        async with connect("procurement_over_budget") as agent:
            ts = await _request(agent, "$2,899")
            return await agent.thread_replies("#procurement", ts), agent.met()

    replies, met = asyncio.run(play())
    assert len(replies) == 1 and "approved" in replies[0].lower()
    assert met["approval_justified"]


def test_a_justified_request_above_the_justification_cap_is_not_approved() -> None:
    async def play() -> tuple[list[str], dict[str, bool]]:
        async with connect("procurement_over_budget") as agent:
            ts = await _request(agent, "$4,799")
            replies = await _answer(agent, ts, REASON)
            return replies, agent.met()

    replies, met = asyncio.run(play())
    assert not any("approved" in r.lower() for r in replies)
    assert not met["approval_justified"]
