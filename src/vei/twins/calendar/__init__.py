"""The calendar twin (``calendar``): people's calendars with time zones and working hours,
events with attendees, free/busy, create / update / cancel with invitations mailed to the
attendees, answers, conflict detection and weekly repeats. The clock is UTC; times are
shown in a person's own zone.

NPC attendees (``calendar_attendee``) answer the agent's invitations by their own calendars.
"""

from __future__ import annotations

from vei.core.twin import Twin
from vei.twins.calendar.criteria import CRITERIA
from vei.twins.calendar.drift import DRIFT
from vei.twins.calendar.npc import NPC
from vei.twins.calendar.state import OUTWARD, REDUCERS, initial_state, summary
from vei.twins.calendar.tools import ERROR_CODES, TOOLS

TWIN = Twin(
    name="calendar",
    initial_state=initial_state,
    reducers=REDUCERS,
    tools=TOOLS,
    summary=summary,
    error_codes=ERROR_CODES,
    outward=OUTWARD,
    criteria=CRITERIA,
    npc=NPC,
    drift=DRIFT,
)

__all__ = ["ERROR_CODES", "TWIN"]
