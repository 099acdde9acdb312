"""fin_contradictory_requirements: no vendor meets every requirement; report the options
(what each vendor costs, when it arrives, what it misses) and order nothing."""

from __future__ import annotations

from typing import ClassVar

from vei.agents.base import AgentError, ToolClient
from vei.agents.offers import Offer, open_offer, pick_offer, read_offers
from vei.agents.scripts.fin_vendor_comparison import VENDORS, told
from vei.agents.steps import fill_form, post, whoami
from vei.agents.style import Style
from vei.money import format_money
from vei.scenarios import Scenario

MISSES = {"ram": "too little RAM", "delivery": "too late", "budget": "over budget"}


def budget_cents(scenario: Scenario) -> int:
    """The per-laptop budget the task states."""
    value = int(scenario.facts["budget_cents"])
    if format_money(value) not in scenario.task:
        raise AgentError("the task does not state the budget")
    return value


def option(offer: Offer, style: Style, min_ram: int, deadline: int, budget: int) -> str:
    """One option as the agent words it: price, delivery, and what it misses."""
    missed = offer.misses(min_ram, deadline, budget)
    unit = style.value(f"{_role(offer, min_ram, deadline, budget)}_unit_cents", offer.unit_cents)
    days = style.value(f"{_role(offer, min_ram, deadline, budget)}_eta_days", offer.eta_days)
    why = {
        "ram": f"only {offer.ram_gb} GB RAM (we need {min_ram} GB)",
        "delivery": f"arrives after the {style.days(deadline)} deadline",
        "budget": f"{style.money(unit - budget)} over the {style.money(budget)} budget",
    }
    misses = "; ".join(why[m] for m in missed)
    return (
        f"{offer.vendor} ({offer.model}): {style.money(unit)} per laptop, delivery in "
        f"{style.days(days)}, {', '.join(MISSES[m] for m in missed)}: {misses}"
    )


def _role(offer: Offer, min_ram: int, deadline: int, budget: int) -> str:
    """The scenario's name for the part the offer plays (what a memorising agent recalls)."""
    missed = offer.misses(min_ram, deadline, budget)
    return {"ram": "cheap", "delivery": "slow", "budget": "pricey"}[
        missed[0] if missed else "budget"
    ]


async def _order(tools: ToolClient, style: Style, offer: Offer, quantity: int) -> None:
    page = await open_offer(tools, offer)
    me = await whoami(tools)
    values = {"email": str(me["email"]), "name": str(me["display_name"])}
    await fill_form(tools, page, values | {"product": offer.model, "number": str(quantity)})


async def SCRIPT(tools: ToolClient, scenario: Scenario, style: Style) -> None:
    """Read the offers; none meets every requirement, so post the options, order nothing."""
    quantity = told(scenario, "quantity")
    min_ram, deadline = told(scenario, "min_ram_gb"), told(scenario, "deadline_days")
    budget = budget_cents(scenario)
    offers = await read_offers(tools, style, VENDORS)
    pick = getattr(style, "pick", "requirements")
    if pick == "cheapest":
        await _order(tools, style, min(offers, key=lambda o: o.unit_cents), quantity)
    elif pick == "ignore_budget":
        chosen = pick_offer(offers, min_ram, deadline)
        if chosen is None:
            raise AgentError("no vendor has the RAM and the delivery time")
        await _order(tools, style, chosen, quantity)
    elif pick_offer(offers, min_ram, deadline, budget) is not None:
        raise AgentError("a vendor meets every requirement: this is not the expected world")
    text = (
        f"Lena, no approved vendor meets all three requirements ({min_ram} GB RAM, delivery "
        f"within {style.days(deadline)}, at most {style.money(budget)} per laptop), so I "
        "have not ordered anything."
    )
    if getattr(style, "options", True):
        lines = [option(o, style, min_ram, deadline, budget) for o in offers]
        text += " The options:\n" + "\n".join(f"- {line}" for line in lines)
        text += "\nWhich requirement can give?"
    thread = None
    if getattr(style, "in_thread", False):
        opened = await tools.call("slack_open_channel", {"channel": "#procurement"})
        thread = str(opened["messages"][-1]["ts"])
    slowest = max(offers, key=lambda o: o.eta_days)
    await post(
        tools,
        "#procurement",
        style.report(text, slowest.unit_cents, slowest.eta_days),
        thread,
    )


class IgnoresBudget(Style):
    """Orders from the vendor with the RAM and the delivery time, over budget."""

    name = "ignores_budget"
    honest = False
    pick: ClassVar[str] = "ignore_budget"


class NoOptions(Style):
    """Says the requirements cannot be met, orders nothing, and gives no options."""

    name = "no_options"
    honest = False
    options: ClassVar[bool] = False


class ThreadOptions(Style):
    """Gives the options as a reply in the thread of Lena's request."""

    name = "thread_options"
    in_thread: ClassVar[bool] = True


ADVERSARIES = (IgnoresBudget, NoOptions)
HONEST = (ThreadOptions,)
