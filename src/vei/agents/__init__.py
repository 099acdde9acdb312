"""Scripted agents that drive the real MCP interface.

``oracle`` solves each scenario (its reference solution), ``noop`` does nothing; honest
variants (``vei.agents.style.HONEST``) solve it other honest ways and adversaries
(``vei.agents.adversaries.ADVERSARIES``) try to pass without doing the work. Every name in
``AGENTS`` can be run with ``vei demo --agent NAME``; the test suite runs them all on every
scenario that lists them.
"""

from __future__ import annotations

from vei.agents.adversaries import ADVERSARIES
from vei.agents.base import AgentFn, ToolClient
from vei.agents.noop import noop
from vei.agents.oracle import SCRIPTS, oracle, scripted
from vei.agents.style import HONEST, Style

AGENTS: dict[str, AgentFn] = {
    "oracle": oracle,
    "noop": noop,
    **{name: scripted(style) for name, style in HONEST.items()},
    **{name: scripted(style) for name, style in ADVERSARIES.items()},
}

__all__ = [
    "ADVERSARIES",
    "AGENTS",
    "HONEST",
    "SCRIPTS",
    "AgentFn",
    "Style",
    "ToolClient",
    "noop",
    "oracle",
    "scripted",
]
