"""The efficiency axis: how much work each met criterion took, and against a reference.

- ``calls_per_criterion`` / ``virtual_ms_per_criterion``: tool calls and virtual time
  divided by the criteria met (null when none was met);
- ``failed_calls``: calls that returned an error; ``repeated_calls``: app calls that
  repeated the call just before them with nothing changed in between;
- ``relative`` (only with a ``Reference``, usually the oracle's run of the same scenario
  and seed, and only when the task succeeded): the reference's calls and virtual time
  divided by this run's, so 1.0 is as lean as the reference and 0.5 took twice as much.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from vei.monitors.history import repeated_calls
from vei.receipts.chain import Receipt


@dataclass(frozen=True)
class Reference:
    """A reference run's tool calls and virtual time (e.g. the oracle's)."""

    tool_calls: int
    virtual_time_ms: int
    source: str = "oracle"


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


def efficiency_axis(
    criteria_met: int,
    success: bool,
    receipts: Sequence[Receipt],
    virtual_time_ms: int,
    reference: Reference | None = None,
) -> dict[str, Any]:
    """The efficiency of a run that met ``criteria_met`` criteria (see the module doc)."""
    calls = len(receipts)
    relative = None
    if reference is not None and success:
        relative = {
            "calls": _ratio(reference.tool_calls, calls),
            "virtual_time": _ratio(reference.virtual_time_ms, virtual_time_ms),
        }
    return {
        "criteria_met": criteria_met,
        "calls_per_criterion": _ratio(calls, criteria_met),
        "virtual_ms_per_criterion": (virtual_time_ms // criteria_met) if criteria_met else None,
        "failed_calls": sum(1 for r in receipts if not r.body["ok"]),
        "repeated_calls": repeated_calls(receipts),
        "reference": None if reference is None else asdict(reference),
        "relative": relative,
    }
