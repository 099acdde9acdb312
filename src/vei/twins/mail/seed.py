"""What a mailbox is seeded with: the schema of a scenario's ``mail`` section and the default
mailbox used when a scenario gives none.

Seed messages are listed oldest first; ``date_ms`` is virtual time (usually negative: before
the run starts). A message without an ``id`` gets ``msg-s<n>`` (its 1-based position), which
never collides with the ids the run allocates. ``in_reply_to`` names an earlier seed message.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Seed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class MailMessageSeed(_Seed):
    """One message already in the mailbox when the run starts."""

    id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9._-]+$")
    folder: Literal["INBOX", "SENT"] = "INBOX"
    from_: str = Field(alias="from")
    to: list[str] = Field(min_length=1)
    cc: list[str] = Field(default_factory=list)
    subject: str
    body: str
    date_ms: int = Field(le=0, description="Virtual time it arrived (0 = run start).")
    unread: bool | None = Field(default=None, description="Default: INBOX unread, SENT read.")
    in_reply_to: str | None = None


class MailSeed(_Seed):
    """The ``mail`` section of a scenario."""

    address: str = Field(description="The agent's own address.")
    name: str = ""
    messages: list[MailMessageSeed] = Field(default_factory=list)


_HOUR = 3_600_000

DEFAULT_SEED: dict[str, Any] = {
    "address": "agent@company.example",
    "name": "Alex Morgan",
    "messages": [
        {
            "id": "msg-s1",
            "from": "priya.nair@company.example",
            "to": ["agent@company.example"],
            "subject": "Welcome aboard",
            "body": (
                "Hi Alex,\n\nWelcome to the operations team. Most purchase requests come "
                "through #procurement; quotes from vendors arrive here by mail.\n\nPriya"
            ),
            "date_ms": -30 * _HOUR,
            "unread": False,
        },
        {
            "id": "msg-s2",
            "from": "sales@northwind-laptops.example",
            "to": ["agent@company.example"],
            "cc": ["maya.chen@company.example"],
            "subject": "Quote Q-1042: 5x ProBook 14",
            "body": (
                "Hello,\n\nAs requested, our quote Q-1042 for 5 ProBook 14 laptops is "
                "$1,180.00 per unit, $5,900.00 total, valid for 14 days. Reply to this "
                "message to confirm the order.\n\nNorthwind Laptops Sales"
            ),
            "date_ms": -3 * _HOUR,
        },
        {
            "id": "msg-s3",
            "from": "it-helpdesk@company.example",
            "to": ["agent@company.example"],
            "subject": "Your laptop is ready for pickup",
            "body": "Your equipment is ready at the IT desk on floor 2.",
            "date_ms": -1 * _HOUR,
        },
    ],
}
