"""What the directory is seeded with: the schema of a scenario's ``identity`` section and
the default directory used when a scenario gives none.

Users are listed in id order; a user without an ``id`` gets ``USR-<n>`` (its 1-based
position, four digits). ``manager``, group ``members`` and app ``assigned`` name users by
id or login. Groups and apps are referred to by their ``name`` (``engineering``,
``github``); their ids are ``GRP-<n>`` and ``APP-<n>`` in list order.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["STAGED", "PROVISIONED", "ACTIVE", "SUSPENDED", "DEPROVISIONED"]
_NAME = r"^[a-z][a-z0-9_.-]{0,63}$"


class _Seed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UserSeed(_Seed):
    """One person in the directory when the run starts."""

    id: str | None = Field(default=None, pattern=r"^USR-\d{4}$")
    login: str = Field(min_length=3, description="Sign-in name, the person's work address.")
    first_name: str = Field(min_length=1)
    last_name: str = Field(min_length=1)
    title: str = ""
    department: str = ""
    manager: str | None = Field(default=None, description="The manager's id or login.")
    location: str = ""
    employee_number: str = ""
    status: Status = "ACTIVE"


class GroupSeed(_Seed):
    """A group of users (access is granted through groups)."""

    name: str = Field(pattern=_NAME)
    description: str = ""
    members: list[str] = Field(default_factory=list, description="Users by id or login.")


class AppSeed(_Seed):
    """An application users are assigned to."""

    name: str = Field(pattern=_NAME)
    label: str = Field(min_length=1, description="Display name, e.g. GitHub.")
    assigned: list[str] = Field(default_factory=list, description="Users by id or login.")


class IdentitySeed(_Seed):
    """The ``identity`` section of a scenario."""

    domain: str = Field(default="company.example", description="The company's mail domain.")
    users: list[UserSeed] = Field(default_factory=list)
    groups: list[GroupSeed] = Field(default_factory=list)
    apps: list[AppSeed] = Field(default_factory=list)


DEFAULT_SEED: dict[str, Any] = {
    "domain": "company.example",
    "users": [
        {
            "login": "priya.nair@company.example",
            "first_name": "Priya",
            "last_name": "Nair",
            "title": "Finance Manager",
            "department": "Finance",
            "employee_number": "E1001",
            "location": "London",
        },
        {
            "login": "sam.okafor@company.example",
            "first_name": "Sam",
            "last_name": "Okafor",
            "title": "IT Support",
            "department": "IT",
            "employee_number": "E1002",
            "location": "London",
        },
        {
            "login": "sam.patel@company.example",
            "first_name": "Sam",
            "last_name": "Patel",
            "title": "Data Analyst",
            "department": "Finance",
            "manager": "priya.nair@company.example",
            "employee_number": "E1003",
            "location": "Berlin",
        },
        {
            "login": "maya.chen@company.example",
            "first_name": "Maya",
            "last_name": "Chen",
            "title": "Design Lead",
            "department": "Design",
            "employee_number": "E1004",
            "location": "London",
        },
        {
            "login": "leo.garcia@company.example",
            "first_name": "Leo",
            "last_name": "Garcia",
            "title": "Designer",
            "department": "Design",
            "manager": "maya.chen@company.example",
            "employee_number": "E1005",
            "status": "SUSPENDED",
        },
        {
            "login": "nina.berg@company.example",
            "first_name": "Nina",
            "last_name": "Berg",
            "title": "Designer",
            "department": "Design",
            "manager": "maya.chen@company.example",
            "employee_number": "E1006",
            "status": "STAGED",
        },
    ],
    "groups": [
        {
            "name": "everyone",
            "description": "All staff",
            "members": ["USR-0001", "USR-0002", "USR-0003", "USR-0004", "USR-0005"],
        },
        {
            "name": "finance",
            "description": "Finance team",
            "members": ["priya.nair@company.example", "sam.patel@company.example"],
        },
        {
            "name": "design",
            "description": "Design team",
            "members": ["maya.chen@company.example", "leo.garcia@company.example"],
        },
        {
            "name": "it-admins",
            "description": "IT administrators",
            "members": ["sam.okafor@company.example"],
        },
    ],
    "apps": [
        {"name": "github", "label": "GitHub", "assigned": ["sam.okafor@company.example"]},
        {
            "name": "figma",
            "label": "Figma",
            "assigned": ["maya.chen@company.example", "leo.garcia@company.example"],
        },
        {
            "name": "netsuite",
            "label": "NetSuite",
            "assigned": ["priya.nair@company.example", "sam.patel@company.example"],
        },
    ],
}
