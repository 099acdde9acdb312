"""Hooks around every app tool call: fault injection, monitors and policy plug in here.

A middleware sees the call at three points. ``before_call`` may refuse it before the
handler runs (a transient fault, a rate limit) or add latency. ``before_apply`` sees the
handler's result and the events it proposes and may refuse the call with nothing changed
(policy in block mode). ``after_apply`` runs once the events are applied; it may emit more
events through its context (monitor findings), replace the result the agent sees (a policy
warning), or return an error the agent sees although the write was committed (a timeout
after commit). Control tools (``vei_*``) are not passed through middleware.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from vei.core.context import CallContext
from vei.core.errors import VeiError
from vei.core.events import Event
from vei.core.registry import ToolArgs, ToolSpec

if TYPE_CHECKING:
    from vei.core.world import World


@dataclass
class CallInfo:
    """One app tool call as middleware sees it. ``fault`` names an injected fault, which
    the receipt records; ``extra_latency_ms`` is added to the tool's latency."""

    spec: ToolSpec
    args: ToolArgs
    index: int
    t_ms: int
    actor: str
    args_digest: str
    fault: str | None = None
    extra_latency_ms: int = 0


@dataclass(frozen=True)
class Reply:
    """What ``after_apply`` may change: the result shown, or an error shown instead."""

    result: dict[str, Any] | None = None
    error: VeiError | None = None


class Middleware(Protocol):
    """Implement any subset; the World calls each middleware in configured order."""

    def before_call(self, world: World, call: CallInfo) -> VeiError | None: ...

    def before_apply(
        self, world: World, call: CallInfo, result: dict[str, Any], events: Sequence[Event]
    ) -> VeiError | None: ...

    def after_apply(
        self,
        world: World,
        call: CallInfo,
        result: dict[str, Any],
        events: Sequence[Event],
        ctx: CallContext,
    ) -> Reply | None: ...


class BaseMiddleware:
    """No-op defaults, so a middleware overrides only the points it needs."""

    def before_call(self, world: World, call: CallInfo) -> VeiError | None:
        return None

    def before_apply(
        self, world: World, call: CallInfo, result: dict[str, Any], events: Sequence[Event]
    ) -> VeiError | None:
        return None

    def after_apply(
        self,
        world: World,
        call: CallInfo,
        result: dict[str, Any],
        events: Sequence[Event],
        ctx: CallContext,
    ) -> Reply | None:
        return None
