"""What calendars are seeded with: the schema of a scenario's ``calendar`` section and the
default data used when a scenario gives none.

People have a time zone (IANA name) and working hours on working days, in their own zone.
Event times are wall times (``2023-11-20T10:00``) in the event's ``time_zone`` (default: its
organizer's), or carry an offset. Virtual time 0 is 2023-11-14T22:13:20Z, a Tuesday.
``weekly_count`` > 1 makes an event repeat weekly that many times.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Response = Literal["needs_action", "accepted", "declined", "tentative"]
RESPONSES: tuple[str, ...] = ("needs_action", "accepted", "declined", "tentative")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class _Seed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PersonSeed(_Seed):
    """Someone with a calendar."""

    email: str
    name: str
    time_zone: str = Field(default="UTC", description="IANA zone, e.g. America/New_York.")
    work_start: str = Field(default="09:00", description="Working hours start, local time.")
    work_end: str = Field(default="17:00", description="Working hours end, local time.")
    work_days: list[Weekday] = Field(default=["mon", "tue", "wed", "thu", "fri"], min_length=1)


class AttendeeSeed(_Seed):
    email: str
    response: Response = "accepted"


class EventSeed(_Seed):
    """An event already on the calendars when the run starts."""

    id: str | None = Field(default=None, pattern=r"^EV-[1-9][0-9]*$")
    title: str = Field(min_length=1)
    organizer: str
    attendees: list[str | AttendeeSeed] = Field(default_factory=list)
    start: str = Field(description="Wall time in time_zone, e.g. 2023-11-20T10:00.")
    duration_minutes: int = Field(default=30, ge=5, le=24 * 60)
    time_zone: str | None = None
    description: str = ""
    location: str = ""
    weekly_count: int = Field(default=1, ge=1, le=52)


class CalendarSeed(_Seed):
    """The ``calendar`` section of a scenario."""

    me: str = Field(description="The agent's address: one of people.")
    people: list[PersonSeed] = Field(min_length=1)
    events: list[EventSeed] = Field(default_factory=list)


DEFAULT_SEED: dict[str, Any] = {
    "me": "agent@company.example",
    "people": [
        {"email": "agent@company.example", "name": "Alex Morgan", "time_zone": "America/New_York"},
        {
            "email": "priya.nair@company.example",
            "name": "Priya Nair",
            "time_zone": "Europe/London",
        },
        {
            "email": "kenji.sato@company.example",
            "name": "Kenji Sato",
            "time_zone": "Asia/Tokyo",
            "work_start": "08:00",
            "work_end": "18:00",
        },
    ],
    "events": [
        {
            "id": "EV-1",
            "title": "Operations weekly",
            "organizer": "priya.nair@company.example",
            "attendees": ["agent@company.example"],
            "start": "2023-11-15T14:00",
            "duration_minutes": 60,
            "weekly_count": 8,
        },
        {
            "id": "EV-2",
            "title": "Vendor review",
            "organizer": "agent@company.example",
            "attendees": [{"email": "kenji.sato@company.example", "response": "needs_action"}],
            "start": "2023-11-16T19:00",
            "duration_minutes": 30,
        },
    ],
}
