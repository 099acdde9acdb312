"""Run a scenario's oracle in process with given settings; keep the session to inspect."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from mcp import Client

from tests.scenarios.support import pack_of
from vei.adapters.mcp import build_server
from vei.agents.base import ToolClient
from vei.agents.oracle import oracle
from vei.config import load_settings
from vei.drift.occurrences import plan
from vei.receipts.chain import Receipt
from vei.scoring.report import ScoreReport, score_world
from vei.session import Session


@dataclass
class OracleRun:
    """The score, the oracle's retries, the run's receipts and how many drift events the
    oracle lived through."""

    report: ScoreReport
    retries: int
    receipts: list[Receipt]
    drift_events: int
    # How many drift events the run's compiled drift plan has due by the run's end.
    planned: int


def run_oracle(name: str, **settings: Any) -> OracleRun:
    """The oracle of scenario ``name`` (of any pack) under ``settings`` (Settings fields)."""
    chosen = {"scenario": name, "scenario_pack": pack_of(name), **settings}
    session = Session(load_settings(chosen, env={}))
    scenario = session.scenario

    async def drive() -> ToolClient:
        tools = ToolClient(Client(build_server(session), cache=None))
        async with tools.client:
            await oracle(tools, scenario)
        return tools

    try:
        tools = asyncio.run(drive())
        world = session.world
        report = score_world(scenario.spec, world)
        drift = [e for e in world.store.events() if e.actor == "drift" and "drift" in e.data]
        config = world.state.get("drift")
        planned = len(plan(config, world.clock_ms)) if config else 0
        receipts = list(world.store.receipts())
        return OracleRun(report, tools.retries, receipts, len(drift), planned)
    finally:
        session.close()
