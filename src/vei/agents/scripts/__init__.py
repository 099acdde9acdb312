"""Per-scenario scripts: one module per scenario, named after it, found automatically.

A module ``vei.agents.scripts.<scenario>`` exports ``SCRIPT`` (an async
``fn(tools, scenario, style)``, written once against a ``Style``) and may export
``ADVERSARIES`` and ``HONEST``: tuples of ``Style`` subclasses that only make sense for
that scenario. Adding a scenario's script is adding its module; nothing else lists it.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vei.agents.base import ToolClient
    from vei.agents.style import Style
    from vei.scenarios import Scenario

Script = Callable[["ToolClient", "Scenario", "Style"], Awaitable[None]]


def _discover() -> tuple[dict[str, Script], dict[str, type[Style]], dict[str, type[Style]]]:
    scripts: dict[str, Script] = {}
    adversaries: dict[str, type[Style]] = {}
    honest: dict[str, type[Style]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        scripts[info.name] = module.SCRIPT
        for found, styles in ((adversaries, "ADVERSARIES"), (honest, "HONEST")):
            for style in getattr(module, styles, ()):
                if style.name in adversaries or style.name in honest:
                    raise ValueError(f"{info.name}: style name {style.name!r} is used twice")
                found[style.name] = style
    return scripts, adversaries, honest


SCRIPTS, ADVERSARIES, HONEST = _discover()

__all__ = ["ADVERSARIES", "HONEST", "SCRIPTS", "Script"]
