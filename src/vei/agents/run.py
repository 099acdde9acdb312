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
from vei.agents.base import AgentError, ToolClient
from vei.config import Settings
from vei.scenarios import Scenario
from vei.scoring.report import ScoreReport, score_world


@dataclass(frozen=True)
class AgentRun:
    """Where a run lives (None in memory), its score, and why the agent stopped early
    (``stopped``: an AgentError's message), if it did."""

    run_id: str
    run_dir: Path | None
    report: ScoreReport
    calls: int
    stopped: str | None = None


def agent_error(exc: BaseException) -> AgentError | None:
    """The AgentError inside ``exc`` (the MCP client wraps failures in exception groups)."""
    if isinstance(exc, AgentError):
        return exc
    if isinstance(exc, BaseExceptionGroup):
        for sub in exc.exceptions:
            found = agent_error(sub)
            if found is not None:
                return found
    return None


async def run_in_process(agent: str, scenario: Scenario, settings: Settings) -> AgentRun:
    """Drive ``agent`` through an in-process MCP client; score from the live world. An
    agent that stops with an AgentError is scored on what it did until then."""
    from vei.adapters.mcp import build_server
    from vei.session import Session

    session = Session(settings, scenario=scenario)
    tools = ToolClient(Client(build_server(session), cache=None))
    stopped = None
    try:
        async with tools.client:
            await AGENTS[agent](tools, session.scenario)
    except Exception as exc:
        cause = agent_error(exc)
        if cause is None:
            session.close()
            raise
        stopped = str(cause)
    world = session.world
    report = score_world(session.scenario.spec, world)
    run_dir = session.run_dir
    session.close()
    return AgentRun(world.run_id, run_dir, report, tools.calls, stopped)


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
