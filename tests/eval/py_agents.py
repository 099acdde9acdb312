"""Python callables for the ``py:module:function`` agent tests."""

from __future__ import annotations

from mcp import Client

from vei.agents.usage import Usage
from vei.session import Session


async def browse(client: Client, task: str) -> Usage:
    """Open the vendor's site through MCP; reports made-up model usage."""
    assert "MacroBook" in task
    await client.call_tool("browser_open", {"url": "https://macrocompute.example/"})
    await client.call_tool("browser_read", {})
    return Usage(prompt_tokens=100, completion_tokens=10, completions=2, cost_usd=0.01)


def observe(session: Session, task: str) -> None:
    """Look around once, straight on the Session."""
    session.call("vei_observe")


def chatty(session: Session, task: str) -> str:
    """Returns something that is not a Usage."""
    return "hello"
