"""The genesis record: a run's signed inputs, which receipt 1 chains to.

Everything that decides what a run means -- the scenario as recorded in the manifest (with
whatever it holds: criteria, facts, NPCs), the seed, the configuration, the versions and the
twins -- is the manifest minus three fields that differ between two runs of the same calls
(``run_id``, ``public_key``, ``created_at``). Those **run inputs** are stored in the run as
canonical JSON, and their digest, the seeded world's state hash and the snapshot cadence form
the genesis body. Its hash is the chain's start: receipt 1's ``prev``. So the inputs are
inside the chain (a changed seed or criterion changes every hash after it) while the chain
head stays the same on every machine. The three other fields are covered by the genesis
signature, so no byte of the manifest is unsigned.

Whatever the manifest holds is digested, not a fixed list of fields: a field added to the
manifest later is covered without a change here.

A fork (``vei.fork``) records its parent in the manifest field ``parent``: the parent's
revision, receipt count, chain hash, virtual time and state hash at the fork point are
chained like every other input; the parent's run id (``parent.run``), a name like the
run's own, is kept in the stored inputs and covered by the genesis signature but left out
of the chain hash, so a fork's chain head does not depend on what its parent was called.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vei.receipts.signing import Signer, verify_signature

# Manifest fields that differ between two runs of the same calls: outside the chain hash,
# inside the genesis signature.
UNCHAINED_FIELDS = ("run_id", "public_key", "created_at")


def _lenient(value: Any) -> str:
    # Canonical JSON (sorted keys, compact, ASCII); a scenario may hold floats, whose repr
    # is deterministic, so they are encoded rather than refused.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def run_inputs(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest's fields that decide the run's meaning, as JSON would read them back."""
    chosen = {k: v for k, v in manifest.items() if k not in UNCHAINED_FIELDS}
    parsed: dict[str, Any] = json.loads(_lenient(chosen))
    return parsed


def inputs_json(manifest: Mapping[str, Any]) -> str:
    """Canonical JSON of ``run_inputs(manifest)``: the text the genesis record stores."""
    return _lenient(run_inputs(manifest))


def _chained_text(inputs: str) -> str:
    """The inputs text the chain hash covers: a fork's ``parent.run`` left out."""
    if '"parent"' not in inputs:
        return inputs
    parsed = json.loads(inputs)
    parent = parsed.get("parent")
    if not isinstance(parent, dict) or "run" not in parent:
        return inputs
    parsed["parent"] = {k: v for k, v in parent.items() if k != "run"}
    return _lenient(parsed)


def parent_run(inputs: str) -> str | None:
    """The parent's run id a fork's stored inputs name (None for a run that is no fork)."""
    if '"parent"' not in inputs:
        return None
    try:
        parent = json.loads(inputs).get("parent")
    except (ValueError, AttributeError):
        return None
    return str(parent["run"]) if isinstance(parent, dict) and "run" in parent else None


def genesis_hash(
    inputs_digest: str, state_hash: str, snapshot_every: int, snapshot_bytes: int | None = None
) -> str:
    """The chain's starting hash: receipt 1's ``prev``. ``snapshot_bytes`` (the cadence
    spaced by state size, see ``vei.core.cadence``) enters it only when set, so runs made
    before it existed keep their hash."""
    body: dict[str, Any] = {
        "inputs": inputs_digest,
        "snapshot_every": snapshot_every,
        "state_hash": state_hash,
    }
    if snapshot_bytes is not None:
        body["snapshot_bytes"] = snapshot_bytes
    return _sha256(_lenient(body))


def _signed_message(
    run: str, hash_hex: str, public_key: str, created_at: str | None, parent: str | None
) -> bytes:
    body: dict[str, Any] = {
        "created_at": created_at,
        "hash": hash_hex,
        "public_key": public_key,
        "run": run,
    }
    if parent is not None:  # a fork: its parent's name is signed too (runs before forks: not)
        body["parent_run"] = parent
    return _lenient(body).encode("ascii")


@dataclass(frozen=True)
class Genesis:
    """A run's start: its inputs, the seeded state, the snapshot cadence, signed."""

    run: str
    inputs: str
    state_hash: str
    snapshot_every: int
    created_at: str | None
    public_key: str
    hash: str
    signature: str
    # None: snapshots at every multiple of snapshot_every (runs made before the cadence
    # spaced by state size); else that cadence's bytes per event (vei.core.cadence).
    snapshot_bytes: int | None = None

    @classmethod
    def create(
        cls,
        manifest: Mapping[str, Any],
        *,
        run: str,
        state_hash: str,
        snapshot_every: int,
        signer: Signer,
        snapshot_bytes: int | None = None,
    ) -> Genesis:
        """Seal the genesis of run ``run`` from its manifest and seeded state hash."""
        text = inputs_json(manifest)
        hash_hex = genesis_hash(
            _sha256(_chained_text(text)), state_hash, snapshot_every, snapshot_bytes
        )
        created = manifest.get("created_at")
        created_at = None if created is None else str(created)
        message = _signed_message(
            run, hash_hex, signer.public_key_hex, created_at, parent_run(text)
        )
        return cls(
            run=run,
            inputs=text,
            state_hash=state_hash,
            snapshot_every=snapshot_every,
            created_at=created_at,
            public_key=signer.public_key_hex,
            hash=hash_hex,
            signature=signer.sign(message),
            snapshot_bytes=snapshot_bytes,
        )

    def problem(self, public_key: str) -> str | None:
        """None when the hash recomputes and the signature verifies; else what is wrong."""
        try:
            chained = _chained_text(self.inputs)
        except ValueError:
            return "the signed inputs are not JSON"
        spacing = self.snapshot_bytes
        if genesis_hash(_sha256(chained), self.state_hash, self.snapshot_every, spacing) != (
            self.hash
        ):
            return "hash does not match its fields"
        message = _signed_message(
            self.run, self.hash, self.public_key, self.created_at, parent_run(self.inputs)
        )
        if self.public_key != public_key or not verify_signature(
            public_key, message, self.signature
        ):
            return "signature does not verify"
        return None

    def manifest_differences(self, manifest: Mapping[str, Any]) -> list[str]:
        """The manifest fields that differ from what was signed (empty when none)."""
        try:
            signed = json.loads(self.inputs)
        except ValueError:
            return ["(the signed inputs are not JSON)"]
        current = run_inputs(manifest)
        names = sorted(set(signed) | set(current))
        changed = [n for n in names if _lenient(signed.get(n)) != _lenient(current.get(n))]
        if str(manifest.get("run_id")) != self.run:
            changed.append("run_id")
        if manifest.get("public_key") != self.public_key:
            changed.append("public_key")
        created = manifest.get("created_at")
        if (None if created is None else str(created)) != self.created_at:
            changed.append("created_at")
        return changed
