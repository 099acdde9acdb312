"""The MCP adapter: a low-level ``mcp`` 2.x Server whose tools are the registry's tools.

Transports only move messages; every call goes through ``Session.call``. A result carries
the tool's structured content, the same JSON as text for clients that only read text, and
the receipt under ``_meta["io.vei/receipt"]``. An unknown tool is a JSON-RPC
invalid-params error; every other failure is an ``isError`` result in the one error shape.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import mcp_types as types
from mcp.server import Server, ServerRequestContext
from mcp.server.stdio import stdio_server
from mcp.shared.exceptions import MCPError

from vei import __version__
from vei.core.errors import UnknownToolError
from vei.core.registry import ToolSpec
from vei.core.world import WorldBrokenError
from vei.session import Session

RECEIPT_META_KEY = "io.vei/receipt"
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603

log = logging.getLogger("vei.mcp")

_READ_ONLY_CONTROL = {"vei_observe", "vei_state", "vei_pending", "vei_tools_search", "vei_help"}


def mcp_tool(spec: ToolSpec) -> types.Tool:
    """The MCP declaration of one registry tool."""
    read_only = spec.kind == "read" or spec.name in _READ_ONLY_CONTROL
    return types.Tool(
        name=spec.name,
        description=spec.description,
        input_schema=spec.schema,
        annotations=types.ToolAnnotations(
            read_only_hint=read_only,
            destructive_hint=False if read_only else spec.name == "vei_reset",
            open_world_hint=False,
        ),
    )


def build_server(session: Session) -> Server[Any]:
    """A low-level MCP server bound to ``session``."""

    def tool_list() -> types.ListToolsResult:
        return types.ListToolsResult(tools=[mcp_tool(s) for s in session.world.registry])

    cached = tool_list()

    async def on_list_tools(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return cached

    async def on_call_tool(
        ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        try:
            outcome = session.call(params.name, params.arguments or {})
        except UnknownToolError as exc:
            raise MCPError(INVALID_PARAMS, str(exc)) from None
        except WorldBrokenError as exc:
            raise MCPError(INTERNAL_ERROR, str(exc)) from None
        text = json.dumps(outcome.result, ensure_ascii=False, separators=(",", ":"))
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=text)],
            structured_content=outcome.result,
            is_error=not outcome.ok,
            _meta={RECEIPT_META_KEY: outcome.receipt.to_dict()},
        )

    task = session.world.meta.get("task")
    return Server(
        "vei",
        version=__version__,
        instructions=(
            "VEI is a simulated company (chat, mail, ...). Tools are <app>_<verb>; time is "
            "virtual (vei_tick waits, vei_observe shows what is new). "
            + (f"Your task: {task}" if task else "")
        ),
        on_list_tools=on_list_tools,
        on_call_tool=on_call_tool,
    )


async def serve_stdio(session: Session) -> None:
    """Serve ``session`` over stdin/stdout until the client closes the stream."""
    server = build_server(session)
    try:
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())
    finally:
        session.close()
