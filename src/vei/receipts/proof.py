"""What a verification proves, in plain words (``vei-state verify`` prints these)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vei.receipts.verify import VerifyReport


def proven_statements(report: VerifyReport) -> list[str]:
    """The facts a report establishes, one sentence each; on failure, how far it got."""
    n, events = report.receipts, report.events
    parent = report.parent
    first, first_event = (
        (int(parent["receipt"]) + 1, int(parent["revision"]) + 1) if parent else (1, 1)
    )
    last = first + n - 1
    if not report.ok:
        return [
            f"receipts {first}-{last} were checked before the failure; nothing in or after "
            "the failing record is proven"
            if n
            else "nothing is proven: the failure comes before the first receipt"
        ]
    key = (
        "every signature is by the pinned key"
        if report.key_pinned
        else "every signature is by the key the manifest names; that key was not pinned "
        "(--public-key), so a run re-signed with a new key would also pass"
    )
    facts = [
        "the manifest (scenario, seed, configuration, versions, run id) is what was signed "
        "when the run started",
        f"receipts {first}-{last} and events {first_event}-{first_event + events - 1} are "
        "exactly as signed, in order, none missing"
        if n
        else "the run has no receipts",
        "replaying the events from the "
        + ("fork point's state" if parent else "seeded world")
        + (
            " reproduces every snapshot and the final state hash"
            if report.deep
            else " reproduces the latest snapshot and the final state hash, and every snapshot "
            "holds the state its hash names (--deep also compares the replay with each of them)"
        ),
        key,
    ]
    if parent is not None:
        facts.append(_parent_fact(parent))
    if report.status == "closed":
        facts.append(f"the run was closed at receipt {last}: nothing was removed from its end")
    elif report.status == "crashed":
        facts.append(
            f"the run's writer stopped without closing it; it was sealed at receipt {last} "
            "afterwards, so calls it never committed are not in the record"
        )
    else:
        facts.append(
            f"the run is still being written: this holds as of receipt {last}; later calls are "
            "not covered"
        )
    return facts


def _parent_fact(parent: dict[str, Any]) -> str:
    where = (
        f"run {parent['run']} at revision {parent['revision']} (receipt {parent['receipt']}, "
        f"chain hash {parent['chain_head']})"
    )
    if parent.get("checked"):
        return (
            f"it is a fork of {where}: the parent verifies, its chain hash there is the one "
            "signed into this fork's genesis, and replaying its log up to there gives the "
            "state this fork starts from"
        )
    return (
        f"it is a fork of {where}, as signed into its genesis; that this was the parent's "
        f"state is not proven here: {parent.get('reason')}"
    )
