"""The service desk twin (``servicedesk``): incidents with SLA timers on the virtual clock
and breach events, requests with approval stages that name their approvers, notifications
by mail and chat, and the ``servicedesk_approver`` NPC kind.
"""

from __future__ import annotations

from vei.core.twin import Twin
from vei.twins.servicedesk.criteria import CRITERIA
from vei.twins.servicedesk.drift import DRIFT
from vei.twins.servicedesk.notify import QUIET, REACTORS
from vei.twins.servicedesk.npc import NPC
from vei.twins.servicedesk.state import OUTWARD, REDUCERS, initial_schedule, initial_state, summary
from vei.twins.servicedesk.tools import ERROR_CODES, TOOLS

TWIN = Twin(
    name="servicedesk",
    initial_state=initial_state,
    reducers=REDUCERS,
    tools=TOOLS,
    reactors=REACTORS,
    summary=summary,
    initial_schedule=initial_schedule,
    quiet_kinds=QUIET,
    error_codes=ERROR_CODES,
    outward=OUTWARD,
    criteria=CRITERIA,
    npc=NPC,
    drift=DRIFT,
)

__all__ = ["ERROR_CODES", "TWIN"]
