"""The World: virtual clock, scheduler, state, and the one entry point ``World.call``.

A call validates its arguments against the registry, runs the handler on a read-only view,
applies the events it returned through pure reducers, advances the clock by the tool's
latency, delivers whatever came due, seals a receipt and commits events and receipt in one
store transaction before returning. A rejected call changes no state and still gets a
receipt. One lock serialises calls; the log decides the order.
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import json
import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError

from vei.core.cadence import DEFAULT_SNAPSHOT_BYTES, DEFAULT_SNAPSHOT_EVERY, Cadence
from vei.core.canonical import (
    canonical_json,
    digest,
    digest_text,
    digest_unchecked,
    encode_unchecked,
)
from vei.core.context import CallContext, StepKeys
from vei.core.errors import VeiError
from vei.core.events import Event
from vei.core.middleware import CallInfo, Middleware
from vei.core.registry import Registry, ToolSpec
from vei.core.state import (
    EMPTY_DIGEST,
    apply_event,
    events_digest,
    initial_state,
    reducer_table,
    state_hash,
)
from vei.core.twin import Reactor, Twin
from vei.receipts.chain import Receipt, ReceiptChain
from vei.receipts.genesis import Genesis
from vei.receipts.signing import Signer
from vei.store.base import Checkpoint, Snapshot, StateStore

log = logging.getLogger("vei.world")

CORE_INTERNAL = "core.internal_error"
# Write tools accept this extra argument: a retry with the same key returns the first result.
IDEMPOTENCY_KEY = "idempotency_key"
MAX_EVENTS_PER_STEP = 10_000
RECENT_EVENTS = 1_000
# Validated arguments kept per world, keyed by tool and flat scalar arguments (see _args_key).
ARGS_CACHE_SIZE = 4_096
_SCALARS = (str, int, bool, type(None))


@dataclass(frozen=True, slots=True)
class CallOutcome:
    """What a call returns: the result (or error object), its receipt and new events."""

    ok: bool
    result: dict[str, Any]
    receipt: Receipt
    events: tuple[Event, ...]


class WorldBrokenError(RuntimeError):
    """The store failed mid-commit; the in-memory world may be ahead of disk."""


def _lenient_digest(value: Any) -> str:
    # Rejected calls may carry arguments that are not canonical (floats, odd types); their
    # digest must still be stable, so encode them leniently.
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=repr)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


class World:
    """One simulated company, one run, one receipt chain."""

    def __init__(
        self,
        *,
        twins: Sequence[Twin],
        seed: int,
        store: StateStore,
        signer: Signer,
        run_id: str,
        seed_data: Mapping[str, Any] | None = None,
        extra_tools: Sequence[ToolSpec] = (),
        middleware: Sequence[Middleware] = (),
        snapshot_every: int = DEFAULT_SNAPSHOT_EVERY,
        snapshot_bytes: int | None = DEFAULT_SNAPSHOT_BYTES,
        meta: Mapping[str, Any] | None = None,
        manifest: Mapping[str, Any] | None = None,
        record_start: bool = True,
        origin: Snapshot | None = None,
        prior_receipts: Callable[[int], Iterator[Receipt]] | None = None,
    ) -> None:
        """``manifest`` is the run's manifest (its inputs enter the genesis record that
        receipt 1 chains to); ``record_start=False`` (reopening a stored run) computes the
        genesis and the seeded state without writing them again. ``snapshot_every`` and
        ``snapshot_bytes`` set the snapshot cadence (``vei.core.cadence``; a run made before
        the cadence spaced by state size has ``snapshot_bytes=None``).

        ``origin`` starts a fork: the world begins in that state, at its revision, virtual
        time and receipt count (the fork's first receipt follows the parent's at the fork
        point) instead of the seeded state; ``prior_receipts(after)`` yields the parent's
        receipts after ``after`` up to the fork point, for the history ``receipts`` gives.
        """
        from vei.core.control import CONTROL_TOOLS

        self.twins = tuple(twins)
        self.seed = seed
        self.store = store
        self.run_id = run_id
        self.meta = dict(meta or {})
        # Set by the owning session: validates vei_reset arguments and describes the new run.
        self.reset_check: Callable[[int | None, str | None], dict[str, Any]] | None = None
        self._cadence = Cadence(snapshot_every, snapshot_bytes)
        self.middleware = list(middleware)
        self.registry = Registry([*CONTROL_TOOLS, *extra_tools])
        for twin in self.twins:
            for spec in twin.tools:
                self.registry.register(spec)
        self.reducers = reducer_table(self.twins)
        # Event kinds agents are never shown: the kernel's and bookkeeping twins' own.
        self.hidden_prefixes = ("core.", *(f"{t.name}." for t in self.twins if not t.announced))
        self.quiet_kinds = frozenset().union(*(t.quiet_kinds for t in self.twins))
        self.reactors: dict[str, list[Reactor]] = {}
        for twin in self.twins:
            for kind, fns in twin.reactors.items():
                self.reactors.setdefault(kind, []).extend(fns)
        if origin is None:
            self.state = initial_state(self.twins, seed_data)
            seeded = canonical_json(self.state)
        else:
            seeded = canonical_json(origin.state)
            self.state = json.loads(seeded)  # a private copy
        self.base_revision = 0 if origin is None else origin.revision
        self.base_receipts = 0 if origin is None else origin.receipt_count
        self.prior_receipts = prior_receipts
        self.revision = self.base_revision
        self.clock_ms = 0 if origin is None else origin.t_ms
        # A fork starts with everything before its fork point observed.
        self.observed_rev = self.base_revision
        self.recent: deque[Event] = deque(maxlen=RECENT_EVENTS)
        self._heap: list[tuple[int, int]] = [
            (v["due_ms"], int(k)) for k, v in self.state["core"]["pending"].items()
        ]
        heapq.heapify(self._heap)
        self._lock = threading.RLock()
        self._step: list[Event] = []
        self._keys = StepKeys(1)
        self._broken = False
        self._closed = False
        self._parsed_args: dict[tuple[str, tuple[Any, ...]], tuple[Any, str]] = {}
        # The chain starts from the genesis: the run's inputs and the seeded state's hash.
        self.genesis = Genesis.create(
            manifest or {},
            run=run_id,
            state_hash=digest_text(seeded),
            snapshot_every=snapshot_every,
            signer=signer,
            snapshot_bytes=snapshot_bytes,
        )
        self.chain = ReceiptChain(run_id, signer, head=self.genesis.hash, count=self.base_receipts)
        self._cadence.taken(self.base_revision, len(seeded))
        if record_start:
            self.store.write_genesis(self.genesis)
            self.store.save_snapshot(self._snapshot(seeded))

    @property
    def snapshot_every(self) -> int:
        """The fewest events between two snapshots (see ``vei.core.cadence``)."""
        return self._cadence.every

    @snapshot_every.setter
    def snapshot_every(self, every: int) -> None:
        cadence = self._cadence
        self._cadence = Cadence(every, cadence.bytes_per_event, cadence.last_revision)

    # ------------------------------------------------------------------ public API

    def call(
        self, name: str, args: Mapping[str, Any] | None = None, *, actor: str = "agent"
    ) -> CallOutcome:
        """Run one tool call. Raises UnknownToolError for an unknown name; every other
        failure is a rejected call with a typed error in ``result`` and a receipt."""
        spec = self.registry.resolve(name)
        with self._lock:
            if self._broken:
                raise WorldBrokenError("the store failed earlier; open the run again to continue")
            if self._closed:
                raise RuntimeError("this world's run is closed")
            return self._call(spec, dict(args or {}), actor)

    def state_hash(self) -> str:
        """SHA-256 of the canonical world state (the clock is not part of it)."""
        with self._lock:
            return state_hash(self.state)

    def receipts(self, after: int = 0) -> Iterator[Receipt]:
        """The run's receipts with index > ``after``, in order; a fork's own receipts are
        preceded by its parent's up to the fork point when ``prior_receipts`` was given."""
        if after < self.base_receipts and self.prior_receipts is not None:
            yield from self.prior_receipts(after)
        yield from self.store.receipts(after=max(after, self.base_receipts))

    @property
    def chain_head(self) -> str:
        return self.chain.head

    def pending(self) -> list[dict[str, Any]]:
        """Scheduled events not yet delivered, in delivery order (no payloads)."""
        items = sorted(
            ((v["due_ms"], int(k), v) for k, v in self.state["core"]["pending"].items()),
            key=lambda item: (item[0], item[1]),
        )
        return [{"due_ms": due, "kind": v["kind"], "actor": v["actor"]} for due, _, v in items]

    @property
    def broken(self) -> bool:
        """True once the store failed: memory may be ahead of disk, and calls are refused."""
        return self._broken

    def close(self) -> Checkpoint | None:
        """Snapshot, sign and store the checkpoint, and close the store.

        A world whose store failed signs nothing (its memory may hold what the disk does
        not): the store is closed and None returned; the run stays unclosed, recorded up
        to its last committed call, and ``vei-state recover`` can seal it later.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("this world's run is already closed")
            if self._broken:
                self._closed = True
                with contextlib.suppress(Exception):
                    self.store.close()
                return None
            try:
                return self._close()
            except Exception as exc:
                self._broken = True
                self._closed = True
                with contextlib.suppress(Exception):
                    self.store.close()
                raise WorldBrokenError(f"closing the run failed: {exc}") from exc

    def _close(self) -> Checkpoint:
        # The last snapshot goes through the checked encoder: a reducer that let a float
        # into the state is caught here at the latest.
        final = self._snapshot(canonical_json(self.state))
        self.store.save_snapshot(final)
        unsigned = Checkpoint(
            run=self.run_id,
            size=self.chain.count,
            head=self.chain.head,
            revision=self.revision,
            t_ms=self.clock_ms,
            state_hash=final.state_hash,
            signature="",
        )
        message = canonical_json(unsigned.signed_fields()).encode("ascii")
        checkpoint = replace(unsigned, signature=self.chain.signer.sign(message))
        self.store.write_checkpoint(checkpoint)
        self.store.close()
        self._closed = True
        return checkpoint

    # ----------------------------------------------------------- used by control tools

    def advance(self, until_ms: int) -> list[Event]:
        """Move the clock to ``until_ms``, delivering everything due on the way."""
        delivered: list[Event] = []
        while self._heap and self._heap[0][0] <= until_ms:
            due, sched_seq = heapq.heappop(self._heap)
            entry = self.state["core"]["pending"].get(str(sched_seq))
            if entry is None:
                continue
            self.clock_ms = max(self.clock_ms, due)
            ctx = CallContext(
                seed=self.seed,
                now_ms=self.clock_ms,
                next_seq=self.revision + 1,
                actor=entry["actor"],
            )
            ctx.emit(entry["kind"], entry["data"], cause=sched_seq)
            delivered.extend(self._apply(ctx))
        self.clock_ms = max(self.clock_ms, until_ms)
        return delivered

    def next_due_ms(self) -> int | None:
        """When the next scheduled event is due, or None."""
        while self._heap and str(self._heap[0][1]) not in self.state["core"]["pending"]:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    def summaries(self) -> dict[str, Any]:
        """Each twin's agent-facing counters (unread mail, unread chat, ...)."""
        return {t.name: t.summary(self.state) for t in self.twins if t.summary is not None}

    # --------------------------------------------------------------------- internals

    def _call(self, spec: ToolSpec, args: dict[str, Any], actor: str) -> CallOutcome:
        # A control tool may call another tool (vei_act_and_observe): the inner call owns its
        # own step, and the outer one must not claim the inner call's events.
        saved = self._step, self._keys
        try:
            return self._run(spec, args, actor)
        finally:
            self._step, self._keys = saved

    def _run(self, spec: ToolSpec, args: dict[str, Any], actor: str) -> CallOutcome:
        rev0, t0 = self.revision, self.clock_ms
        self._step = []
        self._keys = StepKeys(rev0 + 1)
        key = args.pop(IDEMPOTENCY_KEY, None) if spec.kind == "write" else None
        if key is not None and (not isinstance(key, str) or not 0 < len(key) <= 128):
            args[IDEMPOTENCY_KEY] = key
            return self._reject(
                spec,
                args,
                t0,
                VeiError("core.invalid_arguments", "idempotency_key must be 1..128 characters"),
            )
        cache_key = _args_key(spec.name, args)
        cached = None if cache_key is None else self._parsed_args.get(cache_key)
        if cached is not None:
            parsed, args_digest = cached
        else:
            try:
                parsed = spec.args.model_validate(args)
            except ValidationError as exc:
                return self._reject(spec, args, t0, _invalid_args(spec, exc))
            dumped = parsed.model_dump(mode="json")
            args_digest = digest_unchecked(dumped)
            if cache_key is not None and all(type(v) in _SCALARS for v in dumped.values()):
                if len(self._parsed_args) >= ARGS_CACHE_SIZE:
                    self._parsed_args.clear()
                self._parsed_args[cache_key] = (parsed, args_digest)
        call = CallInfo(spec, parsed, self.chain.count + 1, t0, actor, args_digest)
        error: VeiError | None = None
        try:
            if spec.kind == "control":
                result = spec.handler(self, parsed)
            else:
                for mw in self.middleware:
                    refusal = mw.before_call(self, call)
                    if refusal is not None:
                        return self._reject(spec, args, t0, refusal, call.fault)
                stored = self._idempotent_replay(key, call)
                if stored is not None:
                    result = stored
                else:
                    result, error = self._execute(call, key)
                self.advance(t0 + spec.latency_ms + call.extra_latency_ms)
        except VeiError as err:
            if self._step:  # a control tool must validate before it changes anything
                raise
            return self._reject(spec, args, t0, err, call.fault)
        except Exception as exc:
            if self._step or self.revision != rev0:
                self._broken = True  # a reducer failed half-way: memory may be ahead of disk
                raise WorldBrokenError(
                    f"{spec.name} failed while applying events: {exc!r}"
                ) from exc
            log.exception("tool %s failed", spec.name)
            return self._reject(
                spec, args, t0, VeiError(CORE_INTERNAL, f"{spec.name} failed: {exc!r}")
            )
        shown = result if error is None else error.to_dict()
        events = tuple(self._step)
        receipt = self.chain.append(
            {
                "tool": spec.name,
                "args_digest": args_digest,
                "result_digest": digest_unchecked(shown),
                "ok": error is None,
                "error_code": None if error is None else error.code,
                "rev_before": rev0,
                "rev_after": self.revision,
                "events": [events[0].seq, events[-1].seq] if events else None,
                "events_digest": events_digest(events),
                "t_ms": t0,
                "latency_ms": self.clock_ms - t0,
                "cost_cents": spec.cost_cents,
                "fault": call.fault,
            }
        )
        self._commit(events, receipt, rev0)
        return CallOutcome(error is None, shown, receipt, events)

    def _execute(self, call: CallInfo, key: str | None) -> tuple[dict[str, Any], VeiError | None]:
        """Run the handler and the middleware around it; VeiError means refused, unchanged."""
        spec = call.spec
        ctx = CallContext(
            seed=self.seed,
            now_ms=call.t_ms,
            next_seq=self.revision + 1,
            actor=call.actor,
            keys=self._keys,
        )
        result: dict[str, Any] = spec.handler(self.state, call.args, ctx)
        for mw in self.middleware:
            refusal = mw.before_apply(self, call, result, ctx.events)
            if refusal is not None:
                raise refusal
        if ctx.events:
            self._apply(ctx)
        if key is None and not self.middleware:
            return result, None  # nothing runs after the handler's events
        post = CallContext(
            seed=self.seed,
            now_ms=call.t_ms,
            next_seq=self.revision + 1,
            actor=call.actor,
            keys=self._keys,
        )
        if key is not None:
            post.emit(
                "core.idempotency_recorded",
                {"key": key, "tool": spec.name, "args_digest": call.args_digest, "result": result},
            )
        error: VeiError | None = None
        applied = tuple(self._step)
        for mw in self.middleware:
            reply = mw.after_apply(self, call, result, applied, post)
            if reply is not None:
                result = reply.result if reply.result is not None else result
                error = reply.error or error
        if post.events:
            self._apply(post)
        return result, error

    def _idempotent_replay(self, key: str | None, call: CallInfo) -> dict[str, Any] | None:
        """The stored result of an earlier call with this idempotency key, if any."""
        if key is None:
            return None
        stored = self.state["core"]["idempotency"].get(key)
        if stored is None:
            return None
        if stored["tool"] != call.spec.name or stored["args_digest"] != call.args_digest:
            raise VeiError(
                "core.idempotency_conflict",
                f"idempotency_key {key!r} was used for a different call ({stored['tool']})",
            )
        result: dict[str, Any] = stored["result"]
        return result

    def _reject(
        self, spec: ToolSpec, args: dict[str, Any], t0: int, err: VeiError, fault: str | None = None
    ) -> CallOutcome:
        error = err.to_dict()
        receipt = self.chain.append(
            {
                "tool": spec.name,
                "args_digest": _lenient_digest(args),
                "result_digest": digest(error),
                "ok": False,
                "error_code": err.code,
                "rev_before": self.revision,
                "rev_after": self.revision,
                "events": None,
                "events_digest": EMPTY_DIGEST,
                "t_ms": t0,
                "latency_ms": 0,
                "cost_cents": 0,
                "fault": fault,
            }
        )
        self._commit((), receipt, self.revision)
        return CallOutcome(False, error, receipt, ())

    def _apply(self, ctx: CallContext) -> list[Event]:
        """Apply a context's events in order, letting reactors add more (same step)."""
        applied: list[Event] = []
        queue = deque(ctx.events)
        ctx.events = []
        while queue:
            event = queue.popleft()
            if event.seq != self.revision + 1:
                raise RuntimeError(
                    f"event seq {event.seq} does not follow revision {self.revision}"
                )
            apply_event(self.state, event, self.reducers)
            self.revision = event.seq
            if event.kind == "core.scheduled":
                heapq.heappush(self._heap, (event.data["due_ms"], event.seq))
            applied.append(event)
            if len(applied) > MAX_EVENTS_PER_STEP:
                raise RuntimeError("a step produced too many events (a reactor loop?)")
            for reactor in self.reactors.get(event.kind, ()):
                sub = CallContext(
                    seed=self.seed,
                    now_ms=event.t_ms,
                    next_seq=self.revision + 1 + len(queue),
                    actor=event.actor,
                    keys=self._keys,
                )
                try:
                    reactor(self.state, event, sub)
                except Exception:
                    # A failing reactor (a scenario bug) must not break the agent's call: its
                    # events are dropped, deterministically, and the failure is logged.
                    log.exception("reactor for %s failed at seq %d", event.kind, event.seq)
                    continue
                queue.extend(sub.events)
        self._step.extend(applied)
        self.recent.extend(applied)
        return applied

    def _commit(self, events: tuple[Event, ...], receipt: Receipt, rev_before: int) -> None:
        # A snapshot whenever a call crosses a multiple of snapshot_every: a function of the
        # receipts alone, so verify knows which snapshots must exist; it is committed with
        # the call, so a crash can never leave one out.
        snapshot = self._snapshot() if self._cadence.due(rev_before, self.revision) else None
        try:
            self.store.append(events, receipt, snapshot)
        except Exception as exc:
            self._broken = True
            raise WorldBrokenError(f"store commit failed: {exc}") from exc

    def _snapshot(self, text: str | None = None) -> Snapshot:
        # One encoding gives the state hash and the stored text; nothing is parsed back.
        # The state was built by reducers from events that were checked when they were
        # encoded, so the float walk is skipped (the seeded and the final state are checked).
        if text is None:
            text = encode_unchecked(self.state)
        self._cadence.taken(self.revision, len(text))
        return Snapshot(
            revision=self.revision,
            t_ms=self.clock_ms,
            receipt_count=self.chain.count,
            chain_head=self.chain.head,
            state_hash=digest_text(text),
            text=text,
        )

    def restore(
        self, snapshot: Snapshot, tail: Iterable[Event], receipts: Sequence[Receipt]
    ) -> None:
        """Resume from ``snapshot`` plus the events and receipts recorded after it."""
        with self._lock:
            self.state = snapshot.state  # a fresh parse of the stored canonical text
            self._cadence.taken(snapshot.revision, snapshot.size)
            self.revision = snapshot.revision

            self.clock_ms = snapshot.t_ms
            self.chain.head, self.chain.count = snapshot.chain_head, snapshot.receipt_count
            for event in tail:
                apply_event(self.state, event, self.reducers)
                self.revision = event.seq
                self.clock_ms = max(self.clock_ms, event.t_ms)
            if receipts:
                last = receipts[-1]
                self.chain.head, self.chain.count = last.hash, last.index
                self.clock_ms = max(self.clock_ms, last.body["t_ms"] + last.body["latency_ms"])
            self._heap = [(v["due_ms"], int(k)) for k, v in self.state["core"]["pending"].items()]
            heapq.heapify(self._heap)


def _args_key(tool: str, args: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]] | None:
    """A cache key for arguments whose values are all plain str, int, bool or None.

    Validation is a pure function of the tool and its raw arguments, so equal raw arguments
    give an equal (frozen) model and the same digest. The value's type is part of the key
    because ``1 == True == 1.0`` would otherwise share an entry. Other arguments (lists,
    dicts, floats) are not cached: they are validated every time.
    """
    items = []
    for name, value in args.items():
        kind = type(value)
        if kind is not str and kind is not int and kind is not bool and value is not None:
            return None
        items.append((name, kind, value))
    return tool, tuple(items)


def _invalid_args(spec: ToolSpec, exc: ValidationError) -> VeiError:
    problems = []
    for item in exc.errors(include_url=False)[:5]:
        where = ".".join(str(p) for p in item["loc"]) or "(arguments)"
        problems.append(f"{where}: {item['msg']}")
    return VeiError("core.invalid_arguments", f"{spec.name}: " + "; ".join(problems))
