"""Drive a world the way an agent does: the official MCP client connected in process."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from mcp import Client

from vei.adapters.mcp import build_server
from vei.agents.base import ToolClient
from vei.config import load_settings
from vei.scenarios import known_packs, known_scenarios
from vei.scoring.report import ScoreReport, score_world
from vei.session import Session


@dataclass
class Agent:
    """A connected MCP client and the session behind it (to score the live world)."""

    session: Session
    client: Client

    async def call(self, tool: str, **args: Any) -> dict[str, Any]:
        """Call ``tool``; fail the test if it returns an error."""
        result = await self.client.call_tool(tool, args)
        content = dict(result.structured_content or {})
        assert not result.is_error, f"{tool} failed: {content}"
        return content

    async def error(self, tool: str, **args: Any) -> dict[str, Any]:
        """Call ``tool`` expecting an error; returns the error object."""
        result = await self.client.call_tool(tool, args)
        assert result.is_error, f"{tool} unexpectedly succeeded: {result.structured_content}"
        error: dict[str, Any] = (result.structured_content or {})["error"]
        return error

    async def wait(self, ms: int) -> dict[str, Any]:
        """Let ``ms`` of virtual time pass (vei_tick), delivering what comes due."""
        return await self.call("vei_tick", dt_ms=ms)

    async def thread_replies(self, channel: str, ts: str) -> list[str]:
        """The texts of the replies in the thread of ``ts``."""
        thread = await self.call("slack_fetch_thread", channel=channel, thread_ts=ts)
        return [m["text"] for m in thread["messages"][1:]]

    async def open_unread_from(self, sender: str) -> dict[str, Any]:
        """Open the newest unread mail from ``sender`` (fails the test if there is none)."""
        listed = await self.call("mail_list", unread_only=True)
        ids = [m["id"] for m in listed["messages"] if m["from"] == sender]
        assert ids, f"no unread mail from {sender}: {listed['messages']}"
        message: dict[str, Any] = await self.call("mail_open", id=ids[0])
        return message

    def tools(self) -> ToolClient:
        """The same connection as the reference agents' ToolClient."""
        return ToolClient(self.client)

    def score(self) -> ScoreReport:
        """Score the current run of the session against its scenario."""
        return score_world(self.session.scenario.spec, self.session.world)

    def met(self) -> dict[str, bool]:
        """Criterion id -> met, for the current run."""
        return {c["id"]: c["met"] for c in self.score().criteria}


def pack_of(scenario: str) -> str:
    """The pack that holds ``scenario`` (scripts cover every pack's scenarios)."""
    return next(p for p in known_packs() if scenario in known_scenarios(p))


@asynccontextmanager
async def connect(scenario: str = "procurement", seed: int | None = None) -> AsyncIterator[Agent]:
    """A fresh in-memory world of ``scenario`` (from its pack) behind an in-process MCP
    client."""
    settings = {"scenario": scenario, "scenario_pack": pack_of(scenario), "seed": seed}
    session = Session(load_settings(settings, env={}))
    client = Client(build_server(session), cache=None)
    try:
        async with client:
            yield Agent(session, client)
    finally:
        session.close()


def npc_messages(session: Session) -> list[tuple[str, int, str]]:
    """What the NPCs said and did in the current run: (event kind, virtual time, text or
    body; for acts in other apps, the event's data as canonical JSON)."""
    said = []
    for event in session.world.store.events():
        if not event.actor.startswith("npc:"):
            continue
        if event.kind == "slack.message_posted":
            said.append((event.kind, event.t_ms, str(event.data["text"])))
        elif event.kind == "mail.message_received":
            said.append((event.kind, event.t_ms, str(event.data["body"])))
        else:
            said.append((event.kind, event.t_ms, json.dumps(event.data, sort_keys=True)))
    return said
