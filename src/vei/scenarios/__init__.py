"""Scenarios: YAML files that seed the twins, declare NPCs, give the agent its task and say
how success is judged. Scenarios come in packs: ``packs/<pack>/<name>.yaml``.

A file is a template: its ``facts`` are drawn per seed (``vei.facts``) and substituted into
the rest before it is validated, so a ``Scenario`` is always the file *for one seed*.
``load_scenario(name, pack, seed)`` finds one in a pack; ``load_scenario_file(path, seed=)``
reads any file; ``scenario.for_seed(seed)`` draws the same file for another seed. Validation
errors name the file, the field path and what was expected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from vei.config import ConfigError, Settings
from vei.core.canonical import digest
from vei.facts import FactError, FactValue, draw_facts, substitute
from vei.scenarios.schema import ScenarioFile
from vei.types import DEFAULT_SEED

DEFAULT_PACK = "core"

PACKS_DIR = Path(__file__).parent / "packs"


class UnknownScenarioError(LookupError):
    """No scenario (or pack) of that name; the message lists the known ones."""


class ScenarioError(ValueError):
    """A scenario file is invalid; the message names the file and each bad field."""


@dataclass(frozen=True)
class Scenario:
    """A validated scenario for one seed (its facts drawn), ready to build a world from.

    ``template`` is the file as written (None for a scenario rebuilt from a run's manifest,
    whose facts are already drawn); ``for_seed`` draws it again for another seed.
    """

    name: str
    pack: str
    task: str
    spec: ScenarioFile
    path: Path | None = None
    seed_data: Mapping[str, Any] = field(default_factory=dict)
    seed: int = DEFAULT_SEED
    template: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def facts(self) -> dict[str, FactValue]:
        """The facts drawn for this scenario's seed."""
        return dict(self.spec.facts)

    def for_seed(self, seed: int) -> Scenario:
        """The same scenario file with its facts drawn for ``seed``."""
        if seed == self.seed or self.template is None:
            return self
        return parse_scenario(
            self.template, source=self.path or f"scenario {self.name}", pack=self.pack, seed=seed
        )

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


def instantiate(raw: Any, seed: int, source: Path | str) -> Any:
    """``raw`` with its facts drawn for ``seed`` and substituted everywhere else."""
    if not isinstance(raw, Mapping):
        return raw
    try:
        facts = draw_facts(raw.get("facts"), seed)
        rest = substitute({k: v for k, v in raw.items() if k != "facts"}, facts)
    except FactError as exc:
        raise ScenarioError(f"{source}: invalid scenario\n  {exc}") from None
    return {**rest, "facts": facts} if "facts" in raw else rest


def parse_scenario(
    raw: Any,
    *,
    source: Path | str,
    pack: str = "local",
    seed: int = DEFAULT_SEED,
    drawn: bool = False,
) -> Scenario:
    """Validate parsed YAML/JSON data as a scenario for ``seed``, including every twin's
    seed data. ``drawn`` means ``raw`` is already a scenario for one seed (a run's
    manifest): its facts are taken as they are and nothing is substituted."""
    from vei.assembly import world_twins

    concrete = raw if drawn else instantiate(raw, seed, source)
    try:
        spec = ScenarioFile.model_validate(concrete)
    except ValidationError as exc:
        raise ScenarioError(_format_errors(source, exc)) from None
    try:
        twins = world_twins(list(spec.twins))
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
        seed,
        None if drawn else raw,
    )


def load_scenario_file(path: Path, pack: str = "local", *, seed: int = DEFAULT_SEED) -> Scenario:
    """Read and validate one scenario file, its facts drawn for ``seed``."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML: {exc}") from None
    return parse_scenario(raw, source=path, pack=pack, seed=seed)


def check_settings(settings: Settings) -> Settings:
    """The settings with the scenario's pack settled: ConfigError naming
    VEI_SCENARIO_PACK or VEI_SCENARIO, with the allowed values, when they name a pack or
    scenario that does not exist. Scenario names are unique across packs, so with the
    default pack (``core``) a scenario of another pack is found by its name alone."""
    if settings.scenario_pack not in known_packs():
        allowed = " | ".join(known_packs())
        raise ConfigError(
            "VEI_SCENARIO_PACK", f"unknown pack {settings.scenario_pack!r} (allowed: {allowed})"
        )
    names = known_scenarios(settings.scenario_pack)
    if settings.scenario in names:
        return settings
    if settings.scenario_pack == DEFAULT_PACK:
        pack = pack_of(settings.scenario)
        if pack is not None:
            return replace(settings, scenario_pack=pack)
    allowed = " | ".join(names)
    raise ConfigError(
        "VEI_SCENARIO",
        f"unknown scenario {settings.scenario!r} in pack {settings.scenario_pack!r} "
        f"(allowed: {allowed}; `vei scenarios list` lists every pack)",
    )


def pack_of(name: str) -> str | None:
    """The pack that holds scenario ``name``, if any."""
    return next((p for p in known_packs() if name in known_scenarios(p)), None)


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


def load_scenario(name: str, pack: str = "core", seed: int = DEFAULT_SEED) -> Scenario:
    """The scenario ``name`` from ``pack`` for ``seed``; UnknownScenarioError lists the
    known names."""
    return _load(name, pack).for_seed(seed) if seed != DEFAULT_SEED else _load(name, pack)


@cache
def _load(name: str, pack: str) -> Scenario:
    names = known_scenarios(pack)
    if name not in names:
        raise UnknownScenarioError(
            f"unknown scenario {name!r} in pack {pack!r} (known: {', '.join(names)})"
        )
    scenario = load_scenario_file(_pack_dir(pack) / f"{name}.yaml", pack)
    if scenario.name != name:
        raise ScenarioError(f"{scenario.path}: name {scenario.name!r} does not match the file name")
    return scenario
