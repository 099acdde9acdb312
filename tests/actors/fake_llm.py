"""A fake OpenAI-compatible endpoint on 127.0.0.1 for the actor backend tests.

It answers ``POST /v1/chat/completions`` with a wording built from the prompt's facts, so
the tests can tell LLM wording from template wording. Nothing leaves the machine.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeLLM:
    """The running endpoint: its base URL and the requests it received."""

    def __init__(self, server: ThreadingHTTPServer) -> None:
        self.server = server
        self.requests: list[dict[str, Any]] = []
        self.drop_facts = False

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def answer(self, body: dict[str, Any]) -> str:
        self.requests.append(body)
        prompt = json.loads(body["messages"][1]["content"])
        if self.drop_facts:
            return "Something changed, please get in touch."
        facts = ", ".join(f"{k}={v}" for k, v in sorted(prompt["facts"].items()))
        return f"[{prompt['role']} via LLM] {facts}"


@contextmanager
def fake_llm() -> Iterator[FakeLLM]:
    """Serve a fake completions endpoint on 127.0.0.1 (an ephemeral port) for the block."""
    holder: dict[str, FakeLLM] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            if self.path != "/v1/chat/completions":
                self.send_error(404)
                return
            text = holder["llm"].answer(body)
            reply = {"model": body["model"], "choices": [{"message": {"content": text}}]}
            data = json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["llm"] = FakeLLM(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder["llm"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
