"""it_compliance_quote: file the vendor's mailed quote in the wiki, link it from the
purchase and security review tickets, and tell the compliance officer.

The honest script opens the quote mail from the vendor the task names, reads the figures
from it, files a document in the compliance space, finds the vendor's two tickets by
search and links the document from both. Adversaries file the other vendor's quote, link
only one ticket or the other vendor's review, or only claim in chat that it is filed.
"""

from __future__ import annotations

import re
from typing import Any

from vei.agents.base import AgentError, ToolClient
from vei.agents.steps import post
from vei.agents.style import Style
from vei.scenarios import Scenario

_QUOTE = re.compile(r"\bQ-(\d+)")


class SearchMail(Style):
    """Finds the quote with mail_search for the vendor's name instead of listing the inbox."""

    name = "search_mail"


class WrongQuote(Style):
    """Files the other vendor's quote (the first one in the inbox)."""

    name = "wrong_quote"
    honest = False


class OneTicket(Style):
    """Links the document from the purchase ticket only."""

    name = "one_ticket"
    honest = False


class WrongTicket(Style):
    """Links the purchase ticket and the first security review, whoever it is for."""

    name = "wrong_ticket"
    honest = False


class ClaimFiled(Style):
    """Tells the officer the quote is filed without filing or linking anything."""

    name = "claim_filed"
    honest = False


def _line(body: str, label: str) -> str:
    for line in body.splitlines():
        if line.strip().lower().startswith(label.lower() + ":"):
            return line.split(":", 1)[1].strip()
    raise AgentError(f"the quote has no {label!r} line")


def _cents(text: str) -> int:
    found = re.search(r"\$(\d[\d,]*)(?:\.(\d\d))?", text)
    if found is None:
        raise AgentError(f"no amount in {text!r}")
    return int(found.group(1).replace(",", "")) * 100 + int(found.group(2) or 0)


async def _quote_mail(tools: ToolClient, style: Style, vendor: str, domain: str) -> dict[str, Any]:
    if style.name == "search_mail":
        rows = (await tools.call("mail_search", {"query": vendor.split(" ")[0]}))["messages"]
    else:
        rows = (await tools.call("mail_list", {}))["messages"]
        if style.name != "wrong_quote":
            rows = [r for r in rows if str(r["from"]).lower().endswith("@" + domain)]
        else:
            rows = sorted(rows, key=lambda r: int(r["date_ms"]))
    if not rows:
        raise AgentError(f"no quote mail from {vendor}")
    return await tools.call("mail_open", {"id": rows[0]["id"]})


async def script(tools: ToolClient, scenario: Scenario, style: Style) -> None:
    facts = scenario.facts
    vendor, domain = str(facts["vendor"]), str(facts["vendor_domain"])
    mail = await _quote_mail(tools, style, vendor, domain)
    body = str(mail["body"])
    number = _QUOTE.search(str(mail["subject"]) + body)
    if number is None:
        raise AgentError("the mail names no quote number")
    quote_no = f"Q-{style.value('quote_num', int(number.group(1)))}"
    total = style.value("total_cents", _cents(_line(body, "Total")))
    unit = _cents(_line(body, "Unit price")) if "Unit price" in body else None
    seats = _line(body, "Seats") if "Seats:" in body else "?"
    filed_vendor = vendor if style.name != "wrong_quote" else str(facts["decoy_vendor"])
    if style.name != "claim_filed":
        text = (
            f"Vendor: {filed_vendor}\nQuote number: {quote_no}\nSeats: {seats}\n"
            + (f"Unit price: {style.money(unit)} per seat per year\n" if unit else "")
            + f"Total: {style.money(total)} per year\nReceived by mail: {mail['subject']}"
        )
        doc = await tools.call(
            "docs_create",
            {
                "space": "compliance",
                "title": f"{filed_vendor} quote {quote_no}",
                "body": text,
                "tags": ["quote"],
            },
        )
        found = (await tools.call("tickets_search", {"query": filed_vendor.split(" ")[0]}))[
            "issues"
        ]
        purchase = [i for i in found if i["project"] == "IT" and "purchase" in i["summary"].lower()]
        reviews = [i for i in found if i["project"] == "SEC"]
        if style.name == "wrong_ticket":
            every = (await tools.call("tickets_search", {"project": "SEC"}))["issues"]
            reviews = [i for i in every if i["id"] not in {r["id"] for r in reviews}][:1]
        if style.name == "one_ticket":
            reviews = []
        for issue in [*purchase, *reviews]:
            await tools.call(
                "tickets_link",
                {"ticket": issue["id"], "target": doc["id"], "relation": "documents"},
            )
    await post(
        tools,
        "compliance",
        f"The {vendor} quote {quote_no} ({style.money(total)} total) is filed in the compliance space "
        "and linked from its tickets.",
    )


SCRIPT = script
ADVERSARIES = (WrongQuote, OneTicket, WrongTicket, ClaimFiled)
HONEST = (SearchMail,)
