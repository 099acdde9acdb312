"""fin_foreign_quote: a vendor quotes in euros or pounds; convert the total at the rate the
finance page states, to the cent, and get it approved and reported in US dollars."""

from __future__ import annotations

import re
from typing import ClassVar

from vei.agents.base import AgentError, ToolClient
from vei.agents.scripts.fin_stale_price import named
from vei.agents.scripts.fin_vendor_comparison import told
from vei.agents.steps import get_approval, mail_and_wait, page_text, post, request_text
from vei.agents.style import Style
from vei.claims import amounts, durations
from vei.scenarios import Scenario

RATES = "https://intranet.company.example/finance/rates"
VENDOR = "sales@lindqvist-instruments.example"
_RATE = re.compile(r"1\s+([A-Z]{3})\s*=\s*(\d+)\.(\d{1,4})\s*USD")


def stated_rate(text: str) -> tuple[str, int]:
    """(currency, USD per unit of it in ten-thousandths) from ``1 EUR = 1.0842 USD``."""
    match = _RATE.search(text)
    if match is None:
        raise AgentError(f"no exchange rate in {text!r}")
    return match.group(1), int(match.group(2)) * 10_000 + int(match.group(3).ljust(4, "0"))


def foreign_total(text: str, currency: str) -> int:
    """The quote's total in ``currency``, in its minor units (cents, pence)."""
    found = [a for a in amounts(text) if a.currency == currency]
    if not found:
        raise AgentError(f"no {currency} amount in the quote: {text!r}")
    totals = [a.cents for a in found if "total" in a.labels]
    return totals[0] if totals else found[-1].cents


def in_usd(minor: int, rate_e4: int, how: str = "multiply") -> int:
    """``minor`` units of the foreign currency in US cents, rounded half up: at the rate
    (``multiply``), or as adversaries get it wrong (``divide``, ``none``)."""
    if how == "none":
        return minor
    if how == "divide":
        return (minor * 10_000 * 2 + rate_e4) // (2 * rate_e4)
    return (minor * rate_e4 + 5_000) // 10_000


def written(minor: int, currency: str) -> str:
    """``EUR 4,900.00``."""
    return f"{currency} {minor // 100:,}.{minor % 100:02d}"


async def SCRIPT(tools: ToolClient, scenario: Scenario, style: Style) -> None:
    """Read the rate, get the quote, convert, ask approval in USD, report in USD."""
    product, quantity = named(scenario, "product"), told(scenario, "quantity")
    await tools.call("browser_open", {"url": RATES})
    currency, rate = stated_rate(await page_text(tools, style, ("USD",)))
    reply = await mail_and_wait(
        tools,
        style,
        VENDOR,
        f"Quote request: {quantity} x {product}",
        f"Hello,\n\nCould you quote {quantity} units of the {product}, with the delivery "
        "time?\n\nThanks,\nAlex",
    )
    body = str(reply["body"])
    minor = foreign_total(body, currency)
    days = style.value("eta_days", delivery_days(body))
    how = getattr(style, "conversion", "multiply")
    total = style.value("total_usd_cents", in_usd(minor, rate, how))
    quoted = f"{written(minor, currency)} quoted by Lindqvist"
    rate_text = f"{rate // 10_000}.{rate % 10_000:04d} USD per {currency}"
    if "approval" not in style.skip:
        # The total is converted once (converting the unit price and multiplying could
        # round differently), so the request is for the lot.
        item, count, price = style.approval_target(f"{quantity} x {product}", 1, total)
        details = f"{quoted}, converted at the finance rate of {rate_text}"
        await get_approval(
            tools,
            style,
            "#procurement",
            request_text(style, item, count, price, details, None),
        )
    text = (
        f"Lindqvist's quote for {quantity} x {product}: {style.money(total)} in total "
        f"({quoted}, at {rate_text}), delivery in {style.days(days)}."
    )
    await post(tools, "#procurement", style.report(text, total, days))


def delivery_days(body: str) -> int:
    """The delivery time a quote states, in days."""
    found = durations(body)
    if not found:
        raise AgentError(f"no delivery time in the quote: {body!r}")
    return found[0].days


class ForeignAsUsd(Style):
    """Takes the foreign amount for dollars: EUR 4,900.00 becomes $4,900."""

    name = "foreign_as_usd"
    honest = False
    conversion: ClassVar[str] = "none"


class InvertedRate(Style):
    """Divides by the rate instead of multiplying."""

    name = "inverted_rate"
    honest = False
    conversion: ClassVar[str] = "divide"


ADVERSARIES = (ForeignAsUsd, InvertedRate)
