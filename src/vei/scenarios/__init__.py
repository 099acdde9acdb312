"""Scenarios: YAML files that seed the twins, declare NPCs, give the agent its task and say
how success is judged. Scenarios come in packs: ``packs/<pack>/<name>.yaml``.

``load_scenario(name, pack)`` finds one in a pack; ``load_scenario_file(path)`` reads any
file. Validation errors name the file, the field path and what was expected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from vei.core.canonical import digest
from vei.scenarios.schema import ScenarioFile

PACKS_DIR = Path(__file__).parent / "packs"


class UnknownScenarioError(LookupError):
    """No scenario (or pack) of that name; the message lists the known ones."""


class ScenarioError(ValueError):
    """A scenario file is invalid; the message names the file and each bad field."""


@dataclass(frozen=True)
class Scenario:
    """A validated scenario, ready to build a world from."""

    name: str
    pack: str
    task: str
    spec: ScenarioFile
    path: Path | None = None
    seed_data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def twins(self) -> tuple[str, ...]:
        """Twin names in the world, the NPC engine last when there are NPCs."""
        names = tuple(self.spec.twins)
        return (*names, "npc") if self.spec.npcs else names

    @property
    def digest(self) -> str:
        """SHA-256 of the validated scenario (recorded in the run manifest)."""
        return digest(self.spec.model_dump(mode="json", by_alias=True))


def _format_errors(path: Path | str, exc: ValidationError) -> str:
    lines = [f"{path}: invalid scenario"]
    for err in exc.errors(include_url=False):
        message = str(err["msg"]).removeprefix("Value error, ")
        where = ".".join(str(p) for p in err["loc"])
        # Cross-field checks name their own path at the start of the message.
        lines.append(f"  {where}: {message}" if where else f"  {message}")
    return "\n".join(lines)


def parse_scenario(raw: Any, *, source: Path | str, pack: str = "local") -> Scenario:
    """Validate parsed YAML/JSON data as a scenario, including every twin's seed data."""
    from vei.twins import get_twins

    try:
        spec = ScenarioFile.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(_format_errors(source, exc)) from None
    try:
        twins = get_twins(list(spec.twins))
    except ValueError as exc:
        raise ScenarioError(f"{source}: invalid scenario\n  twins: {exc}") from None
    seed_data: dict[str, Any] = {}
    for twin in twins:
        data = spec.twins[twin.name]
        try:
            twin.initial_state(data)
        except ValidationError as exc:
            inner = _format_errors(source, exc).splitlines()[1:]
            raise ScenarioError(
                "\n".join(
                    [
                        f"{source}: invalid scenario",
                        *(f"  twins.{twin.name}.{line.strip()}" for line in inner),
                    ]
                )
            ) from None
        except ValueError as exc:
            raise ScenarioError(f"{source}: invalid scenario\n  twins.{twin.name}: {exc}") from None
        seed_data[twin.name] = data
    if spec.npcs:
        seed_data["npc"] = {
            "rules": [n.model_dump(mode="json") for n in spec.npcs],
            "facts": spec.facts,
        }
    return Scenario(
        spec.name,
        pack,
        spec.task,
        spec,
        Path(source) if isinstance(source, Path) else None,
        seed_data,
    )


def load_scenario_file(path: Path, pack: str = "local") -> Scenario:
    """Read and validate one scenario file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML: {exc}") from None
    return parse_scenario(raw, source=path, pack=pack)


def known_packs() -> list[str]:
    """Names of the scenario packs."""
    return sorted(p.name for p in PACKS_DIR.iterdir() if p.is_dir() and not p.name.startswith("_"))


def known_scenarios(pack: str = "core") -> list[str]:
    """Names of the scenarios in ``pack``."""
    return sorted(p.stem for p in _pack_dir(pack).glob("*.yaml"))


def _pack_dir(pack: str) -> Path:
    if pack not in known_packs():
        raise UnknownScenarioError(
            f"unknown scenario pack {pack!r} (known: {', '.join(known_packs())})"
        )
    return PACKS_DIR / pack


@cache
def load_scenario(name: str, pack: str = "core") -> Scenario:
    """The scenario ``name`` from ``pack``; UnknownScenarioError lists the known names."""
    names = known_scenarios(pack)
    if name not in names:
        raise UnknownScenarioError(
            f"unknown scenario {name!r} in pack {pack!r} (known: {', '.join(names)})"
        )
    scenario = load_scenario_file(_pack_dir(pack) / f"{name}.yaml", pack)
    if scenario.name != name:
        raise ScenarioError(f"{scenario.path}: name {scenario.name!r} does not match the file name")
    return scenario
