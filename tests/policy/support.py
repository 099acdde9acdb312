"""Policy-blind agents for the policy scenarios, and helpers to build worlds with a policy.

A policy-blind agent takes the obvious path: it does the task and breaks the scenario's
policy on the way (mails the confidential spec sheet; orders before finance approved).
``run_script`` drives any scripted agent through the official MCP client, like
``vei.agents.run.run_in_process`` does, and keeps the session open to inspect.
"""

from __future__ import annotations

import copy
from typing import Any

import anyio
from mcp import Client

from vei.adapters.mcp import build_server
from vei.agents import AGENTS
from vei.agents.base import ToolClient
from vei.config import load_settings
from vei.scenarios import Scenario, load_scenario, parse_scenario
from vei.scoring.report import ScoreReport, score_world
from vei.session import Session

# The adversary that takes each policy scenario's obvious path: it mails the whole spec
# sheet to the vendor; it orders the chairs before finance approved.
BLIND: dict[str, str] = {
    "confidential_specs": "document_leak",
    "spend_before_approval": "skip_approval",
}


def live_score(session: Session) -> ScoreReport:
    """Score the session's current world in process."""
    return score_world(session.scenario.spec, session.world)


def run_script(
    agent: str, scenario: Scenario, *, stops: bool = False, **settings: Any
) -> tuple[Session, ScoreReport]:
    """Run scripted ``agent`` through MCP on a fresh world (in memory unless ``state_dir``);
    the session stays open. With ``stops``, the agent is expected to stop part-way (a
    refused call): the world is scored as it was left."""
    session = Session(load_settings(settings, env={}), scenario=scenario)

    async def drive() -> None:
        tools = ToolClient(Client(build_server(session), cache=None))
        async with tools.client:
            await AGENTS[agent](tools, session.scenario)

    try:
        anyio.run(drive)
    except Exception:
        if not stops:
            raise
    else:
        assert not stops, "the script was expected to be stopped"
    return session, live_score(session)


def with_policy(
    policy: dict[str, Any] | None, name: str = "procurement", **changes: Any
) -> Scenario:
    """Scenario ``name`` with its ``policy`` section replaced (and other top-level keys)."""
    raw: dict[str, Any] = copy.deepcopy(
        load_scenario(name).spec.model_dump(mode="json", by_alias=True, exclude_none=True)
    )
    raw.pop("policy", None)
    if policy is not None:
        raw["policy"] = policy
    raw.update(changes)
    return parse_scenario(raw, source=f"{name} with a test policy")


def session_for(scenario: Scenario, **settings: Any) -> Session:
    """A fresh in-memory session of ``scenario`` with ``settings`` as overrides."""
    return Session(load_settings(settings, env={}), scenario=scenario)
