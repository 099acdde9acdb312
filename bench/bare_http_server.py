"""The floor for MCP over HTTP: a bare low-level ``mcp`` server with one no-op tool, on the
SDK's own streamable-HTTP app (``Server.streamable_http_app()``) served by uvicorn.

``python bare_http_server.py`` prints ``serving MCP at URL`` on stderr once it listens (an
ephemeral loopback port), exactly as ``vei serve --transport http --port 0`` does.
"""

from __future__ import annotations

import socket
import sys

import uvicorn

from bench.bare_server import on_call_tool, on_list_tools


def main() -> None:
    from mcp.server import Server

    server = Server(
        "bench-noop", version="0", on_list_tools=on_list_tools, on_call_tool=on_call_tool
    )
    app = server.streamable_http_app()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    print(f"serving MCP at http://127.0.0.1:{port}/mcp", file=sys.stderr, flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    uvicorn.Server(config).run(sockets=[listener])


if __name__ == "__main__":
    main()
