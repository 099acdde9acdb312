"""Reference agents that drive the real MCP interface: ``oracle`` (a scripted solution per
scenario) and ``noop`` (does nothing). The test suite runs both on every scenario."""

from __future__ import annotations

from vei.agents.base import AgentFn, ToolClient
from vei.agents.noop import noop
from vei.agents.oracle import ORACLES, oracle

AGENTS: dict[str, AgentFn] = {"oracle": oracle, "noop": noop}

__all__ = ["AGENTS", "ORACLES", "AgentFn", "ToolClient", "noop", "oracle"]
