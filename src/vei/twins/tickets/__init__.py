"""The tickets twin (``tickets``): a Jira-like tracker of projects with declared
workflows, and issues with type, priority, assignee, reporter, labels, links to documents,
issues, people and URLs, comments and history."""

from __future__ import annotations

from vei.core.twin import Twin
from vei.twins.tickets.criteria import CRITERIA
from vei.twins.tickets.drift import DRIFT
from vei.twins.tickets.state import ISSUE_CREATED, OUTWARD, REDUCERS, initial_state
from vei.twins.tickets.tools import ERROR_CODES, TOOLS

TWIN = Twin(
    name="tickets",
    initial_state=initial_state,
    reducers=REDUCERS,
    tools=TOOLS,
    error_codes=ERROR_CODES,
    outward=OUTWARD,
    criteria=CRITERIA,
    drift=DRIFT,
)

__all__ = ["ERROR_CODES", "ISSUE_CREATED", "TWIN"]
