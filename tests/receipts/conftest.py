"""A small key-value twin and a real persisted run built from it, for verify tests.

Everything is offered as fixtures (never imported from here), so the tests work under
any pytest import mode.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from vei.core.context import CallContext
from vei.core.errors import not_found
from vei.core.events import Event
from vei.core.registry import ToolArgs, ToolSpec
from vei.core.state import reducer_table
from vei.core.twin import Reducer, State, Twin
from vei.core.world import World
from vei.receipts.signing import Signer
from vei.store.base import StateStore
from vei.store.rundir import create_run, prepare_manifest

RUN_ID = "kv-s7-test"
SIGNER = Signer.from_seed(bytes(range(32)))


class PutArgs(ToolArgs):
    key: str
    value: str


class GetArgs(ToolArgs):
    key: str


def _put(state: State, args: PutArgs, ctx: CallContext) -> dict[str, Any]:
    ctx.emit("kv.put", {"key": args.key, "value": args.value})
    return {"stored": args.key}


def _get(state: State, args: GetArgs, ctx: CallContext) -> dict[str, Any]:
    items = state["kv"]["items"]
    if args.key not in items:
        raise not_found("kv", "key", args.key)
    # Reading "touches" the key a second later, like an NPC noticing the lookup.
    ctx.schedule(1_000, "kv.touched", {"key": args.key}, actor="npc:auditor")
    return {"value": items[args.key]}


def _apply_put(state: State, event: Event) -> None:
    state["kv"]["items"][event.data["key"]] = event.data["value"]


def _apply_touched(state: State, event: Event) -> None:
    touches = state["kv"]["touches"]
    touches[event.data["key"]] = touches.get(event.data["key"], 0) + 1


def _initial(seed: Mapping[str, Any] | None) -> dict[str, Any]:
    return {"items": dict(seed or {}), "touches": {}}


KV_TWIN = Twin(
    name="kv",
    initial_state=_initial,
    reducers={"kv.put": _apply_put, "kv.touched": _apply_touched},
    tools=[
        ToolSpec("kv_put", "Store a value under a key.", PutArgs, "write", _put, latency_ms=100),
        ToolSpec("kv_get", "Read the value of a key.", GetArgs, "read", _get, latency_ms=50),
    ],
)
REDUCERS = reducer_table([KV_TWIN])


def play(world: World) -> None:
    """Ten calls: writes, reads that schedule events, a rejected call and waits."""
    world.call("kv_put", {"key": "alpha", "value": "one"})  # receipt 1, event 1
    world.call("kv_get", {"key": "alpha"})  # receipt 2, event 2 (scheduled)
    world.call("kv_get", {"key": "missing"})  # receipt 3, rejected
    world.call("vei_tick", {"dt_ms": 5_000})  # receipt 4, event 3 (delivered)
    world.call("kv_put", {"key": "beta", "value": "two"})  # receipt 5, event 4
    world.call("kv_put", {"key": "gamma", "value": "three"})  # receipt 6, event 5
    world.call("kv_get", {"key": "beta"})  # receipt 7, event 6
    world.call("kv_get", {"key": "gamma"})  # receipt 8, event 7
    world.call("vei_tick", {})  # receipt 9, event 8
    world.call("vei_tick", {})  # receipt 10, event 9


def manifest_for(run_id: str, signer: Signer) -> dict[str, Any]:
    """The manifest a session would write for a kv run."""
    return {
        "run_id": run_id,
        "scenario": "kv",
        "seed": 7,
        "twins": ["kv"],
        "configuration": {"seed": 7},
        "vei_version": "test",
        "public_key": signer.public_key_hex,
    }


def build_run(state_dir: Path, *, close: bool = True, run_id: str = RUN_ID) -> Path:
    """Persist the ``play`` run under ``state_dir``; returns its run directory."""
    manifest = prepare_manifest(run_id, manifest_for(run_id, SIGNER))
    worlds: list[World] = []

    def begin(store: StateStore) -> None:
        world = World(
            twins=[KV_TWIN],
            seed=7,
            store=store,
            signer=SIGNER,
            run_id=run_id,
            seed_data={"kv": {"seeded": "yes"}},
            snapshot_every=3,
            manifest=manifest,
        )
        worlds.append(world)

    run_dir, store = create_run(state_dir, run_id, manifest, "fast", begin)
    world = worlds[0]
    play(world)
    if close:
        world.close()
    else:
        store.close()  # as if the process died: no final snapshot, no checkpoint
    return run_dir


@pytest.fixture
def kv_twin() -> Twin:
    """The key-value twin."""
    return KV_TWIN


@pytest.fixture
def kv_reducers() -> dict[str, Reducer]:
    """Reducers of the key-value twin plus the core's."""
    return dict(REDUCERS)


@pytest.fixture
def kv_signer() -> Signer:
    """The key every test run is signed with."""
    return SIGNER


@pytest.fixture
def play_kv() -> Callable[[World], None]:
    """Plays the ten standard calls on a world."""
    return play


@pytest.fixture
def kv_manifest() -> Callable[[str, Signer], dict[str, Any]]:
    """Builds a manifest for a kv run."""
    return manifest_for


@pytest.fixture
def build_kv_run() -> Callable[..., Path]:
    """``build_kv_run(state_dir, close=True, run_id=...)`` persists the standard run."""
    return build_run


@pytest.fixture
def tamper() -> Callable[[Path, str, str, str, str, str], None]:
    """``tamper(db, table, where, column, find, new)`` changes one byte of a stored value."""
    return change_one_byte


@pytest.fixture(scope="session")
def pristine_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed run, built once; tests copy it before changing anything."""
    return build_run(tmp_path_factory.mktemp("state"))


@pytest.fixture
def run_copy(pristine_run: Path, tmp_path: Path) -> Path:
    """A private copy of the pristine run directory."""
    target = tmp_path / "runs" / pristine_run.name
    shutil.copytree(pristine_run, target)
    return target


def change_one_byte(db: Path, table: str, where: str, column: str, find: str, new: str) -> None:
    """Replace ``find`` by ``new`` (same length, one byte apart) in one stored value."""
    assert len(find) == len(new) and sum(a != b for a, b in zip(find, new, strict=True)) == 1
    with sqlite3.connect(db) as conn:
        (text,) = conn.execute(f"SELECT {column} FROM {table} WHERE {where}").fetchone()
        assert text.count(find) == 1, f"{find!r} must occur once in {text!r}"
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (text.replace(find, new),))
    conn.close()
