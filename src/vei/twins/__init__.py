"""The simulated applications (twins) a world can be built from, by name.

Each twin lives in its own package with the same files (``state.py``, ``tools.py``,
``seed.py``, optionally ``criteria.py``, ``npc.py``, ``drift.py``) and exports ``TWIN``
(``vei.core.twin.Twin``). Adding an app is its package plus its line in ``_APPS``.
Twins import only ``vei.core``, the leaf modules (``vei.types``, ``vei.money``,
``vei.claims``, ``vei.understand``, ``vei.verdict``) and other twins' public names.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from vei.core.twin import Twin

# The apps, one line each: the package vei.twins.<name> exports TWIN.
_APPS = (
    "slack",
    "mail",
    "browser",
    "identity",
    "docs",
    "tickets",
    "crm",
    "calendar",
    "servicedesk",
)
TWINS: dict[str, Twin] = {name: importlib.import_module(f"vei.twins.{name}").TWIN for name in _APPS}

DEFAULT_TWINS: tuple[str, ...] = ("slack", "mail")


def get_twins(names: Sequence[str]) -> list[Twin]:
    """The app twins called ``names``, in that order; ValueError naming any unknown or
    repeated name. Worlds also need bookkeeping twins: ``vei.assembly.world_twins``."""
    if isinstance(names, str):
        raise TypeError("get_twins takes a sequence of names, not one string")
    unknown = [n for n in names if n not in TWINS]
    if unknown:
        allowed = ", ".join(sorted(TWINS))
        raise ValueError(f"unknown app(s) {', '.join(map(repr, unknown))} (known: {allowed})")
    repeated = sorted({n for n in names if list(names).count(n) > 1})
    if repeated:
        raise ValueError(f"app(s) listed more than once: {', '.join(map(repr, repeated))}")
    return [TWINS[n] for n in names]


__all__ = ["DEFAULT_TWINS", "TWINS", "get_twins"]
