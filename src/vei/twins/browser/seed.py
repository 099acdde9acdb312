"""What the simulated web is seeded with: the schema of a scenario's ``browser`` section and
the default site (a small company intranet) used when a scenario gives none.

A page lists its links, buttons and forms in order. Element ids are optional: an element
without one gets an id from its page position (``link-2``, ``button-1``), a form field from
its form and name (``field-purchase-request-email``), and every form has a submit button
``submit-<form id>``. Ids must be unique on their page; form ids are unique across the site,
so a submission's ``form_id`` names one form. Link URLs may be relative to their page.
A button whose action is ``submit:<form id>`` submits that form (on the same page); any other
action is only recorded when clicked. Text is plain text, paragraphs separated by blank lines.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

NODE_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"

FieldType = Literal["text", "email", "number", "textarea"]


class _Seed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LinkSeed(_Seed):
    """A link to another page (or to a URL outside the site: a dead link)."""

    id: str | None = Field(default=None, pattern=NODE_ID)
    text: str = Field(min_length=1, max_length=300)
    url: str = Field(min_length=1, max_length=2000, description="Absolute or page-relative.")


class ButtonSeed(_Seed):
    """A button; ``submit:<form id>`` submits that form, anything else is just recorded."""

    id: str | None = Field(default=None, pattern=NODE_ID)
    text: str = Field(min_length=1, max_length=300)
    action: str | None = Field(default=None, min_length=1, max_length=300)


class FieldSeed(_Seed):
    """One input of a form; ``name`` is the key of its value in a submission."""

    id: str | None = Field(default=None, pattern=NODE_ID)
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
    label: str = Field(min_length=1, max_length=300)
    type: FieldType = "text"
    required: bool = False


class FormSeed(_Seed):
    """A form; its title defaults to its id and its submit button reads ``submit_text``."""

    id: str = Field(pattern=NODE_ID)
    title: str | None = Field(default=None, min_length=1, max_length=300)
    fields: list[FieldSeed] = Field(min_length=1)
    submit_text: str = Field(default="Submit", min_length=1, max_length=300)


class PageSeed(_Seed):
    """One page of the site."""

    url: str = Field(min_length=1, max_length=2000, description="Absolute http(s) URL.")
    title: str = Field(min_length=1, max_length=300)
    text: str = ""
    links: list[LinkSeed] = Field(default_factory=list)
    buttons: list[ButtonSeed] = Field(default_factory=list)
    forms: list[FormSeed] = Field(default_factory=list)


class BrowserSeed(_Seed):
    """The ``browser`` section of a scenario; ``home`` defaults to the first page."""

    pages: list[PageSeed] = Field(min_length=1)
    home: str | None = None


_INTRANET = "https://intranet.company.example"

DEFAULT_SEED: dict[str, Any] = {
    "home": f"{_INTRANET}/",
    "pages": [
        {
            "url": f"{_INTRANET}/",
            "title": "Company Intranet",
            "text": (
                "Welcome to the company intranet.\n\n"
                "Find our policies, request equipment and reach the IT desk from here.\n\n"
                "Office hours are Monday to Friday, 9:00 to 17:30. The IT desk is on floor 2."
            ),
            "links": [
                {
                    "id": "nav-purchasing",
                    "text": "Purchasing policy",
                    "url": "/policies/purchasing",
                },
                {"id": "nav-equipment", "text": "IT equipment catalog", "url": "/it/equipment"},
            ],
        },
        {
            "url": f"{_INTRANET}/policies/purchasing",
            "title": "Purchasing Policy",
            "text": (
                "Purchasing policy\n\n"
                "Every purchase must be requested with the purchase request form on this page "
                "before a purchase order (PO) is issued.\n\n"
                "Purchases up to $5,000 in total need approval from the Procurement Lead, "
                "Maya Chen.\n\n"
                "Purchases above $5,000 in total also need approval from the Finance "
                "Controller, Sam Patel, before the PO goes out.\n\n"
                "Laptops must be chosen from the IT equipment catalog. Vendor quotes are valid "
                "for 14 days."
            ),
            "links": [
                {"text": "Home", "url": "/"},
                {"text": "IT equipment catalog", "url": "/it/equipment"},
            ],
            "buttons": [{"text": "Download as PDF", "action": "download:purchasing-policy.pdf"}],
            "forms": [
                {
                    "id": "purchase-request",
                    "title": "Purchase request",
                    "fields": [
                        {
                            "name": "email",
                            "label": "Your work email",
                            "type": "email",
                            "required": True,
                        },
                        {"name": "item", "label": "Item", "type": "text", "required": True},
                        {
                            "name": "quantity",
                            "label": "Quantity",
                            "type": "number",
                            "required": True,
                        },
                        {
                            "name": "total_usd",
                            "label": "Estimated total (whole US dollars)",
                            "type": "number",
                            "required": True,
                        },
                        {
                            "name": "justification",
                            "label": "Business justification",
                            "type": "textarea",
                        },
                    ],
                    "submit_text": "Send request",
                }
            ],
        },
        {
            "url": f"{_INTRANET}/it/equipment",
            "title": "IT Equipment Catalog",
            "text": (
                "Approved laptops\n\n"
                "ProBook 14: 14-inch screen, 16 GB RAM, 512 GB SSD. Preferred vendor: Northwind "
                "Laptops. List price $1,180 per unit.\n\n"
                "UltraBook 13: 13-inch screen, 16 GB RAM, 1 TB SSD. Preferred vendor: Contoso "
                "Devices. List price $1,450 per unit.\n\n"
                "Accessories\n\n"
                "USB-C dock: $180 per unit. Request accessories with the purchase request form."
            ),
            "links": [
                {"text": "Home", "url": "/"},
                {"text": "Purchasing policy", "url": f"{_INTRANET}/policies/purchasing"},
            ],
        },
    ],
}
