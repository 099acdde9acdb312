"""An agent backed by any OpenAI-compatible chat-completions endpoint with tool calling
(OpenAI, vLLM, Ollama, LiteLLM, ...).

The model gets the server's instructions as the system message, the scenario's task as the
user message and every tool the MCP server lists but ``vei_reset`` as a function (tool names
are already ``<app>_<verb>``, which these APIs accept). Each tool call it makes goes through
the MCP client; the result's text goes back as the tool message. The loop ends when the model
answers without a tool call or the step budget (completions) is spent.

Every completion is written to a JSON Lines file, so a reviewer can read what the model saw
and said and match each tool call to its signed receipt (see docs/eval.md for the format).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import anyio
import mcp_types as types
from mcp import Client
from mcp.shared.exceptions import MCPError

from vei.agents.usage import Usage

COMPLETIONS_FILE = "completions.jsonl"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
RECEIPT_META_KEY = "io.vei/receipt"
MAX_BACKOFF_S = 60.0
NOT_OFFERED = ("vei_reset",)
Sleep = Callable[[float], Awaitable[None]]


class EndpointError(RuntimeError):
    """The endpoint gave no usable completion (after retrying what may be retried)."""


@dataclass(frozen=True)
class ChatOptions:
    """How to reach the model and how long to let it work.

    ``max_steps`` bounds the number of completions; ``max_attempts`` the tries per
    completion on HTTP 408/409/429/5xx or a transport failure, waiting ``backoff_s`` doubled
    each time (or the ``Retry-After`` the server sends), at most a minute. Prices are USD per
    million tokens; without them the cost is what the endpoint reports in ``usage.cost``, if
    anything."""

    model: str
    base_url: str = DEFAULT_BASE_URL
    api_key: str | None = field(default=None, repr=False)
    temperature: float = 0.0
    seed: int | None = None
    max_steps: int = 50
    max_attempts: int = 6
    backoff_s: float = 1.0
    timeout_s: float = 120.0
    price_input: float | None = None
    price_output: float | None = None


@dataclass(frozen=True)
class ChatResult:
    """How the conversation ended: ``answered`` (a reply without tool calls) or
    ``step_budget``; the model's last text; what it consumed."""

    stop: str
    steps: int
    final_text: str | None
    usage: Usage


def _retryable(status: int) -> bool:
    return status in (408, 409, 429) or status >= 500


def _retry_after(headers: Mapping[str, str]) -> float | None:
    raw = headers.get("retry-after")
    try:
        return max(0.0, float(raw)) if raw is not None else None
    except ValueError:  # an HTTP date: fall back to our own backoff
        return None


class ChatEndpoint:
    """POSTs to ``<base_url>/chat/completions`` with retries; ``sleep`` waits between tries
    (wall time: the endpoint lives outside the virtual world)."""

    def __init__(self, options: ChatOptions, *, sleep: Sleep = anyio.sleep) -> None:
        import httpx2

        self.url = options.base_url.rstrip("/") + "/chat/completions"
        self.options = options
        self._sleep = sleep
        headers = {"Authorization": f"Bearer {options.api_key}"} if options.api_key else {}
        # VEI reads the environment only in vei.config, so no proxy variables either.
        self._client = httpx2.AsyncClient(
            timeout=options.timeout_s, headers=headers, trust_env=False
        )

    async def complete(self, body: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
        """The parsed completion and how many attempts it took; EndpointError otherwise."""
        import httpx2

        reason = "no attempt made"
        for attempt in range(1, self.options.max_attempts + 1):
            wait = self.options.backoff_s * 2 ** (attempt - 1)
            try:
                response = await self._client.post(self.url, json=dict(body))
            except httpx2.TransportError as exc:
                reason = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code < 400:
                    return self._parse(response), attempt
                reason = f"HTTP {response.status_code}: {response.text[:300]}"
                if not _retryable(response.status_code):
                    raise EndpointError(f"{self.url}: {reason}")
                asked = _retry_after(response.headers)
                wait = wait if asked is None else asked
            if attempt < self.options.max_attempts:
                await self._sleep(min(wait, MAX_BACKOFF_S))
        raise EndpointError(
            f"{self.url}: no completion after {self.options.max_attempts} attempts ({reason})"
        )

    def _parse(self, response: Any) -> dict[str, Any]:
        try:
            answer = response.json()
            message = answer["choices"][0]["message"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise EndpointError(f"{self.url}: not a chat completion: {exc!r}") from None
        if not isinstance(message, dict):
            raise EndpointError(f"{self.url}: the completion has no message object")
        return dict(answer)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()


def tool_function(tool: types.Tool) -> dict[str, Any]:
    """An MCP tool as a chat-completions function declaration."""
    return {
        "type": "function",
        "function": {
            "name": tool.name,
            "description": tool.description or "",
            "parameters": tool.input_schema or {"type": "object", "properties": {}},
        },
    }


def usage_of(answer: Mapping[str, Any], options: ChatOptions) -> Usage:
    """Tokens of one completion, priced with ``options`` (else the endpoint's own cost)."""
    raw = answer.get("usage") or {}
    prompt = int(raw.get("prompt_tokens") or 0)
    completion = int(raw.get("completion_tokens") or 0)
    cost: float | None = None
    if options.price_input is not None or options.price_output is not None:
        cost = (
            prompt * (options.price_input or 0.0) + completion * (options.price_output or 0.0)
        ) / 1e6
    elif isinstance(raw.get("cost"), int | float):
        cost = float(raw["cost"])
    return Usage(prompt, completion, 1, cost)


def _text(result: types.CallToolResult) -> str:
    parts = [getattr(c, "text", "") for c in result.content]
    if any(parts):
        return "".join(parts)
    return json.dumps(result.structured_content or {}, separators=(",", ":"))


def _agent_error(code: str, message: str) -> str:
    return json.dumps({"error": {"code": code, "message": message, "retryable": False}})


async def _call(client: Client, call: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """Run one tool call of the model; returns the tool message text and what happened."""
    function = call.get("function") or {}
    name = str(function.get("name", ""))
    seen: dict[str, Any] = {"id": call.get("id"), "name": name, "receipt": None, "error": None}
    try:
        args = json.loads(function.get("arguments") or "{}")
    except json.JSONDecodeError as exc:
        args = exc
    if not isinstance(args, dict):
        seen["error"] = "agent.invalid_arguments"
        return _agent_error(seen["error"], f"arguments are not a JSON object: {args}"), seen
    try:
        result = await client.call_tool(name, args)
    except MCPError as exc:  # an unknown tool name is a JSON-RPC error, not a tool result
        seen["error"] = "agent.unknown_tool"
        return _agent_error(seen["error"], str(exc)), seen
    receipt = (result.meta or {}).get(RECEIPT_META_KEY)
    if isinstance(receipt, dict):
        seen["receipt"] = {"index": receipt.get("index"), "hash": receipt.get("hash")}
    if result.is_error:
        error = (result.structured_content or {}).get("error")
        seen["error"] = error.get("code") if isinstance(error, dict) else "error"
    return _text(result), seen


class _Record:
    """The completions file: one JSON object per line, flushed as it goes."""

    def __init__(self, path: Path | None) -> None:
        # Open for the conversation's whole life, closed by close().
        self._handle: IO[str] | None = open(path, "a", encoding="utf-8") if path else None  # noqa: SIM115

    def write(self, entry: Mapping[str, Any]) -> None:
        if self._handle is not None:
            self._handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
            self._handle.flush()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


async def run_chat_agent(
    client: Client,
    task: str,
    options: ChatOptions,
    record: Path | None = None,
    *,
    endpoint: ChatEndpoint | None = None,
) -> ChatResult:
    """Let the model work on ``task`` through ``client`` (connected); every completion is
    appended to ``record``. EndpointError when the endpoint fails for good."""
    listed = await client.list_tools()
    # vei_reset would leave the episode's run for a new one: the harness's tool, not the task's.
    tools = [tool_function(t) for t in listed.tools if t.name not in NOT_OFFERED]
    messages: list[dict[str, Any]] = []
    if client.instructions:
        messages.append({"role": "system", "content": client.instructions})
    messages.append({"role": "user", "content": task})
    chat = endpoint or ChatEndpoint(options)
    log = _Record(record)
    params: dict[str, Any] = {"model": options.model, "temperature": options.temperature}
    if options.seed is not None:
        params["seed"] = options.seed
    log.write({"kind": "request", **params, "max_steps": options.max_steps, "tools": tools})
    usage, seen, final = Usage(), 0, None
    try:
        for step in range(1, options.max_steps + 1):
            # No tool_choice: "auto" is the default, and some servers refuse it spelled out.
            body = {**params, "messages": messages, "tools": tools}
            answer, attempts = await chat.complete(body)
            fresh = messages[seen:]  # what this request adds: the task, or tool results
            usage += usage_of(answer, options)
            message = answer["choices"][0]["message"]
            final = message.get("content")
            calls = [c for c in message.get("tool_calls") or [] if isinstance(c, dict)]
            said: dict[str, Any] = {"role": "assistant", "content": final}
            if calls:
                said["tool_calls"] = calls
            messages.append(said)
            seen = len(messages)
            outcomes = []
            for call in calls:
                text, outcome = await _call(client, call)
                messages.append({"role": "tool", "tool_call_id": call.get("id"), "content": text})
                outcomes.append(outcome)
            log.write(
                {
                    "kind": "completion",
                    "step": step,
                    "input": fresh,
                    "response": answer,
                    "attempts": attempts,
                    "tool_calls": outcomes,
                }
            )
            if not calls:
                return ChatResult("answered", step, final, usage)
        return ChatResult("step_budget", options.max_steps, final, usage)
    finally:
        log.close()
        if endpoint is None:
            await chat.aclose()
