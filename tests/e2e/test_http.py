"""`vei serve --transport http` through the official client and raw HTTP: bearer token, one
world and run per MCP session, limits, and every run closed with a checkpoint on shutdown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from vei.assembly import world_twins
from vei.core.state import reducer_table
from vei.receipts.verify import verify_run
from vei.store.rundir import list_runs, open_run

from .conftest import HttpServer, http_server

RECEIPT = "io.vei/receipt"
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"},
    },
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


async def _use(server: HttpServer, marker: str, *, delete: bool = True) -> dict[str, Any]:
    http = create_mcp_http_client(headers=server.auth())
    transport = streamable_http_client(server.url, http_client=http, terminate_on_close=delete)
    async with http, Client(transport, cache=None) as client:
        tools = {t.name for t in (await client.list_tools()).tools}
        sent = await client.call_tool("slack_send_message", {"channel": "#general", "text": marker})
        state = await client.call_tool("vei_state", {})
        read = await client.call_tool("slack_open_channel", {"channel": "general"})
    assert "slack_send_message" in tools and not sent.is_error
    assert sent.meta is not None and sent.meta[RECEIPT]["index"] == 1
    texts = [m["text"] for m in (read.structured_content or {}).get("messages", [])]
    return {"run": (state.structured_content or {})["run"], "texts": texts}


def _verify_all(state_dir: Path) -> list[Any]:
    reports = []
    for summary in list_runs(state_dir):
        with open_run(summary.run_dir) as handle:
            reducers = reducer_table(world_twins(handle.manifest["twins"]))
            reports.append(
                verify_run(handle.store, handle.manifest, reducers, run_dir=handle.run_dir)
            )
    return reports


def test_each_mcp_session_gets_its_own_world_and_every_run_closes(tmp_path: Path) -> None:
    with http_server(state_dir=tmp_path) as server:
        assert server.token is not None and len(server.token) >= 32  # generated, printed once
        assert sum("bearer token" in line for line in server.stderr) == 1

        async def main() -> list[dict[str, Any]]:
            first = await _use(server, "from-first")
            second = await _use(server, "from-second", delete=False)  # left open
            return [first, second]

        first, second = anyio.run(main)
        assert server.stop() == 0
    assert first["run"] != second["run"]
    assert "from-first" in first["texts"] and "from-second" not in first["texts"]
    assert "from-second" in second["texts"] and "from-first" not in second["texts"]
    reports = _verify_all(tmp_path)
    assert sorted(r.run_id for r in reports) == sorted([first["run"], second["run"]])
    assert all(r.ok and r.status == "closed" for r in reports), [r.failure for r in reports]


def test_requests_without_the_right_token_are_refused(tmp_path: Path) -> None:
    token = "a-fixed-token-for-this-test-0123"
    with http_server(env={"VEI_HTTP_TOKEN": token}) as server:
        assert server.token == token and not any(token in line for line in server.stderr)
        wrong = [
            {},
            {"Authorization": "Bearer not-the-token"},
            {"Authorization": f"Bearer {token}x"},
            {"Authorization": f"Basic {token}"},
            {"Authorization": token},
        ]
        with httpx2.Client(timeout=30) as http:
            for headers in wrong:
                reply = http.post(server.url, json=INITIALIZE, headers={**MCP_HEADERS, **headers})
                assert reply.status_code == 401, headers
                assert token not in reply.text and token not in str(reply.headers)
            good = http.post(server.url, json=INITIALIZE, headers={**MCP_HEADERS, **server.auth()})
            assert good.status_code == 200
            assert token not in good.text and token not in str(good.headers)
        server.stop()


def test_request_size_and_session_count_are_limited(tmp_path: Path) -> None:
    with http_server("--max-sessions", "1", env={"VEI_HTTP_TOKEN": "t" * 24}) as server:
        headers = {**MCP_HEADERS, **server.auth()}
        with httpx2.Client(timeout=60) as http:
            huge = {**INITIALIZE, "params": {**INITIALIZE["params"], "pad": "x" * (5 << 20)}}
            assert (
                http.post(server.url, content=json.dumps(huge), headers=headers).status_code == 413
            )
            opened = http.post(server.url, json=INITIALIZE, headers=headers)
            assert opened.status_code == 200 and opened.headers.get("mcp-session-id")
            refused = http.post(server.url, json=INITIALIZE, headers=headers)
            assert refused.status_code == 503
            in_session = {**headers, "mcp-session-id": opened.headers["mcp-session-id"]}
            surrogate = b'{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"x":"\\ud800"}}'
            undecodable = http.post(server.url, content=surrogate, headers=in_session)
            assert undecodable.status_code == 400
            assert undecodable.json()["error"]["code"] == -32700  # answered, not silence
        server.stop()


def test_sessionless_protocol_requests_are_refused_with_the_versions_served() -> None:
    with http_server(env={"VEI_HTTP_TOKEN": "t" * 24}) as server:
        body = {"jsonrpc": "2.0", "id": 5, "method": "server/discover", "params": {}}
        headers = {**MCP_HEADERS, **server.auth(), "MCP-Protocol-Version": "2026-07-28"}
        with httpx2.Client(timeout=30) as http:
            reply = http.post(server.url, json=body, headers=headers)
        assert reply.status_code == 400
        error = reply.json()
        assert error["id"] == 5 and error["error"]["code"] == -32022
        assert "2025-11-25" in error["error"]["data"]["supported"]
        server.stop()
