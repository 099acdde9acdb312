"""Run a reference agent against a scenario through MCP, then score the run.

``run_in_process`` connects the official client to the server in the same process (fast,
used by the test suite); ``run_over_stdio`` starts the real ``vei serve`` subprocess (what
``vei demo`` does) and scores the persisted run afterwards.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from mcp import Client, StdioServerParameters

from vei.agents import AGENTS
from vei.agents.base import ToolClient
from vei.config import Settings
from vei.scenarios import Scenario
from vei.scoring.report import ScoreReport, score_world


@dataclass(frozen=True)
class AgentRun:
    """Where a run lives (None in memory) and its score."""

    run_id: str
    run_dir: Path | None
    report: ScoreReport
    calls: int


async def run_in_process(agent: str, scenario: Scenario, settings: Settings) -> AgentRun:
    """Drive ``agent`` through an in-process MCP client; score from the live world."""
    from vei.adapters.mcp import build_server
    from vei.session import Session

    session = Session(settings, scenario=scenario)
    tools = ToolClient(Client(build_server(session), cache=None))
    async with tools.client:
        await AGENTS[agent](tools, session.scenario)
    world = session.world
    report = score_world(session.scenario.spec, world)
    run_dir = session.run_dir
    session.close()
    return AgentRun(world.run_id, run_dir, report, tools.calls)


def serve_command(settings: Settings, run_id: str) -> StdioServerParameters:
    """How to start ``vei serve`` for ``settings`` as a subprocess."""
    from vei.config import to_env

    args = ["-m", "vei", "serve", "--run-id", run_id]
    return StdioServerParameters(command=sys.executable, args=args, env=to_env(settings))


async def run_over_stdio(agent: str, scenario: Scenario, settings: Settings, run_id: str) -> int:
    """Drive ``agent`` against a real ``vei serve`` subprocess; returns the tool call count.
    The run is persisted under ``settings.state_dir``; score it with ``score_store``."""
    tools = ToolClient(Client(serve_command(settings, run_id), cache=None))
    async with tools.client:
        await AGENTS[agent](tools, scenario.for_seed(settings.seed))
    return tools.calls
