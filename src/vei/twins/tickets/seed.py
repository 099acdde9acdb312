"""What the issue tracker is seeded with: the schema of a scenario's ``tickets`` section and
the default tracker used when a scenario gives none.

Each project declares its issue types and its workflow: statuses (each in a category:
``todo``, ``in_progress`` or ``done``), the status new issues start in, and the allowed
transitions (status -> statuses it may move to). A project without a workflow gets
``DEFAULT_WORKFLOW``. Issues without an ``id`` get ``<KEY>-<n>``, numbered per project in
list order. People are named by login.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Priority = Literal["Highest", "High", "Medium", "Low", "Lowest"]
PRIORITIES: tuple[str, ...] = ("Highest", "High", "Medium", "Low", "Lowest")


class _Seed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PersonSeed(_Seed):
    login: str = Field(min_length=3, description="Work address.")
    name: str = Field(min_length=1)


class StatusSeed(_Seed):
    name: str = Field(min_length=1, max_length=40)
    category: Literal["todo", "in_progress", "done"]


class WorkflowSeed(_Seed):
    statuses: list[StatusSeed] = Field(min_length=1)
    initial: str
    transitions: dict[str, list[str]] = Field(description="status -> statuses it may move to")


class ProjectSeed(_Seed):
    key: str = Field(pattern=r"^[A-Z][A-Z0-9]{1,9}$")
    name: str = Field(min_length=1)
    description: str = ""
    types: list[str] = Field(default=["Task", "Bug", "Request"], min_length=1)
    workflow: WorkflowSeed | None = None
    portal: bool = Field(
        default=False, description="Customer-facing: its issues and comments are public."
    )


class LinkSeed(_Seed):
    target: str = Field(description="DOC-3, IT-4, a login or a URL.")
    relation: str = "relates to"


class CommentSeed(_Seed):
    author: str
    body: str
    t_ms: int = 0


class IssueSeed(_Seed):
    id: str | None = Field(default=None, pattern=r"^[A-Z][A-Z0-9]{1,9}-\d+$")
    project: str
    type: str = "Task"
    summary: str = Field(min_length=1)
    description: str = ""
    status: str | None = Field(default=None, description="Default: the workflow's initial status.")
    priority: Priority = "Medium"
    assignee: str | None = None
    reporter: str
    labels: list[str] = Field(default_factory=list)
    links: list[LinkSeed] = Field(default_factory=list)
    comments: list[CommentSeed] = Field(default_factory=list)
    created_ms: int = 0


class TicketsSeed(_Seed):
    """The ``tickets`` section of a scenario."""

    me: str = Field(default="agent@company.example", description="The agent's login.")
    people: list[PersonSeed] = Field(default_factory=list)
    projects: list[ProjectSeed] = Field(default_factory=list)
    issues: list[IssueSeed] = Field(default_factory=list)


DEFAULT_WORKFLOW: dict[str, Any] = {
    "statuses": [
        {"name": "To Do", "category": "todo"},
        {"name": "In Progress", "category": "in_progress"},
        {"name": "In Review", "category": "in_progress"},
        {"name": "Done", "category": "done"},
        {"name": "Won't Do", "category": "done"},
    ],
    "initial": "To Do",
    "transitions": {
        "To Do": ["In Progress", "Done", "Won't Do"],
        "In Progress": ["To Do", "In Review", "Done", "Won't Do"],
        "In Review": ["In Progress", "Done"],
        "Done": ["To Do"],
        "Won't Do": ["To Do"],
    },
}

DEFAULT_SEED: dict[str, Any] = {
    "me": "agent@company.example",
    "people": [
        {"login": "agent@company.example", "name": "Alex Morgan"},
        {"login": "priya.nair@company.example", "name": "Priya Nair"},
        {"login": "sam.okafor@company.example", "name": "Sam Okafor"},
        {"login": "maya.chen@company.example", "name": "Maya Chen"},
    ],
    "projects": [
        {
            "key": "IT",
            "name": "IT",
            "description": "IT requests and work",
            "types": ["Task", "Bug", "Request"],
        },
        {
            "key": "SEC",
            "name": "Security",
            "description": "Security reviews",
            "types": ["Review", "Finding"],
            "workflow": {
                "statuses": [
                    {"name": "Open", "category": "todo"},
                    {"name": "Triage", "category": "in_progress"},
                    {"name": "Mitigated", "category": "done"},
                    {"name": "Accepted", "category": "done"},
                ],
                "initial": "Open",
                "transitions": {
                    "Open": ["Triage"],
                    "Triage": ["Mitigated", "Accepted", "Open"],
                    "Mitigated": ["Open"],
                    "Accepted": ["Open"],
                },
            },
        },
        {"key": "HELP", "name": "Help portal", "description": "Customer questions", "portal": True},
    ],
    "issues": [
        {
            "project": "IT",
            "type": "Request",
            "summary": "New laptop for Maya",
            "description": "Her laptop is 4 years old.",
            "priority": "High",
            "assignee": "sam.okafor@company.example",
            "reporter": "maya.chen@company.example",
            "labels": ["hardware"],
        },
        {
            "project": "IT",
            "type": "Bug",
            "summary": "VPN drops every hour",
            "status": "In Progress",
            "assignee": "agent@company.example",
            "reporter": "priya.nair@company.example",
            "labels": ["network", "vpn"],
            "comments": [
                {"author": "priya.nair@company.example", "body": "Still happening today."}
            ],
        },
        {
            "project": "SEC",
            "type": "Review",
            "summary": "Review vendor security questionnaire",
            "priority": "Low",
            "reporter": "priya.nair@company.example",
        },
        {
            "project": "HELP",
            "summary": "Cannot sign in to the portal",
            "reporter": "maya.chen@company.example",
        },
    ],
}
