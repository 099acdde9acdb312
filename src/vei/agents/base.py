"""What a reference agent sees: a tool client over MCP and the scenario it is solving."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from mcp import Client

from vei.scenarios.schema import ScenarioFile


class AgentError(RuntimeError):
    """A reference agent could not proceed (the world did not answer as scripted)."""


class ToolClient:
    """Calls tools through an MCP client and returns structured results; a tool error
    raises AgentError unless ``allow_error``."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.calls = 0

    async def call(
        self, name: str, args: dict[str, Any] | None = None, *, allow_error: bool = False
    ) -> dict[str, Any]:
        result = await self.client.call_tool(name, args or {})
        self.calls += 1
        content = result.structured_content
        if content is None and result.content:
            content = json.loads(getattr(result.content[0], "text", "{}"))
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


AgentFn = Callable[[ToolClient, ScenarioFile], Awaitable[None]]
