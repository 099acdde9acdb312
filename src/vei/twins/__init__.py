"""The simulated applications (twins) a world can be built from, by name.

Each twin lives in its own package with the same files (``state.py``, ``tools.py``,
``seed.py``) and exports ``TWIN``. Twins import only from ``vei.core``.
"""

from __future__ import annotations

from collections.abc import Sequence

from vei.core.twin import Twin
from vei.twins.browser import TWIN as BROWSER
from vei.twins.calendar import TWIN as CALENDAR
from vei.twins.crm import TWIN as CRM
from vei.twins.identity import TWIN as IDENTITY
from vei.twins.mail import TWIN as MAIL
from vei.twins.slack import TWIN as SLACK

TWINS: dict[str, Twin] = {
    twin.name: twin for twin in (SLACK, MAIL, BROWSER, IDENTITY, CRM, CALENDAR)
}

DEFAULT_TWINS: tuple[str, ...] = ("slack", "mail")


def get_twins(names: Sequence[str]) -> list[Twin]:
    """The twins called ``names``, in that order; ValueError naming any unknown or repeated
    name and listing the known ones."""
    if isinstance(names, str):
        raise TypeError("get_twins takes a sequence of names, not one string")
    known = dict(TWINS)
    if "npc" in names:
        # The NPC engine reacts to the app twins; it is imported late to avoid a cycle.
        from vei.npc.engine import TWIN as NPC

        known["npc"] = NPC
    if "drift" in names or "actors" in names:
        # Drift and background actors post through the app twins' helpers: imported late.
        from vei.actors.engine import TWIN as ACTORS
        from vei.drift.engine import TWIN as DRIFT

        known["drift"], known["actors"] = DRIFT, ACTORS
    if "monitor" in names:
        from vei.monitors.twin import TWIN as MONITOR

        known["monitor"] = MONITOR
    if "policy" in names:
        from vei.policy.twin import TWIN as POLICY

        known["policy"] = POLICY
    unknown = [n for n in names if n not in known]
    if unknown:
        allowed = ", ".join(sorted({*known, "npc", "monitor", "policy", "drift", "actors"}))
        raise ValueError(f"unknown twin(s) {', '.join(map(repr, unknown))} (known: {allowed})")
    repeated = sorted({n for n in names if list(names).count(n) > 1})
    if repeated:
        raise ValueError(f"twin(s) listed more than once: {', '.join(map(repr, repeated))}")
    return [known[n] for n in names]


__all__ = ["DEFAULT_TWINS", "TWINS", "get_twins"]
