"""Regression: after vei_reset to a scenario with other apps, tools/list describes the new world."""

from __future__ import annotations

import asyncio

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
