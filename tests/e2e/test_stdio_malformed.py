"""Messages the server cannot decode get a JSON-RPC error over stdio, never silence.

Regression: a lone surrogate escape (\\ud800) got no reply, and lines up to 1 GiB were read.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from vei.adapters.mcp import MAX_LINE_BYTES

from .conftest import clean_env

INIT = {
    "jsonrpc": "2.0",
    "id": 0,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "0"},
    },
}


def _call(request_id: int, text: str) -> bytes:
    params = {"name": "slack_send_message", "arguments": {"channel": "#general", "text": text}}
    return json.dumps(
        {"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": params}
    ).encode()


def test_undecodable_and_oversized_messages_are_answered_and_the_server_goes_on() -> None:
    lone_surrogate = _call(1, "x").replace(b'"x"', b'"\\ud800"')
    too_long = _call(2, "a" * (MAX_LINE_BYTES + 10))
    lines = [
        json.dumps(INIT).encode(),
        b'{"jsonrpc":"2.0","method":"notifications/initialized"}',
        lone_surrogate,
        too_long,
        b"\xff\xfe this is not json",
        b'{"jsonrpc": "2.0", "id": 7, "method": 12}',
        _call(3, "still here"),
    ]
    proc = subprocess.Popen(
        [sys.executable, "-m", "vei", "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=clean_env(),
    )
    assert proc.stdin is not None and proc.stdout is not None
    replies: list[dict[str, Any]] = []
    try:
        proc.stdin.write(b"\n".join(lines) + b"\n")
        proc.stdin.flush()
        # One reply per request (the notification has none); the last is the call's.
        for _ in range(len(lines) - 1):
            line = proc.stdout.readline()
            assert line, "the server closed stdout"
            replies.append(json.loads(line))
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()
        proc.wait(timeout=60)
    by_id = {r.get("id"): r for r in replies if r.get("id") is not None}
    nulls = [r for r in replies if r.get("id") is None]
    assert by_id[1]["error"]["code"] == -32700 and "hex escape" in by_id[1]["error"]["message"]
    assert by_id[7]["error"]["code"] == -32600
    assert [r["error"]["code"] for r in nulls] == [-32600, -32700]
    assert "too large" in nulls[0]["error"]["message"]
    assert by_id[3]["result"]["isError"] is False
    assert by_id[3]["result"]["_meta"]["io.vei/receipt"]["index"] == 1  # nothing else landed
