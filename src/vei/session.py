"""A session owns the current World and starts new runs: at start-up and on ``vei_reset``.

Adapters (MCP, Gymnasium) and Python users talk to a Session; it builds each World from
validated Settings and a scenario, chooses the store (memory, or a SQLite run directory
under the state dir) and the signing key, and closes runs with a signed checkpoint.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vei import __version__
from vei.assembly import world_twins
from vei.config import Settings
from vei.core.errors import VeiError
from vei.core.middleware import Middleware
from vei.core.world import CallOutcome, World
from vei.drift.assemble import bind_actor_backend
from vei.receipts.signing import Signer, load_or_create_signer, load_signer
from vei.scenarios import Scenario, UnknownScenarioError, check_settings, load_scenario
from vei.store.base import Checkpoint, StateStore
from vei.store.journal import CallJournal
from vei.store.memory import MemoryStore

if TYPE_CHECKING:
    from vei.fork import ForkPoint

log = logging.getLogger("vei.session")


class Session:
    """The current run of one world, plus what is needed to start the next."""

    def __init__(
        self,
        settings: Settings,
        *,
        run_id: str | None = None,
        scenario: Scenario | None = None,
        manifest_extra: Mapping[str, Any] | None = None,
        fork: ForkPoint | None = None,
    ) -> None:
        """``fork`` starts the first run from a parent's state (``vei.fork``): see ``fork``
        and ``vei.fork.fork_stored_run``; a run after ``vei_reset`` starts seeded again."""
        if scenario is None:
            settings = check_settings(settings)
        self.settings = settings
        # Recorded in the first run's manifest (and so among its signed inputs): `vei eval`
        # lists the files it keeps beside the database.
        self._manifest_extra = dict(manifest_extra or {})
        self._fork = fork
        # A scenario given directly (a file being checked) wins over settings.scenario.
        self._scenario = scenario
        self._lock = threading.RLock()
        self._signer = self._load_signer(settings)
        self._journal = CallJournal(settings.state_dir)
        # A new run built by a vei_reset being checked: (world, settings, scenario, run dir).
        self._pending: tuple[World, Settings, Scenario | None, Path | None] | None = None
        self.world, self.run_dir = self._new_world(settings, run_id)

    # ------------------------------------------------------------------ public API

    def call(
        self, name: str, args: Mapping[str, Any] | None = None, *, actor: str = "agent"
    ) -> CallOutcome:
        """Call a tool on the current world; a successful ``vei_reset`` starts a new run.

        The new run is built while ``vei_reset`` is checked, before the old run records the
        call: if it cannot be built, the call is refused (``core.reset_failed``) and the old
        run goes on unchanged. A run kept in a state dir journals every call with its
        arguments and result (``vei.store.journal``), after it has committed.
        """
        with self._lock:
            outcome = self._call(name, args, actor)
            self._journal.record(outcome, dict(args or {}))
            return outcome

    def _call(self, name: str, args: Mapping[str, Any] | None, actor: str) -> CallOutcome:
        with self._lock:
            try:
                outcome = self.world.call(name, args, actor=actor)
            except BaseException:
                self._discard_pending()
                raise
            pending, self._pending = self._pending, None
            if pending is None:
                return outcome
            if not (outcome.ok and outcome.receipt.body["tool"] == "vei_reset"):
                self._close_quietly(pending[0])  # not reached: the reset was refused later
                return outcome
            world, settings, scenario, run_dir = pending
            previous = self.world.run_id
            old = self.world
            self.world, self.settings, self._scenario, self.run_dir = (
                world,
                settings,
                scenario,
                run_dir,
            )
            try:
                old.close()
            except Exception as exc:  # the old run stays recorded up to its reset
                log.error("run %s could not be closed: %s", previous, exc)
            outcome.result["previous_run"] = previous
            outcome.result["run"] = self.world.run_id
            return outcome

    def fork(self, at: int, *, run_id: str | None = None) -> Session:
        """A new Session whose run starts exactly in this run's state at revision ``at``
        (just after the last call that ended there), stored like this one (same state dir,
        or in memory). Its manifest's ``parent`` names this run, the revision, the receipt
        count and the chain hash there, signed into its genesis. This run goes on unchanged.

        Raises ForkError (code ``core.invalid_revision``) for a revision that is not a
        non-negative integer, is inside one call's events or beyond the head; nothing is
        created then.
        """
        from vei.core.state import reducer_table
        from vei.fork import fork_point, prior_from_dir, prior_from_store

        with self._lock:
            world = self.world
            point = fork_point(world.store, at, reducer_table(world.twins), run=world.run_id)
            if self.run_dir is not None:
                prior = prior_from_dir(self.run_dir, point.receipt)
            else:
                prior = prior_from_store(world.store, point.receipt)
            return Session(
                self.settings,
                run_id=run_id,
                scenario=self._scenario,
                fork=replace(point, prior=prior),
            )

    def close(self) -> Checkpoint | None:
        """Close the current run (snapshot and signed checkpoint). Returns the checkpoint,
        or None when the store had failed (nothing is signed; see ``World.close``); raises
        WorldBrokenError when writing the checkpoint fails."""
        with self._lock:
            if not self.world_closed:
                return self.world.close()
            return None

    @property
    def scenario(self) -> Scenario:
        """The scenario of the current run, its facts drawn for the run's seed."""
        if self._scenario is not None:
            return self._scenario.for_seed(self.settings.seed)
        return load_scenario(
            self.settings.scenario, self.settings.scenario_pack, self.settings.seed
        )

    @property
    def world_closed(self) -> bool:
        return bool(getattr(self.world, "_closed", False))

    # --------------------------------------------------------------------- internals

    @staticmethod
    def _load_signer(settings: Settings) -> Signer:
        if settings.receipt_key is not None:
            return load_signer(settings.receipt_key)
        if settings.state_dir is not None:
            return load_or_create_signer(settings.state_dir)
        # In-memory runs are never verified by a third party later; any key will do.
        return Signer.generate()

    def _reset_check(self, seed: int | None, scenario: str | None) -> dict[str, Any]:
        name = scenario or self.settings.scenario
        try:
            if self._scenario is None or name != self._scenario.name:
                chosen = load_scenario(name, self.settings.scenario_pack)
            else:
                chosen = self._scenario
        except UnknownScenarioError as exc:
            raise VeiError("core.unknown_scenario", str(exc)) from None
        new_seed = self.settings.seed if seed is None else seed
        if not 0 <= new_seed < 2**63:
            raise VeiError("core.invalid_arguments", "seed must be in 0 .. 2**63-1")
        settings = replace(self.settings, seed=new_seed, scenario=name)
        # A scenario given directly (a file) is kept while the reset keeps its name.
        keep = (
            self._scenario if self._scenario is not None and name == self._scenario.name else None
        )
        self._discard_pending()
        try:
            world, run_dir = self._new_world(settings, None, keep or chosen)
        except Exception as exc:
            raise VeiError(
                "core.reset_failed",
                f"the new run could not be started ({exc}); the current run goes on",
            ) from None
        self._pending = (world, settings, keep, run_dir)
        return {"reset": True, "seed": new_seed, "scenario": name}

    def _discard_pending(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            self._close_quietly(pending[0])

    @staticmethod
    def _close_quietly(world: World) -> None:
        try:
            world.close()
        except Exception as exc:
            log.error("run %s could not be closed: %s", world.run_id, exc)

    def _new_world(
        self, settings: Settings, run_id: str | None, scenario: Scenario | None = None
    ) -> tuple[World, Path | None]:
        """A new world and run of ``settings`` (and its run directory, when persisted)."""
        scenario = scenario or self.scenario
        names, seed_data, middleware = self._components(settings, scenario)
        twins = bind_actor_backend(world_twins(names), settings)
        fork, self._fork = self._fork, None  # the first run only, not one after vei_reset
        if fork is not None and run_id is None and settings.state_dir is None:
            run_id = f"{fork.parent_run}-r{fork.revision}"[:128]
        run = self._run_id(settings, scenario, run_id)
        manifest = self._manifest(settings, scenario, run, names)
        if fork is not None:
            manifest["parent"] = fork.link()
        built: list[World] = []

        def begin(store: StateStore) -> None:
            world = World(
                twins=twins,
                seed=settings.seed,
                store=store,
                signer=self._signer,
                run_id=run,
                seed_data=seed_data,
                middleware=middleware,
                meta={"scenario": scenario.name, "task": scenario.task},
                manifest=manifest,
                origin=None if fork is None else fork.origin(),
                prior_receipts=None if fork is None else fork.prior,
            )
            world.reset_check = self._reset_check
            built.append(world)

        if settings.state_dir is None:
            begin(MemoryStore())
            return built[0], None
        from vei.store.rundir import create_run

        run_dir, _ = create_run(settings.state_dir, run, manifest, settings.durability, begin)
        return built[0], run_dir

    @staticmethod
    def _components(
        settings: Settings, scenario: Scenario
    ) -> tuple[list[str], dict[str, Any], list[Middleware]]:
        """The twins (by name), their seed data and the call middleware of a new world.

        Each optional capability adds itself here from the settings and the scenario.
        Middleware order matters: faults refuse first, policy judges what is left,
        monitors watch what was applied.
        """
        names = list(scenario.twins)
        seed_data: dict[str, Any] = dict(scenario.seed_data)
        middleware: list[Middleware] = []
        from vei.drift.assemble import add_background  # drift and actors; faults refuse first
        from vei.faults import fault_middleware

        names, seed_data = add_background(settings, scenario, names, seed_data)
        middleware += fault_middleware(settings, scenario)
        from vei.policy.assemble import oversight  # monitors and policy (after any faults)

        watch = oversight(settings, scenario)
        names += watch.twins
        seed_data.update(watch.seed_data)
        middleware += watch.middleware
        return names, seed_data, middleware

    @staticmethod
    def _run_id(settings: Settings, scenario: Scenario, run_id: str | None) -> str:
        from vei.store.rundir import new_run_id, validate_run_id

        if run_id:
            return validate_run_id(run_id)
        if settings.state_dir is None:
            return f"{scenario.name}-s{settings.seed}-memory"
        return new_run_id(scenario.name, settings.seed, state_dir=settings.state_dir)

    def _manifest(
        self, settings: Settings, scenario: Scenario, run: str, twins: list[str]
    ) -> dict[str, Any]:
        """The run's manifest; its inputs enter the genesis (in-memory runs have one too,
        so a run's chain head does not depend on where it is stored)."""
        from vei.store.rundir import prepare_manifest

        extra, self._manifest_extra = self._manifest_extra, {}  # not for a run after vei_reset
        return prepare_manifest(
            run,
            {
                **extra,
                "scenario": scenario.name,
                "pack": scenario.pack,
                "scenario_digest": scenario.digest,
                "scenario_spec": scenario.spec.model_dump(mode="json", by_alias=True),
                "facts": scenario.facts,
                "seed": settings.seed,
                "twins": twins,
                "configuration": settings.to_manifest(),
                "vei_version": __version__,
                "public_key": self._signer.public_key_hex,
            },
        )
