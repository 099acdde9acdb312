"""``vei serve --transport http``: the bearer token, the socket and the ASGI server."""

from __future__ import annotations

import secrets
import signal
import socket
import sys
from typing import Any

import typer

from vei.config import Settings

# Long enough that guessing is hopeless; printed once, to the operator's terminal only.
TOKEN_BYTES = 32
GRACEFUL_SHUTDOWN_S = 5


def serve_http_or_exit(settings: Settings, host: str, port: int, max_sessions: int) -> None:
    """Serve MCP over streamable HTTP until SIGTERM/SIGINT; problems are one line, exit 2."""
    import uvicorn

    from vei.adapters.http import MCP_PATH, build_http_app
    from vei.scenarios import UnknownScenarioError

    token = settings.http_token
    generated = token is None
    if token is None:
        token = secrets.token_urlsafe(TOKEN_BYTES)
    if settings.state_dir is not None:
        _check_state_dir(settings)
    try:
        app, _ = build_http_app(settings, token, host=host, max_sessions=max_sessions)
    except (UnknownScenarioError, ValueError) as exc:
        typer.echo(f"vei: {exc}", err=True)
        raise typer.Exit(2) from None
    try:
        listener = _bind(host, port)
    except OSError as exc:
        typer.echo(f"vei: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    bound = listener.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    if generated:
        print(f"vei: bearer token (VEI_HTTP_TOKEN unset, generated): {token}", file=sys.stderr)
    print(f"vei: serving MCP at http://{shown}:{bound}{MCP_PATH}", file=sys.stderr, flush=True)
    config = uvicorn.Config(
        app,
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        access_log=False,
    )
    # uvicorn turns SIGTERM/SIGINT into a graceful shutdown (every session's run closes with
    # a checkpoint) and then re-raises the signal to whatever handler was there before: this
    # one, so a stop asked for by a supervisor ends with exit code 0 and no traceback.
    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop, _stopped)
    uvicorn.Server(config).run(sockets=[listener])


def _stopped(signum: int, frame: object) -> None:
    """The handler uvicorn hands a stop signal back to once it has shut down."""


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(128)
    except BaseException:
        listener.close()
        raise
    return listener


def _check_state_dir(settings: Settings) -> Any:
    """Fail at start-up, not at the first session, when runs cannot be stored or signed."""
    from vei.receipts.signing import SigningKeyError, load_or_create_signer, load_signer

    assert settings.state_dir is not None
    try:
        if settings.receipt_key is not None:
            return load_signer(settings.receipt_key)
        return load_or_create_signer(settings.state_dir)
    except SigningKeyError as exc:
        typer.echo(f"vei: {exc}", err=True)
        raise typer.Exit(2) from None
