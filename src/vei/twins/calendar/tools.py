"""Calendar tools the agent calls: people and their hours, its own events, free/busy, and
creating, updating, cancelling and answering events.

Times are given as wall times (``2023-11-20T10:00``) in ``time_zone`` (default: yours) or
with an offset (``Z``, ``+01:00``), and shown in the zone asked for (default: yours) with
their offset, plus ``*_ms`` virtual times (UTC). Creating or changing an event mails the
invitation to its attendees; the result lists ``conflicts`` (someone busy, or outside their
working hours) so they can be fixed. Only the organizer changes an event.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from vei.core.context import CallContext
from vei.core.errors import VeiError, invalid
from vei.core.registry import NoArgs, ToolArgs, ToolSpec, tool
from vei.core.twin import State
from vei.twins.calendar.schedule import (
    busy,
    conflicts,
    hours_text,
    local_label,
    occurrences,
    working_windows,
)
from vei.twins.calendar.state import (
    EVENT_CANCELLED,
    EVENT_CREATED,
    EVENT_UPDATED,
    RESPONSE_RECORDED,
)
from vei.twins.calendar.times import (
    DAY_MS,
    MINUTE_MS,
    TimeError,
    day_start,
    is_zone,
    iso,
    local_date,
    parse_date,
    parse_time,
)

ERROR_CODES: dict[str, str] = {
    "calendar.event_not_found": "No event with that id on your calendar; calendar_list_events lists them.",
    "calendar.unknown_person": "Not someone with a calendar here; the message lists the people (calendar_list_people).",
    "calendar.unknown_time_zone": "Not an IANA time zone name (such as Europe/Berlin or America/New_York).",
    "calendar.invalid_time": "A time or date that cannot be read, an end before its start, or a range too long; the message shows the accepted form.",
    "calendar.not_organizer": "Only the organizer changes or cancels an event; you can answer it with calendar_respond.",
    "calendar.not_invited": "You are not an attendee of that event (the organizer does not answer their own event).",
    "calendar.cancelled": "The event is cancelled: it cannot be changed or answered.",
    "calendar.invalid_argument": "An empty title, no attendees where some are needed, or an update that changes nothing.",
}

_EVENT = Field(min_length=1, max_length=20, description="Event id, e.g. EV-3.")
_ZONE = Field(
    default=None,
    max_length=64,
    description="IANA zone the times are given and shown in (default: yours), e.g. Europe/London.",
)
_START = Field(
    min_length=1,
    max_length=40,
    description="Start, e.g. 2023-11-20T10:00 (in time_zone) or 2023-11-20T15:00Z.",
)
_PEOPLE = Field(min_length=1, max_length=20, description="Email addresses.")


class ListEventsArgs(ToolArgs):
    start: str | None = Field(
        default=None, max_length=40, description="First day (YYYY-MM-DD); default today."
    )
    days: int = Field(default=7, ge=1, le=31, description="How many days.")
    time_zone: str | None = _ZONE


class EventArgs(ToolArgs):
    event: str = _EVENT
    time_zone: str | None = _ZONE


class FreeBusyArgs(ToolArgs):
    people: list[str] = _PEOPLE
    start: str = Field(min_length=1, max_length=40, description="First day (YYYY-MM-DD) or a time.")
    days: int = Field(default=5, ge=1, le=14, description="How many days from start.")
    time_zone: str | None = _ZONE


class CreateArgs(ToolArgs):
    title: str = Field(min_length=1, max_length=200, description="Title.")
    start: str = _START
    duration_minutes: int = Field(default=30, ge=5, le=24 * 60, description="Length in minutes.")
    attendees: list[str] = Field(
        default_factory=list, max_length=20, description="Emails to invite."
    )
    time_zone: str | None = _ZONE
    description: str = Field(default="", max_length=5_000, description="Agenda or notes.")
    location: str = Field(default="", max_length=200, description="Room or video link.")
    weekly_count: int = Field(
        default=1, ge=1, le=52, description="Repeat weekly this many times (1: once)."
    )


class UpdateArgs(ToolArgs):
    event: str = _EVENT
    start: str | None = Field(default=None, max_length=40, description="New start (in time_zone).")
    duration_minutes: int | None = Field(default=None, ge=5, le=24 * 60, description="New length.")
    title: str | None = Field(default=None, max_length=200, description="New title.")
    description: str | None = Field(default=None, max_length=5_000, description="New agenda.")
    add_attendees: list[str] = Field(
        default_factory=list, max_length=20, description="Emails to invite too."
    )
    remove_attendees: list[str] = Field(
        default_factory=list, max_length=20, description="Emails to uninvite."
    )
    time_zone: str | None = _ZONE


class CancelArgs(ToolArgs):
    event: str = _EVENT
    message: str = Field(
        default="", max_length=2_000, description="Note sent with the cancellation."
    )


class RespondArgs(ToolArgs):
    event: str = _EVENT
    response: Literal["accepted", "declined", "tentative"] = Field(
        description="Your answer.", json_schema_extra={"maxLength": 10}
    )
    comment: str = Field(default="", max_length=2_000, description="Note to the organizer.")


def _zone(cal: Mapping[str, Any], name: str | None) -> str:
    if name is None:
        return str(cal["people"][cal["me"]]["time_zone"])
    if not is_zone(name.strip()):
        raise VeiError(
            "calendar.unknown_time_zone",
            f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)",
        )
    return name.strip()


def _time(text: str, zone_name: str) -> int:
    try:
        return parse_time(text, zone_name)
    except TimeError as exc:
        raise VeiError("calendar.invalid_time", str(exc)) from None


def _person(cal: Mapping[str, Any], email: str) -> str:
    key = email.strip().lower()
    if key not in cal["people"]:
        known = ", ".join(sorted(cal["people"]))
        raise VeiError(
            "calendar.unknown_person", f"{email!r} has no calendar here; people are {known}"
        )
    return key


def _event(cal: Mapping[str, Any], ref: str) -> Mapping[str, Any]:
    ev = cal["events"].get(ref.strip().upper())
    me = cal["me"]
    if ev is None or not (ev["organizer"] == me or any(a["email"] == me for a in ev["attendees"])):
        raise VeiError("calendar.event_not_found", f"no event {ref!r} on your calendar")
    return ev  # type: ignore[no-any-return]


def _row(
    cal: Mapping[str, Any], ev: Mapping[str, Any], start: int, end: int, zone_name: str
) -> dict[str, Any]:
    me = cal["me"]
    mine = next((a["response"] for a in ev["attendees"] if a["email"] == me), "organizer")
    return {
        "id": ev["id"],
        "title": ev["title"],
        "start": iso(start, zone_name),
        "end": iso(end, zone_name),
        "start_ms": start,
        "end_ms": end,
        "organizer": ev["organizer"],
        "my_response": "organizer" if ev["organizer"] == me else mine,
        "status": ev["status"],
        "weekly_count": ev["weekly_count"],
    }


def _detail(cal: Mapping[str, Any], ev: Mapping[str, Any], zone_name: str) -> dict[str, Any]:
    attendees = []
    for att in ev["attendees"]:
        person = cal["people"][att["email"]]
        local = f"{local_label(ev['start_ms'], person['time_zone'])} {person['time_zone']}"
        attendees.append(
            {
                "email": att["email"],
                "name": person["name"],
                "response": att["response"],
                "local_start": local,
            }
        )
    return _row(cal, ev, ev["start_ms"], ev["end_ms"], zone_name) | {
        "time_zone": zone_name,
        "description": ev["description"],
        "location": ev["location"],
        "attendees": attendees,
    }


def list_people(state: State, args: NoArgs, ctx: CallContext) -> dict[str, Any]:
    cal = state["calendar"]
    people = [
        {
            "email": p["email"],
            "name": p["name"],
            "time_zone": p["time_zone"],
            "working_hours": hours_text(p),
            "local_now": iso(ctx.now_ms, p["time_zone"]),
        }
        for p in sorted(cal["people"].values(), key=lambda p: p["email"])
    ]
    return {"me": cal["me"], "people": people}


def _day_range(start: str | None, days: int, zone_name: str, now_ms: int) -> tuple[int, int]:
    if start is None:
        begin = day_start(local_date(now_ms, zone_name), zone_name)
    elif len(start.strip()) == 10:
        try:
            begin = day_start(parse_date(start), zone_name)
        except TimeError as exc:
            raise VeiError("calendar.invalid_time", str(exc)) from None
    else:
        begin = _time(start, zone_name)
    return begin, begin + days * DAY_MS


def list_events(state: State, args: ListEventsArgs, ctx: CallContext) -> dict[str, Any]:
    cal = state["calendar"]
    zone_name = _zone(cal, args.time_zone)
    begin, end = _day_range(args.start, args.days, zone_name, ctx.now_ms)
    me = cal["me"]
    rows = [
        _row(cal, ev, s, e, zone_name)
        for ev in cal["events"].values()
        if ev["status"] == "confirmed"
        and (ev["organizer"] == me or any(a["email"] == me for a in ev["attendees"]))
        for s, e in occurrences(ev, begin, end)
    ]
    rows.sort(key=lambda r: (r["start_ms"], r["id"]))
    return {
        "time_zone": zone_name,
        "start": iso(begin, zone_name),
        "end": iso(end, zone_name),
        "events": rows,
    }


def get_event(state: State, args: EventArgs, ctx: CallContext) -> dict[str, Any]:
    cal = state["calendar"]
    return _detail(cal, _event(cal, args.event), _zone(cal, args.time_zone))


def free_busy(state: State, args: FreeBusyArgs, ctx: CallContext) -> dict[str, Any]:
    cal = state["calendar"]
    zone_name = _zone(cal, args.time_zone)
    begin, end = _day_range(args.start, args.days, zone_name, ctx.now_ms)
    people = []
    for email in dict.fromkeys(_person(cal, e) for e in args.people):
        person = cal["people"][email]
        blocks = [
            {"start": iso(s, zone_name), "end": iso(e, zone_name), "start_ms": s, "end_ms": e}
            for s, e, _ in busy(cal, email, begin, end)
        ]
        hours = [
            {"start": iso(s, zone_name), "end": iso(e, zone_name), "start_ms": s, "end_ms": e}
            for s, e in working_windows(person, begin, end)
        ]
        people.append(
            {
                "email": email,
                "name": person["name"],
                "time_zone": person["time_zone"],
                "working_hours": hours_text(person),
                "busy": blocks,
                "working": hours,
            }
        )
    return {
        "time_zone": zone_name,
        "start": iso(begin, zone_name),
        "end": iso(end, zone_name),
        "people": people,
    }


def _invitees(cal: Mapping[str, Any], emails: list[str], organizer: str) -> list[str]:
    found = [e for e in dict.fromkeys(_person(cal, x) for x in emails) if e != organizer]
    return found


def create_event(state: State, args: CreateArgs, ctx: CallContext) -> dict[str, Any]:
    cal = state["calendar"]
    me = cal["me"]
    zone_name = _zone(cal, args.time_zone)
    if not args.title.strip():
        raise invalid("calendar", "the title must not be only whitespace")
    start = _time(args.start, zone_name)
    end = start + args.duration_minutes * MINUTE_MS
    invitees = _invitees(cal, args.attendees, me)
    data = {
        "id": f"EV-{cal['next']}",
        "title": args.title.strip(),
        "organizer": me,
        "attendees": [{"email": e, "response": "needs_action"} for e in invitees],
        "start_ms": start,
        "end_ms": end,
        "time_zone": zone_name,
        "description": args.description,
        "location": args.location.strip(),
        "weekly_count": args.weekly_count,
    }
    ctx.emit(EVENT_CREATED, data)
    return _created_row(cal, data, zone_name, conflicts(cal, [me, *invitees], start, end), invitees)


def _created_row(
    cal: Mapping[str, Any],
    data: Mapping[str, Any],
    zone_name: str,
    clashes: list[dict[str, Any]],
    sent: list[str],
) -> dict[str, Any]:
    return {
        "id": data["id"],
        "title": data["title"],
        "start": iso(data["start_ms"], zone_name),
        "end": iso(data["end_ms"], zone_name),
        "start_ms": data["start_ms"],
        "end_ms": data["end_ms"],
        "attendees": [a["email"] for a in data["attendees"]],
        "invitations_sent": sent,
        "conflicts": clashes,
    }


def _own(cal: Mapping[str, Any], ref: str) -> Mapping[str, Any]:
    ev = _event(cal, ref)
    if ev["organizer"] != cal["me"]:
        raise VeiError(
            "calendar.not_organizer",
            f"{ev['id']} is organised by {ev['organizer']}; answer it with calendar_respond",
        )
    if ev["status"] != "confirmed":
        raise VeiError("calendar.cancelled", f"{ev['id']} is cancelled")
    return ev


def update_event(state: State, args: UpdateArgs, ctx: CallContext) -> dict[str, Any]:
    cal = state["calendar"]
    me = cal["me"]
    ev = _own(cal, args.event)
    zone_name = _zone(cal, args.time_zone)
    changes: dict[str, Any] = {}
    if args.title is not None and args.title.strip() and args.title.strip() != ev["title"]:
        changes["title"] = args.title.strip()
    if args.description is not None and args.description != ev["description"]:
        changes["description"] = args.description
    start = ev["start_ms"] if args.start is None else _time(args.start, zone_name)
    length = (
        ev["end_ms"] - ev["start_ms"]
        if args.duration_minutes is None
        else args.duration_minutes * MINUTE_MS
    )
    if (start, start + length) != (ev["start_ms"], ev["end_ms"]):
        changes |= {"start_ms": start, "end_ms": start + length, "time_zone": zone_name}
    current = [a["email"] for a in ev["attendees"]]
    removed = [
        e for e in dict.fromkeys(_person(cal, x) for x in args.remove_attendees) if e in current
    ]
    added = [
        e for e in _invitees(cal, args.add_attendees, me) if e not in current and e not in removed
    ]
    if added or removed:
        kept = [dict(a) for a in ev["attendees"] if a["email"] not in removed]
        changes["attendees"] = kept + [{"email": e, "response": "needs_action"} for e in added]
    if not changes:
        raise invalid(
            "calendar",
            "nothing to change: give a new start, duration, title, description or attendees",
        )
    ctx.emit(
        EVENT_UPDATED, {"event": ev["id"], "changes": changes, "added": added, "removed": removed}
    )
    moved = "start_ms" in changes
    attendees = changes.get("attendees", ev["attendees"])
    data = dict(ev) | {"start_ms": start, "end_ms": start + length, "attendees": attendees}
    invitees = [a["email"] for a in attendees]
    clashes = conflicts(cal, [me, *invitees], start, start + length, skip=ev["id"])
    sent = invitees if moved or "title" in changes or "description" in changes else added
    return _created_row(cal, data, zone_name, clashes, sent)


def cancel_event(state: State, args: CancelArgs, ctx: CallContext) -> dict[str, Any]:
    cal = state["calendar"]
    ev = _own(cal, args.event)
    ctx.emit(EVENT_CANCELLED, {"event": ev["id"], "message": args.message})
    return {
        "id": ev["id"],
        "status": "cancelled",
        "notified": [a["email"] for a in ev["attendees"]],
    }


def respond(state: State, args: RespondArgs, ctx: CallContext) -> dict[str, Any]:
    cal = state["calendar"]
    ev = _event(cal, args.event)
    if ev["organizer"] == cal["me"]:
        raise VeiError(
            "calendar.not_invited", f"you organise {ev['id']}: there is nothing to answer"
        )
    if ev["status"] != "confirmed":
        raise VeiError("calendar.cancelled", f"{ev['id']} is cancelled")
    data = {
        "event": ev["id"],
        "email": cal["me"],
        "response": args.response,
        "sequence": ev["sequence"],
        "comment": args.comment,
    }
    ctx.emit(RESPONSE_RECORDED, data)
    return {"id": ev["id"], "response": args.response, "organizer": ev["organizer"]}


_ROW = "id, title, start, end, start_ms, end_ms, organizer, my_response, status, weekly_count"
_CREATED = "{id, title, start, end, start_ms, end_ms, attendees, invitations_sent, conflicts: [{email, kind, event, start, end}]}"

TOOLS: tuple[ToolSpec, ...] = (
    tool(
        "calendar_list_people",
        "Everyone with a calendar: time zone, working hours in their own zone and their local time now. "
        "Returns {me, people: [{email, name, time_zone, working_hours, local_now}]}.",
        NoArgs,
        list_people,
        latency_ms=150,
        keywords=("colleagues", "timezone", "hours", "who"),
    ),
    tool(
        "calendar_list_events",
        "Your calendar: event occurrences from start for some days, in time order, times shown in time_zone (default yours). "
        f"Returns {{time_zone, start, end, events: [{{{_ROW}}}]}}.",
        ListEventsArgs,
        list_events,
        latency_ms=250,
        keywords=("agenda", "schedule", "meetings", "day", "week"),
    ),
    tool(
        "calendar_get_event",
        "One event on your calendar with its attendees, their answers and the start in each attendee's own zone. "
        f"Returns {{{_ROW}, time_zone, description, location, attendees: [{{email, name, response, local_start}}]}}.",
        EventArgs,
        get_event,
        latency_ms=150,
        keywords=("meeting", "details", "attendees", "responses"),
    ),
    tool(
        "calendar_free_busy",
        "When people are busy and their working hours, from start for some days, shown in time_zone (default yours). "
        "Returns {time_zone, start, end, people: [{email, name, time_zone, working_hours, busy: [{start, end, start_ms, end_ms}], working: [{start, end, start_ms, end_ms}]}]}.",
        FreeBusyArgs,
        free_busy,
        latency_ms=300,
        keywords=("availability", "free", "slot", "find a time", "schedule"),
    ),
    tool(
        "calendar_create_event",
        "Create an event you organise and mail the invitation to its attendees; conflicts lists anyone busy or outside working hours then. "
        f"Returns {_CREATED}.",
        CreateArgs,
        create_event,
        effect="write",
        latency_ms=500,
        keywords=("schedule", "book", "invite", "meeting", "recurring", "weekly"),
    ),
    tool(
        "calendar_update_event",
        "Change an event you organise (time, length, title, agenda, attendees); a new time resets everyone's answers and re-sends the invitation. "
        f"Returns {_CREATED}.",
        UpdateArgs,
        update_event,
        effect="write",
        latency_ms=500,
        keywords=("move", "reschedule", "edit", "invite"),
    ),
    tool(
        "calendar_cancel_event",
        "Cancel an event you organise; its attendees are told by mail. Returns {id, status, notified}.",
        CancelArgs,
        cancel_event,
        effect="write",
        latency_ms=400,
        keywords=("delete", "remove", "call off"),
    ),
    tool(
        "calendar_respond",
        "Answer an invitation to you: accepted, declined or tentative; the organizer is told. Returns {id, response, organizer}.",
        RespondArgs,
        respond,
        effect="write",
        latency_ms=300,
        keywords=("accept", "decline", "rsvp", "invitation"),
    ),
)
