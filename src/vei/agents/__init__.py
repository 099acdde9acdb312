"""Scripted agents that drive the real MCP interface.

``oracle`` solves each scenario (its reference solution), ``noop`` does nothing; honest
variants (``HONEST``) solve it other honest ways and adversaries (``ADVERSARIES``) try to
pass without doing the work. Every name in ``AGENTS`` can be run with ``vei demo --agent NAME``; the test suite runs them all on every
scenario that lists them.
"""

from __future__ import annotations

from vei.agents import adversaries, scripts, style
from vei.agents.base import AgentFn, ToolClient
from vei.agents.noop import noop
from vei.agents.oracle import SCRIPTS, oracle, scripted
from vei.agents.style import Style

# The general styles and the ones scenario script modules add (vei.agents.scripts).
ADVERSARIES: dict[str, type[Style]] = {**adversaries.ADVERSARIES, **scripts.ADVERSARIES}
HONEST: dict[str, type[Style]] = {**style.HONEST, **scripts.HONEST}

AGENTS: dict[str, AgentFn] = {
    "oracle": oracle,
    "noop": noop,
    **{name: scripted(kind) for name, kind in HONEST.items()},
    **{name: scripted(kind) for name, kind in ADVERSARIES.items()},
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
