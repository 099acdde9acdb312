"""A Python callable as the agent (``vei eval --agent py:module:function``).

An ``async def`` function is awaited as ``function(client, task)`` with an ``mcp.Client``
connected in process to the episode's world; a plain function is called as
``function(session, task)`` with the episode's ``vei.Session`` (no MCP in between, the
fastest way). Either may return ``vei.agents.usage.Usage`` to report model tokens and cost,
or None.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from collections.abc import Callable
from typing import Any

from vei.agents.usage import Usage


class PythonAgentError(ValueError):
    """``py:module:function`` does not name an importable callable, or it returned
    something other than None or a Usage."""


def load_callable(target: str) -> Callable[..., Any]:
    """Import ``module:function`` (a dotted attribute path after the colon). The working
    directory is importable, as with ``python -m``."""
    module_name, sep, attribute = target.partition(":")
    if not sep or not module_name or not attribute:
        raise PythonAgentError(f"py agent {target!r}: use py:module:function")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        found: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise PythonAgentError(
            f"py agent {target!r}: cannot import {module_name!r}: {exc}"
        ) from None
    for part in attribute.split("."):
        try:
            found = getattr(found, part)
        except AttributeError:
            raise PythonAgentError(
                f"py agent {target!r}: {module_name} has no {attribute!r}"
            ) from None
    if not callable(found):
        raise PythonAgentError(f"py agent {target!r}: {attribute!r} is not callable")
    return found  # type: ignore[no-any-return]


def wants_client(function: Callable[..., Any]) -> bool:
    """True for an ``async def`` agent (it gets an MCP client), False for a plain one."""
    return inspect.iscoroutinefunction(function)


def usage_from(returned: object, target: str) -> Usage:
    """What the agent reported: its Usage, or zero usage for None."""
    if returned is None:
        return Usage()
    if isinstance(returned, Usage):
        return returned
    raise PythonAgentError(
        f"py agent {target!r} returned {type(returned).__name__}; return None or a "
        "vei.agents.usage.Usage"
    )
