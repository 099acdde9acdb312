"""check_twin accepts well-behaved twins and names the rule a broken one breaks."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pytest
from pydantic import Field

from vei.assembly import world_twins
from vei.core.context import CallContext
from vei.core.errors import VeiError
from vei.core.events import Event
from vei.core.registry import ToolArgs, ToolSpec
from vei.core.twin import Reducer, State, Twin
from vei.testing import check_twin
from vei.twins import DEFAULT_TWINS, TWINS, get_twins


class NoteArgs(ToolArgs):
    text: str = Field(description="The note.")


class NoArgs(ToolArgs):
    pass


def _add_note(state: State, args: NoteArgs, ctx: CallContext) -> dict[str, Any]:
    if args.text == "bad":
        raise VeiError("demo.bad_note", "no bad notes")
    ctx.emit("demo.noted", {"text": args.text})
    return {"ok": True}


def _count(state: State, args: NoArgs, ctx: CallContext) -> dict[str, Any]:
    return {"notes": len(state["demo"]["notes"])}


def _noted(state: State, event: Event) -> None:
    state["demo"]["notes"].append(event.data["text"])


def _demo(*tools: ToolSpec, reducers: dict[str, Reducer] | None = None) -> Twin:
    return Twin(
        name="demo",
        initial_state=lambda seed: {"notes": []},
        reducers={"demo.noted": _noted} if reducers is None else reducers,
        tools=tools or (_ADD, _COUNT),
    )


_ADD = ToolSpec("demo_add", "Add a note. Returns {ok}.", NoteArgs, "write", _add_note)
_COUNT = ToolSpec("demo_count", "Count notes. Returns {notes}.", NoArgs, "read", _count)
_CALLS = [("demo_add", {"text": "a"}), ("demo_add", {"text": "bad"}), ("demo_count", {})]


def test_a_well_behaved_twin_passes() -> None:
    check_twin(_demo(), calls=_CALLS)


@pytest.mark.parametrize("name", DEFAULT_TWINS)
def test_the_shipped_twins_pass_with_their_defaults(name: str) -> None:
    check_twin(TWINS[name])


def test_a_read_tool_that_mutates_state_fails() -> None:
    def sneaky(state: State, args: NoArgs, ctx: CallContext) -> dict[str, Any]:
        state["demo"]["notes"].append("peeked")
        return {}

    twin = _demo(_ADD, ToolSpec("demo_peek", "Peek. Returns {}.", NoArgs, "read", sneaky))
    with pytest.raises(AssertionError, match=r"\(demo_peek\): the handler mutated the state"):
        check_twin(twin)


def test_a_write_that_changes_state_without_events_fails() -> None:
    def direct(state: State, args: NoteArgs, ctx: CallContext) -> dict[str, Any]:
        state["demo"]["notes"].append(args.text)
        return {}

    twin = _demo(ToolSpec("demo_add", "Add. Returns {}.", NoteArgs, "write", direct))
    with pytest.raises(AssertionError, match=r"\(demo_add\): the handler mutated the state"):
        check_twin(twin, calls=[("demo_add", {"text": "a"})])


def test_an_impure_reducer_fails_replay() -> None:
    runs = itertools.count()

    def counting(state: State, event: Event) -> None:
        # Depends on how often it ever ran, so a replay disagrees with the live state.
        state["demo"]["notes"].append(f"{event.data['text']}#{next(runs)}")

    with pytest.raises(AssertionError, match="replaying 1 events"):
        check_twin(_demo(reducers={"demo.noted": counting}), calls=[("demo_add", {"text": "a"})])


def test_a_handler_with_hidden_state_fails_determinism() -> None:
    counter = itertools.count()

    def numbered(state: State, args: NoteArgs, ctx: CallContext) -> dict[str, Any]:
        ctx.emit("demo.noted", {"text": f"{args.text}-{next(counter)}"})
        return {}

    twin = _demo(ToolSpec("demo_add", "Add. Returns {}.", NoteArgs, "write", numbered))
    with pytest.raises(AssertionError, match="different results or events"):
        check_twin(twin, calls=[("demo_add", {"text": "a"})])


def test_a_reducer_that_writes_outside_its_section_fails() -> None:
    def spill(state: State, event: Event) -> None:
        state["core"]["mine"] = True

    with pytest.raises(AssertionError, match="touched state outside 'demo'"):
        check_twin(_demo(reducers={"demo.noted": spill}), calls=[("demo_add", {"text": "a"})])


def test_an_argument_without_description_fails() -> None:
    class Bare(ToolArgs):
        text: str

    twin = _demo(ToolSpec("demo_add", "Add. Returns {}.", Bare, "write", _add_note))
    with pytest.raises(AssertionError, match="argument 'text' has no description"):
        check_twin(twin)


def test_a_description_that_does_not_say_what_it_returns_fails() -> None:
    twin = _demo(ToolSpec("demo_add", "Add a note.", NoteArgs, "write", _add_note))
    with pytest.raises(AssertionError, match="'demo_add': the description does not say what it"):
        check_twin(twin)


def test_an_undocumented_error_code_fails_when_codes_are_given() -> None:
    with pytest.raises(AssertionError, match="'demo.bad_note' is not documented"):
        check_twin(_demo(), calls=_CALLS, error_codes={"demo.other": "something else"})
    check_twin(_demo(), calls=_CALLS, error_codes={"demo.bad_note": "a bad note"})
    declared = replace(_demo(), error_codes={"demo.other": "something else"})
    with pytest.raises(AssertionError, match="'demo.bad_note' is not documented"):
        check_twin(declared, calls=_CALLS)


def test_a_float_in_a_result_fails_with_the_call_named() -> None:
    def ratio(state: State, args: NoArgs, ctx: CallContext) -> dict[str, Any]:
        return {"ratio": 0.5}

    twin = _demo(_ADD, ToolSpec("demo_ratio", "Ratio. Returns {ratio}.", NoArgs, "read", ratio))
    with pytest.raises(
        AssertionError,
        match=r"call \d+ \(demo_ratio\).*result is not canonical JSON.*float at .ratio",
    ):
        check_twin(twin)


def test_a_call_that_crashes_fails_with_the_call_named() -> None:
    def crash(state: State, args: NoArgs, ctx: CallContext) -> dict[str, Any]:
        return {"first": state["demo"]["notes"][0]}

    twin = _demo(_ADD, ToolSpec("demo_first", "First. Returns {first}.", NoArgs, "read", crash))
    with pytest.raises(AssertionError, match=r"call \d+ \(demo_first\) raised"):
        check_twin(twin)


def test_get_twins_returns_twins_in_order_and_names_unknown_ones() -> None:
    assert [t.name for t in get_twins(["mail", "slack"])] == ["mail", "slack"]
    with pytest.raises(ValueError, match="'atlantis'.*known: .*browser, .*mail, .*slack"):
        get_twins(["slack", "atlantis"])
    with pytest.raises(ValueError, match="more than once"):
        get_twins(["slack", "slack"])
    with pytest.raises(ValueError, match="'npc'"):
        get_twins(["npc"])  # the app registry knows only apps


def test_world_twins_add_the_bookkeeping_twins() -> None:
    names = ["slack", "npc", "drift", "actors", "monitor", "policy"]
    assert [t.name for t in world_twins(names)] == names
    with pytest.raises(ValueError, match="'atlantis'.*known: .*monitor, .*npc"):
        world_twins(["atlantis"])
