"""What a verification proves, in plain words (``vei-state verify`` prints these)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vei.receipts.verify import VerifyReport


def proven_statements(report: VerifyReport) -> list[str]:
    """The facts a report establishes, one sentence each; on failure, how far it got."""
    n, events = report.receipts, report.events
    if not report.ok:
        return [
            f"receipts 1-{n} were checked before the failure; nothing in or after the failing "
            "record is proven"
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
        f"receipts 1-{n} and events 1-{events} are exactly as signed, in order, none missing",
        "replaying the events from the seeded world reproduces every snapshot and the "
        "final state hash"
        if report.deep
        else "replaying the events from the seeded world reproduces the latest snapshot and "
        "the final state hash, and every snapshot holds the state its hash names (--deep "
        "also compares the replay with each of them)",
        key,
    ]
    if report.status == "closed":
        facts.append(f"the run was closed at receipt {n}: nothing was removed from its end")
    elif report.status == "crashed":
        facts.append(
            f"the run's writer stopped without closing it; it was sealed at receipt {n} "
            "afterwards, so calls it never committed are not in the record"
        )
    else:
        facts.append(
            f"the run is still being written: this holds as of receipt {n}; later calls are "
            "not covered"
        )
    return facts
