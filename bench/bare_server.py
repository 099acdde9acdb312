"""The floor for MCP over stdio: a bare low-level ``mcp`` server with one no-op tool.

Started as a subprocess exactly like ``vei serve`` (``python <this file>``), driven by the
same client, so the difference to ``vei serve`` is what VEI adds per round trip.
"""

from __future__ import annotations

from typing import Any

import anyio
import mcp_types as types
from mcp.server import Server, ServerRequestContext
from mcp.server.stdio import stdio_server

NOOP = types.Tool(
    name="bench_noop",
    description="Does nothing.",
    input_schema={"type": "object", "properties": {}},
    annotations=types.ToolAnnotations(read_only_hint=True),
)
TOOLS = types.ListToolsResult(tools=[NOOP])


async def on_list_tools(
    ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
) -> types.ListToolsResult:
    return TOOLS


async def on_call_tool(
    ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text="{}")], structured_content={}
    )


async def main() -> None:
    server = Server(
        "bench-noop", version="0", on_list_tools=on_list_tools, on_call_tool=on_call_tool
    )
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


if __name__ == "__main__":
    anyio.run(main)
