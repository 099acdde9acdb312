"""MCP over streamable HTTP: the bare SDK server as the floor and ``vei serve --transport
http``, driven by the same official client over loopback.

``sessions`` clients run concurrently, each on its own MCP session, each making ``calls``
sequential tool calls; the figures are calls per second overall and per session (server
start, handshakes and the first calls are not timed). Both servers are driven in the
``initialize`` handshake era.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-token-0123456789abcdef"
WARMUP = 10


@dataclass(frozen=True)
class Rates:
    """Calls per second over all sessions, and the mean per session."""

    overall: float
    per_session: float


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEI_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


@contextmanager
def _serving(command: list[str], env: dict[str, str]) -> Iterator[str]:
    proc = subprocess.Popen(
        command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stderr is not None
        while True:
            line = proc.stderr.readline()
            if not line:
                raise RuntimeError(f"{command} exited before serving")
            if "serving MCP at " in line:
                yield line.split("serving MCP at ", 1)[1].strip()
                break
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def bare_server() -> Iterator[str]:
    """The floor's URL while it runs."""
    with _serving([sys.executable, "-m", "bench.bare_http_server"], _env({})) as url:
        yield url


@contextmanager
def vei_serve(state_dir: Path | None = None, durability: str = "full") -> Iterator[str]:
    """``vei serve --transport http``'s URL while it runs (in memory unless a state dir)."""
    extra = {"VEI_HTTP_TOKEN": TOKEN, "VEI_DURABILITY": durability}
    if state_dir is not None:
        extra["VEI_STATE_DIR"] = str(state_dir)
    command = [sys.executable, "-m", "vei", "serve", "--transport", "http", "--port", "0"]
    with _serving(command, _env(extra)) as url:
        yield url


def round_trips(url: str, tool: str, args: dict[str, Any], sessions: int, calls: int) -> Rates:
    """``sessions`` concurrent clients, ``calls`` sequential calls each (see module doc)."""

    async def one(started: anyio.Event, ready: list[int], spans: list[float]) -> None:
        http = create_mcp_http_client(headers={"Authorization": f"Bearer {TOKEN}"})
        # The handshake era on both sides: VEI serves only it (a world per MCP session), and
        # the bare server, left to the client's default probe, would serve the session-less
        # era instead, a different (and here much slower) path.
        transport = streamable_http_client(url, http_client=http)
        async with http, Client(transport, cache=None, mode="legacy") as c:
            for _ in range(WARMUP):
                result = await c.call_tool(tool, args)
                if result.is_error:
                    raise RuntimeError(f"bench call {tool} failed: {result.structured_content}")
            ready.append(1)
            await started.wait()
            begin = time.perf_counter()
            for _ in range(calls):
                await c.call_tool(tool, args)
            spans.append(time.perf_counter() - begin)

    async def run() -> Rates:
        started, ready, spans = anyio.Event(), [], []
        async with anyio.create_task_group() as group:
            for _ in range(sessions):
                group.start_soon(one, started, ready, spans)
            while len(ready) < sessions:  # every session connected and warm
                await anyio.sleep(0.01)
            begin = time.perf_counter()
            started.set()
        total = time.perf_counter() - begin
        return Rates(sessions * calls / total, sum(calls / s for s in spans) / len(spans))

    return anyio.run(run)
