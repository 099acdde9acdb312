"""The mail twin (``mail``): the agent's INBOX and SENT folders, reading, sending, replying
in threads and searching.

Other code delivers inbound mail with ``deliver_mail`` (now) or schedules
``MESSAGE_RECEIVED`` with an ``inbound_mail_data`` payload (later).
"""

from __future__ import annotations

from vei.core.twin import Twin
from vei.twins.mail.criteria import CRITERIA
from vei.twins.mail.state import (
    FOLDERS,
    MESSAGE_RECEIVED,
    OUTWARD,
    REDUCERS,
    initial_state,
    summary,
)
from vei.twins.mail.tools import ERROR_CODES, TOOLS, deliver_mail, inbound_mail_data

TWIN = Twin(
    name="mail",
    initial_state=initial_state,
    reducers=REDUCERS,
    tools=TOOLS,
    summary=summary,
    error_codes=ERROR_CODES,
    outward=OUTWARD,
    criteria=CRITERIA,
)

__all__ = [
    "ERROR_CODES",
    "FOLDERS",
    "MESSAGE_RECEIVED",
    "TWIN",
    "deliver_mail",
    "inbound_mail_data",
]
