"""Every string argument of every tool has a limit, and a longer one changes nothing.

Regression: mail addresses of 2 MB were accepted (each call 10-20 s, 20 MB of database).
"""

from __future__ import annotations

from typing import Any

from vei.config import load_settings
from vei.core.registry import DEFAULT_MAX_STRING
from vei.session import Session
from vei.twins import TWINS


def _strings_without_limit(schema: Any, where: str) -> list[str]:
    found: list[str] = []
    if isinstance(schema, dict):
        if schema.get("type") == "string" and "maxLength" not in schema:
            found.append(where)
        for key, value in schema.items():
            found += _strings_without_limit(value, f"{where}.{key}")
    elif isinstance(schema, list):
        for i, value in enumerate(schema):
            found += _strings_without_limit(value, f"{where}[{i}]")
    return found


def test_every_string_in_every_tool_schema_has_a_max_length() -> None:
    session = Session(load_settings({}, env={}))
    specs = list(session.world.registry)
    for twin in TWINS.values():
        specs += list(twin.tools)
    missing = [w for s in specs for w in _strings_without_limit(s.schema, s.name)]
    assert not missing, missing


def test_a_two_megabyte_address_is_refused_quickly_and_changes_nothing() -> None:
    session = Session(load_settings({}, env={}))
    world = session.world
    before = (world.state_hash(), world.revision, world.clock_ms)
    outcome = session.call(
        "mail_compose",
        {"to": ["x" * 2_000_000 + "@example.com"], "subject": "hi", "body": "hello"},
    )
    assert not outcome.ok
    error = outcome.result["error"]
    assert error["code"] == "core.invalid_arguments"
    assert f"at most {DEFAULT_MAX_STRING} characters" in error["message"]
    assert (world.state_hash(), world.revision, world.clock_ms) == before


def test_an_argument_at_the_limit_is_accepted() -> None:
    session = Session(load_settings({}, env={}))
    outcome = session.call("vei_help", {"topic": "x" * DEFAULT_MAX_STRING})
    assert outcome.result["error"]["code"] == "core.unknown_tool"  # validated, then looked up
