"""Score a run: each criterion met or unmet, with the events and receipts that show it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vei.core.events import Event
from vei.receipts.chain import Receipt
from vei.scenarios.schema import ScenarioFile
from vei.scoring.criteria import Outcome, judge


@dataclass(frozen=True)
class ScoreReport:
    """Task success and each criterion's verdict with its evidence."""

    run: str
    scenario: str
    success: bool
    criteria: tuple[dict[str, Any], ...]
    tool_calls: int
    virtual_time_ms: int

    def to_dict(self) -> dict[str, Any]:
        """The ``vei-score --json`` shape."""
        met = sum(1 for c in self.criteria if c["met"])
        return {
            "run": self.run,
            "scenario": self.scenario,
            "success": self.success,
            "task": {
                "success": self.success,
                "met": met,
                "total": len(self.criteria),
                "criteria": list(self.criteria),
            },
            "tool_calls": self.tool_calls,
            "virtual_time_ms": self.virtual_time_ms,
        }


def _receipt_index(receipts: Sequence[Receipt]) -> dict[int, int]:
    by_seq: dict[int, int] = {}
    for receipt in receipts:
        span = receipt.body["events"]
        if span:
            for seq in range(span[0], span[1] + 1):
                by_seq[seq] = receipt.index
    return by_seq


def score(
    spec: ScenarioFile,
    *,
    run: str,
    state: Mapping[str, Any],
    events: Sequence[Event],
    receipts: Sequence[Receipt],
) -> ScoreReport:
    """Judge ``spec``'s criteria over a run's final state, events and receipts."""
    outcomes: list[Outcome] = judge(
        spec.criteria,
        facts=spec.facts,
        rules=[n.model_dump(mode="json") for n in spec.npcs],
        state=state,
        events=events,
    )
    by_seq = _receipt_index(receipts)
    rows = tuple(
        {
            "id": o.id,
            "description": o.description,
            "met": o.met,
            "evidence": {
                "events": list(o.events),
                "receipts": sorted({by_seq[s] for s in o.events if s in by_seq}),
                "t_ms": o.t_ms,
            },
        }
        for o in outcomes
    )
    last = receipts[-1].body if receipts else None
    elapsed = last["t_ms"] + last["latency_ms"] if last else 0
    return ScoreReport(
        run=run,
        scenario=spec.name,
        success=all(o.met for o in outcomes),
        criteria=rows,
        tool_calls=len(receipts),
        virtual_time_ms=elapsed,
    )


def score_store(
    store: Any, manifest: Mapping[str, Any], reducers: Mapping[str, Any]
) -> ScoreReport:
    """Score a stored run from its manifest's scenario and a replay of its log."""
    from vei.receipts.verify import replay_run

    spec = ScenarioFile.model_validate(manifest["scenario_spec"])
    replayed = replay_run(store, reducers)
    return score(
        spec,
        run=str(manifest.get("run_id", "")),
        state=replayed.state,
        events=list(store.events()),
        receipts=list(store.receipts()),
    )
