"""Load over loopback: 20 concurrent MCP sessions x 200 calls through the official client,
while an intruder keeps trying without the right token.

Every session's run verifies and holds only that session's calls, and every request
without the right token is refused. Bounded by counts and by the test's own deadline; the
throughput is measured by `make bench` (bench/http.py), not asserted here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from vei.assembly import world_twins
from vei.core.state import reducer_table
from vei.receipts.verify import verify_run
from vei.store.rundir import list_runs, open_run

from .conftest import HttpServer, http_server

SESSIONS = 20
CALLS = 200
INTRUSIONS = 300
DEADLINE_S = 240
TOKEN = "load-test-token-0123456789abcdef"


async def one_session(server: HttpServer, i: int) -> dict[str, Any]:
    http = create_mcp_http_client(headers=server.auth())
    sent = 0
    async with http, Client(streamable_http_client(server.url, http_client=http), cache=None) as c:
        for k in range(CALLS):
            if k % 5 == 4:
                result = await c.call_tool("vei_observe", {})
            else:
                text = f"session-{i} message {k}"
                result = await c.call_tool(
                    "slack_send_message", {"channel": "#general", "text": text}
                )
                sent += 1
            assert not result.is_error, result.structured_content
        state = (await c.call_tool("vei_state", {})).structured_content or {}
    return {"session": i, "run": state["run"], "sent": sent, "receipts": state["receipt_count"]}


async def intruder(server: HttpServer) -> list[int]:
    wrong = [
        {},
        {"Authorization": "Bearer nope"},
        {"Authorization": f"Bearer {TOKEN[:-1]}"},
        {"Authorization": f"Bearer {TOKEN}0"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": f"bearer {TOKEN.upper()}"},
    ]
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "vei_state"}}
    statuses = []
    async with httpx2.AsyncClient(timeout=60) as http:
        for n in range(INTRUSIONS):
            headers = {
                "Accept": "application/json, text/event-stream",
                "mcp-session-id": f"{n:032x}",
                **wrong[n % len(wrong)],
            }
            reply = await http.post(server.url, json=body, headers=headers)
            statuses.append(reply.status_code)
    return statuses


@pytest.mark.slow  # about 20 s on 2 cores; still part of `make test`
def test_twenty_sessions_of_two_hundred_calls_stay_apart_and_verify(tmp_path: Path) -> None:
    env = {"VEI_HTTP_TOKEN": TOKEN, "VEI_DURABILITY": "fast"}
    with http_server(state_dir=tmp_path, env=env) as server:
        sessions: list[dict[str, Any]] = []
        refused: list[int] = []

        async def main() -> None:
            async def run_one(i: int) -> None:
                sessions.append(await one_session(server, i))

            async def intrude() -> None:
                refused.extend(await intruder(server))

            with anyio.fail_after(DEADLINE_S):
                async with anyio.create_task_group() as group:
                    group.start_soon(intrude)
                    for i in range(SESSIONS):
                        group.start_soon(run_one, i)

        anyio.run(main)
        assert server.stop() == 0

    assert refused == [401] * INTRUSIONS
    assert len(sessions) == SESSIONS and len({s["run"] for s in sessions}) == SESSIONS
    by_run = {s["run"]: s for s in sessions}
    runs = list_runs(tmp_path)
    assert sorted(r.run_id for r in runs) == sorted(by_run)
    for summary in runs:
        mine = by_run[summary.run_id]
        with open_run(summary.run_dir) as handle:
            reducers = reducer_table(world_twins(handle.manifest["twins"]))
            report = verify_run(handle.store, handle.manifest, reducers, run_dir=handle.run_dir)
            posted = [
                e.data["text"]
                for e in handle.store.events()
                if e.kind == "slack.message_posted" and e.actor == "agent"
            ]
        assert report.ok and report.status == "closed", report.failure
        assert report.receipts == CALLS + 1 == mine["receipts"] + 1
        # No cross-talk: this run holds exactly this session's messages, in order.
        prefix = f"session-{mine['session']} "
        assert len(posted) == mine["sent"] and all(t.startswith(prefix) for t in posted)
