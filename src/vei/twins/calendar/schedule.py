"""What a calendar says about time: occurrences of (weekly) events, who is busy when,
working hours in a person's own zone, and the conflicts of a proposed meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from vei.twins.calendar.times import (
    MINUTE_MS,
    WEEKDAYS,
    add_local_days,
    day_start,
    iso,
    local_date,
    minutes_into_day,
    to_datetime,
)

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def occurrences(ev: Mapping[str, Any], start_ms: int, end_ms: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each occurrence of ``ev`` overlapping [start_ms, end_ms)."""
    length = int(ev["end_ms"]) - int(ev["start_ms"])
    for week in range(int(ev["weekly_count"])):
        begin = int(ev["start_ms"])
        if week:
            begin = add_local_days(begin, 7 * week, ev["time_zone"])
        if begin >= end_ms:
            return
        if begin + length > start_ms:
            yield begin, begin + length


def attends(ev: Mapping[str, Any], email: str) -> bool:
    """Whether ``email`` keeps this time (organizer, or an attendee who has not declined)."""
    if ev["status"] != "confirmed":
        return False
    if ev["organizer"] == email:
        return True
    return any(a["email"] == email and a["response"] != "declined" for a in ev["attendees"])


def busy(
    cal: Mapping[str, Any], email: str, start_ms: int, end_ms: int, *, skip: str | None = None
) -> list[tuple[int, int, str]]:
    """(start, end, event id) of every occurrence ``email`` keeps that overlaps the range,
    in time order; ``skip`` leaves one event out (the one being moved)."""
    found = [
        (s, e, ev["id"])
        for ev in cal["events"].values()
        if ev["id"] != skip and attends(ev, email)
        for s, e in occurrences(ev, start_ms, end_ms)
    ]
    return sorted(found)


def working_windows(person: Mapping[str, Any], start_ms: int, end_ms: int) -> list[tuple[int, int]]:
    """The person's working hours (their zone, their working days) within the range."""
    zone_name = person["time_zone"]
    day = local_date(start_ms, zone_name) - dt.timedelta(days=1)
    last = local_date(end_ms, zone_name)
    windows = []
    while day <= last:
        if WEEKDAYS[day.weekday()] in person["work_days"]:
            midnight = day_start(day, zone_name)
            begin = midnight + int(person["work_start"]) * MINUTE_MS
            finish = midnight + int(person["work_end"]) * MINUTE_MS
            begin, finish = max(begin, start_ms), min(finish, end_ms)
            if begin < finish:
                windows.append((begin, finish))
        day += dt.timedelta(days=1)
    return windows


def within_hours(person: Mapping[str, Any], start_ms: int, end_ms: int) -> bool:
    """Whether [start, end) lies inside one of the person's working windows."""
    return any(s <= start_ms and end_ms <= e for s, e in working_windows(person, start_ms, end_ms))


def hours_text(person: Mapping[str, Any]) -> str:
    """``09:00-17:00 mon-fri Europe/London``."""
    start, end = int(person["work_start"]), int(person["work_end"])
    days = person["work_days"]
    span = f"{days[0]}-{days[-1]}" if len(days) > 2 else ",".join(days)
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d} {span} {person['time_zone']}"


def conflicts(
    cal: Mapping[str, Any],
    people: list[str],
    start_ms: int,
    end_ms: int,
    *,
    skip: str | None = None,
) -> list[dict[str, Any]]:
    """Why the proposed time is bad for each of ``people``: ``busy`` (with the clashing
    event's id only when it is on the agent's own calendar) or ``outside_working_hours``
    (with their local time); in the order of ``people``."""
    me = cal["me"]
    found: list[dict[str, Any]] = []
    for email in people:
        person = cal["people"].get(email)
        if person is None:
            continue
        for s, e, ev_id in busy(cal, email, start_ms, end_ms, skip=skip):
            mine = attends(cal["events"][ev_id], me)
            found.append(
                {
                    "email": email,
                    "kind": "busy",
                    "event": ev_id if mine else None,
                    "start": iso(s, person["time_zone"]),
                    "end": iso(e, person["time_zone"]),
                }
            )
        if not within_hours(person, start_ms, end_ms):
            found.append(
                {
                    "email": email,
                    "kind": "outside_working_hours",
                    "event": None,
                    "start": iso(start_ms, person["time_zone"]),
                    "end": iso(end_ms, person["time_zone"]),
                }
            )
    return found


def local_label(t_ms: int, zone_name: str) -> str:
    """``Mon 20 Nov 10:00`` in ``zone_name``."""
    moment = to_datetime(t_ms, zone_name)
    # Month names spelled here: strftime's %b follows the machine's locale.
    month = _MONTHS[moment.month - 1]
    day = WEEKDAYS[moment.weekday()].title()
    return f"{day} {moment.day} {month} {moment.hour:02d}:{moment.minute:02d}"


def minutes_label(t_ms: int, zone_name: str) -> str:
    minutes = minutes_into_day(t_ms, zone_name)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
