"""Verify a stored run: its signed inputs, the receipt chain, every signature, a full replay.

``verify_run`` walks the log once, in order, and stops at the first bad record, naming it
(``manifest: field 'seed' differs from ...``, ``receipt 7: signature does not verify``,
``event 12: does not match receipt 5's events_digest``, ``snapshot at revision 40: ...``,
``checkpoint: ...``).

First the manifest: its public key (equal to ``public_key`` when one is pinned), its run id
(equal to the run directory's name) and every other field against the signed genesis record
(``vei.receipts.genesis``), whose hash must be the chain's start and whose seeded state
must be snapshot 0's. Then each receipt, in this order: the stored text, the run, the chain
hash against its fields, ``prev`` against the previous receipt (receipt 1: the genesis),
the signature, that its event range follows the previous one, the events themselves
(stored text, columns) and ``events_digest``, and ``rev_after``. Its events are folded into
the state, and any snapshot taken after that receipt must match the chain head and the
virtual time, and its stored text its own ``state_hash``; the replay's hash is compared with
the latest snapshot's (the one a resume starts from) and the checkpoint's, and with
``deep=True`` with every snapshot's. Every snapshot the world must have taken (each one the
genesis's cadence made due, ``vei.core.cadence``, and the final one) must exist. Signatures
are checked in batches (``vei.receipts.sigcheck``), still reported in log order. After the last

receipt no event may be left over, and the checkpoint must match the replay and carry a
valid signature. A run without a checkpoint fails, unless a live process is still writing
it (``status`` ``open``): a run closed normally always has one, and a run whose writer
stopped without closing it is sealed by ``vei-state recover`` (ending ``crash``).

Stored text is checked as it is on disk when the store offers ``raw_rows`` (SQLite); damaged
text is a named failure, never a crash.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from vei.core.cadence import Cadence
from vei.core.canonical import canonical_json, digest_text
from vei.core.events import Event
from vei.core.state import apply_event, events_digest, fold, state_hash
from vei.core.twin import Reducer, State
from vei.receipts.chain import Receipt, chain_hash
from vei.receipts.genesis import Genesis
from vei.receipts.proof import proven_statements
from vei.receipts.sigcheck import SignatureChecks
from vei.receipts.signing import verify_signature
from vei.store.base import ENDINGS, Checkpoint, Snapshot, StateStore

Row = dict[str, Any]
_EVENT_COLUMNS = ("seq", "t_ms", "kind", "actor", "cause")


class BadRecord(Exception):
    """The first record that failed verification; the message names it."""


@dataclass
class VerifyReport:
    """What ``verify_run`` found. ``failure`` names the first bad record, or is None.

    ``status`` is ``closed`` (checkpoint, ending ``close``), ``crashed`` (sealed after its
    writer stopped), ``open`` (a live process is writing it) or ``failed``; ``proven``
    says in plain words what the checks establish; ``key_pinned`` whether the signatures
    were checked against a key given by the auditor rather than the manifest's.
    """

    run_id: str
    ok: bool = False
    receipts: int = 0
    events: int = 0
    snapshots: int = 0
    checkpoint: bool = False
    chain_head: str | None = None
    state_hash: str | None = None
    t_ms: int | None = None
    failure: str | None = None
    notes: list[str] = field(default_factory=list)
    status: str = "failed"
    key_pinned: bool = False
    public_key: str | None = None
    proven: list[str] = field(default_factory=list)
    deep: bool = False
    # The replayed state at the end of the log (not part of the report's JSON).
    final_state: State | None = field(default=None, repr=False, compare=False)
    # A fork's signed link to its parent (``vei.receipts.lineage``), with ``checked``.
    parent: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form (``vei-state verify --json``)."""
        return {
            "run_id": self.run_id,
            "ok": self.ok,
            "status": self.status,
            "receipts": self.receipts,
            "events": self.events,
            "snapshots": self.snapshots,
            "checkpoint": self.checkpoint,
            "chain_head": self.chain_head,
            "state_hash": self.state_hash,
            "t_ms": self.t_ms,
            "public_key": self.public_key,
            "key_pinned": self.key_pinned,
            "failure": self.failure,
            "proven": list(self.proven),
            "deep": self.deep,
            "notes": list(self.notes),
            "parent": None if self.parent is None else dict(self.parent),
        }


def verify_run(
    store: StateStore,
    manifest: Mapping[str, Any],
    reducers: Mapping[str, Reducer],
    *,
    run_dir: Path | None = None,
    public_key: str | None = None,
    live: bool = False,
    deep: bool = False,
    workers: int | None = None,
) -> VerifyReport:
    """Check a run's log against its manifest; ``reducers`` is ``reducer_table(twins)``.

    ``run_dir`` (a stored run's directory) is checked against the run id, and tells whether
    a live process is writing the run; ``public_key`` (hex) pins the key every signature must
    be made with; ``live=True`` says the caller knows the run is still being written.

    The replayed state is hashed where that proves something a restore relies on: at the
    seeded snapshot, the latest snapshot and the checkpoint. Every other snapshot's record
    (revision, chain head, time, and that it was taken when the cadence says) is checked
    without hashing the state; ``deep=True`` also checks each of their stored states and
    that the replay reproduces it. ``workers`` caps the processes checking signatures (a
    long run uses one per core by default).
    """
    if run_dir is not None and not live:
        from vei.store.lock import writer_active

        live = writer_active(run_dir)
    verifier = _Verifier(store, manifest, reducers, run_dir, public_key, live)
    verifier.deep, verifier.workers = deep, workers
    verifier.report.deep = deep

    # A store that can (SQLite) gives one consistent view, so a live run verifies as of
    # one moment instead of seeing calls committed halfway through.
    reading: Callable[[], AbstractContextManager[None]] = getattr(store, "reading", nullcontext)
    report = verifier.report
    try:
        with reading():
            verifier.run()
    except BadRecord as bad:
        report.failure = str(bad)
    except Exception as exc:  # an unreadable store is a finding, not a crash
        report.failure = f"{verifier.where}: cannot be read: {type(exc).__name__}: {exc}"
    finally:
        verifier.close()
    report.ok = report.failure is None
    if not report.ok:
        report.status = "failed"
    report.proven = proven_statements(report)
    return report


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
    """Rebuild the final state from the initial snapshot (revision 0, or a fork's fork
    point) and every stored event."""
    from vei.fork import start_of

    first = start_of(store)[0]
    initial = store.latest_snapshot(at_or_before=first)
    if initial is None or initial.revision != first:
        raise ValueError(f"the run has no snapshot at revision {first} (its initial state)")
    revision = first

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
        return ({**vars(s), "state": s.text} for s in store.snapshots())
    record: Any = store.checkpoint() if table == "checkpoint" else store.genesis()
    return iter([] if record is None else [vars(record)])


def _snapshot_heads(store: StateStore) -> Iterator[Row]:
    """Each snapshot's record and the size of its stored state, without the state."""
    heads: Callable[[], list[Snapshot]] | None = getattr(store, "snapshot_heads", None)
    if heads is not None:
        return (vars(s) for s in heads())
    return ({**row, "size": len(str(row.get("state")))} for row in _rows(store, "snapshots"))


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
        self,
        store: StateStore,
        manifest: Mapping[str, Any],
        reducers: Mapping[str, Reducer],
        run_dir: Path | None,
        pinned: str | None,
        live: bool,
    ) -> None:
        self.store = store
        self.manifest = manifest
        self.reducers = reducers
        self.run_dir = run_dir
        self.pinned = pinned.lower() if pinned else None
        self.live = live
        self.run_id = str(manifest.get("run_id", ""))
        self.report = VerifyReport(run_id=self.run_id, key_pinned=self.pinned is not None)
        self.where = "manifest"
        self.state: State = {}
        self.last_seq = 0
        self.clock = 0
        self.head = ""
        self.every = 1
        self.cadence = Cadence(1, None)
        self.link: dict[str, Any] | None = None
        self.first = (0, 0, 0)  # where the log begins: revision, receipt count, t_ms
        self.expected: list[tuple[int, int]] = []  # (revision, receipt) of required snapshots
        self._events: Iterator[Row] = iter(())
        self.deep = False
        self.workers: int | None = None
        self.latest_revision = 0
        self.signatures: SignatureChecks | None = None
        self._hashed: tuple[int, str] | None = None

    def close(self) -> None:
        if self.signatures is not None:
            self.signatures.close()

    def run(self) -> None:
        try:
            self._walk()
        except BadRecord:
            # Signatures are checked in batches: a bad one earlier in the log than this
            # failure is the first bad record.
            self._signatures_hold()
            raise
        self._signatures_hold()

    def _signatures_hold(self) -> None:
        if self.signatures is None:
            return
        first = self.signatures.first_bad()
        if first is not None:
            self.report.receipts = first - 1
            raise BadRecord(f"receipt {first}: signature does not verify")

    def _walk(self) -> None:
        key = self._public_key()
        genesis = self._genesis(key)
        snapshots = self._snapshots()
        taken = {row["revision"] for row in snapshots.values()}
        self.latest_revision = max(taken, default=0)
        expected = max((row["receipt_count"] for row in snapshots.values()), default=0)
        self.signatures = SignatureChecks(key, expected, self.workers)
        self.head = self._start(snapshots, genesis)
        self._events = _rows(self.store, "events")
        count = self.first[1]
        self.where = "receipts"
        for row in _rows(self.store, "receipts"):
            count += 1
            self._receipt(row, count, key)
            self._check_snapshot(snapshots.pop(count, None), count)
            self.report.receipts = count - self.first[1]
        for left in snapshots.values():
            where = f"snapshot at revision {left['revision']}"
            raise BadRecord(
                f"{where}: refers to receipt {left['receipt_count']}, log ends at {count}"
            )
        extra = self._next_event()
        if extra is not None:
            raise BadRecord(f"event {extra.get('seq')}: not covered by any receipt")
        self._signatures_hold()  # before the checkpoint is judged against the chain
        self.report.chain_head = self.head
        self.report.state_hash = self._replay_hash()
        self.report.final_state = self.state

        self.report.t_ms = self.clock
        closed = self._checkpoint(count, key)
        if closed:
            self.expected.append((self.last_seq, count))
        for revision, receipt in self.expected:
            if revision not in taken:
                what = "the final snapshot" if closed and receipt == count else "a snapshot"
                raise BadRecord(
                    f"snapshot at revision {revision}: missing ({what} taken after receipt "
                    f"{receipt})"
                )
        if self.link is not None:
            from vei.receipts.lineage import check_parent

            self.where = "parent"
            self.report.parent = check_parent(
                self.link, genesis, self.manifest, self.run_dir, self.reducers
            )

    # ---------------------------------------------------------------- pieces

    def _public_key(self) -> str:
        key = self.manifest.get("public_key")
        if not self.run_id:
            raise BadRecord("manifest: no run_id")
        if self.run_dir is not None and self.run_dir.name != self.run_id:
            raise BadRecord(
                f"manifest: run_id {self.run_id!r} is not the run directory's name "
                f"{self.run_dir.name!r}"
            )
        try:
            Ed25519PublicKey.from_public_bytes(bytes.fromhex(str(key)))
        except ValueError:
            raise BadRecord("manifest: public_key is not a hex Ed25519 public key") from None
        if self.pinned is not None and str(key).lower() != self.pinned:
            raise BadRecord(
                f"manifest: public_key {key} is not the pinned key {self.pinned} "
                "(the run was signed with another key)"
            )
        self.report.public_key = str(key)
        return str(key)

    def _genesis(self, key: str) -> Genesis:
        self.where = "genesis"
        rows = list(_rows(self.store, "genesis"))
        if not rows:
            raise BadRecord("genesis: missing (the run's signed inputs)")
        row = rows[0]
        _typed(row, "genesis", run=str, inputs=str, state_hash=str, snapshot_every=int)
        _typed(row, "genesis", public_key=str, hash=str, signature=str)
        values: dict[str, Any] = {k: row.get(k) for k in Genesis.__dataclass_fields__}
        genesis = Genesis(**values)
        problem = genesis.problem(key)
        if problem is not None:
            raise BadRecord(f"genesis: {problem}")
        if genesis.snapshot_every < 1:
            raise BadRecord("genesis: snapshot_every is not a positive integer")
        changed = genesis.manifest_differences(self.manifest)
        if changed:
            fields = ", ".join(repr(name) for name in changed)
            raise BadRecord(
                f"manifest: {fields} differ{'s' if len(changed) == 1 else ''} from what was "
                "signed when the run started (genesis)"
            )
        self.every = genesis.snapshot_every
        spacing = genesis.snapshot_bytes
        if spacing is not None and (not isinstance(spacing, int) or spacing < 1):
            raise BadRecord("genesis: snapshot_bytes is not a positive integer")
        self.cadence = Cadence(self.every, spacing)
        from vei.receipts.lineage import link_of

        self.link = link_of(genesis)
        if self.link is not None:
            self.first = (self.link["revision"], self.link["receipt"], self.link["t_ms"])
            reason = "verification stopped before the parent was checked"
            self.report.parent = {**self.link, "checked": False, "reason": reason}
        return genesis

    def _snapshots(self) -> dict[int, Row]:
        """Snapshots keyed by the receipt count they were taken at, without their states
        (those are read where they are checked)."""
        self.where = "snapshots"
        by_count: dict[int, Row] = {}
        for row in _snapshot_heads(self.store):
            where = f"snapshot at revision {row.get('revision')}"
            _typed(row, where, revision=int, receipt_count=int, chain_head=str, state_hash=str)
            _typed(row, where, t_ms=int, size=int)
            if row["receipt_count"] in by_count:
                raise BadRecord(f"{where}: a second snapshot at receipt {row['receipt_count']}")
            by_count[row["receipt_count"]] = row
            self.report.snapshots += 1
        return by_count

    def _stored_text(self, row: Row) -> str | None:
        """A snapshot's stored state text, checked against its state_hash (None: the store
        does not keep it). Hashing the text suffices: a replay that hashes to the same
        state_hash has exactly this canonical text."""
        where = f"snapshot at revision {row['revision']}"
        found = self.store.latest_snapshot(at_or_before=row["revision"])
        if found is None or found.revision != row["revision"]:
            if row["revision"] in (self.first[0], self.latest_revision):
                raise BadRecord(f"{where}: its stored state cannot be read")
            self.report.notes.append(f"{where}: its state is not kept, so it was not checked")
            return None
        text = found.text
        if not isinstance(text, str):
            raise BadRecord(f"{where}: stored state is not text")
        if not text.isascii() or digest_text(text) != row["state_hash"]:
            raise BadRecord(f"{where}: stored state does not hash to its state_hash")
        return text

    def _replay_hash(self) -> str:
        """The replayed state's hash at the current revision (computed once per revision)."""
        if self._hashed is None or self._hashed[0] != self.last_seq:
            self._hashed = (self.last_seq, state_hash(self.state))
        return self._hashed[1]

    def _start(self, snapshots: dict[int, Row], genesis: Genesis) -> str:
        """The initial state (from the revision-0 snapshot, or a fork's snapshot at its
        fork point); returns the genesis hash."""
        revision, count, t_ms = self.first
        where = f"snapshot at revision {revision}"
        # The snapshot at the start's revision; a run closed before any event replaced it
        # with its final snapshot (same revision, same state, later receipt count).
        initial = next((s for s in snapshots.values() if s["revision"] == revision), None)
        if initial is None:
            raise BadRecord(f"{where}: missing (the run's initial state)")
        if initial["state_hash"] != genesis.state_hash:
            what = "the fork point's state" if self.link is not None else "the seeded state"
            raise BadRecord(f"{where}: is not {what} the genesis signed")
        # A fresh parse of the stored text: replay folds it in place.
        text = self._stored_text(initial)
        assert text is not None  # the starting snapshot's state is always read
        state = _loads(text, where, "state")
        if not isinstance(state, dict):
            raise BadRecord(f"{where}: stored state is not an object")
        self.state = state
        self.last_seq, self.clock = revision, t_ms
        self._check_snapshot(snapshots.pop(count, None), count, genesis.hash)
        return genesis.hash

    def _check_snapshot(self, snap: Row | None, count: int, head: str | None = None) -> None:
        if snap is None:
            return
        where = f"snapshot at revision {snap['revision']}"
        if snap["revision"] != self.last_seq:
            raise BadRecord(
                f"{where}: taken at receipt {count}, when the revision was {self.last_seq}"
            )
        if snap["chain_head"] != (head or self.head):
            what = f"the hash of receipt {count}" if head is None else "the genesis hash"
            raise BadRecord(f"{where}: chain_head is not {what}")
        if snap["t_ms"] != self.clock:
            raise BadRecord(f"{where}: t_ms {snap['t_ms']}, the clock was {self.clock}")
        self.cadence.taken(snap["revision"], snap["size"])
        revision = snap["revision"]
        if revision == self.first[0] and count == self.first[1]:
            return  # the starting state: its stored text was checked against the genesis
        if self._stored_text(snap) is None:
            return
        if revision != self.latest_revision and not self.deep:
            return  # its text holds its hash; the replay is compared at the latest only

        if snap["state_hash"] != self._replay_hash():
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
            before = f"receipt {index - 1}" if index > self.first[1] + 1 else "the genesis"
            raise BadRecord(f"{where}: prev is not the hash of {before}")
        signature = raw["signature"]
        assert self.signatures is not None
        self.signatures.add(index, receipt.run, receipt.hash, signature)
        _typed(receipt.body, where, rev_before=int, rev_after=int, t_ms=int, latency_ms=int)
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
        self.clock = receipt.body["t_ms"] + receipt.body["latency_ms"]
        before, after = receipt.body["rev_before"], receipt.body["rev_after"]
        if self.cadence.due(before, after):
            self.expected.append((after, index))

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

    def _checkpoint(self, count: int, key: str) -> bool:
        """Check the checkpoint; False when there is none and a live writer excuses that."""
        self.where = "checkpoint"
        rows = list(_rows(self.store, "checkpoint"))
        if not rows:
            if self.live:
                self.report.status = "open"
                return False
            raise BadRecord(
                "checkpoint: missing: the run was not closed (its writer stopped without "
                f"closing it, or the end of its log was removed); receipts {self.first[1] + 1}-"
                f"{count} verify. If the writer crashed, `vei-state recover "
                f"{self.run_id}` seals it as ended by a crash"
            )
        row = rows[0]
        _typed(row, "checkpoint", run=str, size=int, head=str, revision=int, t_ms=int)
        _typed(row, "checkpoint", state_hash=str, signature=str, ending=str)
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
        if checkpoint.t_ms != self.clock:
            raise BadRecord(f"checkpoint: t_ms {checkpoint.t_ms}, the clock was {self.clock}")
        if checkpoint.state_hash != self.report.state_hash:
            raise BadRecord("checkpoint: replay does not reproduce its state_hash")
        if checkpoint.ending not in ENDINGS:
            raise BadRecord(f"checkpoint: ending {checkpoint.ending!r} is not one of {ENDINGS}")
        message = canonical_json(checkpoint.signed_fields()).encode("ascii")
        if not verify_signature(key, message, checkpoint.signature):
            raise BadRecord("checkpoint: signature does not verify")
        self.report.checkpoint = True
        self.report.status = "closed" if checkpoint.ending == "close" else "crashed"
        # A run sealed after a crash has no final snapshot of its own.
        return checkpoint.ending == "close"


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
    text = _canonical(event.to_dict())
    if text != row["body"]:
        raise BadRecord(f"{where}: stored text is not canonical JSON")
    object.__setattr__(event, "_json", text)  # its digest needs no second encoding
    for column in _EVENT_COLUMNS:
        if row.get(column) != getattr(event, column):
            raise BadRecord(f"{where}: column {column!r} disagrees with the stored text")
    return event
