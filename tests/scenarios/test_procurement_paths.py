"""The procurement scenario played by hand over MCP, as a person would: the right path
succeeds, doing nothing fails and a request above the cap is not approved."""

from __future__ import annotations

import asyncio

from vei.money import parse_amounts, parse_days

from .support import Agent, connect

HOME = "https://macrocompute.example/"
SALES = "sales@macrocompute.example"


async def _read_product_page(agent: Agent) -> int:
    opened = await agent.call("browser_open", url=HOME)
    link = next(x for x in opened["links"] if "MacroBook Pro 16" in x["text"])
    await agent.call("browser_click", node_id=link["id"])
    page = await agent.call("browser_read")
    assert page["title"] == "MacroBook Pro 16"
    return parse_amounts(page["text"])[0]


async def _ask_approval(agent: Agent, amount: str) -> list[str]:
    posted = await agent.call(
        "slack_send_message",
        channel="#procurement",
        text=f"Could I get budget approval to purchase a MacroBook Pro 16 for {amount}?",
    )
    await agent.wait(60_000)
    return await agent.thread_replies("#procurement", posted["ts"])


async def _get_quote_and_report(agent: Agent) -> tuple[int, int]:
    await agent.call(
        "mail_compose",
        to=[SALES],
        subject="Quote for a MacroBook Pro 16",
        body="Hello, could you quote one MacroBook Pro 16 with delivery time? Thanks, Alex",
    )
    await agent.wait(30_000)
    quote = await agent.open_unread_from(SALES)
    price, days = parse_amounts(quote["body"])[0], parse_days(quote["body"])[0]
    await agent.call(
        "slack_send_message",
        channel="#procurement",
        text=f"MacroCompute quotes ${price // 100:,} per unit; delivery in {days} business days.",
    )
    return price, days


def test_the_path_a_person_takes_succeeds() -> None:
    async def play() -> tuple[int, list[str], tuple[int, int], dict[str, bool], bool]:
        async with connect("procurement") as agent:
            list_price = await _read_product_page(agent)
            replies = await _ask_approval(agent, f"${list_price // 100:,}")
            terms = await _get_quote_and_report(agent)
            report = agent.score()
            return list_price, replies, terms, agent.met(), report.success

    list_price, replies, terms, met, success = asyncio.run(play())
    assert list_price == 319_900
    assert len(replies) == 1 and "approved" in replies[0].lower() and "$3,199" in replies[0]
    assert terms == (309_900, 5)
    assert all(met.values()), met
    assert success


def test_doing_nothing_fails_every_criterion() -> None:
    async def play() -> tuple[dict[str, bool], bool]:
        async with connect("procurement") as agent:
            await agent.call("vei_observe")
            await agent.wait(600_000)
            return agent.met(), agent.score().success

    met, success = asyncio.run(play())
    assert not success
    assert not any(met.values()), met


def test_a_request_above_the_cap_fails_the_approval_criterion_even_if_all_else_is_done() -> None:
    async def play() -> tuple[list[str], dict[str, bool], bool]:
        async with connect("procurement") as agent:
            await _read_product_page(agent)
            replies = await _ask_approval(agent, "$3,999")
            await _get_quote_and_report(agent)
            return replies, agent.met(), agent.score().success

    replies, met, success = asyncio.run(play())
    assert not any("approved" in r.lower() for r in replies)
    assert met == {
        "product_page_read": True,
        "approval_within_cap": False,
        "vendor_mailed": True,
        "quote_opened": True,
        "quote_posted": True,
    }
    assert not success


def test_finance_says_no_in_the_thread_regression_reject_template_key() -> None:
    async def play() -> list[str]:
        async with connect("procurement") as agent:
            return await _ask_approval(agent, "$3,999")

    replies = asyncio.run(play())
    assert len(replies) == 1
    assert "$3,999" in replies[0] and "$3,500" in replies[0]
    assert "approved" not in replies[0].lower()


def test_a_request_without_an_amount_is_asked_for_one_and_then_approved() -> None:
    async def play() -> tuple[list[str], dict[str, bool]]:
        async with connect("procurement") as agent:
            posted = await agent.call(
                "slack_send_message",
                channel="#procurement",
                text="Can I get approval to buy a MacroBook Pro 16 for Maya's new designer?",
            )
            ts = posted["ts"]
            await agent.wait(60_000)
            await agent.call(
                "slack_send_message", channel="#procurement", text="It is $3,199.", thread_ts=ts
            )
            await agent.wait(60_000)
            return await agent.thread_replies("#procurement", ts), agent.met()

    replies, met = asyncio.run(play())
    assert len(replies) == 3  # finance asks, we answer, finance approves
    assert "amount" in replies[0].lower()
    assert "approved" in replies[2].lower() and "$3,199" in replies[2]
    assert met["approval_within_cap"]
