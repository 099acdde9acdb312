from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from vei.core.context import CallContext
from vei.core.errors import UnknownToolError, VeiError
from vei.core.middleware import BaseMiddleware, CallInfo, Reply
from vei.core.state import fold, reducer_table, state_hash
from vei.core.world import World
from vei.receipts.chain import chain_hash
from vei.receipts.signing import Signer
from vei.store.memory import MemoryStore

from .kv_twin import KV, kv_world


def test_write_then_read_sees_value_and_advances_clock_by_latency() -> None:
    world = kv_world()
    assert world.call("kv_set", {"key": "a", "value": 3}).ok
    read = world.call("kv_get", {"key": "a"})
    assert read.result == {"key": "a", "value": 3}
    assert world.clock_ms == 110
    assert world.revision == 1


def test_dotted_alias_resolves_but_unknown_name_raises_with_suggestion() -> None:
    world = kv_world()
    assert world.call("kv.get", {"key": "a"}).ok
    with pytest.raises(UnknownToolError, match="kv_get"):
        world.call("kv_gett", {})


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"key": "a"},
        {"key": "a", "value": -1},
        {"key": "a", "value": "x"},
        {"key": "a", "value": 1, "extra": 1},
    ],
)
def test_invalid_arguments_are_typed_errors_that_change_nothing(args: dict[str, object]) -> None:
    world = kv_world()
    before = (world.state_hash(), world.revision, world.clock_ms)
    outcome = world.call("kv_set", args)
    assert not outcome.ok
    assert outcome.result["error"]["code"] == "core.invalid_arguments"
    assert set(outcome.result["error"]) == {"code", "message", "retryable", "retry_after_ms"}
    assert (world.state_hash(), world.revision, world.clock_ms) == before
    assert outcome.receipt.body["ok"] is False
    assert world.chain.count == 1


def test_handler_error_rejects_call_without_state_change() -> None:
    world = kv_world()
    before = world.state_hash()
    outcome = world.call("kv_set", {"key": "forbidden", "value": 1})
    assert outcome.result["error"]["code"] == "kv.forbidden"
    assert world.state_hash() == before
    assert outcome.receipt.body["error_code"] == "kv.forbidden"


def test_scheduled_event_is_delivered_by_tick_in_due_order() -> None:
    world = kv_world()
    world.call("kv_set", {"key": "late", "value": 1, "echo_after_ms": 5000})
    world.call("kv_set", {"key": "early", "value": 1, "echo_after_ms": 1000})
    assert [p["due_ms"] for p in world.call("vei_pending").result["pending"]] == [1100, 5000]
    first = world.call("vei_tick").result
    assert first["t_ms"] == 1100 and first["delivered"][0]["data"]["key"] == "early_echo"
    second = world.call("vei_tick", {"dt_ms": 10_000}).result
    assert [e["data"]["key"] for e in second["delivered"]] == ["late_echo"]
    assert world.call("vei_pending").result["count"] == 0


def test_calls_that_pass_due_time_deliver_what_came_due() -> None:
    world = kv_world()
    world.call("kv_set", {"key": "a", "value": 1, "echo_after_ms": 50})
    assert "a_echo" in world.state["kv"]["items"]  # the write's own 100 ms latency passed it


def test_observe_lists_only_what_others_did_since_last_observe() -> None:
    world = kv_world()
    world.call("kv_set", {"key": "a", "value": 1, "echo_after_ms": 10})
    seen = world.call("vei_observe").result
    assert [e["actor"] for e in seen["new_events"]] == ["npc:echo"]
    assert seen["apps"] == {"kv": {"keys": 2}}
    assert world.call("vei_observe").result["new_events"] == []


def test_receipts_chain_from_initial_state_hash_and_recompute() -> None:
    world = kv_world()
    seeded = world.state_hash()
    world.call("kv_set", {"key": "a", "value": 1})
    world.call("kv_get", {"key": "a"})
    receipts = list(world.store.receipts())
    # Receipt 1 chains to the genesis, which binds the run's inputs and the seeded state.
    assert world.genesis.state_hash == seeded
    assert receipts[0].body["prev"] == world.genesis.hash
    assert receipts[1].body["prev"] == receipts[0].hash
    assert all(chain_hash(r.body) == r.hash for r in receipts)
    assert world.chain_head == receipts[-1].hash


def test_replay_of_log_reproduces_live_state() -> None:
    world = kv_world()
    for i in range(5):
        world.call("kv_set", {"key": f"k{i}", "value": i, "echo_after_ms": 30 * i})
    world.call("vei_tick", {"dt_ms": 1000})
    start = world.store.latest_snapshot(0)
    assert start is not None
    replayed = fold(start.state, world.store.events(), reducer_table([KV]))
    assert state_hash(replayed) == world.state_hash()


def test_same_seed_same_calls_same_log_other_seed_other_draws() -> None:
    def run(seed: int) -> tuple[str, list[str]]:
        world = kv_world(seed)
        world.call("kv_set", {"key": "a", "value": 1, "echo_after_ms": 10})
        world.call("vei_tick", {"dt_ms": 100})
        return world.chain_head, [e.to_json() for e in world.store.events()]

    assert run(7) == run(7)
    assert run(7)[1] != run(8)[1]


def test_act_and_observe_records_inner_call_and_returns_observation() -> None:
    world = kv_world()
    outcome = world.call(
        "vei_act_and_observe", {"tool": "kv_set", "args": {"key": "a", "value": 1}}
    )
    assert outcome.ok and outcome.result["ok"]
    assert [r.body["tool"] for r in world.store.receipts()] == ["kv_set", "vei_act_and_observe"]
    nested = world.call("vei_act_and_observe", {"tool": "nope", "args": {}})
    assert nested.result["error"]["code"] == "core.unknown_tool"


def test_close_writes_signed_checkpoint_and_refuses_more_calls() -> None:
    world = kv_world()
    world.call("kv_set", {"key": "a", "value": 1})
    checkpoint = world.close()
    assert checkpoint.size == 1 and checkpoint.head == world.chain_head
    assert len(checkpoint.signature) == 128
    with pytest.raises(RuntimeError):
        world.call("kv_get", {"key": "a"})


def test_snapshots_are_taken_every_n_events_and_restore_continues_identically() -> None:
    world = kv_world(snapshot_every=3)
    for i in range(10):
        world.call("kv_set", {"key": f"k{i}", "value": i, "echo_after_ms": 500})
    revisions = [s.revision for s in world.store.snapshots()]
    assert revisions[0] == 0 and len(revisions) >= 4

    twin = kv_world(snapshot_every=3)
    snap = world.store.latest_snapshot()
    assert snap is not None
    tail = [e for e in world.store.events() if e.seq > snap.revision]
    twin.restore(snap, tail, list(world.store.receipts()))
    assert twin.state_hash() == world.state_hash()
    assert twin.clock_ms == world.clock_ms
    a = world.call("kv_set", {"key": "z", "value": 9, "echo_after_ms": 10})
    b = twin.call("kv_set", {"key": "z", "value": 9, "echo_after_ms": 10})
    assert a.receipt.hash == b.receipt.hash


def test_act_and_observe_does_not_record_inner_events_twice() -> None:
    world = kv_world()
    world.call("vei_act_and_observe", {"tool": "kv_set", "args": {"key": "a", "value": 1}})
    inner, outer = list(world.store.receipts())
    assert inner.body["events"] == [1, 1]
    assert outer.body["events"] is None
    assert [e.seq for e in world.store.events()] == [1]


def test_idempotency_key_makes_a_retried_write_happen_once() -> None:
    world = kv_world()
    first = world.call("kv_set", {"key": "a", "value": 1, "idempotency_key": "k1"})
    again = world.call("kv_set", {"key": "a", "value": 1, "idempotency_key": "k1"})
    assert first.ok and again.ok and again.result == first.result
    assert [e.kind for e in world.store.events()] == ["kv.set", "core.idempotency_recorded"]
    conflict = world.call("kv_set", {"key": "b", "value": 2, "idempotency_key": "k1"})
    assert conflict.result["error"]["code"] == "core.idempotency_conflict"
    assert "idempotency_key" in world.registry.resolve("kv_set").schema["properties"]
    assert "idempotency_key" not in world.registry.resolve("kv_get").schema["properties"]


class _Refuse(BaseMiddleware):
    def before_call(self, world: World, call: CallInfo) -> VeiError | None:
        call.fault = "transient"
        return VeiError("core.unavailable", "try again", retryable=True)


class _TimeoutAfterCommit(BaseMiddleware):
    def after_apply(
        self, world: World, call: CallInfo, result: Any, events: Any, ctx: CallContext
    ) -> Reply:
        call.fault = "timeout_after_commit"
        ctx.emit("kv.set", {"key": "audit", "value": len(events), "id": "x"})
        return Reply(error=VeiError("core.timeout", "timed out", retryable=True))


def test_middleware_can_refuse_before_the_handler_with_nothing_changed() -> None:
    world = kv_world()
    world.middleware.append(_Refuse())
    before = world.state_hash()
    outcome = world.call("kv_set", {"key": "a", "value": 1})
    assert outcome.result["error"]["retryable"] is True
    assert world.state_hash() == before and outcome.receipt.body["fault"] == "transient"
    assert world.call("vei_observe").ok  # control tools bypass middleware


def test_middleware_can_report_an_error_after_the_write_was_committed() -> None:
    world = kv_world()
    world.middleware.append(_TimeoutAfterCommit())
    outcome = world.call("kv_set", {"key": "a", "value": 1})
    assert not outcome.ok and outcome.result["error"]["code"] == "core.timeout"
    assert world.state["kv"]["items"] == {"a": 1, "audit": 1}
    assert (
        outcome.receipt.body["events"] == [1, 2]
        and outcome.receipt.body["fault"] == "timeout_after_commit"
    )


def test_twins_can_start_the_world_with_events_already_scheduled() -> None:
    ticking = replace(
        KV,
        initial_schedule=lambda data: [
            {
                "due_ms": 500,
                "kind": "kv.set",
                "actor": "drift",
                "data": {"key": "tick", "value": 1, "id": "d"},
            }
        ],
    )
    world = World(
        twins=[ticking], seed=1, store=MemoryStore(), signer=Signer.from_seed(bytes(32)), run_id="t"
    )
    assert world.call("vei_pending").result["pending"] == [
        {"due_ms": 500, "kind": "kv.set", "actor": "drift"}
    ]
    delivered = world.call("vei_tick").result["delivered"]
    assert delivered[0]["actor"] == "drift" and world.state["kv"]["items"] == {"tick": 1}
    assert world.state["core"]["pending"] == {}
