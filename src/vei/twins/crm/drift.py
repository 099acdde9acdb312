"""Drift for the CRM: sales reps update their open deals' next steps while the agent works."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from vei.core.twin import DriftJobBase, DriftKind
from vei.twins.crm.state import DEAL_UPDATED, ordered

_NEXT_STEPS = (
    "Send revised pricing",
    "Book a demo with their IT team",
    "Waiting on legal review",
    "Follow up after their budget meeting",
    "Share a customer reference",
    "Confirm the decision date",
)


class DealUpdates(DriftJobBase):
    """The owner of an open deal (not the agent) updates its next step."""

    kind: Literal["crm_deal_updates"]


def _compile(job: DealUpdates, states: Mapping[str, Mapping[str, Any]]) -> dict[str, Any] | str:
    crm = states.get("crm")
    if crm is None:
        return "the world has no crm twin"
    closed = {s["name"] for s in crm["pipeline"]["stages"] if s["closed"]}
    deals = [
        {"id": d["id"], "owner": d["owner"]}
        for d in ordered(crm["deals"].values())
        if d["stage"] not in closed and d["owner"] not in (None, crm["me"])
    ]
    if not deals:
        return "no open deal is owned by someone other than the agent"
    return {"deals": deals}


def _occur(
    job: Mapping[str, Any], rng: Any, variables: Mapping[str, str], context: Mapping[str, Any]
) -> tuple[str, dict[str, Any], str, str]:
    deal = rng.choice(job["deals"])
    step = rng.choice(_NEXT_STEPS)
    data = {"deal": deal["id"], "changes": {"next_step": step}, "by": deal["owner"]}
    return DEAL_UPDATED, data, f"crm:{deal['id']}", f"{deal['owner']} set {deal['id']}: {step}"


DRIFT = (
    DriftKind(
        job=DealUpdates,
        compile=_compile,
        occur=_occur,
        events=(DEAL_UPDATED,),
        library=(
            DealUpdates(
                id="crm_deal_updates",
                kind="crm_deal_updates",
                every_ms=3 * 3_600_000,
                offset_ms=2 * 3_600_000,
                jitter_ms=1_800_000,
            ),
        ),
    ),
)
