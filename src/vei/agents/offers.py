"""Reading vendors' offers from their web pages, for scripts that compare vendors.

An offer page states its model (``Model: ...``), a specification with the RAM in GB, a
price and a delivery time; ``read_offers`` opens a list of vendors and reads each linked
page the way the agent's ``Style`` reads pages, and ``pick_offer`` applies stated
requirements (enough RAM, delivery by a deadline, a budget, then the lowest price).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vei.agents.base import AgentError, ToolClient
from vei.agents.steps import list_price, page_text
from vei.agents.style import Style
from vei.claims import durations

QUERIES = ("model", "RAM", "price", "delivery")


@dataclass(frozen=True)
class Offer:
    """One vendor's offer as its page states it."""

    vendor: str
    url: str
    model: str
    unit_cents: int
    ram_gb: int
    eta_days: int
    page: dict[str, Any]

    def misses(
        self, min_ram_gb: int, deadline_days: int, max_unit_cents: int | None = None
    ) -> list[str]:
        """The requirements the offer misses: ``ram``, ``delivery``, ``budget``."""
        missed = ["ram"] if self.ram_gb < min_ram_gb else []
        missed += ["delivery"] if self.eta_days > deadline_days else []
        over = max_unit_cents is not None and self.unit_cents > max_unit_cents
        return missed + (["budget"] if over else [])


def parse_offer(vendor: str, page: dict[str, Any], text: str) -> Offer:
    """The offer ``text`` (the page's text) states; AgentError when a part is missing."""
    model = re.search(r"Model:\s*(.+)", text)
    ram = re.search(r"(\d+)\s*GB RAM", text)
    delivery = re.search(r"Delivery:\s*(.+)", text)
    days = durations(delivery.group(1)) if delivery else []
    if model is None or ram is None or not days:
        raise AgentError(f"no model, RAM or delivery time on {page['url']}")
    price = list_price(page | {"text": text})
    return Offer(
        vendor,
        str(page["url"]),
        model.group(1).strip(),
        price,
        int(ram.group(1)),
        days[0].days,
        page,
    )


async def read_offers(tools: ToolClient, style: Style, listing_url: str) -> list[Offer]:
    """Open the vendor list at ``listing_url`` and read every vendor page it links to."""
    listing = await tools.call("browser_open", {"url": listing_url})
    offers = []
    for link in listing["links"]:
        page = await tools.call("browser_open", {"url": link["url"]})
        text = await page_text(tools, style, QUERIES)
        offers.append(parse_offer(str(link["text"]), page, text))
    if not offers:
        raise AgentError(f"no vendor linked from {listing_url}")
    return offers


def pick_offer(
    offers: Sequence[Offer],
    min_ram_gb: int,
    deadline_days: int,
    max_unit_cents: int | None = None,
) -> Offer | None:
    """The cheapest offer that meets every requirement, or None when none does."""
    fitting = [o for o in offers if not o.misses(min_ram_gb, deadline_days, max_unit_cents)]
    return min(fitting, key=lambda o: o.unit_cents) if fitting else None


async def open_offer(tools: ToolClient, offer: Offer) -> dict[str, Any]:
    """Open the offer's page again (to fill in its order form)."""
    return await tools.call("browser_open", {"url": offer.url})
