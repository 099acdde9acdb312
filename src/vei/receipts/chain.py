"""Receipts: one per tool call, hash-chained over deterministic fields, signed with Ed25519.

The chain hash covers only fields that are the same on every machine for the same seed and
calls; the run id and the signature are outside it, so the chain head is portable. The
signature covers ``{"run", "hash"}``. Signing is deferred until the receipt is first read
or persisted, which keeps in-memory RL loops fast without weakening what is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii as _quote
from typing import Any

from vei.core.canonical import canonical_bytes, canonical_json, digest_text, encode_unchecked
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


# The chained fields in canonical (sorted) order, as _written_chain_json writes them.
_WRITTEN_ORDER = (
    "args_digest",
    "cost_cents",
    "error_code",
    "events",
    "events_digest",
    "fault",
    "index",
    "latency_ms",
    "ok",
    "prev",
    "result_digest",
    "rev_after",
    "rev_before",
    "t_ms",
    "tool",
)
_WRITTEN = tuple(sorted(CHAINED_FIELDS)) == _WRITTEN_ORDER


def chain_text(body: dict[str, Any]) -> str:
    """The canonical JSON of the chained fields: what the chain hash is taken over."""
    text = _written_chain_json(body) if _WRITTEN else None
    if text is not None:
        return text
    # The body holds only ints, strings, bools and None, built by the World: skip the float walk.
    return encode_unchecked({k: body[k] for k in CHAINED_FIELDS})


def chain_hash(body: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of the chained fields."""
    return digest_text(chain_text(body))


def _written_chain_json(b: dict[str, Any]) -> str | None:
    """The canonical JSON of the chained fields, written out directly: the same bytes as the
    generic encoder in about half the time (this runs once per call). None when a value is
    not of the type the World writes (a damaged stored receipt): the generic encoder decides.
    """
    cost, index, latency, rev_after, rev_before, t_ms = (
        b["cost_cents"],
        b["index"],
        b["latency_ms"],
        b["rev_after"],
        b["rev_before"],
        b["t_ms"],
    )
    args, events_digest, prev, result, tool = (
        b["args_digest"],
        b["events_digest"],
        b["prev"],
        b["result_digest"],
        b["tool"],
    )
    ok, events, error_code, fault = b["ok"], b["events"], b["error_code"], b["fault"]
    # Chained `is` tests: every one of these is exactly an int (not a bool), a str.
    if not (
        int is type(cost) is type(index) is type(latency) is type(rev_after)
        and int is type(rev_before) is type(t_ms)
        and str is type(args) is type(events_digest) is type(prev) is type(result) is type(tool)
        and (ok is True or ok is False)
    ):
        return None
    if events is None:
        span = "null"
    elif type(events) is list and len(events) == 2 and int is type(events[0]) is type(events[1]):
        span = f"[{events[0]},{events[1]}]"
    else:
        return None
    if error_code is not None and type(error_code) is not str:
        return None
    if fault is not None and type(fault) is not str:
        return None
    return (
        f'{{"args_digest":{_quote(args)},"cost_cents":{cost},'
        f'"error_code":{"null" if error_code is None else _quote(error_code)},'
        f'"events":{span},"events_digest":{_quote(events_digest)},'
        f'"fault":{"null" if fault is None else _quote(fault)},"index":{index},'
        f'"latency_ms":{latency},"ok":{"true" if ok else "false"},"prev":{_quote(prev)},'
        f'"result_digest":{_quote(result)},"rev_after":{rev_after},"rev_before":{rev_before},'
        f'"t_ms":{t_ms},"tool":{_quote(tool)}}}'
    )


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
    # The canonical JSON of ``body`` when the chain computed it (a store may keep only it).
    _body_text: str | None = field(default=None, repr=False, compare=False)

    @property
    def body_text(self) -> str:
        """The canonical JSON of the chained fields (``body``)."""
        if self._body_text is None:
            self._body_text = chain_text(self.body)
        return self._body_text

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
        text = chain_text(body)
        digest = digest_text(text)
        self.count += 1
        self.head = digest
        return Receipt(run=self.run, body=body, hash=digest, _signer=self.signer, _body_text=text)
