"""Reopen a stored run as a live World, to let more virtual time pass in it (``vei-drift
run``).

The world is rebuilt from the run's manifest (scenario, seeds, configuration) exactly as
the session built it, checked against the run's initial snapshot before anything is
written, restored from the latest snapshot plus the events and receipts after it, and
closed afterwards with a new signed checkpoint, so ``vei-state verify`` still passes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from vei.config import Settings
from vei.core.state import initial_state, state_hash
from vei.core.world import World


class ResumeError(RuntimeError):
    """The run cannot be resumed; the message says why."""


def settings_from_manifest(manifest: Mapping[str, Any], local: Settings) -> Settings:
    """The settings a run was started with (its manifest's ``configuration``), plus the
    local ones a manifest never records (state dir, receipt key, actor backend)."""
    config = manifest.get("configuration")
    if not isinstance(config, dict):
        raise ResumeError("the manifest has no configuration")
    promote = [str(p).split(":", 1) for p in config.get("policy_promote", [])]
    return replace(
        local,
        seed=int(config["seed"]),
        scenario=str(config["scenario"]),
        scenario_pack=str(config["scenario_pack"]),
        durability=config.get("durability", local.durability),
        # Faults act on app tool calls only; resuming only lets time pass.
        fault_profile="off",
        drift_mode=config.get("drift_mode", "off"),
        drift_seed=int(config["drift_seed"]),
        monitors=tuple(config.get("monitors", [])),
        policy_promote=tuple((code, sev) for code, sev in promote),  # type: ignore[misc]
        policy_mode=config.get("policy_mode", local.policy_mode),
    )


@contextmanager
def resume_run(ref: str | Path, local: Settings) -> Iterator[World]:
    """The live World of stored run ``ref``; closed (checkpointed) when the block ends."""
    from vei.assembly import world_twins
    from vei.drift.assemble import bind_actor_backend
    from vei.receipts.signing import load_or_create_signer, load_signer
    from vei.scenarios import ScenarioError, parse_scenario
    from vei.session import Session
    from vei.store.lock import RunLockedError
    from vei.store.rundir import RunNotFoundError, open_run

    state_dir = local.state_dir if local.state_dir is not None else Path("vei-runs")
    try:
        handle = open_run(ref, state_dir, writer=True)
    except (RunNotFoundError, RunLockedError) as exc:
        raise ResumeError(str(exc)) from None
    try:
        manifest = handle.manifest
        if "drift" not in manifest.get("twins", []):
            raise ResumeError(
                f"run {handle.run_id} was started with VEI_DRIFT_MODE=off; drift applies only "
                "to runs started with drift (light, fast or aggressive)"
            )
        if handle.store.checkpoint() is None:
            raise ResumeError(
                f"run {handle.run_id} was not closed (its writer stopped without closing it); "
                f"`vei-state recover {handle.run_id}` seals it, then it can go on"
            )
        settings = settings_from_manifest(manifest, local)
        try:
            spec = dict(manifest["scenario_spec"])
            # The manifest's JSON sorts keys; the twins' order is the manifest's list.
            spec["twins"] = {n: spec["twins"][n] for n in manifest["twins"] if n in spec["twins"]}
            scenario = parse_scenario(
                spec,
                source=f"run {handle.run_id}",
                pack=manifest["pack"],
                seed=settings.seed,
                drawn=True,
            )
        except (KeyError, ScenarioError) as exc:
            raise ResumeError(f"the run's scenario cannot be rebuilt: {exc}") from None
        names, seed_data, _ = Session._components(settings, scenario)
        if names != manifest["twins"]:
            raise ResumeError(f"this VEI builds twins {names}, the run has {manifest['twins']}")
        twins = bind_actor_backend(world_twins(names), settings)
        from vei.fork import start_of

        # A fork's log starts at its fork point: its initial state is the one signed there.
        first, base_receipts, base_t = start_of(handle.store)
        initial = handle.store.latest_snapshot(at_or_before=first)
        genesis = handle.store.genesis()
        expected = (
            state_hash(initial_state(twins, seed_data))
            if first == 0 and base_receipts == 0
            else (genesis.state_hash if genesis is not None else None)
        )
        if initial is None or initial.revision != first or initial.state_hash != expected:
            raise ResumeError("the rebuilt initial state does not match the run's; not resuming")
        origin = None
        if base_receipts or first:
            origin = replace(initial, receipt_count=base_receipts, t_ms=base_t)
        if genesis is None or genesis.manifest_differences(manifest):
            raise ResumeError(
                "the manifest is not the one signed when the run started (vei-state verify "
                f"{handle.run_id} names what changed); not resuming"
            )
        if settings.receipt_key is not None:
            signer = load_signer(settings.receipt_key)
        else:
            signer = load_or_create_signer(handle.run_dir.parent.parent)
        if signer.public_key_hex != manifest.get("public_key"):
            raise ResumeError("the signing key here is not the run's key (see VEI_RECEIPT_KEY)")
        latest = handle.store.latest_snapshot()
        assert latest is not None
        world = World(
            twins=twins,
            seed=settings.seed,
            store=handle.store,
            signer=signer,
            run_id=handle.run_id,
            seed_data=seed_data,
            meta={"scenario": scenario.name, "task": scenario.task},
            snapshot_every=genesis.snapshot_every,
            snapshot_bytes=genesis.snapshot_bytes,
            manifest=manifest,
            record_start=False,
            origin=origin,
        )
        if world.genesis.hash != genesis.hash:
            raise ResumeError("the rebuilt run does not start from the run's genesis")
        world.restore(
            latest,
            handle.store.events(after=latest.revision),
            list(handle.store.receipts(after=latest.receipt_count)),
        )
    except BaseException:
        handle.close()
        raise
    try:
        yield world
    finally:
        world.close()
