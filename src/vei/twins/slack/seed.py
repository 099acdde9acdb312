"""What a chat workspace is seeded with: the schema of a scenario's ``slack`` section and the
default workspace used when a scenario gives none.

Users are referred to by id or handle, channels by name (``general``) or ``@handle`` for a
direct message with the agent. Seed times are virtual ms, usually negative (before the run
starts). A seed message may reply to an earlier seed message by its index (``reply_to``)
and may be flagged ``unread`` for the agent.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Seed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UserSeed(_Seed):
    """One workspace member."""

    id: str = Field(pattern=r"^[A-Za-z0-9._-]+$", description="Stable user id, e.g. U01.")
    name: str = Field(pattern=r"^[a-z0-9._-]+$", description="Handle used as @name.")
    display_name: str = Field(min_length=1)
    title: str = ""
    email: str = ""


class ChannelSeed(_Seed):
    """One channel; ``members`` None means every user."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,79}$")
    topic: str = ""
    private: bool = False
    members: list[str] | None = None


class MessageSeed(_Seed):
    """One message already in the workspace when the run starts."""

    channel: str = Field(description="Channel name, or @handle for a DM with the agent.")
    user: str = Field(description="Author id or handle.")
    text: str = Field(min_length=1)
    t_ms: int = Field(le=0, description="Virtual time of the message (0 = run start).")
    reply_to: int | None = Field(default=None, ge=0, description="Index of the thread parent.")
    unread: bool = False
    reactions: dict[str, list[str]] = Field(default_factory=dict)


class SlackSeed(_Seed):
    """The ``slack`` section of a scenario."""

    me: str = Field(description="Id or handle of the user the agent acts as.")
    users: list[UserSeed] = Field(min_length=1)
    channels: list[ChannelSeed] = Field(default_factory=list)
    messages: list[MessageSeed] = Field(default_factory=list)


_HOUR = 3_600_000

DEFAULT_SEED: dict[str, Any] = {
    "me": "agent",
    "users": [
        {
            "id": "U00",
            "name": "agent",
            "display_name": "Alex Morgan",
            "title": "Operations Associate",
            "email": "agent@company.example",
        },
        {
            "id": "U01",
            "name": "maya.chen",
            "display_name": "Maya Chen",
            "title": "Procurement Lead",
            "email": "maya.chen@company.example",
        },
        {
            "id": "U02",
            "name": "sam.patel",
            "display_name": "Sam Patel",
            "title": "Finance Controller",
            "email": "sam.patel@company.example",
        },
        {
            "id": "U03",
            "name": "jordan.lee",
            "display_name": "Jordan Lee",
            "title": "IT Manager",
            "email": "jordan.lee@company.example",
        },
        {
            "id": "U04",
            "name": "priya.nair",
            "display_name": "Priya Nair",
            "title": "Head of Operations",
            "email": "priya.nair@company.example",
        },
    ],
    "channels": [
        {"name": "general", "topic": "Company-wide announcements"},
        {"name": "random", "topic": "Anything goes"},
        {
            "name": "procurement",
            "topic": "Purchase requests, quotes and approvals",
            "members": ["U00", "U01", "U02", "U04"],
        },
    ],
    "messages": [
        {
            "channel": "general",
            "user": "priya.nair",
            "text": "Welcome Alex! Please keep purchase requests in #procurement.",
            "t_ms": -26 * _HOUR,
        },
        {
            "channel": "random",
            "user": "jordan.lee",
            "text": "Coffee machine on floor 3 is fixed.",
            "t_ms": -5 * _HOUR,
        },
        {
            "channel": "procurement",
            "user": "maya.chen",
            "text": "We need 5 laptops for the new analysts. Budget is $6,000 total.",
            "t_ms": -2 * _HOUR,
            "unread": True,
        },
        {
            "channel": "procurement",
            "user": "sam.patel",
            "text": "Anything above $5,000 needs my approval before the PO goes out.",
            "t_ms": -1 * _HOUR,
            "reply_to": 2,
            "unread": True,
        },
    ],
}
