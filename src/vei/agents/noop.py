"""The do-nothing control agent: looks around once and stops."""

from __future__ import annotations

from vei.agents.base import ToolClient
from vei.scenarios import Scenario


async def noop(tools: ToolClient, scenario: Scenario) -> None:
    """Observe and do nothing else; every scenario must score this as a failure."""
    await tools.call("vei_observe")
