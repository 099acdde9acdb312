"""Fork a run at a revision: a new run that starts exactly where its parent was.

The fork point of revision ``REV`` is just after the parent's last call that ended at
``REV`` (calls that changed nothing share a revision; the last one fixes the virtual time).
Its state is the parent's nearest snapshot at or before ``REV`` plus the events since, so
forking costs the same at revision 10 as at revision 10,000 of a long run. A revision
inside one call's events (a call that caused events 5-9 has no fork point at 7), below
the run's own start (a fork's log begins at its fork point) or beyond its head is refused
with ``core.invalid_revision``, and nothing is created.

The fork continues the parent's numbering: its first event is ``REV + 1`` and its first
receipt follows the parent's receipt count at the fork point, so ids, RNG draws, fault
decisions and monitor finding ids are what the parent's would have been, and the parent's
own calls after ``REV`` replayed on the fork end in the parent's state hash. Its manifest
field ``parent`` (``run``, ``revision``, ``receipt``, ``chain_head``, ``t_ms``,
``state_hash``) is signed into the fork's genesis (``vei.receipts.genesis``); ``vei-state
verify`` checks it against the parent when the parent is in the same state dir
(``vei.receipts.lineage``).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vei.core.canonical import canonical_json
from vei.core.errors import VeiError
from vei.core.state import apply_event, state_hash
from vei.receipts.chain import Receipt
from vei.receipts.genesis import Genesis
from vei.store.base import Snapshot, StateStore

if TYPE_CHECKING:
    from vei.config import Settings
    from vei.core.twin import Reducer, State
    from vei.session import Session

INVALID_REVISION = "core.invalid_revision"
# Where a run id is looked up when no state dir is configured (as vei-state does).
DEFAULT_RUNS = Path("vei-runs")
PriorReceipts = Callable[[int], Iterator[Receipt]]


class ForkError(VeiError):
    """The revision has no fork point in the run; the message says which revisions do."""

    def __init__(self, message: str) -> None:
        super().__init__(INVALID_REVISION, message)


class ForkSourceError(RuntimeError):
    """The parent run cannot be forked here (it cannot be rebuilt); the message says why."""


@dataclass(frozen=True)
class ForkPoint:
    """Where a fork starts: the parent's state after receipt ``receipt`` (revision
    ``revision``, virtual time ``t_ms``), whose chain hash there is ``chain_head``."""

    parent_run: str
    revision: int
    receipt: int
    chain_head: str
    t_ms: int
    state_hash: str
    state: State = field(repr=False)
    prior: PriorReceipts | None = field(default=None, repr=False, compare=False)

    def link(self) -> dict[str, Any]:
        """The manifest's ``parent`` field (signed into the fork's genesis)."""
        return {
            "run": self.parent_run,
            "revision": self.revision,
            "receipt": self.receipt,
            "chain_head": self.chain_head,
            "t_ms": self.t_ms,
            "state_hash": self.state_hash,
        }

    def origin(self) -> Snapshot:
        """The fork's starting snapshot (its chain head is set by the fork's genesis)."""
        return Snapshot(
            revision=self.revision,
            t_ms=self.t_ms,
            receipt_count=self.receipt,
            chain_head=self.chain_head,
            state_hash=self.state_hash,
            text=canonical_json(self.state),
        )


def check_revision(at: object) -> int:
    """``at`` as a revision: a non-negative integer (ForkError otherwise)."""
    if isinstance(at, bool) or not isinstance(at, int):
        raise ForkError(f"the revision must be a non-negative integer, not {at!r}")
    if at < 0:
        raise ForkError(f"the revision must be a non-negative integer, not {at}")
    return at


def parse_fork_ref(text: str) -> tuple[str, int]:
    """``RUN@REV`` as (run, revision); ForkError when it is not of that form."""
    run, at, rev = text.rpartition("@")
    if not at or not run:
        raise ForkError(f"{text!r} is not RUN@REV (a run id or run directory, '@', a revision)")
    try:
        revision = int(rev.strip())
    except ValueError:
        raise ForkError(f"{text!r}: the revision {rev!r} is not a non-negative integer") from None
    return run, check_revision(revision)


def start_of(store: StateStore) -> tuple[int, int, int]:
    """Where a run's log begins: (revision, receipt count, t_ms); (0, 0, 0) unless the run
    is itself a fork (its genesis's signed ``parent``)."""
    genesis = store.genesis()
    link = parent_link(genesis)
    if link is None:
        return 0, 0, 0
    return int(link["revision"]), int(link["receipt"]), int(link["t_ms"])


def parent_link(genesis: Genesis | None) -> dict[str, Any] | None:
    """The ``parent`` field of a run's signed inputs, or None (not a fork)."""
    if genesis is None or '"parent"' not in genesis.inputs:
        return None
    try:
        link = json.loads(genesis.inputs).get("parent")
    except (ValueError, AttributeError):
        return None
    return link if isinstance(link, dict) else None


def fork_point(
    store: StateStore,
    at: object,
    reducers: Mapping[str, Reducer],
    *,
    run: str,
    receipt: int | None = None,
    nearest: bool = True,
) -> ForkPoint:
    """The parent's state at revision ``at``, from its nearest snapshot at or before ``at``
    plus the events since (``nearest=False``: from the start of its log, a full replay).

    ``receipt`` asks for the point just after that receipt (which must end at ``at``);
    by default the last call that ended at ``at``. ForkError when ``at`` has no fork point.
    """
    at = check_revision(at)
    reading: Callable[[], AbstractContextManager[None]] = getattr(store, "reading", nullcontext)
    with reading():
        first, base, _ = start_of(store)
        if at < first:
            raise ForkError(
                f"revision {at} is before the start of run {run}: it is a fork whose log "
                f"begins at revision {first}; fork its parent instead"
            )
        snapshot = store.latest_snapshot(at_or_before=at if nearest else first)
        if snapshot is None:
            raise ForkError(f"run {run} has no snapshot at or before revision {at}")
        if receipt is not None and receipt < snapshot.receipt_count:
            snapshot = store.latest_snapshot(at_or_before=first)
            if snapshot is None or receipt < snapshot.receipt_count:
                raise ForkError(f"receipt {receipt} is before the start of run {run}")
        return _walk(store, snapshot, at, reducers, run, receipt)


def _walk(
    store: StateStore,
    snapshot: Snapshot,
    at: int,
    reducers: Mapping[str, Reducer],
    run: str,
    wanted: int | None,
) -> ForkPoint:
    state: State = snapshot.state
    copied = False  # a store may hand out its own copy of the snapshot: copy before folding
    revision, count, head, clock = (
        snapshot.revision,
        snapshot.receipt_count,
        snapshot.chain_head,
        snapshot.t_ms,
    )
    events = store.events(after=snapshot.revision)
    for receipt in store.receipts(after=snapshot.receipt_count):
        body = receipt.body
        if wanted is not None and count == wanted:
            break
        if body["rev_after"] > at:
            if body["rev_before"] < at:
                span = body["events"]
                raise ForkError(
                    f"revision {at} falls inside receipt {receipt.index} of run {run} (its "
                    f"events {span[0]}-{span[1]}); fork at revision {body['rev_before']} or "
                    f"{body['rev_after']}"
                )
            break
        if body["events"] is not None:
            if not copied:
                state, copied = json.loads(canonical_json(state)), True
            first, last = body["events"]
            for seq in range(first, last + 1):
                event = next(events, None)
                if event is None or event.seq != seq:
                    raise ForkSourceError(f"run {run}: event {seq} is missing from its log")
                apply_event(state, event, reducers)
        revision, count, head = body["rev_after"], receipt.index, receipt.hash
        clock = body["t_ms"] + body["latency_ms"]
    if revision != at:
        raise ForkError(
            f"revision {at} is beyond the head of run {run} (its last revision is {revision})"
        )
    if wanted is not None and count != wanted:
        raise ForkError(f"receipt {wanted} of run {run} does not end at revision {at}")
    return ForkPoint(run, revision, count, head, clock, state_hash(state), state)


# ------------------------------------------------------------ receipts before the fork


def prior_from_store(store: StateStore, upto: int) -> PriorReceipts:
    """The parent's receipts up to ``upto``, read from its (in-memory) store."""

    def prior(after: int) -> Iterator[Receipt]:
        return itertools.takewhile(lambda r: r.index <= upto, store.receipts(after=after))

    return prior


def prior_from_dir(run_dir: Path, upto: int) -> PriorReceipts:
    """The parent's receipts up to ``upto``, read from its run directory when asked for
    (monitors catch up on a fork's history once, at its first app call)."""

    def prior(after: int) -> Iterator[Receipt]:
        from vei.store.rundir import open_run

        with open_run(run_dir) as handle:
            for receipt in handle.store.receipts(after=after):
                if receipt.index > upto:
                    return
                yield receipt

    return prior


# ---------------------------------------------------------------- stored parents


def fork_stored_run(
    ref: str | Path,
    at: object,
    local: Settings,
    *,
    run_id: str | None = None,
    manifest_extra: Mapping[str, Any] | None = None,
) -> Session:
    """A Session whose run is a fork of stored run ``ref`` (a run id in
    ``local.state_dir``, or a run directory) at revision ``at``, written to
    ``local.state_dir`` (the parent's state dir when that is None).

    ForkError for a revision without a fork point, ForkSourceError when the parent cannot
    be rebuilt here, RunNotFoundError when there is no such run; nothing is created then.
    """
    from vei.store.rundir import open_run

    at = check_revision(at)
    with open_run(ref, local.state_dir) as handle:
        manifest = handle.manifest
        settings = _settings_of(manifest, local)
        if settings.state_dir is None:
            settings = replace(settings, state_dir=handle.run_dir.parent.parent)
        scenario = _scenario_of(manifest, settings, handle.run_id)
        from vei.assembly import world_twins
        from vei.core.state import reducer_table

        reducers = reducer_table(world_twins(list(manifest["twins"])))
        point = fork_point(handle.store, at, reducers, run=handle.run_id)
        run_dir = handle.run_dir
    from vei.session import Session

    built, _, _ = Session._components(settings, scenario)
    if built != list(manifest["twins"]):
        raise ForkSourceError(
            f"this VEI builds twins {built} for run {point.parent_run}, which has "
            f"{manifest['twins']}"
        )
    point = replace(point, prior=prior_from_dir(run_dir, point.receipt))
    return Session(
        settings, run_id=run_id, scenario=scenario, manifest_extra=manifest_extra, fork=point
    )


def fork_from_ref(
    text: str,
    local: Settings,
    *,
    run_id: str | None = None,
    manifest_extra: Mapping[str, Any] | None = None,
) -> Session:
    """``fork_stored_run`` for ``RUN@REV`` (``vei serve --from``, ``vei eval --from``): RUN
    is a run id in ``local.state_dir`` (else ``./vei-runs``) or a run directory; the fork
    is written to ``local.state_dir``, else beside its parent."""
    from vei.store.rundir import resolve_run

    ref, at = parse_fork_ref(text)
    run_dir = resolve_run(ref, local.state_dir if local.state_dir is not None else DEFAULT_RUNS)
    if local.state_dir is None:
        local = replace(local, state_dir=run_dir.parent.parent)
    return fork_stored_run(run_dir, at, local, run_id=run_id, manifest_extra=manifest_extra)


@dataclass(frozen=True)
class ForkOrigin:
    """A checked ``RUN@REV`` that many forks start from (``vei eval --from``): the parent's
    directory, the revision, the parent's chain hash there, and what the parent was run
    with (its scenario, pack, seed and settings)."""

    run_dir: Path
    revision: int
    chain_head: str
    receipt: int
    scenario: str
    pack: str
    seed: int
    settings: Settings

    def describe(self) -> dict[str, Any]:
        """What identifies the starting state (eval.json): no local path."""
        return {
            "run": self.run_dir.name,
            "revision": self.revision,
            "receipt": self.receipt,
            "chain_head": self.chain_head,
        }


def resolve_origin(text: str, local: Settings) -> ForkOrigin:
    """Check ``RUN@REV`` once, before any fork is made: ForkError for a revision without a
    fork point, ForkSourceError when the parent cannot be rebuilt, RunNotFoundError when
    there is no such run. ``local.state_dir`` is where a run id is looked up."""
    from vei.assembly import world_twins
    from vei.core.state import reducer_table
    from vei.store.rundir import open_run, resolve_run

    ref, at = parse_fork_ref(text)
    run_dir = resolve_run(ref, local.state_dir if local.state_dir is not None else DEFAULT_RUNS)
    with open_run(run_dir) as handle:
        manifest = handle.manifest
        settings = _settings_of(manifest, local)
        _scenario_of(manifest, settings, handle.run_id)
        reducers = reducer_table(world_twins(list(manifest["twins"])))
        point = fork_point(handle.store, at, reducers, run=handle.run_id)
    return ForkOrigin(
        run_dir=run_dir.absolute(),
        revision=at,
        chain_head=point.chain_head,
        receipt=point.receipt,
        scenario=str(manifest["scenario"]),
        pack=str(manifest["pack"]),
        seed=int(manifest["seed"]),
        settings=settings,
    )


def _settings_of(manifest: Mapping[str, Any], local: Settings) -> Settings:
    from vei.drift.resume import ResumeError, settings_from_manifest
    from vei.faults.profile import profile_label

    try:
        settings = settings_from_manifest(manifest, local)
    except (ResumeError, KeyError, ValueError, TypeError) as exc:
        raise ForkSourceError(f"the run's configuration cannot be read: {exc}") from None
    config = manifest["configuration"]
    label = str(config.get("fault_profile", "off"))
    if label in ("off", "light", "aggressive"):
        fault = label
    elif profile_label(local.fault_profile) == label:
        fault = local.fault_profile
    else:
        raise ForkSourceError(
            f"the run used the fault profile {label!r}; set VEI_FAULT_PROFILE to that file "
            "to fork it"
        )
    settings = replace(settings, fault_profile=fault)
    differ = sorted(k for k, v in settings.to_manifest().items() if config.get(k) != v)
    if differ:
        raise ForkSourceError(
            f"the run's configuration cannot be rebuilt here: {', '.join(differ)} differ "
            "(see VEI_ACTOR_BACKEND and the other settings the run was made with)"
        )
    return settings


def _scenario_of(manifest: Mapping[str, Any], settings: Settings, run: str) -> Any:
    from vei.scenarios import ScenarioError, parse_scenario

    try:
        spec = dict(manifest["scenario_spec"])
        # The manifest's JSON sorts keys; the twins' order is the manifest's list.
        spec["twins"] = {n: spec["twins"][n] for n in manifest["twins"] if n in spec["twins"]}
        return parse_scenario(
            spec, source=f"run {run}", pack=manifest["pack"], seed=settings.seed, drawn=True
        )
    except (KeyError, TypeError, ScenarioError) as exc:
        raise ForkSourceError(f"the run's scenario cannot be rebuilt: {exc}") from None
