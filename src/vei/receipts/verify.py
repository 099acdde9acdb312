"""Verify a stored run: the receipt chain, every signature, and a full replay.

``verify_run`` walks the log once, in order, and stops at the first bad record, naming it
(``receipt 7: signature does not verify``, ``event 12: does not match receipt 5's
events_digest``, ``snapshot at revision 40: ...``, ``checkpoint: ...``). For each receipt it
checks, in this order: the stored text, the run, the chain hash against its fields, ``prev``
against the previous receipt (receipt 1: against the initial state hash of the revision-0
snapshot), the signature against the manifest's public key, that its event range follows the
previous one, the events themselves (stored text, columns) and ``events_digest``, and
``rev_after``. Its events are then folded into the state, and any snapshot taken after that
receipt must match the replayed state. After the last receipt no event may be left over, and
the checkpoint (if any: a run killed mid-way has none, which is reported as a note) must
match the replay and carry a valid signature.

Stored text is checked as it is on disk when the store offers ``raw_rows`` (SQLite); damaged
text is a named failure, never a crash.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from vei.core.canonical import canonical_json
from vei.core.events import Event
from vei.core.state import apply_event, events_digest, fold, state_hash
from vei.core.twin import Reducer, State
from vei.receipts.chain import Receipt, chain_hash
from vei.receipts.signing import verify_signature
from vei.store.base import Checkpoint, StateStore

Row = dict[str, Any]
_EVENT_COLUMNS = ("seq", "t_ms", "kind", "actor", "cause")


class BadRecord(Exception):
    """The first record that failed verification; the message names it."""


@dataclass
class VerifyReport:
    """What ``verify_run`` found. ``failure`` names the first bad record, or is None."""

    run_id: str
    ok: bool = False
    receipts: int = 0
    events: int = 0
    snapshots: int = 0
    checkpoint: bool = False
    chain_head: str | None = None
    state_hash: str | None = None
    failure: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form (``vei-state verify --json``)."""
        return {
            "run_id": self.run_id,
            "ok": self.ok,
            "receipts": self.receipts,
            "events": self.events,
            "snapshots": self.snapshots,
            "checkpoint": self.checkpoint,
            "chain_head": self.chain_head,
            "state_hash": self.state_hash,
            "failure": self.failure,
            "notes": list(self.notes),
        }


def verify_run(
    store: StateStore, manifest: Mapping[str, Any], reducers: Mapping[str, Reducer]
) -> VerifyReport:
    """Check a run's log against its manifest; ``reducers`` is ``reducer_table(twins)``."""
    verifier = _Verifier(store, manifest, reducers)
    # A store that can (SQLite) gives one consistent view, so a live run verifies as of
    # one moment instead of seeing calls committed halfway through.
    reading: Callable[[], AbstractContextManager[None]] = getattr(store, "reading", nullcontext)
    try:
        with reading():
            verifier.run()
    except BadRecord as bad:
        verifier.report.failure = str(bad)
    except Exception as exc:  # an unreadable store is a finding, not a crash
        verifier.report.failure = f"{verifier.where}: cannot be read: {type(exc).__name__}: {exc}"
    verifier.report.ok = verifier.report.failure is None
    return verifier.report


@dataclass
class ReplayResult:
    """A full replay: the final state, its hash, and what the run recorded for it."""

    state: State
    revision: int
    state_hash: str
    recorded: str | None
    recorded_by: str | None

    @property
    def matches(self) -> bool | None:
        """True/False against the recorded hash; None when nothing was recorded."""
        return None if self.recorded is None else self.recorded == self.state_hash


def replay_run(store: StateStore, reducers: Mapping[str, Reducer]) -> ReplayResult:
    """Rebuild the final state from the revision-0 snapshot and every stored event."""
    initial = store.latest_snapshot(at_or_before=0)
    if initial is None or initial.revision != 0:
        raise ValueError("the run has no snapshot at revision 0 (its initial state)")
    revision = 0

    def tracked() -> Iterator[Event]:
        nonlocal revision
        for event in store.events():
            revision = event.seq
            yield event

    state = fold(initial.state, tracked(), reducers)  # fold works on a copy
    final = state_hash(state)
    checkpoint = store.checkpoint()
    if checkpoint is not None and checkpoint.revision == revision:
        return ReplayResult(state, revision, final, checkpoint.state_hash, "checkpoint")
    snapshot = store.latest_snapshot()
    if snapshot is not None and snapshot.revision == revision:
        by = f"snapshot at revision {revision}"
        return ReplayResult(state, revision, final, snapshot.state_hash, by)
    return ReplayResult(state, revision, final, None, None)


# ---------------------------------------------------------------------- the walk


def _rows(store: StateStore, table: str) -> Iterator[Row]:
    """Stored rows as text when the store keeps text, else re-encoded from objects."""
    raw: Callable[[str], Iterator[Row]] | None = getattr(store, "raw_rows", None)
    if raw is not None:
        return raw(table)
    if table == "events":
        return ({**e.to_dict(), "body": e.to_json()} for e in store.events())
    if table == "receipts":
        return ({"idx": r.index, "body": r.to_json()} for r in store.receipts())
    if table == "snapshots":
        return ({**vars(s), "state": canonical_json(s.state)} for s in store.snapshots())
    checkpoint = store.checkpoint()
    return iter([] if checkpoint is None else [vars(checkpoint)])


def _loads(text: Any, where: str, what: str) -> Any:
    if not isinstance(text, str):
        raise BadRecord(f"{where}: stored {what} is not text")
    try:
        return json.loads(text)
    except ValueError:
        raise BadRecord(f"{where}: stored {what} is not valid JSON") from None


def _typed(row: Row, where: str, **types: type) -> None:
    for name, kind in types.items():
        value = row.get(name)
        if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
            raise BadRecord(f"{where}: field {name!r} is missing or not {kind.__name__}")


class _Verifier:
    def __init__(
        self, store: StateStore, manifest: Mapping[str, Any], reducers: Mapping[str, Reducer]
    ) -> None:
        self.store = store
        self.manifest = manifest
        self.reducers = reducers
        self.run_id = str(manifest.get("run_id", ""))
        self.report = VerifyReport(run_id=self.run_id)
        self.where = "manifest"
        self.state: State = {}
        self.last_seq = 0
        self.head = ""
        self._events: Iterator[Row] = iter(())

    def run(self) -> None:
        key = self._public_key()
        snapshots = self._snapshots()
        self.head = self._start(snapshots)
        self._events = _rows(self.store, "events")
        count = 0
        self.where = "receipts"
        for row in _rows(self.store, "receipts"):
            count += 1
            self._receipt(row, count, key)
            self._check_snapshot(snapshots.pop(count, None), count)
            self.report.receipts = count
        for left in snapshots.values():
            where = f"snapshot at revision {left['revision']}"
            raise BadRecord(
                f"{where}: refers to receipt {left['receipt_count']}, log ends at {count}"
            )
        extra = self._next_event()
        if extra is not None:
            raise BadRecord(f"event {extra.get('seq')}: not covered by any receipt")
        self.report.chain_head = self.head
        self.report.state_hash = state_hash(self.state)
        self._checkpoint(count, key)

    # ---------------------------------------------------------------- pieces

    def _public_key(self) -> str:
        key = self.manifest.get("public_key")
        if not self.run_id:
            raise BadRecord("manifest: no run_id")
        try:
            Ed25519PublicKey.from_public_bytes(bytes.fromhex(str(key)))
        except ValueError:
            raise BadRecord("manifest: public_key is not a hex Ed25519 public key") from None
        return str(key)

    def _snapshots(self) -> dict[int, Row]:
        """Snapshots keyed by the receipt count they were taken at, parsed and self-checked."""
        self.where = "snapshots"
        by_count: dict[int, Row] = {}
        for row in _rows(self.store, "snapshots"):
            where = f"snapshot at revision {row.get('revision')}"
            _typed(row, where, revision=int, receipt_count=int, chain_head=str, state_hash=str)
            state = _loads(row.get("state"), where, "state")
            if not isinstance(state, dict) or state_hash(state) != row["state_hash"]:
                raise BadRecord(f"{where}: stored state does not hash to its state_hash")
            if row["receipt_count"] in by_count:
                raise BadRecord(f"{where}: a second snapshot at receipt {row['receipt_count']}")
            by_count[row["receipt_count"]] = {**row, "state_obj": state}
            self.report.snapshots += 1
        return by_count

    def _start(self, snapshots: dict[int, Row]) -> str:
        """The initial state (from the revision-0 snapshot); returns the genesis hash."""
        initial = next((s for s in snapshots.values() if s["revision"] == 0), None)
        if initial is None:
            raise BadRecord("snapshot at revision 0: missing (the run's initial state)")
        # A private copy: replay folds in place and the snapshot row must stay as stored.
        self.state = json.loads(canonical_json(initial["state_obj"]))
        genesis: str = initial["state_hash"]
        self._check_snapshot(snapshots.pop(0, None), 0, genesis)
        return genesis

    def _check_snapshot(self, snap: Row | None, count: int, head: str | None = None) -> None:
        if snap is None:
            return
        where = f"snapshot at revision {snap['revision']}"
        if snap["revision"] != self.last_seq:
            raise BadRecord(
                f"{where}: taken at receipt {count}, when the revision was {self.last_seq}"
            )
        if snap["chain_head"] != (head or self.head):
            raise BadRecord(f"{where}: chain_head is not the hash of receipt {count}")
        if snap["state_hash"] != state_hash(self.state):
            raise BadRecord(f"{where}: replay does not reproduce its state_hash")

    def _receipt(self, row: Row, index: int, key: str) -> None:
        where = self.where = f"receipt {index}"
        if row.get("idx") != index:
            raise BadRecord(f"{where}: missing (the next stored is receipt {row.get('idx')})")
        raw = _loads(row.get("body"), where, "text")
        try:
            receipt = Receipt.from_dict(raw)
        except (KeyError, TypeError, AttributeError):
            raise BadRecord(f"{where}: stored text is not a receipt") from None
        _typed(raw, where, run=str, hash=str, signature=str, index=int)
        if raw["index"] != index:
            raise BadRecord(f"{where}: its stored text says index {raw['index']}")
        if _canonical(receipt.to_dict()) != row["body"]:
            raise BadRecord(f"{where}: stored text is not canonical JSON")
        if receipt.run != self.run_id:
            raise BadRecord(f"{where}: belongs to run {receipt.run!r}, not {self.run_id!r}")
        if _safe_chain_hash(receipt.body) != receipt.hash:
            raise BadRecord(f"{where}: hash does not match its fields")
        if receipt.body["prev"] != self.head:
            before = f"receipt {index - 1}" if index > 1 else "the initial state (snapshot 0)"
            raise BadRecord(f"{where}: prev is not the hash of {before}")
        if receipt.check(key) is not None:
            raise BadRecord(f"{where}: signature does not verify")
        events = self._covered(receipt, where)
        if events_digest(events) != receipt.body["events_digest"]:
            if len(events) == 1:
                raise BadRecord(f"event {events[0].seq}: does not match {where}'s events_digest")
            span = f"events {events[0].seq}-{events[-1].seq}" if events else "no events"
            raise BadRecord(f"{where}: {span} do not match its events_digest")
        if receipt.body["rev_after"] != self.last_seq:
            raise BadRecord(f"{where}: rev_after is not the last event so far ({self.last_seq})")
        for event in events:
            self.where = f"event {event.seq}"
            apply_event(self.state, event, self.reducers)  # in place, on our private copy
        self.head = receipt.hash

    def _covered(self, receipt: Receipt, where: str) -> list[Event]:
        """The events the receipt's range names, read from the log in order."""
        span = receipt.body["events"]
        if span is None:
            return []
        if (
            not isinstance(span, list)
            or len(span) != 2
            or not all(isinstance(s, int) and not isinstance(s, bool) for s in span)
            or span[0] != self.last_seq + 1
            or span[1] < span[0]
        ):
            raise BadRecord(f"{where}: events {span} do not follow event {self.last_seq}")
        events = []
        for seq in range(span[0], span[1] + 1):
            row = self._next_event()
            if row is None or row.get("seq") != seq:
                raise BadRecord(f"event {seq}: missing (named by {where})")
            events.append(_event(row, seq))
            self.last_seq = seq
            self.report.events += 1
        return events

    def _next_event(self) -> Row | None:
        self.where = f"event {self.last_seq + 1}"
        return next(self._events, None)

    def _checkpoint(self, count: int, key: str) -> None:
        self.where = "checkpoint"
        rows = list(_rows(self.store, "checkpoint"))
        if not rows:
            self.report.notes.append(
                f"no checkpoint: the run was not closed (killed or still running); "
                f"verified up to receipt {count}"
            )
            return
        row = rows[0]
        _typed(row, "checkpoint", run=str, size=int, head=str, revision=int, t_ms=int)
        _typed(row, "checkpoint", state_hash=str, signature=str)
        checkpoint = Checkpoint(**{k: row[k] for k in Checkpoint.__dataclass_fields__})
        if checkpoint.run != self.run_id:
            raise BadRecord(f"checkpoint: belongs to run {checkpoint.run!r}, not {self.run_id!r}")
        if checkpoint.size != count:
            raise BadRecord(f"checkpoint: size {checkpoint.size}, but the log has {count} receipts")
        if checkpoint.head != self.head:
            raise BadRecord("checkpoint: head is not the hash of the last receipt")
        if checkpoint.revision != self.last_seq:
            raise BadRecord(
                f"checkpoint: revision {checkpoint.revision}, log ends at {self.last_seq}"
            )
        if checkpoint.state_hash != self.report.state_hash:
            raise BadRecord("checkpoint: replay does not reproduce its state_hash")
        message = canonical_json(checkpoint.signed_fields()).encode("ascii")
        if not verify_signature(key, message, checkpoint.signature):
            raise BadRecord("checkpoint: signature does not verify")
        self.report.checkpoint = True


def _canonical(value: Any) -> str | None:
    try:
        return canonical_json(value)
    except TypeError:
        return None


def _safe_chain_hash(body: dict[str, Any]) -> str | None:
    try:
        return chain_hash(body)
    except TypeError:  # a float or odd type in a field cannot be what was hashed
        return None


def _event(row: Row, seq: int) -> Event:
    where = f"event {seq}"
    raw = _loads(row.get("body"), where, "text")
    try:
        event = Event.from_dict(raw)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise BadRecord(f"{where}: stored text is not an event envelope") from None
    if _canonical(event.to_dict()) != row["body"]:
        raise BadRecord(f"{where}: stored text is not canonical JSON")
    for column in _EVENT_COLUMNS:
        if row.get(column) != getattr(event, column):
            raise BadRecord(f"{where}: column {column!r} disagrees with the stored text")
    return event
