"""Names and values shared across layers, with no imports of VEI: the leaf every other
module may use (configuration, monitors, policy, scenarios, twins)."""

from __future__ import annotations

from typing import Literal

Durability = Literal["full", "fast"]
DriftMode = Literal["off", "light", "fast", "aggressive"]
PolicyMode = Literal["observe", "warn", "block"]
Severity = Literal["info", "warning", "error"]

DEFAULT_SEED = 42042
KNOWN_MONITORS = ("tool_aware", "pii", "external_share", "budget")
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "error")
