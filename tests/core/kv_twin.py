"""A tiny key-value twin for kernel tests: one write that also schedules, one read."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from vei.core.context import CallContext
from vei.core.errors import VeiError
from vei.core.events import Event
from vei.core.registry import ToolArgs, ToolSpec
from vei.core.twin import Twin
from vei.core.world import World
from vei.receipts.signing import Signer
from vei.store.base import StateStore
from vei.store.memory import MemoryStore


class SetArgs(ToolArgs):
    key: str = Field(min_length=1, max_length=20)
    value: int = Field(ge=0)
    echo_after_ms: int | None = Field(default=None, ge=0)


class GetArgs(ToolArgs):
    key: str


def set_value(state: dict[str, Any], args: SetArgs, ctx: CallContext) -> dict[str, Any]:
    if args.key == "forbidden":
        raise VeiError("kv.forbidden", "that key is read-only")
    ctx.emit("kv.set", {"key": args.key, "value": args.value, "id": ctx.new_id("kv")})
    if args.echo_after_ms is not None:
        ctx.schedule(
            args.echo_after_ms,
            "kv.set",
            {"key": f"{args.key}_echo", "value": ctx.rng("npc:echo").randrange(1000), "id": "e"},
            actor="npc:echo",
        )
    return {"stored": args.key}


def get_value(state: dict[str, Any], args: GetArgs, ctx: CallContext) -> dict[str, Any]:
    return {"key": args.key, "value": state["kv"]["items"].get(args.key)}


def apply_set(state: dict[str, Any], event: Event) -> None:
    state["kv"]["items"][event.data["key"]] = event.data["value"]


KV = Twin(
    name="kv",
    initial_state=lambda data: {"items": dict((data or {}).get("items", {}))},
    reducers={"kv.set": apply_set},
    tools=[
        ToolSpec(
            name="kv_set",
            description="Store a value.",
            args=SetArgs,
            kind="write",
            handler=set_value,
            latency_ms=100,
            cost_cents=2,
        ),
        ToolSpec(
            name="kv_get",
            description="Read a value.",
            args=GetArgs,
            kind="read",
            handler=get_value,
            latency_ms=10,
        ),
    ],
    summary=lambda state: {"keys": len(state["kv"]["items"])},
)


def kv_world(seed: int = 1, store: StateStore | None = None, snapshot_every: int = 1000) -> World:
    """A world with only the kv twin, an in-memory store and a fixed key."""
    return World(
        twins=[KV],
        seed=seed,
        store=store or MemoryStore(),
        signer=Signer.from_seed(bytes(32)),
        run_id="test",
        snapshot_every=snapshot_every,
    )
