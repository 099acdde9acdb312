"""Snapshots spaced by state size: taken when the cadence says, checked by verify.

The cadence (``vei.core.cadence``) is recorded in the genesis; verify recomputes it from
the receipts and the stored snapshots' sizes. Runs recorded with the older cadence (a
snapshot at every multiple of ``snapshot_every``) still verify.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vei.core.cadence import Cadence
from vei.core.twin import Reducer, Twin
from vei.core.world import World
from vei.receipts.signing import Signer
from vei.receipts.verify import VerifyReport, verify_run
from vei.store.base import StateStore
from vei.store.rundir import create_run, open_run, prepare_manifest

CALLS = 60


def _run(
    state_dir: Path,
    twin: Twin,
    signer: Signer,
    manifest_for: Callable[[str, Signer], dict[str, Any]],
    snapshot_bytes: int | None,
) -> Path:
    run_id = "kv-cadence"
    manifest = prepare_manifest(run_id, manifest_for(run_id, signer))
    worlds: list[World] = []

    def begin(store: StateStore) -> None:
        worlds.append(
            World(
                twins=[twin],
                seed=7,
                store=store,
                signer=signer,
                run_id=run_id,
                seed_data={"kv": {"seeded": "yes"}},
                snapshot_every=2,
                snapshot_bytes=snapshot_bytes,
                manifest=manifest,
            )
        )

    run_dir, _ = create_run(state_dir, run_id, manifest, "fast", begin)
    world = worlds[0]
    for i in range(CALLS):
        world.call("kv_put", {"key": f"key-{i:03d}", "value": "v" * 40})
    world.close()
    return run_dir


def _verify(run_dir: Path, reducers: dict[str, Reducer]) -> VerifyReport:
    with open_run(run_dir) as handle:
        return verify_run(handle.store, handle.manifest, reducers)


def _snapshots(run_dir: Path) -> list[tuple[int, int]]:
    with sqlite3.connect(run_dir / "events.sqlite") as conn:
        rows = conn.execute("SELECT revision, length(state) FROM snapshots ORDER BY revision")
        found = [(int(r), int(n)) for r, n in rows]
    conn.close()
    return found


def test_snapshots_grow_apart_as_the_state_grows_and_the_run_verifies(
    tmp_path: Path,
    kv_twin: Twin,
    kv_signer: Signer,
    kv_manifest: Callable[[str, Signer], dict[str, Any]],
    kv_reducers: dict[str, Reducer],
) -> None:
    run_dir = _run(tmp_path, kv_twin, kv_signer, kv_manifest, snapshot_bytes=64)
    taken = _snapshots(run_dir)
    gaps = [later - rev for (rev, _), (later, _) in zip(taken, taken[1:-1], strict=False)]
    needed = [max(2, size // 64) for _, size in taken[:-2]]
    assert gaps == needed  # each at the first call that reaches its spacing (one event each)
    assert gaps[-1] > gaps[0] >= 2
    assert _verify(run_dir, kv_reducers).ok


def test_a_missing_snapshot_of_the_cadence_is_named(
    tmp_path: Path,
    kv_twin: Twin,
    kv_signer: Signer,
    kv_manifest: Callable[[str, Signer], dict[str, Any]],
    kv_reducers: dict[str, Reducer],
) -> None:
    run_dir = _run(tmp_path, kv_twin, kv_signer, kv_manifest, snapshot_bytes=64)
    revision = _snapshots(run_dir)[2][0]
    with sqlite3.connect(run_dir / "events.sqlite") as conn:
        conn.execute("DELETE FROM snapshots WHERE revision = ?", (revision,))
    conn.close()
    failure = _verify(run_dir, kv_reducers).failure
    assert failure is not None and failure.startswith(f"snapshot at revision {revision}: missing")


def test_the_older_cadence_takes_one_at_every_multiple_and_verifies(
    tmp_path: Path,
    kv_twin: Twin,
    kv_signer: Signer,
    kv_manifest: Callable[[str, Signer], dict[str, Any]],
    kv_reducers: dict[str, Reducer],
) -> None:
    run_dir = _run(tmp_path, kv_twin, kv_signer, kv_manifest, snapshot_bytes=None)
    assert [rev for rev, _ in _snapshots(run_dir)] == list(range(0, CALLS + 1, 2))
    with open_run(run_dir) as handle:
        genesis = handle.store.genesis()
    assert genesis is not None and genesis.snapshot_bytes is None
    assert _verify(run_dir, kv_reducers).ok


def test_the_cadence_rule() -> None:
    old = Cadence(10, None)
    assert old.due(9, 10) and old.due(5, 25) and not old.due(10, 19)
    spaced = Cadence(10, 100)
    spaced.taken(0, 5_000)  # 5,000 characters: at least 50 events apart
    assert not spaced.due(40, 49) and spaced.due(49, 50) and not spaced.due(50, 50)
    spaced.taken(50, 100)
    assert not spaced.due(55, 59) and spaced.due(59, 60)
