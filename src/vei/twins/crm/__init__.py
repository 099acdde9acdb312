"""The CRM twin (``crm``): companies, contacts with consent (do-not-contact is enforced by
the outreach tool and read by criteria and monitors), deals in a declared stage pipeline,
activities, search and owners.

Other code reads who may not be contacted with ``do_not_contact_addresses``.
"""

from __future__ import annotations

from vei.core.twin import Twin
from vei.twins.crm.criteria import CRITERIA
from vei.twins.crm.drift import DRIFT
from vei.twins.crm.state import OUTWARD, REDUCERS, do_not_contact_addresses, initial_state, summary
from vei.twins.crm.tools import ERROR_CODES, TOOLS

TWIN = Twin(
    name="crm",
    initial_state=initial_state,
    reducers=REDUCERS,
    tools=TOOLS,
    summary=summary,
    error_codes=ERROR_CODES,
    outward=OUTWARD,
    criteria=CRITERIA,
    drift=DRIFT,
)

__all__ = ["ERROR_CODES", "TWIN", "do_not_contact_addresses"]
