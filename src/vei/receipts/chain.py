"""Receipts: one per tool call, hash-chained over deterministic fields, signed with Ed25519.

The chain hash covers only fields that are the same on every machine for the same seed and
calls; the run id and the signature are outside it, so the chain head is portable. The
signature covers ``{"run", "hash"}``. Signing is deferred until the receipt is first read
or persisted, which keeps in-memory RL loops fast without weakening what is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vei.core.canonical import canonical_bytes, canonical_json, digest_unchecked
from vei.receipts.signing import Signer, verify_signature

GENESIS = "0" * 64

# Fields that enter the chain hash, in the order documented in docs/receipts.md.
CHAINED_FIELDS = (
    "index",
    "tool",
    "args_digest",
    "result_digest",
    "ok",
    "error_code",
    "rev_before",
    "rev_after",
    "events",
    "events_digest",
    "t_ms",
    "latency_ms",
    "cost_cents",
    "fault",
    "prev",
)


def chain_hash(body: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of the chained fields."""
    # The body holds only ints, strings, bools and None, built by the World: skip the float walk.
    return digest_unchecked({k: body[k] for k in CHAINED_FIELDS})


def signed_message(run: str, hash_hex: str) -> bytes:
    """The exact bytes a receipt signature covers."""
    return canonical_bytes({"hash": hash_hex, "run": run})


@dataclass(slots=True)
class Receipt:
    """One call's receipt. ``signature`` is filled on first access or on persist."""

    run: str
    body: dict[str, Any]
    hash: str
    _signer: Signer | None = field(default=None, repr=False)
    _signature: str | None = field(default=None, repr=False)

    @property
    def index(self) -> int:
        return int(self.body["index"])

    @property
    def signature(self) -> str:
        """The Ed25519 signature (hex) of ``{"run", "hash"}``."""
        if self._signature is None:
            if self._signer is None:
                raise ValueError(f"receipt {self.index} has neither signature nor signer")
            self._signature = self._signer.sign(signed_message(self.run, self.hash))
        return self._signature

    def to_dict(self) -> dict[str, Any]:
        """The full receipt as shipped to clients and exported."""
        return {**self.body, "run": self.run, "hash": self.hash, "signature": self.signature}

    def to_json(self) -> str:
        return canonical_json(self.to_dict())

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Receipt:
        """Rebuild a stored receipt (fields are not checked here: see verify)."""
        body = {k: raw[k] for k in CHAINED_FIELDS}
        return cls(run=raw["run"], body=body, hash=raw["hash"], _signature=raw["signature"])

    def check(self, public_key_hex: str) -> str | None:
        """None when hash and signature hold; otherwise what is wrong."""
        if chain_hash(self.body) != self.hash:
            return "hash does not match its fields"
        if not verify_signature(
            public_key_hex, signed_message(self.run, self.hash), self.signature
        ):
            return "signature does not verify"
        return None


class ReceiptChain:
    """Appends receipts to a run's chain; knows the head and the next index."""

    def __init__(self, run: str, signer: Signer, head: str = GENESIS, count: int = 0) -> None:
        self.run = run
        self.signer = signer
        self.head = head
        self.count = count

    def append(self, fields: dict[str, Any]) -> Receipt:
        """Seal ``fields`` (all chained fields but index and prev) into the next receipt."""
        body = dict(fields)
        body["index"] = self.count + 1
        body["prev"] = self.head
        digest = chain_hash(body)
        self.count += 1
        self.head = digest
        return Receipt(run=self.run, body=body, hash=digest, _signer=self.signer)
