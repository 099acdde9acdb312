"""The Gymnasium ids of VEI, registered when Gymnasium is imported alongside ``vei``.

``vei/<scenario>-v0`` for every scenario of the ``core`` pack, and ``vei/World-v0``
taking ``scenario=`` (and ``pack=``) as arguments. ``import vei`` registers them at once
when Gymnasium is already imported, or the moment it is (a post-import hook), so that
``import vei`` does not load Gymnasium and numpy for programs that never use them.
"""

from __future__ import annotations

import logging
from typing import Any

ENTRY_POINT = "vei.adapters.gym:VeiEnv"
GENERIC_ID = "vei/World-v0"

log = logging.getLogger("vei.gym")


def env_id(scenario: str) -> str:
    """The Gymnasium id of a scenario (names are unique across packs)."""
    return f"vei/{scenario}-v0"


def register_envs() -> list[str]:
    """Register every VEI id not yet registered; returns the ids VEI provides."""
    import gymnasium

    from vei.scenarios import known_packs, known_scenarios

    ids: dict[str, dict[str, str]] = {GENERIC_ID: {}}
    for pack in known_packs():
        ids |= {env_id(s): {"scenario": s, "pack": pack} for s in known_scenarios(pack)}
    for name, kwargs in ids.items():
        if name not in gymnasium.registry:
            gymnasium.register(name, entry_point=ENTRY_POINT, kwargs=kwargs)
    return list(ids)


def on_gymnasium_import(_module: Any) -> None:
    """The post-import hook: registration must never break the user's ``import gymnasium``."""
    try:
        register_envs()
    except Exception:
        log.warning("could not register the VEI Gymnasium environments", exc_info=True)
