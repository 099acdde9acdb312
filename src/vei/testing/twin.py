"""``check_twin``: the contract check a twin author can run, like gymnasium's ``check_env``.

``check_twin(TWIN, seed_data, calls)`` builds real worlds (memory store, fixed test key),
runs the calls and raises AssertionError naming the first broken rule:

- the twin's name is one lowercase word and every tool is ``<twin>_<verb>``, of kind read or
  write, with a description that says what it returns ("Returns ..."), an object schema
  and a description on every argument;
- reducers handle only the twin's own event kinds and touch only ``state[<twin>]``;
- the initial state is canonical JSON and the same on every call;
- a handler never mutates the state it is given, and gives the same result and events for
  the same state and arguments;
- read tools leave the state hash unchanged and emit nothing, unless they declare
  ``records`` (a page view, a message marked read: events of their own twin only, never
  ones the twin declares outward); rejected calls change nothing
  and use ``<twin>.*`` or ``core.*`` codes (documented ones, if the twin declares them);
- a call emits only ``<twin>.*`` and ``core.*`` events; results, events and the summary are
  canonical JSON (no floats);
- replaying the log from the initial state reproduces the live state hash, and the same
  calls give the same chain head and state hash in a second world.

Every read tool that accepts empty arguments is also called once before ``calls``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from vei.core.canonical import NotCanonicalError, digest
from vei.core.context import CallContext
from vei.core.errors import UnknownToolError, VeiError
from vei.core.events import Event
from vei.core.registry import ToolSpec
from vei.core.state import initial_state, reducer_table, state_hash
from vei.core.twin import Twin
from vei.core.world import World
from vei.receipts.signing import Signer
from vei.store.memory import MemoryStore

_TWIN_NAME = re.compile(r"^[a-z][a-z0-9]*$")


def check_twin(
    twin: Twin,
    seed_data: Mapping[str, Any] | None = None,
    calls: Sequence[tuple[str, Mapping[str, Any]]] = (),
    *,
    error_codes: Mapping[str, str] | None = None,
) -> None:
    """Check ``twin`` against the twin contract; AssertionError says what is broken.

    ``seed_data`` is the twin's own section of a scenario (None: its default data).
    ``calls`` are ``(tool name, arguments)`` pairs; control tools such as ``vei_tick`` are
    allowed. Error codes the twin raises must be in ``error_codes`` (default: the twin's
    declared ``error_codes``, when it declares any).
    """
    if error_codes is None and twin.error_codes:
        error_codes = twin.error_codes
    _check_declaration(twin)
    _check_initial_state(twin, seed_data)
    plan: list[tuple[str, dict[str, Any]]] = [
        (spec.name, {}) for spec in twin.tools if spec.kind == "read" and _takes_no_args(spec)
    ]
    plan.extend((name, dict(args)) for name, args in calls)
    first = _run(twin, seed_data, plan, error_codes)
    second = _run(twin, seed_data, plan, error_codes)
    if first != second:
        raise AssertionError(
            f"twin {twin.name!r} is not deterministic: the same calls gave chain heads / state "
            f"hashes {first} and {second}"
        )


def _takes_no_args(spec: ToolSpec) -> bool:
    try:
        spec.args.model_validate({})
    except ValidationError:
        return False
    return True


def _check_declaration(twin: Twin) -> None:
    if not _TWIN_NAME.match(twin.name):
        raise AssertionError(f"twin name {twin.name!r} must be one lowercase word (no _ or .)")
    seen: set[str] = set()
    for spec in twin.tools:
        where = f"tool {spec.name!r}"
        if not spec.name.startswith(f"{twin.name}_") or spec.name in seen:
            raise AssertionError(f"{where}: name must be unique and start with {twin.name}_")
        seen.add(spec.name)
        if spec.kind not in ("read", "write"):
            raise AssertionError(f"{where}: a twin tool is read or write, not {spec.kind!r}")
        if not spec.description.strip():
            raise AssertionError(f"{where}: no description")
        if "Returns" not in spec.description:
            raise AssertionError(f"{where}: the description does not say what it returns")
        if spec.schema.get("type") != "object":
            raise AssertionError(f"{where}: argument schema is not an object schema")
        for arg, prop in spec.schema.get("properties", {}).items():
            if not str(prop.get("description", "")).strip():
                raise AssertionError(f"{where}: argument {arg!r} has no description")
    for kind in twin.reducers:
        if not kind.startswith(f"{twin.name}."):
            raise AssertionError(f"twin {twin.name!r} has a reducer for foreign kind {kind!r}")


def _world_seed(twin: Twin, seed_data: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if seed_data is None else {twin.name: seed_data}


def _check_initial_state(twin: Twin, seed_data: Mapping[str, Any] | None) -> None:
    try:
        first = twin.initial_state(seed_data)
        second = twin.initial_state(seed_data)
        same = digest(first) == digest(second)
        if twin.summary is not None:
            digest(twin.summary({twin.name: first}))
    except NotCanonicalError as exc:
        raise AssertionError(
            f"twin {twin.name!r}: state or summary is not canonical: {exc}"
        ) from exc
    if not same or first is second:
        raise AssertionError(
            f"twin {twin.name!r}: initial_state must build an equal, fresh state on every call"
        )


def _probe(
    world: World, spec: ToolSpec, args: Mapping[str, Any], where: str
) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """Run the handler on a copy of the state; check it leaves that copy alone."""
    try:
        parsed = spec.args.model_validate(dict(args))
    except ValidationError:
        return None
    view = copy.deepcopy(world.state)
    before = state_hash(view)
    ctx = CallContext(
        seed=world.seed, now_ms=world.clock_ms, next_seq=world.revision + 1, actor="agent"
    )
    try:
        result = spec.handler(view, parsed, ctx)
    except VeiError as err:
        result = err.to_dict()
    except Exception as exc:
        raise AssertionError(f"{where} raised {exc!r}") from exc
    if state_hash(view) != before:
        raise AssertionError(f"{where}: the handler mutated the state it was given")
    return result, [e.to_dict() for e in ctx.events]


def _run(
    twin: Twin,
    seed_data: Mapping[str, Any] | None,
    plan: Sequence[tuple[str, dict[str, Any]]],
    error_codes: Mapping[str, str] | None,
) -> tuple[str, str]:
    world = World(
        twins=[twin],
        seed=0,
        store=MemoryStore(),
        signer=Signer.from_seed(bytes(32)),
        run_id="check-twin",
        seed_data=_world_seed(twin, seed_data),
    )
    for index, (name, args) in enumerate(plan):
        where = f"call {index} ({name})"
        try:
            spec = world.registry.resolve(name)
        except UnknownToolError as exc:
            raise AssertionError(f"{where}: {exc}") from None
        probe = _probe(world, spec, args, where) if spec.twin == twin.name else None
        before, revision = world.state_hash(), world.revision
        try:
            outcome = world.call(name, args)
        except Exception as exc:
            raise AssertionError(f"{where} raised {exc!r} instead of returning") from exc
        parts = {"result": outcome.result, "events": [e.to_dict() for e in outcome.events]}
        if twin.summary is not None:
            parts["summary"] = twin.summary(world.state)
        for part, value in parts.items():
            try:
                digest(value)
            except NotCanonicalError as exc:
                raise AssertionError(f"{where}: the {part} is not canonical JSON: {exc}") from exc
        changed = world.state_hash() != before or world.revision != revision
        if not outcome.ok:
            code = outcome.result["error"]["code"]
            if code == "core.internal_error":
                raise AssertionError(f"{where} raised: {outcome.result['error']['message']}")
            if changed:
                raise AssertionError(f"{where}: rejected ({code}) but the state changed")
            if not code.startswith((f"{twin.name}.", "core.")):
                raise AssertionError(f"{where}: error code {code!r} is not {twin.name}.* or core.*")
            if (
                error_codes is not None
                and code.startswith(f"{twin.name}.")
                and code not in error_codes
            ):
                raise AssertionError(f"{where}: error code {code!r} is not documented")
        elif spec.kind == "read" and not spec.records and world.state_hash() != before:
            raise AssertionError(f"{where}: a read tool changed the state")
        elif spec.kind == "read" and outcome.events and not spec.records:
            raise AssertionError(f"{where}: a read tool emitted events (declare records=True)")
        for event in outcome.events:
            if not event.kind.startswith((f"{twin.name}.", "core.")):
                raise AssertionError(f"{where}: emitted foreign event kind {event.kind!r}")
        if probe is not None:
            result, events = probe
            real = [e.to_dict() for e in outcome.events[: len(events)]]
            if result != outcome.result or (outcome.ok and real != events):
                raise AssertionError(
                    f"{where}: the handler gave different results or events for the same state "
                    "(hidden state or randomness, or a result that aliases the live state?)"
                )
    _check_replay(twin, seed_data, world)
    return world.chain_head, world.state_hash()


def _check_replay(twin: Twin, seed_data: Mapping[str, Any] | None, world: World) -> None:
    state = initial_state([twin], _world_seed(twin, seed_data))
    reducers = reducer_table([twin])
    sections = set(state)
    events: list[Event] = list(world.store.events())
    for event in events:
        if event.cause is not None:
            state["core"]["pending"].pop(str(event.cause), None)
        reducer = reducers.get(event.kind)
        if reducer is None:
            continue
        core_before = digest(state["core"])
        reducer(state, event)
        if event.kind != "core.scheduled" and (
            set(state) != sections or digest(state["core"]) != core_before
        ):
            raise AssertionError(
                f"reducer for {event.kind!r} (seq {event.seq}) touched state outside {twin.name!r}"
            )
    if state_hash(state) != world.state_hash():
        raise AssertionError(
            f"twin {twin.name!r}: replaying {len(events)} events from the initial state does not "
            "reproduce the live state (a handler or reducer changed state outside the events?)"
        )
