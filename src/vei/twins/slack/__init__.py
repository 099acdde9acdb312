"""The chat twin (``slack``): channels, DMs, threads, reactions and unread counts.

Other code posts as a workspace member with ``post_message`` (now) or schedules
``MESSAGE_POSTED`` with a ``message_data`` payload (later).
"""

from __future__ import annotations

from vei.core.twin import Twin
from vei.twins.slack.criteria import CRITERIA
from vei.twins.slack.state import MESSAGE_POSTED, OUTWARD, REDUCERS, initial_state, summary
from vei.twins.slack.tools import ERROR_CODES, TOOLS, message_data, post_message

TWIN = Twin(
    name="slack",
    initial_state=initial_state,
    reducers=REDUCERS,
    tools=TOOLS,
    summary=summary,
    error_codes=ERROR_CODES,
    outward=OUTWARD,
    criteria=CRITERIA,
)

__all__ = ["ERROR_CODES", "MESSAGE_POSTED", "TWIN", "message_data", "post_message"]
