"""What a reference agent sees: a tool client over MCP and the scenario it is solving."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from mcp import Client

from vei.scenarios import Scenario

IDEMPOTENCY_KEY = "idempotency_key"
MAX_ATTEMPTS = 8
BACKOFF_MS = 500


class AgentError(RuntimeError):
    """A reference agent could not proceed (the world did not answer as scripted)."""


class ToolClient:
    """Calls tools through an MCP client as a careful agent does, and returns structured
    results; a tool error raises AgentError unless ``allow_error``.

    Every write carries an idempotency key (one per logical call, ``<key_prefix>-<n>``),
    and a retryable error (a transient failure, a rate limit, a timeout after commit) is
    retried with the same key after waiting ``retry_after_ms`` of virtual time with
    ``vei_tick`` (or a short doubling backoff), up to ``max_attempts`` tries in all.
    """

    def __init__(
        self, client: Client, *, max_attempts: int = MAX_ATTEMPTS, key_prefix: str = "agent"
    ) -> None:
        self.client = client
        self.calls = 0
        self.retries = 0
        self.max_attempts = max_attempts
        self.key_prefix = key_prefix
        self._writes = 0
        self._keyed: set[str] | None = None

    async def _keyed_tools(self) -> set[str]:
        if self._keyed is None:
            listed = await self.client.list_tools()
            self._keyed = {
                tool.name
                for tool in listed.tools
                if IDEMPOTENCY_KEY in (tool.input_schema or {}).get("properties", {})
            }
        return self._keyed

    async def call(
        self, name: str, args: dict[str, Any] | None = None, *, allow_error: bool = False
    ) -> dict[str, Any]:
        """Call ``name``, retrying retryable errors; returns the result (or error) object."""
        args = dict(args or {})
        if IDEMPOTENCY_KEY not in args and name in await self._keyed_tools():
            self._writes += 1
            args[IDEMPOTENCY_KEY] = f"{self.key_prefix}-{self._writes}"
        for attempt in range(1, self.max_attempts + 1):
            result = await self.client.call_tool(name, args)
            self.calls += 1
            content = result.structured_content
            if content is None and result.content:
                content = json.loads(getattr(result.content[0], "text", "{}"))
            error = (content or {}).get("error") if result.is_error else None
            if isinstance(error, dict) and error.get("retryable") and attempt < self.max_attempts:
                wait = error.get("retry_after_ms") or BACKOFF_MS * 2 ** (attempt - 1)
                await self.client.call_tool("vei_tick", {"dt_ms": int(wait)})
                self.calls += 1
                self.retries += 1
                continue
            break
        if result.is_error and not allow_error:
            raise AgentError(f"{name} failed: {content}")
        return dict(content or {})

    async def wait_for(self, found: Callable[[], Awaitable[Any]], *, max_ticks: int = 20) -> Any:
        """Advance virtual time event by event until ``found()`` returns something truthy."""
        for _ in range(max_ticks):
            value = await found()
            if value:
                return value
            tick = await self.call("vei_tick", {"until_next_event": True})
            if tick["next_due_ms"] is None and not tick["delivered"]:
                break
        value = await found()
        if not value:
            raise AgentError("waited for a reply that never came")
        return value


AgentFn = Callable[[ToolClient, Scenario], Awaitable[None]]
