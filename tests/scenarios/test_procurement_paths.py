"""The procurement scenario played by hand over MCP, as a person would: the right path
succeeds on any seed, doing nothing fails, a request above the cap is not approved and a
request without an amount is asked for one."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from vei.claims import amounts, durations

from .support import Agent, connect

HOME = "https://macrocompute.example/"
SALES = "sales@macrocompute.example"


def _facts(agent: Agent) -> dict[str, Any]:
    return dict(agent.session.scenario.facts)


async def _read_product_page(agent: Agent) -> tuple[int, str]:
    product = _facts(agent)["product"]
    opened = await agent.call("browser_open", url=HOME)
    link = next(x for x in opened["links"] if x["text"] == product)
    await agent.call("browser_click", node_id=link["id"])
    page = await agent.call("browser_read")
    assert page["title"] == product
    specs = page["text"].split("Specs: ")[1].split(".")[0]
    return amounts(page["text"])[0].cents, specs


async def _ask_approval(agent: Agent, amount: str, specs: str = "") -> list[str]:
    product = _facts(agent)["product"]
    posted = await agent.call(
        "slack_send_message",
        channel="#procurement",
        text=f"Could I get budget approval to purchase a {product} for {amount}? Specs: {specs}",
    )
    await agent.wait(60_000)
    return await agent.thread_replies("#procurement", posted["ts"])


async def _get_quote_and_report(agent: Agent) -> tuple[int, int]:
    product = _facts(agent)["product"]
    await agent.call(
        "mail_compose",
        to=SALES,
        subject=f"Quote for a {product}",
        body=f"Hello, could you quote one {product} with delivery time? Thanks, Alex",
    )
    await agent.wait(30_000)
    quote = await agent.open_unread_from(SALES)
    price, days = amounts(quote["body"])[0].cents, durations(quote["body"])[0].days
    await agent.call(
        "slack_send_message",
        channel="#procurement",
        text=f"MacroCompute quotes ${price // 100:,} per unit; delivery in {days} business days.",
    )
    return price, days


@pytest.mark.parametrize("seed", [42042, 7])
def test_the_path_a_person_takes_succeeds_on_any_seed(seed: int) -> None:
    async def play() -> tuple[dict[str, Any], int, list[str], tuple[int, int], dict[str, bool]]:
        async with connect("procurement", seed) as agent:
            list_price, specs = await _read_product_page(agent)
            replies = await _ask_approval(agent, f"${list_price // 100:,}", specs)
            terms = await _get_quote_and_report(agent)
            return _facts(agent), list_price, replies, terms, agent.met()

    facts, list_price, replies, terms, met = asyncio.run(play())
    assert list_price == facts["list_price_cents"]
    assert len(replies) == 1 and "approved" in replies[0].lower()
    assert f"${list_price // 100:,}" in replies[0]
    assert terms == (facts["quote_cents"], facts["eta_days"])
    assert all(met.values()), met


def test_the_default_seed_keeps_the_documented_values() -> None:
    async def play() -> dict[str, Any]:
        async with connect("procurement") as agent:
            return _facts(agent)

    facts = asyncio.run(play())
    assert (facts["product"], facts["list_price_cents"], facts["quote_cents"]) == (
        "MacroBook Pro 16",
        319_900,
        309_900,
    )
    assert facts["eta_days"] == 5


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
            _, specs = await _read_product_page(agent)
            replies = await _ask_approval(agent, "$3,999", specs)
            await _get_quote_and_report(agent)
            return replies, agent.met(), agent.score().success

    replies, met, success = asyncio.run(play())
    assert not any("approved" in r.lower() for r in replies)
    assert met == {
        "approved": False,
        "vendor_asked": True,
        "quote_received": True,
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
    async def play() -> tuple[list[str], dict[str, Any]]:
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
            requests = agent.session.world.state["npc"]["requests"]
            return await agent.thread_replies("#procurement", ts), next(iter(requests.values()))

    replies, request = asyncio.run(play())
    assert len(replies) == 3  # finance asks, we answer, finance approves
    assert "amount" in replies[0].lower()
    assert "approved" in replies[2].lower() and "$3,199" in replies[2]
    assert request["decision"] == "approved" and request["amount_cents"] == 319_900
    assert request["item"] == "MacroBook Pro 16"
    assert [h["decision"] for h in request["history"]] == ["ask_amount", "approved"]
