"""A session owns the current World and starts new runs: at start-up and on ``vei_reset``.

Adapters (MCP, Gymnasium) and Python users talk to a Session; it builds each World from
validated Settings and a scenario, chooses the store (memory, or a SQLite run directory
under the state dir) and the signing key, and closes runs with a signed checkpoint.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from vei import __version__
from vei.config import Settings
from vei.core.errors import VeiError
from vei.core.middleware import Middleware
from vei.core.world import CallOutcome, World
from vei.drift.assemble import bind_actor_backend
from vei.receipts.signing import Signer, load_or_create_signer, load_signer
from vei.scenarios import Scenario, UnknownScenarioError, load_scenario
from vei.store.base import StateStore
from vei.store.memory import MemoryStore
from vei.twins import get_twins


class Session:
    """The current run of one world, plus what is needed to start the next."""

    def __init__(
        self,
        settings: Settings,
        *,
        run_id: str | None = None,
        scenario: Scenario | None = None,
        manifest_extra: Mapping[str, Any] | None = None,
    ) -> None:
        self.settings = settings
        # Recorded in the first run's manifest (e.g. which agent `vei eval` ran, and its files).
        self._manifest_extra = dict(manifest_extra or {})
        # A scenario given directly (a file being checked) wins over settings.scenario.
        self._scenario = scenario
        self._lock = threading.RLock()
        self._signer = self._load_signer(settings)
        self.run_dir: Path | None = None
        self.world = self._new_world(settings, run_id)

    # ------------------------------------------------------------------ public API

    def call(
        self, name: str, args: Mapping[str, Any] | None = None, *, actor: str = "agent"
    ) -> CallOutcome:
        """Call a tool on the current world; a successful ``vei_reset`` starts a new run."""
        with self._lock:
            outcome = self.world.call(name, args, actor=actor)
            if outcome.ok and outcome.receipt.body["tool"] == "vei_reset":
                previous = self.world.run_id
                settings = replace(
                    self.settings, seed=outcome.result["seed"], scenario=outcome.result["scenario"]
                )
                self.world.close()
                self.settings = settings
                if self._scenario is not None and self._scenario.name != settings.scenario:
                    self._scenario = None
                self.world = self._new_world(settings, None)
                outcome.result["previous_run"] = previous
                outcome.result["run"] = self.world.run_id
            return outcome

    def close(self) -> None:
        """Close the current run (snapshot and signed checkpoint)."""
        with self._lock:
            if not self.world_closed:
                self.world.close()

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
                load_scenario(name, self.settings.scenario_pack)
        except UnknownScenarioError as exc:
            raise VeiError("core.unknown_scenario", str(exc)) from None
        new_seed = self.settings.seed if seed is None else seed
        if not 0 <= new_seed < 2**63:
            raise VeiError("core.invalid_arguments", "seed must be in 0 .. 2**63-1")
        return {"reset": True, "seed": new_seed, "scenario": name}

    def _new_world(self, settings: Settings, run_id: str | None) -> World:
        scenario = self.scenario
        names, seed_data, middleware = self._components(settings, scenario)
        store, run = self._open_store(settings, scenario, run_id, names)
        world = World(
            twins=bind_actor_backend(get_twins(names), settings),
            seed=settings.seed,
            store=store,
            signer=self._signer,
            run_id=run,
            seed_data=seed_data,
            middleware=middleware,
            meta={"scenario": scenario.name, "task": scenario.task},
        )
        world.reset_check = self._reset_check
        return world

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

    def _open_store(
        self, settings: Settings, scenario: Scenario, run_id: str | None, twins: list[str]
    ) -> tuple[StateStore, str]:
        if settings.state_dir is None:
            self.run_dir = None
            return MemoryStore(), run_id or f"{scenario.name}-s{settings.seed}-memory"
        from vei.store.rundir import create_run, new_run_id, validate_run_id

        run = validate_run_id(run_id) if run_id else new_run_id(scenario.name, settings.seed)
        manifest = {
            "run_id": run,
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
        }
        manifest = {**self._manifest_extra, **manifest}
        self._manifest_extra = {}  # a later run after vei_reset is not the described one
        self.run_dir, store = create_run(settings.state_dir, run, manifest, settings.durability)
        return store, run
