"""The fault injector: a call middleware that fails calls the way real services fail.

Every decision is drawn from the stream ``faults/<call index>`` of the master seed, so the
same seed and the same calls give the same faults on every machine, whatever drift does.
The receipt of each affected call names the fault (``unavailable``, ``rate_limited``,
``latency_spike``, ``timeout_after_commit``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from vei.core.context import CallContext
from vei.core.errors import VeiError
from vei.core.events import Event
from vei.core.middleware import BaseMiddleware, CallInfo, Reply
from vei.core.rng import stream
from vei.faults.profile import FaultProfile, FaultRule

if TYPE_CHECKING:
    from vei.core.world import World

UNAVAILABLE = "core.unavailable"
RATE_LIMITED = "core.rate_limited"
TIMEOUT = "core.timeout"


@dataclass(frozen=True)
class Draw:
    """The fault decisions for one call (all drawn, whichever apply)."""

    unavailable: bool
    rate_limited: bool
    latency: bool
    timeout: bool
    retry_after_ms: int
    latency_ms: int

    @classmethod
    def for_call(cls, seed: int, index: int, rule: FaultRule) -> Draw:
        """The draws of call ``index``: a fixed number, in a fixed order."""
        rng = stream(seed, "faults", index)
        rolls = [rng.randrange(1_000) for _ in range(4)]
        return cls(
            unavailable=rolls[0] < rule.unavailable,
            rate_limited=rolls[1] < rule.rate_limit,
            latency=rolls[2] < rule.latency,
            timeout=rolls[3] < rule.timeout,
            retry_after_ms=rng.randint(*rule.retry_after_ms),
            latency_ms=rng.randint(*rule.latency_ms),
        )


class FaultMiddleware(BaseMiddleware):
    """Injects the faults of ``profile`` into app tool calls (control tools are exempt,
    and so are tools matching ``exempt``)."""

    def __init__(self, profile: FaultProfile, *, exempt: Sequence[str] = ()) -> None:
        self.profile = profile
        self.exempt = tuple(exempt)
        # scope (tool or twin) -> virtual time until which it is rate limited
        self.limited_until: dict[str, int] = {}

    def rule_for(self, call: CallInfo) -> FaultRule | None:
        """The first rule matching the call, or None (no faults for it)."""
        name = call.spec.name
        if any(fnmatchcase(name, pattern) for pattern in self.exempt):
            return None
        for rule in self.profile.rules:
            if call.spec.kind in rule.kinds and any(fnmatchcase(name, p) for p in rule.tools):
                return rule
        return None

    def before_call(self, world: World, call: CallInfo) -> VeiError | None:
        """Refuse the call (unavailable, rate limited) or slow it down, as drawn."""
        rule = self.rule_for(call)
        if rule is None:
            return None
        draw = Draw.for_call(world.seed, call.index, rule)
        scope = f"tool:{call.spec.name}" if rule.scope == "tool" else f"twin:{call.spec.twin}"
        until = self.limited_until.get(scope, -1)
        if call.t_ms < until:
            call.fault = "rate_limited"
            return _rate_limited(call, until - call.t_ms)
        if draw.unavailable:
            call.fault = "unavailable"
            return VeiError(
                UNAVAILABLE,
                f"{call.spec.name}: the {call.spec.twin} service is temporarily unavailable; "
                "nothing was changed, retry shortly",
                retryable=True,
            )
        if draw.rate_limited:
            self.limited_until[scope] = call.t_ms + draw.retry_after_ms
            call.fault = "rate_limited"
            return _rate_limited(call, draw.retry_after_ms)
        if draw.latency:
            call.fault = "latency_spike"
            call.extra_latency_ms += draw.latency_ms
        return None

    def after_apply(
        self,
        world: World,
        call: CallInfo,
        result: dict[str, Any],
        events: Sequence[Event],
        ctx: CallContext,
    ) -> Reply | None:
        """Report an applied write as timed out, as drawn."""
        rule = self.rule_for(call)
        if rule is None or call.spec.kind != "write":
            return None
        if not Draw.for_call(world.seed, call.index, rule).timeout:
            return None
        call.fault = "timeout_after_commit"
        call.extra_latency_ms += rule.timeout_ms
        return Reply(
            error=VeiError(
                TIMEOUT,
                f"{call.spec.name} timed out after {rule.timeout_ms} ms; it may have been "
                "applied. Retry with the same idempotency_key to get its result without "
                "acting twice.",
                retryable=True,
            )
        )


def _rate_limited(call: CallInfo, wait_ms: int) -> VeiError:
    return VeiError(
        RATE_LIMITED,
        f"{call.spec.name}: rate limited; retry after {wait_ms} ms of virtual time (vei_tick)",
        retryable=True,
        retry_after_ms=wait_ms,
    )
