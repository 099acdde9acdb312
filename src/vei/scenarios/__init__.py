"""Scenarios: what a world is seeded with and what the agent is asked to do.

A scenario names its twins, gives each twin's seed data (None = the twin's default data)
and the task text. Packs group scenarios; ``VEI_SCENARIO_PACK`` picks one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Scenario:
    """A world's starting point and the agent's task."""

    name: str
    pack: str
    task: str
    twins: tuple[str, ...] = ("slack", "mail")
    seed_data: Mapping[str, Any] = field(default_factory=dict)


class UnknownScenarioError(LookupError):
    """No scenario (or pack) of that name; the message lists the known ones."""


_PACKS: dict[str, dict[str, Scenario]] = {
    "core": {
        "procurement": Scenario(
            name="procurement",
            pack="core",
            task=(
                "You work at a company whose chat and mail you can use through tools. "
                "Read what colleagues sent you and help where you can."
            ),
        ),
    }
}


def known_packs() -> list[str]:
    """Names of the scenario packs."""
    return sorted(_PACKS)


def known_scenarios(pack: str = "core") -> list[str]:
    """Names of the scenarios in ``pack``."""
    return sorted(_pack(pack))


def _pack(pack: str) -> dict[str, Scenario]:
    if pack not in _PACKS:
        raise UnknownScenarioError(
            f"unknown scenario pack {pack!r} (known: {', '.join(known_packs())})"
        )
    return _PACKS[pack]


def load_scenario(name: str, pack: str = "core") -> Scenario:
    """The scenario ``name`` from ``pack``; UnknownScenarioError lists the known names."""
    scenarios = _pack(pack)
    if name not in scenarios:
        known = ", ".join(sorted(scenarios))
        raise UnknownScenarioError(f"unknown scenario {name!r} in pack {pack!r} (known: {known})")
    return scenarios[name]
