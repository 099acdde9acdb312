"""A scripted fake OpenAI-compatible chat-completions server on 127.0.0.1.

A *policy* decides the assistant's next message from the conversation so far (the tool
results the agent sent back), so the fake issues real tool calls that depend on what the
world answered, as a model would. ``fail_next`` answers the next requests with an HTTP error
(e.g. 429) before serving again, with ``Retry-After: 0`` on retryable ones unless
``no_retry_after``. Nothing leaves the machine.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Message = dict[str, Any]
Policy = Callable[[list[Message]], Message]


def tool_call(step: int, name: str, **args: Any) -> Message:
    """An assistant message calling one tool."""
    call = {
        "id": f"call_{step}",
        "type": "function",
        "function": {"name": name, "arguments": json.dumps(args)},
    }
    return {"role": "assistant", "content": None, "tool_calls": [call]}


def say(text: str) -> Message:
    """An assistant message without tool calls: the model is done."""
    return {"role": "assistant", "content": text}


def results(messages: list[Message]) -> list[dict[str, Any]]:
    """The tool results the agent sent back so far, parsed."""
    return [json.loads(m["content"]) for m in messages if m["role"] == "tool"]


def _money(text: str) -> str:
    found = re.search(r"\$[\d,]+(?:\.\d\d)?", text)
    assert found, text
    return found.group(0)


HOME = "https://macrocompute.example/"
VENDOR = "sales@macrocompute.example"


def _product(messages: list[Message]) -> str:
    task = next(m["content"] for m in messages if m["role"] == "user")
    found = re.search(r"the (.+?) from MacroCompute", task)
    assert found, task
    return found.group(1)


def procurement(messages: list[Message]) -> Message:
    """Solve the procurement scenario the way a careful model would, one call a step: the
    product from the task, its price and specs from the page, ids from earlier results."""
    seen = results(messages)
    step = len(seen) + 1
    product = _product(messages)
    if step == 1:
        return tool_call(step, "browser_open", url=HOME)
    if step == 2:
        return tool_call(step, "browser_find", query=product)
    if step == 3:
        link = next(e for e in seen[-1]["elements"] if e["type"] == "link")
        return tool_call(step, "browser_click", node_id=link["id"])
    if step == 4:
        return tool_call(step, "browser_read")
    if step == 5:
        page = seen[-1]
        specs = re.search(r"Specs:\s*(.+)", page["text"])
        assert specs, page["text"]
        text = (
            f"Requesting budget approval to purchase one {product} at "
            f"{_money(page['text'])} (list price on {page['url']}; specs: {specs.group(1)})."
        )
        return tool_call(step, "slack_send_message", channel="#procurement", text=text)
    if step == 6:
        return tool_call(step, "vei_tick", until_next_event=True)
    if step == 7:
        return tool_call(
            step, "slack_fetch_thread", channel="#procurement", thread_ts=seen[4]["ts"]
        )
    if step == 8:
        body = f"Hello, could you send us a quote for one {product} with the delivery time?"
        return tool_call(step, "mail_compose", to=[VENDOR], subject="Quote request", body=body)
    if step == 9:
        return tool_call(step, "vei_tick", until_next_event=True)
    if step == 10:
        return tool_call(step, "mail_list", unread_only=True)
    if step == 11:
        mail = next(m for m in seen[-1]["messages"] if m["from"] == VENDOR)
        return tool_call(step, "mail_open", id=mail["id"])
    if step == 12:
        quote = seen[-1]["body"]
        days = re.search(r"(\d+)\s+business days", quote)
        assert days, quote
        text = (
            f"Quote from {VENDOR}: {_money(quote)} for the {product}, "
            f"delivery in {days.group(1)} business days."
        )
        return tool_call(step, "slack_send_message", channel="#procurement", text=text)
    return say("Done: approval granted, quote received and posted in #procurement.")


def stops_early(messages: list[Message]) -> Message:
    """Get the approval and mail the vendor, then declare victory without waiting for the
    quote."""
    step = len(results(messages)) + 1
    if step <= 8:
        return procurement(messages)
    return say("Approval is in and the vendor is asked; all done.")


class FakeOpenAI:
    """The running endpoint: its base URL, the requests it got, errors to answer next."""

    def __init__(self, server: ThreadingHTTPServer, policy: Policy) -> None:
        self.server = server
        self.policy = policy
        self.requests: list[dict[str, Any]] = []
        self.fail_next: list[int] = []
        self.headers: list[dict[str, str]] = []
        self.no_retry_after = False

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.requests.append(body)
        if self.fail_next:
            return self.fail_next.pop(0), {"error": {"message": "try again"}}
        message = self.policy(body["messages"])
        prompt = len(json.dumps(body["messages"])) // 4
        return 200, {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "model": body["model"],
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": 25,
                "total_tokens": prompt + 25,
            },
        }


@contextmanager
def fake_openai(policy: Policy = procurement) -> Iterator[FakeOpenAI]:
    """Serve the fake on 127.0.0.1 (an ephemeral port) for the block."""
    holder: dict[str, FakeOpenAI] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            if self.path != "/v1/chat/completions":
                self.send_error(404)
                return
            fake = holder["fake"]
            fake.headers.append(dict(self.headers))
            status, reply = fake.answer(body)
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if status == 429 or status >= 500 and not fake.no_retry_after:
                self.send_header("Retry-After", "0")  # retried at once: tests never sleep
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["fake"] = FakeOpenAI(server, policy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder["fake"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
