"""The MCP tool list: what it says about each tool, and (regression) that after vei_reset to a
scenario with other apps it describes the new world."""

from __future__ import annotations

import asyncio
from typing import Any

from mcp import Client

from vei.adapters.mcp import build_server
from vei.config import load_settings
from vei.scenarios import parse_scenario
from vei.session import Session

CHAT_ONLY = {
    "name": "chat_only",
    "title": "Only chat",
    "task": "Say hello in #general.",
    "twins": {"slack": None},
    "criteria": [
        {"id": "hello", "description": "said hello", "kind": "chat_post", "channel": "general"}
    ],
}


def test_tool_list_follows_reset_to_a_scenario_with_other_apps() -> None:
    scenario = parse_scenario(CHAT_ONLY, source="chat_only.yaml")
    session = Session(load_settings({}, env={}), scenario=scenario)

    async def play() -> tuple[set[str], set[str]]:
        async with Client(build_server(session), cache=None) as client:
            before = {t.name for t in (await client.list_tools()).tools}
            reset = await client.call_tool("vei_reset", {"scenario": "procurement"})
            assert not reset.is_error, reset.structured_content
            after = {t.name for t in (await client.list_tools()).tools}
            return before, after

    before, after = asyncio.run(play())
    assert "browser_open" not in before and "mail_list" not in before
    assert {"browser_open", "mail_list", "slack_send_message"} <= after


def test_tool_list_marks_reads_keys_writes_and_shows_recipient_forms() -> None:
    session = Session(load_settings({}, env={}))

    async def listed() -> dict[str, Any]:
        async with Client(build_server(session), cache=None) as client:
            return {t.name: t for t in (await client.list_tools()).tools}

    tools = asyncio.run(listed())
    for spec in session.world.registry:
        tool = tools[spec.name]
        assert tool.annotations is not None
        if spec.kind == "read":
            assert tool.annotations.read_only_hint is True, spec.name
        if spec.kind == "write":
            assert tool.annotations.read_only_hint is False, spec.name
            assert "idempotency_key" in tool.input_schema["properties"], spec.name
        assert "Returns" in (tool.description or ""), spec.name
    to = tools["mail_compose"].input_schema["properties"]["to"]
    assert [option["type"] for option in to["anyOf"]] == ["string", "array"]
    assert "commas" in to["description"]
    assert "cc" in tools["mail_reply"].input_schema["properties"]
