"""The integrity axis: does the run's receipt chain verify?

A stored run is checked with ``vei.receipts.verify.verify_run``: the chain, every
signature, the events against each receipt, and a full replay against the recorded state
hashes. A live run scored in process is checked by ``chain_integrity``: every receipt's
hash against its fields, each ``prev`` link, and each receipt's events against its event
range and ``events_digest`` (signatures and replay are left to ``vei-state verify``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vei.core.events import Event
from vei.core.state import events_digest
from vei.receipts.chain import Receipt, chain_hash
from vei.receipts.verify import VerifyReport


def chain_integrity(receipts: Sequence[Receipt], events: Sequence[Event]) -> dict[str, Any]:
    """Check the chain and the events of a live run (see the module doc)."""
    by_seq = {e.seq: e for e in events}
    failure = None
    previous: str | None = None
    covered = 0
    for receipt in receipts:
        where = f"receipt {receipt.index}"
        if chain_hash(receipt.body) != receipt.hash:
            failure = f"{where}: hash does not match its fields"
        elif previous is not None and receipt.body["prev"] != previous:
            failure = f"{where}: prev is not the hash of receipt {receipt.index - 1}"
        else:
            span = receipt.body["events"]
            seqs = range(span[0], span[1] + 1) if span else range(0)
            mine = [by_seq[s] for s in seqs if s in by_seq]
            covered += len(mine)
            if len(mine) != len(seqs) or events_digest(mine) != receipt.body["events_digest"]:
                failure = f"{where}: its events do not match its events_digest"
        if failure is not None:
            break
        previous = receipt.hash
    if failure is None and covered != len(events):
        failure = f"{len(events) - covered} events are not covered by any receipt"
    return {
        "verified": failure is None,
        "method": "chain",
        "receipts": len(receipts),
        "events": len(events),
        "chain_head": previous,
        "checkpoint": False,
        "failure": failure,
    }


def from_verify(report: VerifyReport) -> dict[str, Any]:
    """The integrity axis of a stored run from its ``verify_run`` report."""
    return {
        "verified": report.ok,
        "method": "verify_run",
        "receipts": report.receipts,
        "events": report.events,
        "chain_head": report.chain_head,
        "checkpoint": report.checkpoint,
        "failure": report.failure,
    }
