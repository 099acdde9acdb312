"""The twins a world is built from, by name: the apps (``vei.twins``) and the bookkeeping
twins that watch them (``npc``, ``drift``, ``actors``, ``monitor``, ``policy``).

The app registry knows only apps; the bookkeeping twins import the apps' declarations
(to react to their events), so they are put together here, above both.
"""

from __future__ import annotations

from collections.abc import Sequence

from vei.actors.engine import TWIN as ACTORS
from vei.core.twin import Twin
from vei.drift.engine import TWIN as DRIFT
from vei.monitors.twin import TWIN as MONITOR
from vei.npc.engine import TWIN as NPC
from vei.policy.twin import TWIN as POLICY
from vei.twins import TWINS

BOOKKEEPING: dict[str, Twin] = {t.name: t for t in (NPC, DRIFT, ACTORS, MONITOR, POLICY)}


def world_twins(names: Sequence[str]) -> list[Twin]:
    """The twins called ``names``, in that order; ValueError naming any unknown or
    repeated name and listing the known ones."""
    if isinstance(names, str):
        raise TypeError("world_twins takes a sequence of names, not one string")
    known = {**TWINS, **BOOKKEEPING}
    unknown = [n for n in names if n not in known]
    if unknown:
        allowed = ", ".join(sorted(known))
        raise ValueError(f"unknown twin(s) {', '.join(map(repr, unknown))} (known: {allowed})")
    repeated = sorted({n for n in names if list(names).count(n) > 1})
    if repeated:
        raise ValueError(f"twin(s) listed more than once: {', '.join(map(repr, repeated))}")
    return [known[n] for n in names]
