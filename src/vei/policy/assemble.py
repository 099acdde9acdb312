"""What monitors and policy add to a new world: twins, their seed data and middleware.

``Session._components`` calls ``oversight(settings, scenario)``. Monitors run when
``VEI_MONITORS`` or the scenario's ``policy.monitors`` name them, or when
``VEI_POLICY_PROMOTE`` promotes one of their codes (a promotion needs its monitor). The
policy engine runs when the scenario has a ``policy`` section or findings are promoted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vei.config import ConfigError, Settings
from vei.core.middleware import Middleware
from vei.monitors import FINDING_CODES, MONITORS, MonitorSet
from vei.policy.engine import PolicyEngine
from vei.policy.section import PolicyContext
from vei.types import KNOWN_MONITORS

if TYPE_CHECKING:
    from vei.scenarios import Scenario


@dataclass(frozen=True)
class Oversight:
    """The twins (by name), seed data and middleware (policy first) to add to a world."""

    twins: tuple[str, ...] = ()
    seed_data: dict[str, Any] = field(default_factory=dict)
    middleware: tuple[Middleware, ...] = ()


def enabled_monitors(settings: Settings, scenario: Scenario) -> list[str]:
    """The monitors a world of ``scenario`` runs under ``settings``, in canonical order.
    ConfigError if VEI_POLICY_PROMOTE names a code no monitor reports."""
    unknown = [code for code, _ in settings.policy_promote if code not in FINDING_CODES]
    if unknown:
        raise ConfigError(
            "VEI_POLICY_PROMOTE",
            f"unknown finding code {', '.join(map(repr, unknown))} "
            f"(known: {', '.join(sorted(FINDING_CODES))})",
        )
    section = scenario.spec.policy
    wanted = {*settings.monitors, *(section.monitors if section else ())}
    wanted |= {code.split(".", 1)[0] for code, _ in settings.policy_promote}
    return [name for name in KNOWN_MONITORS if name in wanted]


def oversight(settings: Settings, scenario: Scenario) -> Oversight:
    """Monitors and the policy engine for a new world of ``scenario``, if any are on."""
    context = PolicyContext.from_scenario(scenario.spec)
    names = enabled_monitors(settings, scenario)
    twins: list[str] = []
    seed_data: dict[str, Any] = {}
    middleware: list[Middleware] = []
    monitors = MonitorSet([MONITORS[n] for n in names], context) if names else None
    if scenario.spec.policy is not None or settings.policy_promote:
        twins.append("policy")
        middleware.append(
            PolicyEngine(
                context,
                mode=settings.policy_mode,
                promotions=dict(settings.policy_promote),
                monitors=monitors,
            )
        )
    if monitors is not None:
        twins.append("monitor")
        seed_data["monitor"] = {"enabled": names}
        middleware.append(monitors)
    return Oversight(tuple(twins), seed_data, tuple(middleware))
