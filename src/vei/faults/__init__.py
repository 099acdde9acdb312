"""Fault profiles: reproducible transient failures, rate limits, latency spikes and
timeouts after commit, injected into app tool calls (see docs/faults.md).

``fault_middleware(settings, scenario)`` is what a session adds to a new world: nothing for
``off``, else one ``FaultMiddleware`` for the configured profile.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vei.faults.inject import RATE_LIMITED, TIMEOUT, UNAVAILABLE, Draw, FaultMiddleware
from vei.faults.profile import (
    BUILTIN,
    PROFILES,
    FaultProfile,
    FaultRule,
    FaultSection,
    ProfileError,
    load_profile_file,
    profile_label,
    resolve_profile,
)

if TYPE_CHECKING:
    from vei.config import Settings
    from vei.core.middleware import Middleware
    from vei.scenarios import Scenario


def fault_middleware(settings: Settings, scenario: Scenario | None = None) -> list[Middleware]:
    """The fault injector for a new world: empty for ``off``."""
    profile = resolve_profile(settings.fault_profile)
    if not profile.rules:
        return []
    section = scenario.spec.faults if scenario is not None else None
    exempt = section.exempt if section is not None else []
    return [FaultMiddleware(profile, exempt=exempt)]


__all__ = [
    "BUILTIN",
    "PROFILES",
    "RATE_LIMITED",
    "TIMEOUT",
    "UNAVAILABLE",
    "Draw",
    "FaultMiddleware",
    "FaultProfile",
    "FaultRule",
    "FaultSection",
    "ProfileError",
    "fault_middleware",
    "load_profile_file",
    "profile_label",
    "resolve_profile",
]
