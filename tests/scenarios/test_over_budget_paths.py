"""procurement_over_budget by hand over MCP: above the cap finance asks why, judges the
reason by what it says about the need (not by magic words), asks again in other words
when it does not, and approves up to the justification cap once it does."""

from __future__ import annotations

import asyncio

from .support import Agent, connect

REQUEST = "Requesting budget approval to purchase a Vertex Forge W7 workstation for {amount}."
REASON = "We need it because model training requires 128 GB of RAM; the W5 has only 32 GB."
# Says why without "because", "need", "justify" or "reason".
PLAIN = "Jonas trains large ML models locally; his laptop crashes with out-of-memory errors."


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


def _decisions(agent: Agent) -> list[str]:
    requests = agent.session.world.state["npc"]["requests"].values()
    return [h["decision"] for r in requests for h in r["history"]]


def test_finance_asks_why_then_approves_a_justified_request() -> None:
    async def play() -> tuple[list[str], list[str], list[str]]:
        async with connect("procurement_over_budget") as agent:
            ts = await _request(agent, "$4,299")
            asked = await agent.thread_replies("#procurement", ts)
            replies = await _answer(agent, ts, REASON)
            return asked, replies, _decisions(agent)

    asked, replies, decisions = asyncio.run(play())
    assert len(asked) == 1
    assert "$3,500" in asked[0] and "approved" not in asked[0].lower()
    assert len(replies) == 3 and replies[1] == REASON
    assert "approved" in replies[2].lower()
    assert decisions == ["justify", "approved"]


def test_a_reason_without_magic_words_is_understood() -> None:
    async def play() -> list[str]:
        async with connect("procurement_over_budget") as agent:
            ts = await _request(agent, "$4,299")
            await _answer(agent, ts, PLAIN)
            return _decisions(agent)

    assert asyncio.run(play()) == ["justify", "approved"]


def test_a_reason_given_up_front_needs_no_question() -> None:
    async def play() -> tuple[list[str], list[str]]:
        async with connect("procurement_over_budget") as agent:
            ts = await _request(agent, f"$4,299. {PLAIN}")
            return await agent.thread_replies("#procurement", ts), _decisions(agent)

    replies, decisions = asyncio.run(play())
    assert len(replies) == 1 and "approved" in replies[0].lower()
    assert decisions == ["approved"]


def test_a_reply_without_a_reason_is_asked_again_in_other_words_and_not_approved() -> None:
    async def play() -> tuple[list[str], list[str]]:
        async with connect("procurement_over_budget") as agent:
            ts = await _request(agent, "$4,299")
            await _answer(agent, ts, "because")
            replies = await _answer(agent, ts, "Please, it is urgent.")
            return replies, _decisions(agent)

    replies, decisions = asyncio.run(play())
    asks = [replies[0], replies[2], replies[4]]
    assert len(set(asks)) == 3, asks  # never the same sentence twice
    assert not any("approved" in r.lower() for r in asks)
    assert decisions == ["justify", "weak_justification", "weak_justification"]


def test_a_request_within_the_normal_cap_needs_no_justification() -> None:
    async def play() -> tuple[list[str], list[str]]:
        async with connect("procurement_over_budget") as agent:
            ts = await _request(agent, "$2,899")
            return await agent.thread_replies("#procurement", ts), _decisions(agent)

    replies, decisions = asyncio.run(play())
    assert len(replies) == 1 and "approved" in replies[0].lower()
    assert decisions == ["approved"]


def test_a_justified_request_above_the_justification_cap_is_not_approved() -> None:
    async def play() -> tuple[list[str], list[str]]:
        async with connect("procurement_over_budget") as agent:
            ts = await _request(agent, "$4,799")
            replies = await _answer(agent, ts, REASON)
            return replies, _decisions(agent)

    replies, decisions = asyncio.run(play())
    assert not any("approved" in r.lower() for r in replies)
    assert set(decisions) == {"rejected"}
