"""The real `vei serve` subprocess driven by the official MCP client over stdio."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from vei.config import load_settings
from vei.receipts.chain import signed_message
from vei.receipts.signing import verify_signature
from vei.session import Session

from .conftest import vei_server

RECEIPT = "io.vei/receipt"


def _flatten(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for sub in exc.exceptions for leaf in _flatten(sub)]
    return [exc]


def test_stdio_server_lists_calls_and_returns_receipts(tmp_path: Path) -> None:
    expected = {spec.name for spec in Session(load_settings(env={})).world.registry}

    async def scenario() -> dict[str, Any]:
        async with Client(vei_server("--run-id", "e2e", state_dir=tmp_path), cache=None) as client:
            listed = (await client.list_tools()).tools
            channels = await client.call_tool("slack_list_channels", {})
            alias = await client.call_tool(
                "slack.send_message", {"channel": "#general", "text": "hello from e2e"}
            )
            bad = await client.call_tool("slack_send_message", {"channel": 5})
            return {"tools": listed, "channels": channels, "alias": alias, "bad": bad}

    got = asyncio.run(scenario())
    tools = got["tools"]
    assert {t.name for t in tools} == expected
    for tool in tools:
        assert tool.description and tool.input_schema["type"] == "object", tool.name
        assert "." not in tool.name

    channels = got["channels"]
    assert not channels.is_error
    assert isinstance(channels.structured_content, dict)
    assert json.loads(channels.content[0].text) == channels.structured_content
    receipt = channels.meta[RECEIPT]
    assert receipt["tool"] == "slack_list_channels" and receipt["index"] == 1

    manifest = json.loads((tmp_path / "runs" / "e2e" / "manifest.json").read_text())
    message = signed_message(receipt["run"], receipt["hash"])
    assert verify_signature(manifest["public_key"], message, receipt["signature"])

    assert not got["alias"].is_error
    assert got["alias"].meta[RECEIPT]["tool"] == "slack_send_message"

    bad = got["bad"]
    assert bad.is_error
    assert bad.structured_content["error"]["code"] == "core.invalid_arguments"
    assert bad.meta[RECEIPT]["ok"] is False


def test_unknown_tool_is_a_protocol_error() -> None:
    async def scenario() -> None:
        async with Client(vei_server(), cache=None) as client:
            await client.call_tool("slack_teleport", {})

    with pytest.raises(BaseException) as caught:
        asyncio.run(scenario())
    errors = [e for e in _flatten(caught.value) if isinstance(e, MCPError)]
    assert errors and errors[0].code == -32602
    assert "slack_teleport" in str(errors[0])


def test_reset_starts_a_new_run_with_another_seed(tmp_path: Path) -> None:
    async def scenario() -> tuple[Any, Any]:
        async with Client(vei_server(state_dir=tmp_path), cache=None) as client:
            before = await client.call_tool("vei_state", {})
            reset = await client.call_tool("vei_reset", {"seed": 7})
            after = await client.call_tool("vei_state", {})
            return before, (reset, after)

    before, (reset, after) = asyncio.run(scenario())
    assert not reset.is_error
    assert reset.structured_content["previous_run"] == before.structured_content["run"]
    assert (
        after.structured_content["run"]
        == reset.structured_content["run"]
        != before.structured_content["run"]
    )
    assert after.structured_content["seed"] == 7
    assert len(list((tmp_path / "runs").iterdir())) == 2
