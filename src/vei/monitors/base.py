"""What a monitor sees (an ``Observation`` of one call) and what it reports (``Finding``).

A monitor is a pure function of the observation: the state before the call, the tool,
its arguments and result, the events the call proposes (its state diff), its receipt
index, synthetic cost and latency, and the scenario's policy. It draws no randomness
and reads no clock, so its findings are the same on every machine. Findings become
``monitor.finding`` events in the call's own step, covered by the call's receipt.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vei.core.events import Event
from vei.policy.section import PolicyContext
from vei.types import Severity

if TYPE_CHECKING:
    from vei.core.middleware import CallInfo
    from vei.core.world import World
    from vei.monitors.history import CallHistory

FINDING = "monitor.finding"


@dataclass(frozen=True)
class Finding:
    """One thing a monitor noticed about one call. ``event`` is the seq of the event that
    shows it (the mail sent, the form submitted), when there is one; ``subject`` names
    the object it is about (``slack:procurement``), when a monitor reports an object once;
    ``id`` is unique in the run (``f<receipt>.<n>``) and is assigned when it is recorded."""

    monitor: str
    code: str
    severity: Severity
    message: str
    receipt: int
    event: int | None = None
    id: str = ""
    subject: str | None = None

    def to_data(self) -> dict[str, Any]:
        """The payload of the ``monitor.finding`` event."""
        return {
            "id": self.id,
            "monitor": self.monitor,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "receipt": self.receipt,
            "event": self.event,
            "subject": self.subject,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Finding:
        """Rebuild a finding from its event payload."""
        return cls(
            monitor=str(data["monitor"]),
            code=str(data["code"]),
            severity=data["severity"],
            message=str(data["message"]),
            receipt=int(data["receipt"]),
            event=None if data.get("event") is None else int(data["event"]),
            id=str(data.get("id", "")),
            subject=data.get("subject"),
        )


@dataclass(frozen=True)
class Observation:
    """One app tool call as monitors and rules see it, before its events are applied."""

    state: Mapping[str, Any]
    tool: str
    kind: str
    scopes: tuple[str, ...]
    args: Mapping[str, Any]
    args_digest: str
    result: Mapping[str, Any]
    receipt: int
    t_ms: int
    cost_cents: int
    latency_ms: int
    revision: int
    events: tuple[Event, ...]
    context: PolicyContext = field(default_factory=PolicyContext)
    history: CallHistory | None = None

    def finding(
        self,
        monitor: str,
        code: str,
        severity: Severity,
        message: str,
        event: int | None = None,
        subject: str | None = None,
    ) -> Finding:
        """A finding about this call."""
        return Finding(monitor, code, severity, message, self.receipt, event, subject=subject)

    def reported(self, code: str, subject: str) -> bool:
        """Whether a finding ``code`` about ``subject`` was recorded before this call."""
        findings = self.state.get("monitor", {}).get("findings", [])
        return any(f["code"] == code and f.get("subject") == subject for f in findings)


def observe(
    world: World,
    call: CallInfo,
    result: Mapping[str, Any],
    events: tuple[Event, ...],
    context: PolicyContext,
    history: CallHistory | None = None,
) -> Observation:
    """The observation of ``call`` in ``world`` (called before its events are applied)."""
    spec = call.spec
    return Observation(
        state=world.state,
        tool=spec.name,
        kind=spec.kind,
        scopes=spec.scopes,
        args=call.args.model_dump(mode="json"),
        args_digest=call.args_digest,
        result=result,
        receipt=call.index,
        t_ms=call.t_ms,
        cost_cents=spec.cost_cents,
        latency_ms=spec.latency_ms + call.extra_latency_ms,
        revision=world.revision,
        events=events,
        context=context,
        history=history,
    )


Check = Callable[[Observation], list[Finding]]


@dataclass(frozen=True)
class MonitorSpec:
    """A monitor: its name, the codes it can report (code -> (severity, meaning)) and its
    check function."""

    name: str
    codes: Mapping[str, tuple[Severity, str]]
    check: Check
    description: str = ""
