"""MCP round trips over stdio: the bare-server floor and ``vei serve``, same client."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import anyio
from mcp import Client, StdioServerParameters

BARE_SERVER = Path(__file__).with_name("bare_server.py")
WARMUP = 20


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    # The server reads only the VEI_* it is given here, never the caller's.
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEI_")}
    env.update(extra or {})
    return env


def bare_server(vei_transport: bool = False) -> StdioServerParameters:
    """The floor: a low-level mcp Server with one no-op tool, as a subprocess, on the SDK's
    stdio transport or (``vei_transport``) on the one ``vei serve`` uses."""
    args = [str(BARE_SERVER), *(["--vei-transport"] if vei_transport else [])]
    return StdioServerParameters(command=sys.executable, args=args, env=_env())


def vei_serve(state_dir: Path | None = None) -> StdioServerParameters:
    """``vei serve`` started the way MCP clients start it (in memory unless a state dir)."""
    extra = {"VEI_STATE_DIR": str(state_dir)} if state_dir is not None else {}
    return StdioServerParameters(
        command=sys.executable, args=["-m", "vei", "serve"], env=_env(extra)
    )


def round_trips(
    server: StdioServerParameters, tool: str, args: dict[str, Any], count: int, repeats: int = 1
) -> float:
    """Best of ``repeats`` batches of ``count`` sequential tool calls per second, on one
    connection (server start and handshake are not timed)."""

    async def run() -> float:
        best = 0.0
        async with Client(server, cache=None) as client:
            await client.list_tools()
            for _ in range(WARMUP):
                result = await client.call_tool(tool, args)
                if result.is_error:
                    raise RuntimeError(f"bench call {tool} failed: {result.structured_content}")
            for _ in range(repeats):
                start = time.perf_counter()
                for _ in range(count):
                    await client.call_tool(tool, args)
                best = max(best, count / (time.perf_counter() - start))
        return best

    return anyio.run(run)
