"""The MCP adapter: a low-level ``mcp`` 2.x Server whose tools are the registry's tools.

Transports only move messages; every call goes through ``Session.call`` (which journals
it, for a run kept in a state dir: ``vei.store.journal``). A result carries
the tool's structured content, the same JSON as text for clients that only read text, and
the receipt under ``_meta["io.vei/receipt"]``. An unknown tool is a JSON-RPC
invalid-params error; every other failure is an ``isError`` result in the one error shape.

Over stdio, when stdin and stdout are pipes or sockets (as MCP clients start servers), the
lines are moved by asyncio pipe transports instead of the SDK's default of one worker-thread
hand-off per read, write and flush; the SDK still parses, validates and frames every
message. Anything else (a terminal, a file) uses the SDK's stdio transport unchanged.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import signal
import stat
import sys
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from typing import Any, cast

import anyio
import mcp_types as types
from mcp.server import Server, ServerRequestContext
from mcp.server.stdio import stdio_server
from mcp.shared.exceptions import MCPError
from pydantic import ValidationError

from vei import __version__
from vei.core.errors import UnknownToolError
from vei.core.registry import Registry, ToolSpec
from vei.core.world import WorldBrokenError
from vei.session import Session

RECEIPT_META_KEY = "io.vei/receipt"
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
# Longest accepted JSON-RPC message (a stdio line, an HTTP request body): far above any real
# tool call (the largest string argument is 20,000 characters), far below harm.
MAX_MESSAGE_BYTES = 4 * 1024 * 1024
MAX_LINE_BYTES = MAX_MESSAGE_BYTES

log = logging.getLogger("vei.mcp")

_READ_ONLY_CONTROL = {"vei_observe", "vei_state", "vei_pending", "vei_tools_search", "vei_help"}


# The result as text for clients that only read text: compact, and readable (not \u-escaped).
_TEXT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


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

    async def current(ctx: ServerRequestContext[Any]) -> Session:
        return session

    return build_session_server(current, task=session.world.meta.get("task"))


# How a request finds its session: one fixed session (stdio), or one per MCP session (HTTP).
SessionLookup = Callable[[ServerRequestContext[Any]], Awaitable[Session]]


def build_session_server(
    lookup: SessionLookup, *, task: str | None = None, in_thread: bool = False
) -> Server[Any]:
    """A low-level MCP server whose requests go to the Session ``lookup`` finds for them.

    ``in_thread`` runs each call on a worker thread, so that one session's durable commit
    (an fsync) does not hold up the others sharing the event loop.
    """
    # The list is built once per world's registry: vei_reset may start a scenario with other
    # apps, and the list must then describe the new world.
    lists: weakref.WeakKeyDictionary[Registry, types.ListToolsResult] = weakref.WeakKeyDictionary()

    def tool_list(session: Session) -> types.ListToolsResult:
        registry = session.world.registry
        result = lists.get(registry)
        if result is None:
            result = types.ListToolsResult(tools=[mcp_tool(s) for s in registry])
            lists[registry] = result
        return result

    async def on_list_tools(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return tool_list(await lookup(ctx))

    async def on_call_tool(
        ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        session = await lookup(ctx)
        arguments = params.arguments or {}
        try:
            if in_thread:
                outcome = await anyio.to_thread.run_sync(session.call, params.name, arguments)
            else:
                outcome = session.call(params.name, arguments)
        except UnknownToolError as exc:
            raise MCPError(INVALID_PARAMS, str(exc)) from None
        except WorldBrokenError as exc:
            raise MCPError(INTERNAL_ERROR, str(exc)) from None
        text = _TEXT.encode(outcome.result)
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=text)],
            structured_content=outcome.result,
            is_error=not outcome.ok,
            _meta={RECEIPT_META_KEY: outcome.receipt.to_dict()},
        )

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
    """Serve ``session`` over stdin/stdout until the client closes the stream.

    This takes over the process: its standard streams, and its garbage collector, which
    from here on skips everything that exists at start (modules, schemas, the seeded world).
    """
    server = build_server(session)
    # Every request allocates many short-lived objects, and each full collection would walk
    # the whole start-up heap again: about a fifth of a round trip, measured. Frozen objects
    # are still freed by reference counting; only cycles among them are never collected.
    gc.collect()
    gc.freeze()
    try:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(_stop_on_signal, tasks.cancel_scope)
            async with stdio_transport() as (read, write):
                await server.run(read, write, server.create_initialization_options())
            tasks.cancel_scope.cancel()
    finally:
        session.close()


async def _stop_on_signal(scope: anyio.CancelScope) -> None:
    # SIGTERM or SIGINT (a client shutting the server down) ends the serve loop at an await,
    # never inside a tool call (calls are synchronous), so the run closes with a checkpoint.
    with anyio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
        async for _ in signals:
            scope.cancel()
            return


@asynccontextmanager
async def stdio_transport() -> AsyncIterator[Any]:
    """The (read, write) streams of an MCP server on this process's stdin and stdout:
    asyncio pipe transports when both are pipes or sockets, the SDK's transport otherwise."""
    if _pipes_on_asyncio():
        async with _pipe_stdio() as streams:
            yield streams
    else:
        async with stdio_server() as streams:
            yield streams


def _pipes_on_asyncio() -> bool:
    """True when stdin and stdout are pipes or sockets and the loop is asyncio's."""
    if sys.platform == "win32":  # pragma: no cover
        return False
    try:
        asyncio.get_running_loop()
        modes = [os.fstat(fd).st_mode for fd in (0, 1)]
        backed = sys.stdin.fileno() == 0 and sys.stdout.fileno() == 1
    except (RuntimeError, OSError, ValueError, AttributeError):
        return False
    return backed and all(stat.S_ISFIFO(m) or stat.S_ISSOCK(m) for m in modes)


class _PipeLines:
    """The async line iterator the SDK's stdio_server reads requests from.

    A line the SDK could not decode (too long, not JSON, not JSON-RPC, a lone surrogate
    escape) would get no answer at all, so such a line is answered here with a JSON-RPC
    error (the request's id when it can be read, else null) and not passed on.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: _PipeWriter) -> None:
        self._reader = reader
        self._writer = writer

    def __aiter__(self) -> _PipeLines:
        return self

    async def __anext__(self) -> str:
        while True:
            try:
                raw = await self._reader.readuntil(b"\n")
            except asyncio.IncompleteReadError as end:
                if not end.partial:
                    raise StopAsyncIteration from None
                raw = end.partial
            except asyncio.LimitOverrunError:
                await self._skip_line()
                await self._refuse(
                    None, INVALID_REQUEST, f"message too large (over {MAX_LINE_BYTES} bytes)"
                )
                continue
            line = raw.decode("utf-8", errors="replace")
            if not line.strip():
                continue
            problem = _undecodable(line)
            if problem is None:
                return line
            await self._refuse(*problem)

    async def _skip_line(self) -> None:
        # Drop the rest of an oversized line in bounded chunks, keeping what follows it.
        while True:
            try:
                await self._reader.readuntil(b"\n")
                return
            except asyncio.LimitOverrunError as over:
                # ``consumed`` stops before any newline, so the next line stays intact.
                await self._reader.readexactly(max(over.consumed, 1))
            except asyncio.IncompleteReadError:
                return

    async def _refuse(self, request_id: Any, code: int, message: str) -> None:
        reply = {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}}
        await self._writer.write(json.dumps(reply) + "\n")
        await self._writer.flush()


def _undecodable(line: str) -> tuple[Any, int, str] | None:
    """None when the SDK can decode ``line``; else (request id or None, code, message)."""
    try:
        types.jsonrpc_message_adapter.validate_json(line, by_name=False)
    except ValidationError as exc:
        try:
            loose = json.loads(line)
        except ValueError:
            loose = None
        request_id = loose.get("id") if isinstance(loose, dict) else None
        if not isinstance(request_id, (str, int)) or isinstance(request_id, bool):
            request_id = None
        first = exc.errors(include_url=False)[0]
        if first["type"] == "json_invalid":  # includes a lone surrogate escape
            return request_id, PARSE_ERROR, f"parse error: {first['msg']}"
        return request_id, INVALID_REQUEST, "invalid request: not a JSON-RPC 2.0 message"
    return None


class _PipeWriter:
    """The async text writer the SDK's stdio_server writes responses to."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer

    async def write(self, text: str) -> None:
        self._writer.write(text.encode("utf-8"))

    async def flush(self) -> None:
        await self._writer.drain()


@asynccontextmanager
async def _pipe_stdio() -> AsyncIterator[Any]:
    import fcntl

    loop = asyncio.get_running_loop()
    # Claim the wire as the SDK does: the protocol moves over private duplicates, while fd 0
    # reads /dev/null and fd 1 writes to stderr, so a stray print() cannot corrupt a message.
    wire_in = fcntl.fcntl(0, fcntl.F_DUPFD_CLOEXEC, 3)
    wire_out = fcntl.fcntl(1, fcntl.F_DUPFD_CLOEXEC, 3)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    transports: list[asyncio.BaseTransport] = []
    try:
        reader = asyncio.StreamReader(limit=MAX_LINE_BYTES)
        read_transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(wire_in, "rb", buffering=0)
        )
        transports.append(read_transport)
        write_transport, protocol = await loop.connect_write_pipe(
            asyncio.streams.FlowControlMixin, os.fdopen(wire_out, "wb", buffering=0)
        )
        transports.append(write_transport)
        writer = _PipeWriter(asyncio.StreamWriter(write_transport, protocol, None, loop))
        async with stdio_server(
            stdin=cast("anyio.AsyncFile[str]", _PipeLines(reader, writer)),
            stdout=cast("anyio.AsyncFile[str]", writer),
        ) as streams:
            yield streams
    finally:
        # close() unregisters the transports now and closes their files on the next loop
        # turn, so the wire descriptors are still open to put back on fd 0 and fd 1.
        for transport in transports:
            transport.close()
        for fd, wire in ((0, wire_in), (1, wire_out)):
            with suppress(OSError):
                os.dup2(wire, fd)
                os.set_blocking(fd, True)
