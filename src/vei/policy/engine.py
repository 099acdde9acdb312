"""``PolicyEngine``: the middleware that enforces scopes and applies the policy rules.

Before a call runs, the tool's registry scopes must be granted to the agent (the
scenario's ``policy.scopes``; all by default), or the call is refused with
``policy.scope_denied`` whatever the mode: scopes are permissions, not judgement.

Before its events are applied, the rules and the promotions judge the call (with the
monitors' findings on it). What a violation does depends on ``VEI_POLICY_MODE``:

- ``observe``: it is recorded as a ``policy.violation`` event in the call's own step;
- ``warn``: recorded, and the result the agent sees gets a ``policy_warnings`` list;
- ``block``: an error-severity violation refuses the call with ``policy.violation``
  (naming the rule) and nothing changes; lesser ones are recorded and warned about.

A refused call's receipt carries the error code, which is how scoring counts blocked
calls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from vei.core.context import CallContext
from vei.core.errors import VeiError
from vei.core.events import Event
from vei.core.middleware import BaseMiddleware, CallInfo, Reply
from vei.monitors.base import observe
from vei.monitors.middleware import MonitorSet
from vei.policy.rules import VIOLATION, Violation, evaluate, missing_scopes, promote
from vei.policy.section import PolicyContext
from vei.types import PolicyMode, Severity

if TYPE_CHECKING:
    from vei.core.world import World


class PolicyEngine(BaseMiddleware):
    """Scopes, rules and promotions for one world (see the module docstring)."""

    def __init__(
        self,
        context: PolicyContext,
        *,
        mode: PolicyMode = "observe",
        promotions: Mapping[str, Severity] | None = None,
        monitors: MonitorSet | None = None,
    ) -> None:
        self.context = context
        self.mode = mode
        self.promotions = dict(promotions or {})
        self.monitors = monitors
        self._pending: tuple[int, list[Violation]] | None = None

    def before_call(self, world: World, call: CallInfo) -> VeiError | None:
        """Refuse the call with ``policy.scope_denied`` if a scope it needs is not granted."""
        missing = missing_scopes(call.spec.scopes, self.context.granted_scopes)
        if not missing:
            return None
        granted = ", ".join(sorted(self.context.granted_scopes or ())) or "none"
        return VeiError(
            "policy.scope_denied",
            f"{call.spec.name} needs scope {', '.join(missing)}; this scenario grants the agent: {granted}",
        )

    def judge(
        self, world: World, call: CallInfo, result: Mapping[str, Any], events: Sequence[Event]
    ) -> list[Violation]:
        """The violations ``call`` would commit, numbered ``v<receipt>.<n>``."""
        findings = self.monitors.inspect(world, call, result, events) if self.monitors else []
        obs = observe(world, call, result, tuple(events), self.context)
        already = world.state.get("policy", {}).get("promoted", {})
        found = evaluate(obs, findings) + promote(findings, self.promotions, already)
        return [replace(v, id=f"v{call.index}.{n}") for n, v in enumerate(found, start=1)]

    def before_apply(
        self, world: World, call: CallInfo, result: dict[str, Any], events: Sequence[Event]
    ) -> VeiError | None:
        """Judge the call; in block mode refuse it (nothing changes) on an error violation."""
        violations = self.judge(world, call, result, events)
        self._pending = None
        if self.mode == "block":
            blocking = [v for v in violations if v.severity == "error"]
            if blocking:
                reasons = "; ".join(f"rule {v.rule} ({v.code}): {v.message}" for v in blocking)
                return VeiError(
                    "policy.violation", f"blocked by policy: {reasons}. Nothing was done."
                )
        self._pending = (call.index, violations)
        return None

    def after_apply(
        self,
        world: World,
        call: CallInfo,
        result: dict[str, Any],
        events: Sequence[Event],
        ctx: CallContext,
    ) -> Reply | None:
        """Record the call's violations; in warn and block mode add ``policy_warnings``."""
        pending, self._pending = self._pending, None
        if pending is None or pending[0] != call.index or not pending[1]:
            return None
        for violation in pending[1]:
            ctx.emit(VIOLATION, violation.to_data(), actor="policy")
        if self.mode == "observe":
            return None
        return Reply(result={**result, "policy_warnings": [v.warning() for v in pending[1]]})
