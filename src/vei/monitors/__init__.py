"""Monitors: watch every app call and report findings, which are recorded as events.

Built in: ``tool_aware``, ``pii``, ``external_share`` and ``budget`` (see docs/policy.md
for every code and severity). ``MONITORS`` maps names to their ``MonitorSpec``;
``FINDING_CODES`` maps every code a monitor can report to its severity and meaning.
"""

from __future__ import annotations

from vei.monitors import budget, external_share, pii, tool_aware
from vei.monitors.base import FINDING, Finding, MonitorSpec, Observation
from vei.monitors.middleware import MonitorSet
from vei.types import KNOWN_MONITORS, Severity

MONITORS: dict[str, MonitorSpec] = {
    m.name: m for m in (tool_aware.MONITOR, pii.MONITOR, external_share.MONITOR, budget.MONITOR)
}
assert tuple(MONITORS) == KNOWN_MONITORS, "vei.config.KNOWN_MONITORS must list every monitor"

FINDING_CODES: dict[str, tuple[Severity, str]] = {
    code: meaning for monitor in MONITORS.values() for code, meaning in monitor.codes.items()
}

__all__ = [
    "FINDING",
    "FINDING_CODES",
    "MONITORS",
    "Finding",
    "MonitorSet",
    "MonitorSpec",
    "Observation",
]
