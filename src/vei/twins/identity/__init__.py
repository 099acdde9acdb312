"""The identity twin (``identity``): an Okta-like directory of users with a lifecycle,
groups, applications and assignments, one-time tokens on the virtual clock, and an audit
log of every change.

Other code lets a person use the token they were sent with ``use_token``.
"""

from __future__ import annotations

from vei.core.twin import Twin
from vei.twins.identity.criteria import CRITERIA
from vei.twins.identity.drift import DRIFT
from vei.twins.identity.state import OUTWARD, REDUCERS, TRANSITIONS, USER_CREATED, initial_state
from vei.twins.identity.tools import ERROR_CODES, TOOLS, use_token

TWIN = Twin(
    name="identity",
    initial_state=initial_state,
    reducers=REDUCERS,
    tools=TOOLS,
    error_codes=ERROR_CODES,
    outward=OUTWARD,
    criteria=CRITERIA,
    drift=DRIFT,
)

__all__ = ["ERROR_CODES", "TRANSITIONS", "TWIN", "USER_CREATED", "use_token"]
