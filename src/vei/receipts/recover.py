"""Seal a run whose writer stopped without closing it (killed, crashed, or its store failed).

Such a run has no checkpoint, so ``vei-state verify`` fails it: from the files alone, a
crash looks exactly like a log whose end was cut off. The operator, who knows the writer
stopped, seals it with the run's key: the log is verified as it is on disk, and a checkpoint
with ending ``crash`` is signed over exactly what the disk holds (never over memory that a
failed writer may have had). Afterwards verify passes and says how the run ended.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from vei.core.canonical import canonical_json, digest_text
from vei.core.twin import Reducer
from vei.receipts.signing import Signer
from vei.receipts.verify import verify_run
from vei.store.base import Checkpoint, Snapshot
from vei.store.rundir import RunHandle


class RecoverError(RuntimeError):
    """The run cannot be sealed; the message says why (nothing was written)."""


def recover_run(handle: RunHandle, signer: Signer, reducers: Mapping[str, Reducer]) -> Checkpoint:
    """Verify an unclosed run (opened with ``writer=True``) and seal it as ended by a crash.

    The replayed final state is stored as a snapshot before the checkpoint, so resuming the
    sealed run starts from it instead of replaying the calls after the last snapshot.
    """
    manifest = handle.manifest
    if signer.public_key_hex != manifest.get("public_key"):
        raise RecoverError(
            "the signing key here is not the run's key (see VEI_RECEIPT_KEY); nothing sealed"
        )
    report = verify_run(handle.store, manifest, reducers, run_dir=handle.run_dir, live=True)
    if not report.ok:
        raise RecoverError(f"the run does not verify ({report.failure}); nothing sealed")
    if report.checkpoint:
        raise RecoverError(f"run {handle.run_id} is closed already ({report.status})")
    assert report.chain_head is not None and report.state_hash is not None
    assert report.t_ms is not None
    unsigned = Checkpoint(
        run=handle.run_id,
        size=report.receipts,
        head=report.chain_head,
        revision=report.events,  # seqs are dense from 1
        t_ms=report.t_ms,
        state_hash=report.state_hash,
        signature="",
        ending="crash",
    )
    message = canonical_json(unsigned.signed_fields()).encode("ascii")
    checkpoint = replace(unsigned, signature=signer.sign(message))
    assert report.final_state is not None
    text = canonical_json(report.final_state)
    if digest_text(text) != report.state_hash:
        raise RecoverError("the replayed state does not hash to the verified hash; nothing sealed")
    handle.store.save_snapshot(
        Snapshot(
            revision=checkpoint.revision,
            t_ms=checkpoint.t_ms,
            receipt_count=checkpoint.size,
            chain_head=checkpoint.head,
            state_hash=checkpoint.state_hash,
            text=text,
        )
    )
    handle.store.write_checkpoint(checkpoint)

    return checkpoint
