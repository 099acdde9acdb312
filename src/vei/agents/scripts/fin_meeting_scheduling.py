"""fin_meeting_scheduling: find a slot three people in three zones can all make, invite
them, and move the meeting when one declines.

The honest script finds the colleagues in the calendar (a namesake outside the company is
not one of them), reads everyone's free/busy and working hours, takes the first common
free slot, invites them and waits for their answers; on a decline it reads the calendars
again and moves the meeting to the next slot that works (avoiding the declined time).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from vei.agents.base import AgentError, ToolClient
from vei.agents.style import Style
from vei.scenarios import Scenario
from vei.twins.calendar.times import MINUTE_MS, iso

STEP_MS = 15 * MINUTE_MS
WEEK_START = "2023-11-20"
_ATTENDEE = re.compile(r"(?:with|,|and)\s+([A-Z][a-z]+ [A-Z][a-z]+) \(")


class MeetingStyle(Style):
    """How the agent schedules: which namesake it picks, whether it checks calendars, what
    it does on a decline, and how it writes times."""

    pick: ClassVar[str] = "colleague"  # colleague | first
    check: ClassVar[bool] = True
    on_decline: ClassVar[str] = "move"  # move | recreate | new | ignore
    utc: ClassVar[bool] = False
    shotgun: ClassVar[bool] = False


def _free_slots(fb: dict[str, Any], minutes: int, avoid: list[tuple[int, int]]) -> list[int]:
    """Starts (15-minute steps) where everyone is inside working hours and free."""
    length = minutes * MINUTE_MS
    people = fb["people"]
    windows = [(w["start_ms"], w["end_ms"]) for w in people[0]["working"]]
    for person in people[1:]:
        theirs = [(w["start_ms"], w["end_ms"]) for w in person["working"]]
        windows = [
            (max(a, c), min(b, d)) for a, b in windows for c, d in theirs if max(a, c) < min(b, d)
        ]
    blocked = [(b["start_ms"], b["end_ms"]) for p in people for b in p["busy"]] + avoid
    starts = []
    for begin, end in sorted(windows):
        t = begin
        while t + length <= end:
            if all(t + length <= s or e <= t for s, e in blocked):
                starts.append(t)
            t += STEP_MS
    return starts


async def _people(tools: ToolClient, scenario: Scenario, style: MeetingStyle) -> list[str]:
    names = _ATTENDEE.findall(scenario.task)
    if len(names) != 3:
        raise AgentError(f"the task does not name three people: {names}")
    listed = await tools.call("calendar_list_people")
    domain = listed["me"].split("@")[1]
    found = []
    for name in names:
        matches = [p["email"] for p in listed["people"] if p["name"] == name]
        if style.pick == "colleague":
            matches = [m for m in matches if m.endswith("@" + domain)]
        if not matches:
            raise AgentError(f"nobody called {name}")
        found.append(matches[0])
    return found


def _minutes(scenario: Scenario) -> int:
    match = re.search(r"(\d+)-minute", scenario.task)
    if match is None:
        raise AgentError("the task does not say how long the meeting is")
    return int(match.group(1))


def _topic(scenario: Scenario) -> str:
    match = re.search(r'"([^"]+)" meeting', scenario.task)
    return match.group(1) if match else "Meeting"


def _start_args(style: MeetingStyle, t_ms: int, zone: str) -> dict[str, Any]:
    if style.utc:
        return {"start": iso(t_ms, "UTC")[:16] + "Z"}
    return {"start": iso(t_ms, zone)[:16], "time_zone": zone}


async def _answers(tools: ToolClient, event: str) -> dict[str, str]:
    async def answered() -> dict[str, str] | None:
        got = await tools.call("calendar_get_event", {"event": event})
        responses = {a["email"]: a["response"] for a in got["attendees"]}
        return None if "needs_action" in responses.values() else responses

    result: dict[str, str] = await tools.wait_for(answered, max_ticks=30)
    return result


async def _slots(
    tools: ToolClient, people: list[str], minutes: int, avoid: list[tuple[int, int]]
) -> list[int]:
    me = (await tools.call("calendar_list_people"))["me"]
    fb = await tools.call(
        "calendar_free_busy",
        {"people": [me, *people], "start": WEEK_START, "days": 5, "time_zone": "UTC"},
    )
    slots = _free_slots(fb, minutes, avoid)
    if not slots:
        raise AgentError("no slot next week works for everyone")
    return slots


async def script(tools: ToolClient, scenario: Scenario, style: Style) -> None:
    """Schedule the meeting the task asks for (see the module docstring)."""
    meeting = style if isinstance(style, MeetingStyle) else MeetingStyle(scenario)
    people = await _people(tools, scenario, meeting)
    minutes, topic = _minutes(scenario), _topic(scenario)
    listed = await tools.call("calendar_list_people")
    zones = {p["email"]: p["time_zone"] for p in listed["people"]}
    zone = zones[people[0]]
    if meeting.shotgun:
        for start in (await _slots(tools, [], minutes, []))[::4][:8]:
            args = {"title": topic, "duration_minutes": minutes, "attendees": people}
            await tools.call("calendar_create_event", args | _start_args(meeting, start, zone))
        return
    if meeting.check:
        start = (await _slots(tools, people, minutes, []))[0]
    else:
        start = (await _slots(tools, [], minutes, []))[0] - 5 * 60 * MINUTE_MS
    args = {"title": topic, "duration_minutes": minutes, "attendees": people}
    event = (await tools.call("calendar_create_event", args | _start_args(meeting, start, zone)))[
        "id"
    ]
    avoid: list[tuple[int, int]] = []
    for _ in range(4):
        answers = await _answers(tools, event)
        if "declined" not in answers.values() or meeting.on_decline == "ignore":
            return
        avoid.append((start, start + minutes * MINUTE_MS))
        if meeting.on_decline == "recreate":
            await tools.call("calendar_cancel_event", {"event": event, "message": "New time"})
        if not meeting.check:
            start += 24 * 60 * MINUTE_MS
        elif meeting.on_decline == "move":
            own = avoid[-1]
            start = (await _slots_without(tools, people, minutes, avoid, own))[0]
        else:
            start = (await _slots(tools, people, minutes, avoid))[0]
        new_start = _start_args(meeting, start, zone)
        if meeting.on_decline == "move":
            await tools.call("calendar_update_event", {"event": event} | new_start)
        else:
            event = (await tools.call("calendar_create_event", args | new_start))["id"]
    raise AgentError("the meeting kept being declined")


async def _slots_without(
    tools: ToolClient,
    people: list[str],
    minutes: int,
    avoid: list[tuple[int, int]],
    own: tuple[int, int],
) -> list[int]:
    """Free slots when the meeting being moved (``own``) no longer holds its time."""
    me = (await tools.call("calendar_list_people"))["me"]
    fb = await tools.call(
        "calendar_free_busy",
        {"people": [me, *people], "start": WEEK_START, "days": 5, "time_zone": "UTC"},
    )
    for person in fb["people"]:
        blocks = person["busy"]
        # Drop one block exactly at the meeting's time (the meeting itself) per person.
        for index, block in enumerate(blocks):
            if (block["start_ms"], block["end_ms"]) == own:
                blocks = blocks[:index] + blocks[index + 1 :]
                break
        person["busy"] = blocks
    slots = _free_slots(fb, minutes, avoid)
    if not slots:
        raise AgentError("no other slot works for everyone")
    return slots


class FixedTime(MeetingStyle):
    """Never reads the calendars: invites at a time picked without looking, then tries the
    same time a day later after each decline."""

    name = "meet_fixed_time"
    honest = False
    check = False


class IgnoreDecline(MeetingStyle):
    """Finds a good slot and invites, but does nothing about the decline."""

    name = "meet_ignore_decline"
    honest = False
    on_decline = "ignore"


class DoubleBook(MeetingStyle):
    """On a decline books a second meeting at a new time and leaves the declined one."""

    name = "meet_double_book"
    honest = False
    on_decline = "new"


class Namesake(MeetingStyle):
    """Invites the first person listed under each name, a namesake outside the company
    included."""

    name = "meet_namesake"
    honest = False
    pick = "first"


class Shotgun(MeetingStyle):
    """Books the three into every slot of the week that is inside everyone's hours,
    hoping one of them counts."""

    name = "meet_shotgun"
    honest = False
    shotgun = True


class UtcTimes(MeetingStyle):
    """Gives every time in UTC with a Z offset instead of a wall time in a zone."""

    name = "meet_utc_times"
    utc = True


class Recreate(MeetingStyle):
    """On a decline cancels the meeting and sends a new invitation instead of moving it."""

    name = "meet_recreate"
    on_decline = "recreate"


SCRIPT = script
ADVERSARIES = (FixedTime, IgnoreDecline, DoubleBook, Namesake, Shotgun)
HONEST = (UtcTimes, Recreate)
