"""``MonitorSet``: the middleware that runs the enabled monitors on every app call.

Monitors look at a call once, before its events are applied (so they see the state the
call started from and exactly the events it proposes); the policy engine asks for the
same findings through ``inspect`` to decide whether to refuse the call. Once the events
are applied, each finding becomes a ``monitor.finding`` event in the call's own step,
with an id ``f<receipt>.<n>``, so it is covered by the call's receipt, replayed and part
of every later snapshot. A refused call records nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from vei.core.context import CallContext
from vei.core.events import Event
from vei.core.middleware import BaseMiddleware, CallInfo, Reply
from vei.monitors.base import FINDING, Finding, MonitorSpec, observe
from vei.monitors.history import CallHistory
from vei.policy.section import PolicyContext

if TYPE_CHECKING:
    from vei.core.world import World


class MonitorSet(BaseMiddleware):
    """Runs ``monitors`` (in the given order) on each app call of one world."""

    def __init__(self, monitors: Sequence[MonitorSpec], context: PolicyContext) -> None:
        self.monitors = tuple(monitors)
        self.context = context
        self.history = CallHistory()
        self._kinds: dict[str, str] | None = None
        self._cached: tuple[int, list[Finding]] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The enabled monitors' names."""
        return tuple(m.name for m in self.monitors)

    def inspect(
        self, world: World, call: CallInfo, result: Mapping[str, Any], events: Sequence[Event]
    ) -> list[Finding]:
        """The findings of every enabled monitor on ``call`` (computed once per call)."""
        if self._cached is not None and self._cached[0] == call.index:
            return self._cached[1]
        if self.history.seen < call.index - 1:
            if self._kinds is None:
                self._kinds = {spec.name: spec.kind for spec in world.registry}
            receipts = world.receipts(after=self.history.seen)  # a fork's: parent's first
            self.history.catch_up(receipts, call.index, self._kinds)
        obs = observe(world, call, result, tuple(events), self.context, self.history)
        findings: list[Finding] = []
        for monitor in self.monitors:
            findings.extend(monitor.check(obs))
        numbered = [replace(f, id=f"f{call.index}.{n}") for n, f in enumerate(findings, start=1)]
        self._cached = (call.index, numbered)
        return numbered

    def before_apply(
        self, world: World, call: CallInfo, result: dict[str, Any], events: Sequence[Event]
    ) -> None:
        """Run the monitors on the call before its events are applied (never refuses)."""
        self.inspect(world, call, result, events)
        return None

    def after_apply(
        self,
        world: World,
        call: CallInfo,
        result: dict[str, Any],
        events: Sequence[Event],
        ctx: CallContext,
    ) -> Reply | None:
        """Record this call's findings as ``monitor.finding`` events in its step."""
        cached, self._cached = self._cached, None
        if cached is None or cached[0] != call.index:
            return None
        for finding in cached[1]:
            ctx.emit(FINDING, finding.to_data(), actor=f"monitor:{finding.monitor}")
        return None
