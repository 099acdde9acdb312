"""In-process ``World.call`` throughput on the memory store and on SQLite (full, fast)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

from vei.config import load_settings
from vei.core.world import World
from vei.session import Session

StoreKind = Literal["memory", "full", "fast"]
Op = Literal["read", "write"]

# A cheap, realistic read and the most common write an agent makes.
CALLS: dict[Op, tuple[str, dict[str, Any]]] = {
    "read": ("slack_list_users", {}),
    "write": ("slack_send_message", {"channel": "#general", "text": "bench: status update"}),
}
WARMUP = 20


def open_world(store: StoreKind, directory: Path) -> tuple[World, Callable[[], None]]:
    """A world built the way users build one (a Session from settings), and its closer.

    If the default scenario cannot start a Session (it is being changed), fall back to a
    World over the chat and mail twins with the same kind of store.
    """
    overrides: dict[str, Any] = {}
    if store != "memory":
        overrides = {"state_dir": directory, "durability": store}
    try:
        session = Session(load_settings(overrides, env={}))
    except Exception:  # pragma: no cover - only while the default scenario is broken
        return _direct_world(store, directory)
    return session.world, session.close


def _direct_world(store: StoreKind, directory: Path) -> tuple[World, Callable[[], None]]:
    from vei.receipts.signing import Signer
    from vei.store.base import StateStore
    from vei.store.memory import MemoryStore
    from vei.store.rundir import create_run, new_run_id
    from vei.twins import get_twins

    backend: StateStore
    if store == "memory":
        backend, run = MemoryStore(), "bench-memory"
    else:
        run = new_run_id("bench", 1)
        _, backend = create_run(directory, run, {"scenario": "bench"}, store)
    world = World(
        twins=get_twins(["slack", "mail"]),
        seed=1,
        store=backend,
        signer=Signer.from_seed(bytes(32)),
        run_id=run,
    )

    def close() -> None:
        world.close()

    return world, close


def world_calls(store: StoreKind, op: Op, count: int, directory: Path) -> float:
    """Calls per second of ``count`` identical calls on a fresh world (setup not timed)."""
    name, args = CALLS[op]
    world, close = open_world(store, directory)
    try:
        call = world.call
        for _ in range(WARMUP):
            _check(call(name, args).ok, name)
        start = time.perf_counter()
        for _ in range(count):
            call(name, args)
        elapsed = time.perf_counter() - start
        _check(call(name, args).ok, name)
        return count / elapsed
    finally:
        close()


def write_row_bytes(directory: Path) -> int:
    """Bytes one write call stores (its events' and receipt's JSON): the floor's row size."""
    name, args = CALLS["write"]
    world, close = open_world("memory", directory)
    try:
        outcome = world.call(name, args)
        return len(outcome.receipt.to_json()) + sum(len(e.to_json()) for e in outcome.events)
    finally:
        close()


def _check(ok: bool, name: str) -> None:
    if not ok:
        raise RuntimeError(f"bench call {name} was rejected; the bench needs a working call")


def describe_calls() -> Mapping[str, str]:
    """The calls measured, for the report."""
    return {op: f"{name} {args}" for op, (name, args) in CALLS.items()}
