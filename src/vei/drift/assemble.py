"""What a session adds to a new world for drift and background actors.

With ``VEI_DRIFT_MODE=off`` nothing is added. Otherwise the world gets the ``drift`` twin
(compiled jobs) and, when the scenario declares actors, the ``actors`` twin; with
``VEI_ACTOR_BACKEND`` set, the actors twin is bound to that backend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from vei.core.twin import Twin
from vei.drift.compile import DriftConfigError, compile_drift
from vei.twins.slack.state import find_user

if TYPE_CHECKING:
    from vei.config import Settings
    from vei.scenarios import Scenario


def initial_app_states(names: Sequence[str], seed_data: Mapping[str, Any]) -> dict[str, Any]:
    """The initial state of each app twin the world will have."""
    from vei.twins import TWINS, get_twins

    apps = [n for n in names if n in TWINS]
    return {t.name: t.initial_state(seed_data.get(t.name)) for t in get_twins(apps)}


def _actor_problems(actors: Sequence[Mapping[str, Any]], states: Mapping[str, Any]) -> list[str]:
    problems = []
    for actor in actors:
        where = f"actor {actor['id']!r}"
        slack, mail = states.get("slack"), states.get("mail")
        if actor["kind"] == "manager_escalation":
            if slack is None:
                problems.append(f"{where}: needs the slack twin")
            elif find_user(slack, actor["user"]) is None:
                problems.append(f"{where}: unknown chat user {actor['user']!r}")
            elif actor["channel"] not in slack["channels"]:
                problems.append(f"{where}: unknown channel {actor['channel']!r}")
        elif mail is None:
            problems.append(f"{where}: needs the mail twin")
    return problems


def add_background(
    settings: Settings, scenario: Scenario, names: list[str], seed_data: dict[str, Any]
) -> tuple[list[str], dict[str, Any]]:
    """``names`` and ``seed_data`` plus the drift (and actors) twins for the drift mode.
    Raises DriftConfigError when a scenario's own job or actor does not fit its world."""
    if settings.drift_mode == "off":
        return names, seed_data
    states = initial_app_states(names, seed_data)
    seed = settings.effective_drift_seed
    config = compile_drift(scenario.spec.drift, states, mode=settings.drift_mode, seed=seed)
    names, seed_data = [*names, "drift"], {**seed_data, "drift": config}
    if scenario.spec.actors:
        rules = [a.model_dump(mode="json") for a in scenario.spec.actors]
        problems = _actor_problems(rules, states)
        if problems:
            raise DriftConfigError(f"scenario {scenario.name!r}: {problems[0]}")
        names.append("actors")
        seed_data["actors"] = {"seed": seed, "rules": rules}
    return names, seed_data


def bind_actor_backend(twins: list[Twin], settings: Settings) -> list[Twin]:
    """``twins`` with the actors twin bound to ``VEI_ACTOR_BACKEND`` (unchanged if off)."""
    if settings.actor_backend == "off" or not any(t.name == "actors" for t in twins):
        return twins
    from vei.actors.backend import backend_from_setting
    from vei.actors.engine import actors_twin

    bound = actors_twin(backend_from_setting(settings.actor_backend, settings.actor_api_key))
    return [bound if t.name == "actors" else t for t in twins]
