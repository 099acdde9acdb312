"""What the service desk is seeded with: the schema of a scenario's ``servicedesk`` section
and the default desk used when a scenario gives none.

Incidents and requests get ``INC-<n>`` / ``REQ-<n>`` (four digits) from their ``number``;
people are named by login (their work address). ``opened_ms`` is virtual time (0 = run
start, negative = before it). SLA targets are per priority (1 = critical .. 4 = low).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

IncidentState = Literal["New", "In Progress", "On Hold", "Resolved", "Closed", "Canceled"]
RequestState = Literal[
    "Pending Approval", "Approved", "Rejected", "Closed Complete", "Closed Incomplete"
]


class _Seed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PersonSeed(_Seed):
    """Someone the desk knows: a caller, assignee or approver."""

    login: str = Field(min_length=3)
    name: str = Field(min_length=1)
    chat: str | None = Field(default=None, description="Their chat handle, for notifications.")


class SlaSeed(_Seed):
    """How long an incident of one priority may wait for a response and for its resolution."""

    response_ms: int = Field(gt=0)
    resolution_ms: int = Field(gt=0)


class CommentSeed(_Seed):
    author: str
    text: str = Field(min_length=1)
    t_ms: int = Field(le=0)
    work_note: bool = False


class IncidentSeed(_Seed):
    number: int = Field(ge=1, le=9999)
    short_description: str = Field(min_length=1)
    description: str = ""
    caller: str
    priority: int = Field(ge=1, le=4)
    state: IncidentState = "New"
    assignee: str | None = None
    assignment_group: str = "Service Desk"
    service: str = ""
    opened_ms: int = Field(default=0, le=0)
    comments: list[CommentSeed] = Field(default_factory=list)


class StageSeed(_Seed):
    name: str = Field(min_length=1)
    approver: str = Field(description="Login of the one person who may approve or reject it.")


class RequestSeed(_Seed):
    number: int = Field(ge=1, le=9999)
    item: str = Field(min_length=1, description="The catalog item, e.g. 'Access: GitHub'.")
    requester: str
    requested_for: str = Field(description="Login of the person it is for (an identity user).")
    description: str = ""
    stages: list[StageSeed] = Field(min_length=1)
    opened_ms: int = Field(default=0, le=0)
    comments: list[CommentSeed] = Field(default_factory=list)


class NotifySeed(_Seed):
    """Where the desk notifies: mail from ``mail_from`` to the agent, chat posts by
    ``chat_user`` in ``channel`` (left out when the world has no such chat user)."""

    mail_from: str = "servicedesk@company.example"
    chat_user: str | None = "servicedesk"
    channel: str | None = None


class ServicedeskSeed(_Seed):
    """The ``servicedesk`` section of a scenario."""

    me: str = Field(description="The agent's login on the desk.")
    people: list[PersonSeed] = Field(default_factory=list)
    sla: dict[str, SlaSeed] = Field(default_factory=dict, description="Priority (1..4) -> targets.")
    incidents: list[IncidentSeed] = Field(default_factory=list)
    requests: list[RequestSeed] = Field(default_factory=list)
    notify: NotifySeed = Field(default_factory=NotifySeed)


_MIN = 60_000
_HOUR = 60 * _MIN
DEFAULT_SLA: dict[str, dict[str, int]] = {
    "1": {"response_ms": 15 * _MIN, "resolution_ms": 4 * _HOUR},
    "2": {"response_ms": 30 * _MIN, "resolution_ms": 8 * _HOUR},
    "3": {"response_ms": 4 * _HOUR, "resolution_ms": 72 * _HOUR},
    "4": {"response_ms": 8 * _HOUR, "resolution_ms": 120 * _HOUR},
}

DEFAULT_SEED: dict[str, Any] = {
    "me": "agent@company.example",
    "people": [
        {"login": "agent@company.example", "name": "Alex Morgan", "chat": "agent"},
        {"login": "priya.nair@company.example", "name": "Priya Nair", "chat": "priya.nair"},
        {"login": "sam.okafor@company.example", "name": "Sam Okafor", "chat": "sam.okafor"},
        {"login": "maya.chen@company.example", "name": "Maya Chen", "chat": "maya.chen"},
    ],
    "incidents": [
        {
            "number": 41,
            "short_description": "VPN drops every few minutes",
            "caller": "maya.chen@company.example",
            "priority": 3,
            "state": "In Progress",
            "assignee": "sam.okafor@company.example",
            "service": "VPN",
            "opened_ms": -2 * _HOUR,
        },
        {
            "number": 42,
            "short_description": "Checkout service returns errors for all customers",
            "description": "Error rate above 50% since 09:12. Customers cannot pay.",
            "caller": "priya.nair@company.example",
            "priority": 1,
            "service": "Checkout",
            "opened_ms": -5 * _MIN,
        },
    ],
    "requests": [
        {
            "number": 12,
            "item": "Access: GitHub",
            "requester": "maya.chen@company.example",
            "requested_for": "maya.chen@company.example",
            "description": "Need GitHub to review the design system repository.",
            "stages": [
                {"name": "Manager approval", "approver": "priya.nair@company.example"},
                {"name": "IT approval", "approver": "agent@company.example"},
            ],
            "opened_ms": -3 * _HOUR,
        }
    ],
    "notify": {"mail_from": "servicedesk@company.example", "chat_user": None, "channel": None},
}
