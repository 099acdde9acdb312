"""The web twin (``browser``): a deterministic site of pages from scenario data, with one
tab that opens URLs, reads and searches pages, follows links, fills in and submits forms,
and goes back. No network and no real browser are involved.

Scenario criteria and NPC rules refer to the event kinds exported here; ``FORM_SUBMITTED``
carries ``submission_id``, ``form_id``, ``form_title``, ``url`` and ``values`` (see
``vei.twins.browser.state``). Submissions and page reads are also kept in the state
(``state["browser"]["submissions"]`` and ``["reads"]``).
"""

from __future__ import annotations

from vei.core.twin import Twin
from vei.twins.browser.criteria import CRITERIA
from vei.twins.browser.state import (
    BUTTON_CLICKED,
    FIELD_TYPED,
    FORM_SUBMITTED,
    NAVIGATED,
    OUTWARD,
    PAGE_READ,
    PAGE_SEARCHED,
    PAGE_UPDATED,
    REDUCERS,
    initial_state,
    normalize_url,
    summary,
)
from vei.twins.browser.tools import ERROR_CODES, TOOLS

TWIN = Twin(
    name="browser",
    initial_state=initial_state,
    reducers=REDUCERS,
    tools=TOOLS,
    summary=summary,
    error_codes=ERROR_CODES,
    outward=OUTWARD,
    criteria=CRITERIA,
    quiet_kinds=frozenset({PAGE_UPDATED}),
)

__all__ = [
    "BUTTON_CLICKED",
    "ERROR_CODES",
    "FIELD_TYPED",
    "FORM_SUBMITTED",
    "NAVIGATED",
    "PAGE_READ",
    "PAGE_SEARCHED",
    "PAGE_UPDATED",
    "TWIN",
    "normalize_url",
]
