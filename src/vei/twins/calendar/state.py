"""Calendar state: people with zones and working hours, and events with attendees.

``state["calendar"]`` holds ``me`` (the agent's address), ``people`` (address -> person:
``name``, ``time_zone``, ``work_start``/``work_end`` in minutes after local midnight,
``work_days``), ``events`` (id -> event) and ``next`` (the next ``EV-<n>`` number). An
event has ``organizer``, ``attendees`` (``[{email, response}]``, the organizer not among
them), ``start_ms``/``end_ms`` (virtual ms, UTC), the ``time_zone`` its wall times were
given in, ``weekly_count`` (1: once), ``status`` (confirmed | cancelled) and ``sequence``
(bumped by every change of time, so a late answer to an old time is ignored).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from vei.core.events import Event
from vei.core.twin import Outward, Reducer, State
from vei.twins.calendar.seed import DEFAULT_SEED, AttendeeSeed, CalendarSeed
from vei.twins.calendar.times import MINUTE_MS, TimeError, clock_minutes, is_zone, parse_time

EVENT_CREATED = "calendar.event_created"
EVENT_UPDATED = "calendar.event_updated"
EVENT_CANCELLED = "calendar.event_cancelled"
EVENT_MOVED = "calendar.event_moved"
RESPONSE_RECORDED = "calendar.response_recorded"

_EVENT_ID = re.compile(r"^EV-([1-9][0-9]*)$")


def event_number(event_id: str) -> int:
    match = _EVENT_ID.match(event_id)
    return int(match.group(1)) if match else 0


def initial_state(seed_data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The calendars ``seed_data`` describes (or the default ones); ValueError naming the
    person or event for an unknown zone, bad hours, unknown people or a repeated id."""
    seed = CalendarSeed.model_validate(DEFAULT_SEED if seed_data is None else seed_data)
    cal: dict[str, Any] = {"me": seed.me.lower(), "people": {}, "events": {}, "next": 1}
    for i, person in enumerate(seed.people):
        where = f"calendar seed person {i}"
        if not is_zone(person.time_zone):
            raise ValueError(f"{where}: unknown time zone {person.time_zone!r}")
        try:
            start, end = clock_minutes(person.work_start), clock_minutes(person.work_end)
        except TimeError as exc:
            raise ValueError(f"{where}: {exc}") from None
        if end <= start:
            raise ValueError(f"{where}: work_end must be after work_start")
        email = person.email.lower()
        if email in cal["people"]:
            raise ValueError(f"{where}: {email} is listed twice")
        cal["people"][email] = {
            "email": email,
            "name": person.name,
            "time_zone": person.time_zone,
            "work_start": start,
            "work_end": end,
            "work_days": list(person.work_days),
        }
    if cal["me"] not in cal["people"]:
        raise ValueError("calendar seed: me must be one of the people")
    for i, ev in enumerate(seed.events):
        where = f"calendar seed event {i}"
        organizer = ev.organizer.lower()
        if organizer not in cal["people"]:
            raise ValueError(f"{where}: organizer {ev.organizer!r} is not one of the people")
        attendees = []
        for entry in ev.attendees:
            att = AttendeeSeed(email=entry) if isinstance(entry, str) else entry
            email = att.email.lower()
            if email not in cal["people"] or email == organizer:
                raise ValueError(f"{where}: attendee {att.email!r} is not another listed person")
            attendees.append({"email": email, "response": att.response})
        zone_name = ev.time_zone or cal["people"][organizer]["time_zone"]
        try:
            start_ms = parse_time(ev.start, zone_name)
        except TimeError as exc:
            raise ValueError(f"{where}: {exc}") from None
        event_id = ev.id or f"EV-{cal['next']}"
        if event_id in cal["events"]:
            raise ValueError(f"{where}: id {event_id!r} is used twice")
        cal["next"] = max(cal["next"], event_number(event_id) + 1)
        cal["events"][event_id] = {
            "id": event_id,
            "title": ev.title,
            "organizer": organizer,
            "attendees": attendees,
            "start_ms": start_ms,
            "end_ms": start_ms + ev.duration_minutes * MINUTE_MS,
            "time_zone": zone_name,
            "description": ev.description,
            "location": ev.location,
            "weekly_count": ev.weekly_count,
            "status": "confirmed",
            "sequence": 0,
        }
    return cal


def _created(state: State, event: Event) -> None:
    cal = state["calendar"]
    data = event.data
    # Two NPC bookings in one step may propose the same id: the later one takes the next.
    event_id = data["id"] if data["id"] not in cal["events"] else f"EV-{cal['next']}"
    keys = ("title", "organizer", "start_ms", "end_ms", "time_zone", "description")
    cal["events"][event_id] = (
        {"id": event_id}
        | {k: data[k] for k in keys}
        | {
            "attendees": [dict(a) for a in data["attendees"]],
            "location": data["location"],
            "weekly_count": data["weekly_count"],
            "status": "confirmed",
            "sequence": 0,
        }
    )
    cal["next"] = max(cal["next"], event_number(event_id) + 1)


def _reset_responses(ev: dict[str, Any]) -> None:
    ev["sequence"] += 1
    for att in ev["attendees"]:
        att["response"] = "needs_action"


def _updated(state: State, event: Event) -> None:
    ev = state["calendar"]["events"][event.data["event"]]
    changes = event.data["changes"]
    for key in ("title", "description", "location", "start_ms", "end_ms", "time_zone"):
        if key in changes:
            ev[key] = changes[key]
    if "attendees" in changes:
        ev["attendees"] = [dict(a) for a in changes["attendees"]]
    if "start_ms" in changes or "end_ms" in changes:
        _reset_responses(ev)


def _cancelled(state: State, event: Event) -> None:
    state["calendar"]["events"][event.data["event"]]["status"] = "cancelled"


def _moved(state: State, event: Event) -> None:
    # Drift moves a seeded meeting; one the run cancelled stays where it was.
    ev = state["calendar"]["events"].get(event.data["event"])
    if ev is None or ev["status"] != "confirmed":
        return
    ev["start_ms"] += event.data["shift_ms"]
    ev["end_ms"] += event.data["shift_ms"]
    _reset_responses(ev)


def _responded(state: State, event: Event) -> None:
    ev = state["calendar"]["events"].get(event.data["event"])
    # An answer to a time the event no longer has (it moved meanwhile) is ignored.
    if ev is None or ev["sequence"] != event.data["sequence"] or ev["status"] != "confirmed":
        return
    for att in ev["attendees"]:
        if att["email"] == event.data["email"]:
            att["response"] = event.data["response"]


REDUCERS: dict[str, Reducer] = {
    EVENT_CREATED: _created,
    EVENT_UPDATED: _updated,
    EVENT_CANCELLED: _cancelled,
    EVENT_MOVED: _moved,
    RESPONSE_RECORDED: _responded,
}


def summary(state: State) -> dict[str, Any]:
    """How many invitations to the agent are waiting for its answer."""
    cal = state["calendar"]
    waiting = sum(
        1
        for ev in cal["events"].values()
        if ev["status"] == "confirmed"
        and any(
            a["email"] == cal["me"] and a["response"] == "needs_action" for a in ev["attendees"]
        )
    )
    return {"invitations": waiting}


def _notice(state: Mapping[str, Any], event: Event, what: str, to: list[str]) -> Outward:
    ev = state["calendar"]["events"][event.data.get("event", event.data.get("id"))]
    text = f"{what}: {ev['title']}\n{ev['description']}"
    where = f"calendar {what.lower()} to {', '.join(to)}"
    return Outward("calendar", where, text, tuple(f"mail:{a}" for a in to), destinations=tuple(to))


def _outward_invitation(state: Mapping[str, Any], event: Event) -> Outward | None:
    to = [a["email"] for a in event.data["attendees"]]
    return _notice(state, event, "Invitation", to) if to else None


def _outward_update(state: Mapping[str, Any], event: Event) -> Outward | None:
    ev = state["calendar"]["events"][event.data["event"]]
    to = sorted({a["email"] for a in ev["attendees"]} | set(event.data.get("removed", [])))
    return _notice(state, event, "Updated invitation", to) if to else None


def _outward_cancel(state: Mapping[str, Any], event: Event) -> Outward | None:
    ev = state["calendar"]["events"][event.data["event"]]
    to = [a["email"] for a in ev["attendees"]]
    return _notice(state, event, "Cancelled", to) if to else None


def _outward_response(state: Mapping[str, Any], event: Event) -> Outward | None:
    ev = state["calendar"]["events"].get(event.data["event"])
    if ev is None:
        return None
    return _notice(state, event, f"Response {event.data['response']}", [ev["organizer"]])


# What the agent's calendar events show others: invitations, updates and cancellations
# are mailed to the attendees, an answer to the organizer (vei.core.twin.Outward).
OUTWARD = {
    EVENT_CREATED: _outward_invitation,
    EVENT_UPDATED: _outward_update,
    EVENT_CANCELLED: _outward_cancel,
    RESPONSE_RECORDED: _outward_response,
}
