"""Score a run on every axis: task success (each criterion with the events and receipts
that show it), policy, cost, efficiency, collateral damage and integrity, plus a composite
number shown beside them. docs/policy.md defines each axis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from vei.core.events import Event
from vei.policy.section import PolicyContext
from vei.receipts.chain import Receipt
from vei.scenarios.schema import ScenarioFile
from vei.scoring.collateral import collateral_axis
from vei.scoring.composite import composite
from vei.scoring.cost import cost_axis
from vei.scoring.criteria import Outcome, judge
from vei.scoring.efficiency import Reference, efficiency_axis
from vei.scoring.integrity import chain_integrity, from_verify
from vei.scoring.violations import policy_axis


class UnverifiedRunError(ValueError):
    """The stored run does not verify, so its score would mean nothing; the message says why."""


@dataclass(frozen=True)
class ScoreReport:
    """Task success with each criterion's verdict and evidence, and the other axes."""

    run: str
    scenario: str
    success: bool
    criteria: tuple[dict[str, Any], ...]
    tool_calls: int
    virtual_time_ms: int
    policy: dict[str, Any] = field(default_factory=dict)
    cost: dict[str, Any] = field(default_factory=dict)
    efficiency: dict[str, Any] = field(default_factory=dict)
    collateral: dict[str, Any] = field(default_factory=dict)
    integrity: dict[str, Any] = field(default_factory=dict)

    @property
    def task(self) -> dict[str, Any]:
        """The task axis: success, criteria met of total, and each criterion."""
        return {
            "success": self.success,
            "met": sum(1 for c in self.criteria if c["met"]),
            "total": len(self.criteria),
            "achieved": sum(1 for c in self.criteria if c["met"] and not c["constraint"]),
            "achievements": sum(1 for c in self.criteria if not c["constraint"]),
            "criteria": list(self.criteria),
        }

    @property
    def composite(self) -> dict[str, Any]:
        """One number from the axes (see ``vei.scoring.composite``)."""
        return composite(self.task, self.policy, self.collateral, self.integrity)

    def to_dict(self) -> dict[str, Any]:
        """The ``vei-score --json`` shape."""
        return {
            "run": self.run,
            "scenario": self.scenario,
            "success": self.success,
            "task": self.task,
            "policy": self.policy,
            "cost": self.cost,
            "efficiency": self.efficiency,
            "collateral": self.collateral,
            "integrity": self.integrity,
            "composite": self.composite,
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
    integrity: Mapping[str, Any] | None = None,
    reference: Reference | None = None,
) -> ScoreReport:
    """Score a run of ``spec`` from its final state, events and receipts on every axis.

    ``integrity`` is the integrity axis when the caller verified the stored run (see
    ``score_store``); otherwise the chain of ``receipts`` and ``events`` is checked here.
    ``reference`` (e.g. the oracle's calls and time) makes efficiency relative to it."""
    outcomes: list[Outcome] = judge(
        spec.criteria,
        facts=spec.facts,
        rules=[n.model_dump(mode="json") for n in spec.npcs],
        state=state,
        events=events,
        receipts=receipts,
    )
    by_seq = _receipt_index(receipts)
    rows = tuple(
        {
            "id": o.id,
            "description": o.description,
            "met": o.met,
            "why": o.why,
            "constraint": o.constraint,
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
    success = all(o.met for o in outcomes)
    met = sum(1 for o in outcomes if o.met)
    return ScoreReport(
        run=run,
        scenario=spec.name,
        success=success,
        criteria=rows,
        tool_calls=len(receipts),
        virtual_time_ms=elapsed,
        policy=policy_axis(events, receipts),
        cost=cost_axis(PolicyContext.from_scenario(spec), events, receipts, elapsed),
        efficiency=efficiency_axis(met, success, receipts, elapsed, reference),
        collateral=collateral_axis(spec, events, by_seq, state),
        integrity=dict(integrity) if integrity is not None else chain_integrity(receipts, events),
    )


def score_world(spec: ScenarioFile, world: Any, reference: Reference | None = None) -> ScoreReport:
    """Score a live (in-process) world's run of ``spec``; integrity checks its chain."""
    return score(
        spec,
        run=world.run_id,
        state=world.state,
        events=list(world.store.events()),
        receipts=list(world.store.receipts()),
        reference=reference,
    )


def score_store(
    store: Any,
    manifest: Mapping[str, Any],
    reducers: Mapping[str, Any],
    reference: Reference | None = None,
    run_dir: Any = None,
    require_verified: bool = False,
) -> ScoreReport:
    """Score a stored run from its manifest's scenario and a replay of its log; integrity
    is a full ``verify_run`` (signed inputs, chain, signatures, replay). With
    ``require_verified`` (``vei-score``) a run that does not verify raises
    UnverifiedRunError instead: a score of an edited manifest would mean nothing."""
    from vei.receipts.verify import replay_run, verify_run

    verified = verify_run(store, manifest, reducers, run_dir=run_dir)
    if require_verified and not verified.ok:
        raise UnverifiedRunError(str(verified.failure))
    spec = ScenarioFile.model_validate(manifest["scenario_spec"])
    replayed = replay_run(store, reducers)
    return score(
        spec,
        run=str(manifest.get("run_id", "")),
        state=replayed.state,
        events=list(store.events()),
        receipts=list(store.receipts()),
        integrity=from_verify(verified),
        reference=reference,
    )
