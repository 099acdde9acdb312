"""Drive the reference agents' scripts through the Gymnasium environment.

``EnvClient`` offers the two methods of the MCP client that ``ToolClient`` uses
(``list_tools``, ``call_tool``), each answered by one ``env.step`` with a JSON tool call,
so a script (the oracle, a policy-blind agent) reads every value from observations.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import anyio

from vei.adapters.gym import VeiEnv
from vei.agents.base import AgentFn, ToolClient
from vei.scenarios import load_scenario


@dataclass
class EnvClient:
    """An MCP-client look-alike over a reset ``VeiEnv``; records every step."""

    env: VeiEnv
    rewards: list[float] = field(default_factory=list)
    ends: list[tuple[bool, bool]] = field(default_factory=list)
    infos: list[dict[str, Any]] = field(default_factory=list)

    async def list_tools(self) -> Any:
        tools = [
            SimpleNamespace(name=t["name"], input_schema=t["input_schema"])
            for t in self.env.text.tools()
        ]
        return SimpleNamespace(tools=tools)

    async def call_tool(self, name: str, args: dict[str, Any]) -> Any:
        obs, reward, terminated, truncated, info = self.env.step(
            json.dumps({"tool": name, "args": args})
        )
        assert self.env.observation_space.contains(obs)
        self.rewards.append(reward)
        self.ends.append((terminated, truncated))
        self.infos.append(info)
        return SimpleNamespace(
            structured_content=json.loads(obs), content=[], is_error=not info["ok"]
        )


def drive(env: VeiEnv, script: AgentFn, scenario: str, seed: int) -> EnvClient:
    """Reset ``env`` with ``seed`` and run ``script`` through it; returns the client."""
    env.reset(seed=seed)
    client = EnvClient(env)
    drawn = load_scenario(scenario, seed=seed)

    async def main() -> None:
        await script(ToolClient(client), drawn)  # type: ignore[arg-type]

    anyio.run(main)
    return client
