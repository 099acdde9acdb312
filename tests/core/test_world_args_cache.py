"""Validated arguments are reused for repeated calls without changing any outcome."""

from __future__ import annotations

from typing import Any

from pydantic import StrictInt

from vei.core.canonical import digest_unchecked
from vei.core.context import CallContext
from vei.core.registry import ToolArgs, ToolSpec
from vei.core.twin import Twin
from vei.core.world import World
from vei.receipts.signing import Signer
from vei.store.memory import MemoryStore

from .kv_twin import SetArgs, kv_world


class StrictArgs(ToolArgs):
    n: StrictInt


class TagArgs(ToolArgs):
    n: int
    tags: list[str] = []


def _echo(state: dict[str, Any], args: StrictArgs, ctx: CallContext) -> dict[str, Any]:
    return {"n": args.n}


def _tags(state: dict[str, Any], args: TagArgs, ctx: CallContext) -> dict[str, Any]:
    args.tags.append("seen")  # misbehaving handler: mutates its arguments
    return {"n": args.n, "tags": list(args.tags)}


STRICT = Twin(
    name="strict",
    initial_state=lambda data: {},
    reducers={},
    tools=[
        ToolSpec(
            name="strict_echo", description="Echo n.", args=StrictArgs, kind="read", handler=_echo
        ),
        ToolSpec(name="strict_tags", description="Tags.", args=TagArgs, kind="read", handler=_tags),
    ],
)


def _strict_world() -> World:
    return World(
        twins=[STRICT],
        seed=1,
        store=MemoryStore(),
        signer=Signer.from_seed(bytes(32)),
        run_id="strict",
    )


def test_repeated_calls_record_the_same_args_digest_as_a_fresh_validation() -> None:
    world = kv_world()
    expected = digest_unchecked(SetArgs(key="a", value=1).model_dump(mode="json"))
    digests = [world.call("kv_set", {"key": "a", "value": 1}).receipt.body for _ in range(3)]
    assert {body["args_digest"] for body in digests} == {expected}
    assert all(body["ok"] for body in digests)


def test_equal_but_differently_typed_values_are_not_confused() -> None:
    # 1 == True and hash(1) == hash(True): a cache keyed on values alone would accept True
    # for a strict integer after seeing 1.
    world = _strict_world()
    assert world.call("strict_echo", {"n": 1}).ok
    rejected = world.call("strict_echo", {"n": True})
    assert not rejected.ok
    assert rejected.result["error"]["code"] == "core.invalid_arguments"
    assert world.call("strict_echo", {"n": 1}).ok


def test_rejected_arguments_stay_rejected_on_repeat() -> None:
    world = kv_world()
    for _ in range(2):
        outcome = world.call("kv_set", {"key": "a", "value": -1})
        assert outcome.result["error"]["code"] == "core.invalid_arguments"


def test_arguments_holding_lists_get_fresh_models() -> None:
    # A handler that mutated a shared list would leak into later calls; arguments whose
    # model holds a list (even a default one) are validated every time.
    world = _strict_world()
    first = world.call("strict_tags", {"n": 1})
    second = world.call("strict_tags", {"n": 1})
    assert first.result == second.result == {"n": 1, "tags": ["seen"]}
    assert first.receipt.body["args_digest"] == second.receipt.body["args_digest"]
