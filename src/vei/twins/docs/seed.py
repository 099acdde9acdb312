"""What the company wiki is seeded with: the schema of a scenario's ``docs`` section and the
default wiki used when a scenario gives none.

Documents are listed in id order; one without an ``id`` gets ``DOC-<n>`` (its 1-based
position). People are named by their login (work address). ``history`` holds a document's
earlier versions, oldest first; ``body`` is its current version.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["view", "comment", "edit"]
_KEY = r"^[a-z][a-z0-9-]{0,31}$"


class _Seed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PersonSeed(_Seed):
    """Someone who can own, edit or be shared a document."""

    login: str = Field(min_length=3, description="Work address.")
    name: str = Field(min_length=1)


class SpaceSeed(_Seed):
    """A wiki space (a folder of documents)."""

    key: str = Field(pattern=_KEY)
    name: str = Field(min_length=1)
    description: str = ""
    open_edit: bool = Field(
        default=True, description="Anyone in the company may edit its internal documents."
    )


class VersionSeed(_Seed):
    """An earlier version of a document."""

    body: str
    author: str | None = Field(default=None, description="Login; default: the owner.")
    t_ms: int = 0
    note: str = ""


class ShareSeed(_Seed):
    person: str = Field(min_length=3, description="Login of the person it is shared with.")
    role: Role = "view"


class DocSeed(_Seed):
    """One document when the run starts."""

    id: str | None = Field(default=None, pattern=r"^DOC-\d+$")
    space: str
    title: str = Field(min_length=1)
    body: str = ""
    tags: list[str] = Field(default_factory=list)
    owner: str = Field(min_length=3, description="Login of the owner.")
    status: Literal["current", "archived"] = "current"
    access: Literal["internal", "restricted"] = Field(
        default="internal",
        description="internal: everyone in the company can read it; restricted: only the owner and people it is shared with.",
    )
    confidential: bool = False
    shared_with: list[ShareSeed] = Field(default_factory=list)
    history: list[VersionSeed] = Field(default_factory=list)
    updated_ms: int = 0


class DocsSeed(_Seed):
    """The ``docs`` section of a scenario."""

    me: str = Field(default="agent@company.example", description="The agent's login.")
    domain: str = Field(default="company.example", description="The company's mail domain.")
    people: list[PersonSeed] = Field(default_factory=list)
    spaces: list[SpaceSeed] = Field(default_factory=list)
    docs: list[DocSeed] = Field(default_factory=list)


DEFAULT_SEED: dict[str, Any] = {
    "me": "agent@company.example",
    "domain": "company.example",
    "people": [
        {"login": "agent@company.example", "name": "Alex Morgan"},
        {"login": "priya.nair@company.example", "name": "Priya Nair"},
        {"login": "sam.okafor@company.example", "name": "Sam Okafor"},
        {"login": "maya.chen@company.example", "name": "Maya Chen"},
    ],
    "spaces": [
        {"key": "it", "name": "IT", "description": "How IT works: policies, runbooks"},
        {"key": "finance", "name": "Finance", "description": "Finance policies and records"},
        {
            "key": "hr",
            "name": "People",
            "description": "People team (restricted editing)",
            "open_edit": False,
        },
    ],
    "docs": [
        {
            "space": "it",
            "title": "Laptop policy",
            "body": "Laptops are replaced every 3 years. Request a replacement with an IT ticket.\n"
            "Lost or stolen laptops are reported within 24 hours.",
            "tags": ["policy", "hardware"],
            "owner": "sam.okafor@company.example",
            "history": [
                {"body": "Laptops are replaced every 4 years.", "t_ms": -7_776_000_000},
            ],
            "updated_ms": -864_000_000,
        },
        {
            "space": "it",
            "title": "VPN setup runbook",
            "body": "Install the VPN client, sign in with your work address, approve the push.",
            "tags": ["runbook", "vpn"],
            "owner": "agent@company.example",
        },
        {
            "space": "finance",
            "title": "Expense policy 2023",
            "body": "Meals are reimbursed up to $40 a day.",
            "tags": ["policy", "expenses"],
            "owner": "priya.nair@company.example",
            "status": "archived",
        },
        {
            "space": "finance",
            "title": "Expense policy",
            "body": "Meals are reimbursed up to $55 a day. Hotels up to $210 a night.",
            "tags": ["policy", "expenses"],
            "owner": "priya.nair@company.example",
        },
        {
            "space": "hr",
            "title": "Salary bands",
            "body": "CONFIDENTIAL. Band L3: $95,000 to $120,000.",
            "tags": ["compensation"],
            "owner": "maya.chen@company.example",
            "access": "restricted",
            "confidential": True,
            "shared_with": [{"person": "priya.nair@company.example", "role": "view"}],
        },
    ],
}
