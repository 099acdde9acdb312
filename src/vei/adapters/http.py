"""MCP over streamable HTTP: the SDK's session manager at ``/mcp``, one world per MCP session.

Every request must carry ``Authorization: Bearer <token>``; the token is compared in
constant time (``hmac.compare_digest``) and a request without it, or with another, gets 401
before it reaches MCP. Each MCP session (the SDK's ``Mcp-Session-Id``) gets its own Session,
so its own world and run, created on its first tool request and closed with a checkpoint
when the session ends (the client's DELETE, the idle timeout, or server shutdown). Request
bodies are limited to ``MAX_REQUEST_BYTES`` (413 beyond) and open sessions to
``max_sessions`` (503 beyond).

A world belongs to an MCP session, so requests of the 2026 protocol era, which have no
session, are refused with the handshake versions this server speaks; the official client
then falls back to the ``initialize`` handshake by itself.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import anyio
from mcp.server import ServerRequestContext
from mcp.server.auth.middleware.bearer_auth import BearerAuthBackend, RequireAuthMiddleware
from mcp.server.auth.provider import AccessToken
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from mcp.shared.exceptions import MCPError
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from vei.adapters.mcp import build_session_server
from vei.config import Settings
from vei.session import Session

log = logging.getLogger("vei.http")

MCP_PATH = "/mcp"
# The same bound as one stdio line: far above any real tool call, far below harm.
MAX_REQUEST_BYTES = 4 * 1024 * 1024
SESSION_HEADER = "mcp-session-id"
INVALID_REQUEST = -32600
UNSUPPORTED_PROTOCOL_VERSION = -32022
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class StaticTokenVerifier:
    """Accepts exactly one bearer token (the SDK's TokenVerifier protocol)."""

    def __init__(self, token: str) -> None:
        self._token = token.encode("utf-8")

    async def verify_token(self, token: str) -> AccessToken | None:
        """An access token for the operator when ``token`` matches, else None."""
        if not hmac.compare_digest(token.encode("utf-8", "surrogatepass"), self._token):
            return None
        # The principal every session is bound to; the token itself is never kept here.
        return AccessToken(token="", client_id="vei-operator", scopes=[])


# Ended session ids remembered so that a late request can never start a second world under
# one id (the SDK answers 404 for ids it has forgotten; ids are random and never reused).
REMEMBERED_ENDED = 10_000


@dataclass
class SessionPool:
    """One Session (world and run) per MCP session id; closes them when sessions end."""

    settings: Settings
    sessions: dict[str, Session] = field(default_factory=dict)
    ended: OrderedDict[str, None] = field(default_factory=OrderedDict)
    _creating: anyio.Lock = field(default_factory=anyio.Lock)

    async def lookup(self, ctx: ServerRequestContext[Any]) -> Session:
        """The Session of the request's MCP session, created on its first request."""
        session_id = _session_id(ctx)
        if session_id is None:
            raise MCPError(
                INVALID_REQUEST, "VEI over HTTP serves one world per MCP session: initialize first"
            )
        found = self.sessions.get(session_id)
        if found is not None:
            return found
        async with self._creating:
            found = self.sessions.get(session_id)
            if found is not None:
                return found
            if session_id in self.ended:
                raise MCPError(INVALID_REQUEST, "this MCP session has ended; start a new one")
            # In memory every run would be called <scenario>-s<seed>-memory: name each one.
            run_id = None if self.settings.state_dir is not None else _memory_run_id(self.settings)
            try:
                created = await anyio.to_thread.run_sync(
                    partial(Session, self.settings, run_id=run_id)
                )
            except Exception as exc:  # a full disk, an unusable state dir, ...
                log.error("cannot start a run for a new MCP session: %s", exc)
                raise MCPError(-32603, f"cannot start a run: {exc}") from None
            self.sessions[session_id] = created
        _on_connection_end(ctx, lambda: self.end(session_id))
        return created

    async def end(self, session_id: str) -> None:
        """Close the run of an MCP session that ended (idempotent)."""
        self.ended[session_id] = None
        while len(self.ended) > REMEMBERED_ENDED:
            self.ended.popitem(last=False)
        session = self.sessions.pop(session_id, None)
        if session is not None:
            await anyio.to_thread.run_sync(_close, session)

    async def close_all(self) -> None:
        """Close every open run (server shutdown)."""
        for session_id in list(self.sessions):
            await self.end(session_id)


def _memory_run_id(settings: Settings) -> str:
    from vei.store.rundir import new_run_id

    return new_run_id(settings.scenario, settings.seed)


def _close(session: Session) -> None:
    try:
        if session.close() is None and session.world.broken:
            log.error("run %s was not closed: its store had failed", session.world.run_id)
    except Exception as exc:
        log.error("run %s could not be closed: %s", session.world.run_id, exc)


def _session_id(ctx: ServerRequestContext[Any]) -> str | None:
    request = ctx.request
    headers = getattr(request, "headers", None)
    value = None if headers is None else headers.get(SESSION_HEADER)
    return value if isinstance(value, str) and value else None


def _on_connection_end(ctx: ServerRequestContext[Any], callback: Callable[[], Any]) -> None:
    # The SDK unwinds each connection's exit stack when its MCP session ends (DELETE, idle
    # timeout, shutdown). Handlers reach the connection only through the request's session
    # proxy; the pool's close_all at shutdown covers a connection that cannot be reached.
    connection = getattr(ctx.session, "_connection", None)
    stack = getattr(connection, "exit_stack", None)
    if stack is not None:
        stack.push_async_callback(callback)


class _RefuseSessionless:
    """Answers requests of the session-less 2026 protocol era with the versions served."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        version = None
        for key, value in scope.get("headers", ()):
            if key == b"mcp-protocol-version":
                version = value.decode("latin-1")
        if version is None or version in HANDSHAKE_PROTOCOL_VERSIONS:
            await self.app(scope, receive, send)
            return
        request_id = await _request_id(receive)
        error = {
            "code": UNSUPPORTED_PROTOCOL_VERSION,
            "message": "VEI serves one world per MCP session: use the initialize handshake",
            "data": {"supported": list(HANDSHAKE_PROTOCOL_VERSIONS), "requested": version},
        }
        body = json.dumps({"jsonrpc": "2.0", "id": request_id, "error": error}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 400,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


async def _request_id(receive: Receive) -> Any:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_REQUEST_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    try:
        decoded = json.loads(b"".join(chunks))
    except ValueError:
        return None
    return decoded.get("id") if isinstance(decoded, dict) else None


def build_http_app(
    settings: Settings, token: str, *, host: str = "127.0.0.1", max_sessions: int = 64
) -> tuple[Starlette, SessionPool]:
    """The ASGI app of ``vei serve --transport http`` and the pool of its sessions."""
    pool = SessionPool(settings)
    from vei.scenarios import load_scenario

    task = load_scenario(settings.scenario, settings.scenario_pack).task
    server = build_session_server(pool.lookup, task=task, in_thread=True)
    # DNS-rebinding protection where a browser could reach us by a name: loopback binds.
    security = (
        TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=["127.0.0.1:*", "localhost:*", "[::1]:*"],
            allowed_origins=["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"],
        )
        if host in LOOPBACK
        else None
    )
    manager = StreamableHTTPSessionManager(
        app=server,
        security_settings=security,
        max_request_body_size=MAX_REQUEST_BYTES,
        max_sessions=max_sessions,
    )

    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        await manager.handle_request(scope, receive, send)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        try:
            async with manager.run():
                yield
        finally:
            with anyio.CancelScope(shield=True):
                await pool.close_all()

    app = Starlette(
        routes=[Route(MCP_PATH, endpoint=RequireAuthMiddleware(_RefuseSessionless(endpoint), []))],
        middleware=[
            Middleware(
                AuthenticationMiddleware, backend=BearerAuthBackend(StaticTokenVerifier(token))
            )
        ],
        lifespan=lifespan,
    )
    return app, pool
