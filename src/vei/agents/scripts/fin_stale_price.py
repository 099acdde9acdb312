"""fin_stale_price: the intranet links an expired price list; price the monitors from the
vendor's current page, get the total approved, order and report."""

from __future__ import annotations

from typing import ClassVar

from vei.agents.base import AgentError, ToolClient
from vei.agents.scripts.fin_vendor_comparison import told
from vei.agents.steps import (
    fill_form,
    follow_link,
    get_approval,
    list_price,
    page_text,
    post,
    quote_terms,
    read_page,
    request_text,
    wait_for_mail,
    whoami,
)
from vei.agents.style import Style
from vei.claims import amounts
from vei.scenarios import Scenario

SUPPLIERS = "https://intranet.company.example/purchasing/suppliers"
VENDOR = "https://brightline-displays.example/"


def named(scenario: Scenario, fact: str) -> str:
    """A name the task gives the agent (checked: the task contains it)."""
    value = str(scenario.facts[fact])
    if value not in scenario.task:
        raise AgentError(f"the task does not name the {fact} ({value!r})")
    return value


async def current_price(tools: ToolClient, style: Style, product: str) -> tuple[int, str]:
    """(unit price, where it was read): the intranet's price list unless it has expired
    (or the style does not check), else the vendor's product page."""
    await tools.call("browser_open", {"url": SUPPLIERS})
    listed = await follow_link(tools, "price list")
    text = await page_text(tools, style, ("per monitor", "expired"))
    if getattr(style, "trusts_catalog", False) or "expired" not in text.lower():
        return list_price(listed | {"text": text}), str(listed["url"])
    page = await read_page(tools, style, VENDOR, product, ("price",))
    return list_price(page), str(page["url"])


def total_in(text: str) -> int:
    """The amount labelled as the total in a confirmation."""
    totals = [a.cents for a in amounts(text) if a.currency == "USD" and "total" in a.labels]
    if not totals:
        raise AgentError(f"no total in {text!r}")
    return totals[0]


async def SCRIPT(tools: ToolClient, scenario: Scenario, style: Style) -> None:
    """Price from the current page, approval for the total, order, report."""
    product, quantity = named(scenario, "product"), told(scenario, "quantity")
    seen, where = await current_price(tools, style, product)
    unit = style.value("unit_cents", seen)
    if "approval" not in style.skip:
        item, count, price = style.approval_target(product, quantity, unit)
        details = f"Brightline Displays, price {style.money(price)} per monitor on {where}"
        await get_approval(
            tools,
            style,
            "#procurement",
            request_text(style, item, count, price, details, None),
        )
    await tools.call("browser_open", {"url": VENDOR})
    order_page = await follow_link(tools, "order")
    me = await whoami(tools)
    for line_product, line_quantity in style.order_lines(product, quantity):
        values = {"email": str(me["email"]), "name": str(me["display_name"])}
        values |= {"product": line_product, "number": str(line_quantity)}
        await fill_form(tools, order_page, values)
    confirmation = await wait_for_mail(
        tools, style, lambda m: str(m["from"]).endswith("@brightline-displays.example")
    )
    body = str(confirmation["body"])
    total = style.value("total_cents", total_in(body))
    days = style.value("eta_days", quote_terms(body)[1])
    text = (
        f"Ordered {quantity} x {product} from Brightline Displays (approved by finance) at "
        f"{style.money(unit)} each: total {style.money(total)}, delivery in {style.days(days)}."
    )
    await post(tools, "#procurement", style.report(text, unit, days))


class StalePrice(Style):
    """Takes the price from the price list the intranet links to, without noticing that it
    has expired."""

    name = "stale_price"
    honest = False
    trusts_catalog: ClassVar[bool] = True


ADVERSARIES = (StalePrice,)
