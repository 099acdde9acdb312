from __future__ import annotations

import pytest

from vei.core.control import CONTROL_TOOLS
from vei.core.registry import Registry, ToolArgs, ToolSpec
from vei.twins import TWINS


class NoArgs(ToolArgs):
    pass


def _noop(*_: object) -> dict[str, object]:
    return {}


def test_names_must_be_snake_case_with_twin_prefix() -> None:
    for bad in ("slack.send", "Send", "slack"):
        with pytest.raises(ValueError):
            ToolSpec(name=bad, description="x", args=NoArgs, kind="read", handler=_noop)


def test_description_required_and_schema_is_object() -> None:
    with pytest.raises(ValueError, match="description"):
        ToolSpec(name="a_b", description=" ", args=NoArgs, kind="read", handler=_noop)
    spec = ToolSpec(name="a_b", description="d", args=NoArgs, kind="read", handler=_noop)
    assert spec.schema["type"] == "object"
    assert spec.alias == "a.b"


def test_duplicate_registration_is_refused() -> None:
    spec = ToolSpec(name="a_b", description="d", args=NoArgs, kind="read", handler=_noop)
    with pytest.raises(ValueError, match="twice"):
        Registry([spec, spec])


def test_aliases_resolve_but_are_not_listed() -> None:
    registry = Registry(CONTROL_TOOLS)
    assert registry.resolve("vei.observe").name == "vei_observe"
    assert all("." not in spec.name for spec in registry)
    assert "vei.observe" in registry


def test_search_ranks_name_matches_first() -> None:
    registry = Registry(CONTROL_TOOLS)
    found = registry.search("tick time wait", top_k=3)
    assert found[0].name == "vei_tick"


def test_every_tool_description_says_what_it_returns() -> None:
    tools = [*CONTROL_TOOLS, *(spec for twin in TWINS.values() for spec in twin.tools)]
    silent = [spec.name for spec in tools if "Returns" not in spec.description]
    assert not silent, f"descriptions that do not say what the tool returns: {silent}"
