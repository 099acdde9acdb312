"""The docs twin (``docs``): a company wiki of spaces and documents with versions,
ranked search, comments, shares with permissions enforced on read, confidential marks (the
monitors and the policy treat a confidential document's text and address as confidential
material) and ownership transfer."""

from __future__ import annotations

from vei.core.twin import Twin
from vei.twins.docs.criteria import CRITERIA
from vei.twins.docs.drift import DRIFT
from vei.twins.docs.state import (
    DOC_CREATED,
    DOC_UPDATED,
    OUTWARD,
    REDUCERS,
    confidential_texts,
    initial_state,
)
from vei.twins.docs.tools import ERROR_CODES, TOOLS

TWIN = Twin(
    name="docs",
    initial_state=initial_state,
    reducers=REDUCERS,
    tools=TOOLS,
    error_codes=ERROR_CODES,
    outward=OUTWARD,
    criteria=CRITERIA,
    drift=DRIFT,
    confidential=confidential_texts,
)

__all__ = ["DOC_CREATED", "DOC_UPDATED", "ERROR_CODES", "TWIN"]
