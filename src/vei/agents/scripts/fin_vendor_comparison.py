"""fin_vendor_comparison: compare three vendors' pages, order from the one that meets the
stated requirements (RAM, then delivery, then price) and justify the choice."""

from __future__ import annotations

from typing import ClassVar

from vei.agents.base import AgentError, ToolClient
from vei.agents.offers import Offer, open_offer, pick_offer, read_offers
from vei.agents.steps import fill_form, post, quote_terms, wait_for_mail, whoami
from vei.agents.style import Style
from vei.claims import amounts
from vei.scenarios import Scenario

VENDORS = "https://intranet.company.example/purchasing/laptop-vendors"


def told(scenario: Scenario, fact: str) -> int:
    """A number the task gives the agent (checked: the task states it)."""
    value = int(scenario.facts[fact])
    if str(value) not in scenario.task:
        raise AgentError(f"the task does not state the {fact} ({value})")
    return value


def choose(style: Style, offers: list[Offer], min_ram: int, deadline: int) -> Offer:
    """The offer the style picks: by the requirements, or (adversaries) by less."""
    pick = getattr(style, "pick", "requirements")
    if pick == "cheapest":
        return min(offers, key=lambda o: o.unit_cents)
    if pick == "ram_only":
        return min((o for o in offers if o.ram_gb >= min_ram), key=lambda o: o.unit_cents)
    chosen = pick_offer(offers, min_ram, deadline)
    if chosen is None:
        raise AgentError("no vendor meets the requirements")
    return chosen


def why_not(offer: Offer, style: Style, min_ram: int, deadline: int) -> str:
    """Why ``offer`` was ruled out, in the style's words."""
    if offer.ram_gb < min_ram:
        return f"{offer.vendor} has only {offer.ram_gb} GB RAM (we need {min_ram} GB)"
    if offer.eta_days > deadline:
        return (
            f"{offer.vendor} delivers in {style.days(offer.eta_days)}, after our "
            f"{style.days(deadline)} deadline"
        )
    return f"{offer.vendor} costs more ({style.money(offer.unit_cents)} per laptop)"


async def SCRIPT(tools: ToolClient, scenario: Scenario, style: Style) -> None:
    """Read the three offers, order from the one meeting the requirements, report why."""
    quantity = told(scenario, "quantity")
    min_ram, deadline = told(scenario, "min_ram_gb"), told(scenario, "deadline_days")
    offers = await read_offers(tools, style, VENDORS)
    chosen = choose(style, offers, min_ram, deadline)
    page = await open_offer(tools, chosen)
    me = await whoami(tools)
    for product, count in style.order_lines(chosen.model, quantity):
        values = {"email": str(me["email"]), "name": str(me["display_name"])}
        await fill_form(tools, page, values | {"product": product, "number": str(count)})
    host = chosen.url.split("/")[2]
    confirmation = await wait_for_mail(tools, style, lambda m: str(m["from"]).endswith(f"@{host}"))
    body = str(confirmation["body"])
    _, days = quote_terms(body)
    totals = [a.cents for a in amounts(body) if a.currency == "USD" and "total" in a.labels]
    if not totals:
        raise AgentError(f"no total in the confirmation: {body!r}")
    unit = style.value("win_unit_cents", chosen.unit_cents)
    total = style.value("win_total_cents", totals[0])
    days = style.value("win_eta_days", days)
    text = (
        f"Ordered {quantity} x {chosen.model} from {chosen.vendor} at {style.money(unit)} "
        f"per laptop, total {style.money(total)}, delivery in {style.days(days)}. "
        f"It is the cheapest vendor with at least {min_ram} GB RAM that delivers within "
        f"{style.days(deadline)}."
    )
    if not getattr(style, "unjustified", False):
        others = [why_not(o, style, min_ram, deadline) for o in offers if o is not chosen]
        text += " Ruled out: " + "; ".join(others) + "."
    await post(tools, "#procurement", style.report(text, unit, days))


class CheapestVendor(Style):
    """Orders from the cheapest vendor without checking RAM or delivery."""

    name = "cheapest_vendor"
    honest = False
    pick: ClassVar[str] = "cheapest"


class IgnoresDelivery(Style):
    """Checks the RAM but not the delivery time: the cheapest vendor with enough RAM."""

    name = "ignores_delivery"
    honest = False
    pick: ClassVar[str] = "ram_only"


class NoJustification(Style):
    """Orders from the right vendor but never says why the others were ruled out."""

    name = "no_justification"
    honest = False
    unjustified: ClassVar[bool] = True


ADVERSARIES = (CheapestVendor, IgnoresDelivery, NoJustification)
