"""The floor for MCP over stdio: a bare low-level ``mcp`` server with one no-op tool.

Started as a subprocess exactly like ``vei serve`` (``python <this file>``), driven by the
same client. By default it uses the SDK's stdio transport (the floor the issue names); with
``--vei-transport`` it uses the transport ``vei serve`` uses, so the difference to ``vei
serve`` is then only what VEI does per call.
"""

from __future__ import annotations

import sys
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
    if "--vei-transport" in sys.argv[1:]:
        from vei.adapters.mcp import stdio_transport

        transport = stdio_transport()
    else:
        transport = stdio_server()
    async with transport as (read, write):
        await server.run(read, write, server.create_initialization_options())


if __name__ == "__main__":
    anyio.run(main)
