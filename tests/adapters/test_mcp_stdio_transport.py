"""`vei serve`'s stdio transport: asyncio pipes when it can, the SDK's transport otherwise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from vei.adapters.mcp import _pipes_on_asyncio

pytestmark = pytest.mark.slow

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


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("VEI_")}


def _line(message: dict[str, Any]) -> bytes:
    return (json.dumps(message) + "\n").encode()


def test_pipes_are_not_assumed_outside_an_event_loop() -> None:
    assert _pipes_on_asyncio() is False


def test_a_request_file_on_stdin_is_served_by_the_sdk_transport(tmp_path: Path) -> None:
    requests = tmp_path / "requests.jsonl"
    requests.write_bytes(_line(INITIALIZE))
    with requests.open("rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-m", "vei", "serve"],
            stdin=stdin,
            capture_output=True,
            env=_env(),
            timeout=60,
        )
    assert done.returncode == 0, done.stderr
    reply = json.loads(done.stdout.splitlines()[0])
    assert reply["id"] == 1 and reply["result"]["serverInfo"]["name"] == "vei"


def test_pipes_carry_long_lines_and_keep_serving() -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "vei", "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=_env(),
    )
    assert server.stdin is not None and server.stdout is not None
    try:
        server.stdin.write(_line(INITIALIZE))
        server.stdin.write(_line({"jsonrpc": "2.0", "method": "notifications/initialized"}))
        too_long = {"channel": "#general", "text": "x" * 300_000}  # far past one pipe buffer
        for index, (tool, args) in enumerate(
            [("slack_send_message", too_long), ("slack_list_users", {})], start=2
        ):
            server.stdin.write(
                _line(
                    {
                        "jsonrpc": "2.0",
                        "id": index,
                        "method": "tools/call",
                        "params": {"name": tool, "arguments": args},
                    }
                )
            )
        server.stdin.flush()
        replies = [json.loads(server.stdout.readline()) for _ in range(3)]
        server.stdin.close()
        assert server.wait(timeout=30) == 0
    finally:
        server.kill()
        server.wait()
    rejected, listed = replies[1]["result"], replies[2]["result"]
    assert rejected["isError"] is True
    assert rejected["structuredContent"]["error"]["code"] == "core.invalid_arguments"
    assert listed["isError"] is False and listed["structuredContent"]["users"]
