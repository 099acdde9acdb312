"""What a CRM is seeded with: the schema of a scenario's ``crm`` section and the default
data used when a scenario gives none.

Records may name their id (``CO-3``, ``CT-12``, ``DL-7``, ``ACT-2``); those without one get
the next free number of their kind in the order listed. Companies are referred to by id or
exact name, contacts by id or email, owners by email. ``amount_cents`` is integer cents.
The pipeline declares its stages in order and, per stage, the stages a deal may move to.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Seed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UserSeed(_Seed):
    """A person who can own CRM records (a sales rep, the agent)."""

    email: str
    name: str
    title: str = ""


class StageSeed(_Seed):
    """One pipeline stage: its name, what it means (when a deal belongs there) and whether
    it closes the deal (won or lost)."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    description: str = ""
    closed: Literal["won", "lost"] | None = None


class PipelineSeed(_Seed):
    """Stages in order and the moves allowed from each (a stage not listed allows none)."""

    stages: list[StageSeed] = Field(min_length=2)
    transitions: dict[str, list[str]]


class CompanySeed(_Seed):
    id: str | None = Field(default=None, pattern=r"^CO-[1-9][0-9]*$")
    name: str = Field(min_length=1)
    domain: str = ""
    industry: str = ""
    owner: str | None = None


class ContactSeed(_Seed):
    id: str | None = Field(default=None, pattern=r"^CT-[1-9][0-9]*$")
    name: str = Field(min_length=1)
    email: str
    company: str
    title: str = ""
    phone: str = ""
    time_zone: str = ""
    do_not_contact: bool = False
    consent_note: str = ""
    owner: str | None = None


class DealSeed(_Seed):
    id: str | None = Field(default=None, pattern=r"^DL-[1-9][0-9]*$")
    name: str = Field(min_length=1)
    company: str
    contact: str | None = None
    amount_cents: int = Field(ge=0)
    stage: str
    owner: str | None = None
    close_date: str = ""
    next_step: str = ""


class ActivitySeed(_Seed):
    id: str | None = Field(default=None, pattern=r"^ACT-[1-9][0-9]*$")
    type: Literal["call", "meeting", "note", "email"]
    subject: str = Field(min_length=1)
    body: str = ""
    contact: str | None = None
    deal: str | None = None
    company: str | None = None
    by: str | None = None
    date_ms: int = Field(le=0, description="Virtual time it happened (0 = run start).")


class CrmSeed(_Seed):
    """The ``crm`` section of a scenario."""

    me: str = Field(description="The agent's own address (owner of what it creates).")
    users: list[UserSeed] = Field(min_length=1)
    pipeline: PipelineSeed | None = None
    companies: list[CompanySeed] = Field(default_factory=list)
    contacts: list[ContactSeed] = Field(default_factory=list)
    deals: list[DealSeed] = Field(default_factory=list)
    activities: list[ActivitySeed] = Field(default_factory=list)


DEFAULT_PIPELINE: dict[str, Any] = {
    "stages": [
        {
            "name": "prospecting",
            "label": "Prospecting",
            "description": "A possible customer we have not yet qualified.",
        },
        {
            "name": "qualification",
            "label": "Qualification",
            "description": "Budget, need and decision maker confirmed in a first meeting.",
        },
        {
            "name": "proposal",
            "label": "Proposal",
            "description": "The customer asked for a written proposal or quote.",
        },
        {
            "name": "negotiation",
            "label": "Negotiation",
            "description": "The customer reviewed our proposal and wants to negotiate its terms or price.",
        },
        {"name": "closed_won", "label": "Closed won", "description": "Signed.", "closed": "won"},
        {
            "name": "closed_lost",
            "label": "Closed lost",
            "description": "The customer said no or went silent.",
            "closed": "lost",
        },
    ],
    "transitions": {
        "prospecting": ["qualification", "closed_lost"],
        "qualification": ["prospecting", "proposal", "closed_lost"],
        "proposal": ["qualification", "negotiation", "closed_lost"],
        "negotiation": ["proposal", "closed_won", "closed_lost"],
    },
}

_DAY = 86_400_000

DEFAULT_SEED: dict[str, Any] = {
    "me": "agent@company.example",
    "users": [
        {"email": "agent@company.example", "name": "Alex Morgan", "title": "Account Executive"},
        {"email": "dana.reyes@company.example", "name": "Dana Reyes", "title": "Sales Manager"},
    ],
    "companies": [
        {
            "id": "CO-1",
            "name": "Harbor Logistics",
            "domain": "harborlogistics.example",
            "industry": "Logistics",
            "owner": "agent@company.example",
        },
        {
            "id": "CO-2",
            "name": "Pinecrest Clinics",
            "domain": "pinecrest.example",
            "industry": "Healthcare",
            "owner": "dana.reyes@company.example",
        },
    ],
    "contacts": [
        {
            "id": "CT-1",
            "name": "Jordan Blake",
            "email": "jordan.blake@harborlogistics.example",
            "company": "CO-1",
            "title": "Head of Operations",
        },
        {
            "id": "CT-2",
            "name": "Sam Patel",
            "email": "sam.patel@harborlogistics.example",
            "company": "CO-1",
            "title": "Procurement Lead",
            "do_not_contact": True,
            "consent_note": "Asked by phone not to be contacted by sales.",
        },
        {
            "id": "CT-3",
            "name": "Lee Ortiz",
            "email": "lee.ortiz@pinecrest.example",
            "company": "CO-2",
            "title": "IT Director",
        },
    ],
    "deals": [
        {
            "id": "DL-1",
            "name": "Harbor Logistics fleet tracking",
            "company": "CO-1",
            "contact": "CT-1",
            "amount_cents": 4_800_000,
            "stage": "qualification",
            "owner": "agent@company.example",
            "close_date": "2023-12-15",
            "next_step": "Discovery meeting",
        },
        {
            "id": "DL-2",
            "name": "Pinecrest scheduling",
            "company": "CO-2",
            "contact": "CT-3",
            "amount_cents": 1_250_000,
            "stage": "proposal",
            "owner": "dana.reyes@company.example",
            "close_date": "2023-12-01",
        },
    ],
    "activities": [
        {
            "id": "ACT-1",
            "type": "call",
            "subject": "Intro call",
            "body": "Jordan wants live tracking for 40 trucks.",
            "contact": "CT-1",
            "deal": "DL-1",
            "by": "agent@company.example",
            "date_ms": -7 * _DAY,
        }
    ],
}
