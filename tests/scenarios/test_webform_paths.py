"""vendor_webform by hand over MCP: the quote comes only through the vendor's web form, to
the address typed into it; the vendor's other doors lead back to the form."""

from __future__ import annotations

import asyncio
from typing import Any

from vei.agents.oracle import oracle
from vei.money import parse_amounts, parse_days

from .support import Agent, connect

HOME = "https://lumendisplays.example/"
PRODUCT = "https://lumendisplays.example/monitors/proview-32"
FORM_PAGE = "https://lumendisplays.example/business/quote"
QUOTES = "quotes@lumendisplays.example"


async def _request_quote(agent: Agent, email: str) -> dict[str, Any]:
    page = await agent.call("browser_open", url=FORM_PAGE)
    form = next(f for f in page["forms"] if f["id"] == "quote-request")
    values = {
        "name": "Alex Morgan",
        "company": "Company",
        "email": email,
        "product": "Lumen ProView 32",
        "quantity": "2",
    }
    for field in form["fields"]:
        if field["name"] in values:
            await agent.call("browser_type", node_id=field["id"], text=values[field["name"]])
    return await agent.call("browser_submit", form_id="quote-request")


def test_the_path_a_person_takes_succeeds() -> None:
    async def play() -> tuple[dict[str, Any], tuple[int, int], bool]:
        async with connect("vendor_webform") as agent:
            await agent.call("browser_open", url=PRODUCT)
            page = await agent.call("browser_read")
            link = next(x for x in page["links"] if "quote" in x["text"].lower())
            assert link["url"] == FORM_PAGE
            submitted = await _request_quote(agent, "agent@company.example")
            await agent.wait(60_000)
            quote = await agent.open_unread_from(QUOTES)
            terms = parse_amounts(quote["body"])[0], parse_days(quote["body"])[0]
            await agent.call(
                "slack_send_message",
                channel="#it-purchasing",
                text=f"Lumen quotes ${terms[0] // 100:,} per ProView 32, {terms[1]} days to deliver.",
            )
            return submitted, terms, agent.score().success

    submitted, terms, success = asyncio.run(play())
    assert submitted["values"]["quantity"] == "2"
    assert terms == (104_900, 6)
    assert success


def test_a_quote_requested_for_someone_elses_address_never_reaches_us() -> None:
    async def play() -> tuple[int, int, dict[str, bool]]:
        async with connect("vendor_webform") as agent:
            before = (await agent.call("mail_list"))["total"]
            await _request_quote(agent, "maya.chen@company.example")
            await agent.wait(3_600_000)
            after = (await agent.call("mail_list"))["total"]
            pending = (await agent.call("vei_pending"))["count"]
            return after - before, pending, agent.met()

    arrived, pending, met = asyncio.run(play())
    assert (arrived, pending) == (0, 0)
    # The vendor recorded the request, but for someone else's mailbox: it is not ours.
    assert not met["quote_requested"] and not met["quote_received"]


def test_the_info_mailbox_points_back_to_the_form_without_a_quote() -> None:
    async def play() -> tuple[dict[str, Any], dict[str, bool]]:
        async with connect("vendor_webform") as agent:
            await agent.call(
                "mail_compose",
                to=["info@lumendisplays.example"],
                subject="Quote for two ProView 32",
                body="Hello, please quote two Lumen ProView 32 monitors.",
            )
            await agent.wait(60_000)
            return await agent.open_unread_from("info@lumendisplays.example"), agent.met()

    answer, met = asyncio.run(play())
    assert FORM_PAGE in answer["body"]
    assert parse_amounts(answer["body"]) == []
    assert not any(met.values()), met


def test_the_newsletter_form_is_not_a_quote_request() -> None:
    async def play() -> tuple[int, dict[str, bool]]:
        async with connect("vendor_webform") as agent:
            home = await agent.call("browser_open", url=HOME)
            field = home["forms"][0]["fields"][0]
            await agent.call("browser_type", node_id=field["id"], text="agent@company.example")
            await agent.call("browser_submit", form_id=home["forms"][0]["id"])
            await agent.wait(3_600_000)
            unread = (await agent.call("mail_list", unread_only=True))["total"]
            return unread, agent.met()

    unread, met = asyncio.run(play())
    assert unread == 1  # only Maya's seeded mail
    assert not met["quote_requested"]


def test_vei_reset_switches_the_running_world_to_vendor_webform() -> None:
    async def play() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any], bool]:
        async with connect("procurement") as agent:
            before = await agent.call("vei_state")
            reset = await agent.call("vei_reset", scenario="vendor_webform")
            state = await agent.call("vei_state")
            page = await agent.call("browser_open", url=FORM_PAGE)
            gone = await agent.error("browser_open", url="https://macrocompute.example/")
            await oracle(agent.tools(), agent.session.scenario)
            return before, reset, state, page | {"gone": gone}, agent.score().success

    before, reset, state, page, success = asyncio.run(play())
    assert before["scenario"] == "procurement"
    assert reset["scenario"] == "vendor_webform" and reset["previous_run"] == before["run"]
    assert state["scenario"] == "vendor_webform" and state["run"] == reset["run"]
    assert [f["id"] for f in page["forms"]] == ["quote-request"]
    assert page["gone"]["code"] == "browser.page_not_found"
    assert success
