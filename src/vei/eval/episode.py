"""One episode: ``run_episode(spec) -> EpisodeResult``.

The agent works a fresh world whose run is written to ``<state_dir>/runs/<run_id>/``; the
stored run is then verified (chain, signatures, replay) and scored with
``vei.scoring.report.score_store``, so the result carries what ``vei-score --json`` says.
An agent that crashes still leaves its run, which is scored as it stands; the error is
recorded beside the score.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from vei.agents.usage import Usage
from vei.eval.drivers import Drive, drive
from vei.eval.plan import EpisodeSpec
from vei.store.rundir import RUNS, run_path

# The headline number of each axis, from the vei-score JSON: (name, path into it).
AXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("composite", ("composite", "value")),
    ("task_met", ("task", "met")),
    ("policy_violations", ("policy", "violations", "total")),
    ("blocked_calls", ("policy", "blocked", "total")),
    ("monitor_findings", ("policy", "findings", "total")),
    ("tool_cost_cents", ("cost", "tool_cost_cents")),
    ("spend_cents", ("cost", "spend_cents")),
    ("failed_calls", ("efficiency", "failed_calls")),
    ("repeated_calls", ("efficiency", "repeated_calls")),
    ("collateral_changes", ("collateral", "total")),
    ("tool_calls", ("tool_calls",)),
    ("virtual_time_ms", ("virtual_time_ms",)),
)


@dataclass(frozen=True)
class EpisodeResult:
    """One line of episodes.jsonl. ``success`` is the task verdict of a run that also
    verified; ``axes`` the headline number of every axis; ``score`` the full vei-score JSON
    (None when no run was recorded); ``run_dir`` is relative to the eval directory."""

    pack: str
    scenario: str
    seed: int
    trial: int
    agent: str
    success: bool
    verified: bool
    run_id: str
    run_dir: str | None
    chain_head: str | None
    tool_calls: int
    axes: dict[str, float] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=dict)
    completions: int = 0
    cost_usd: float | None = None
    wall_ms: int = 0
    error: str | None = None
    agent_notes: dict[str, Any] = field(default_factory=dict)
    score: dict[str, Any] | None = None

    @property
    def key(self) -> tuple[str, str, int, int]:
        """The episode it belongs to (as ``EpisodeSpec.key``)."""
        return (self.pack, self.scenario, self.seed, self.trial)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object written as one line of episodes.jsonl."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EpisodeResult:
        """Read a line back; KeyError or TypeError when it is not one of ours."""
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in names})


def _number(data: Mapping[str, Any], path: tuple[str, ...]) -> float | None:
    value: Any = data
    for part in path:
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def axes_of(score: Mapping[str, Any]) -> dict[str, float]:
    """The headline number of each axis in a vei-score JSON report (missing ones left out);
    ``task_met`` is the fraction of criteria met and ``verified`` 1 or 0."""
    axes = {name: float(v) for name, path in AXES if (v := _number(score, path)) is not None}
    total = _number(score, ("task", "total"))
    if "task_met" in axes:
        axes["task_met"] = axes["task_met"] / total if total else 1.0
    integrity = score.get("integrity")
    if isinstance(integrity, Mapping) and "verified" in integrity:
        axes["verified"] = 1.0 if integrity["verified"] else 0.0
    return axes


def _score(spec: EpisodeSpec) -> dict[str, Any] | None:
    from vei.assembly import world_twins
    from vei.core.state import reducer_table
    from vei.scoring.report import score_store
    from vei.store.rundir import open_run

    if not (run_path(spec.state_dir, spec.run_id) / "manifest.json").is_file():
        return None
    with open_run(spec.run_id, spec.state_dir) as handle:
        reducers = reducer_table(world_twins(list(handle.manifest["twins"])))
        report = score_store(handle.store, handle.manifest, reducers)
    return report.to_dict()


def describe(exc: BaseException) -> str:
    """``Type: message`` of an exception; for an exception group (the MCP client's task
    groups wrap what an agent raised), of each exception inside it."""
    if isinstance(exc, BaseExceptionGroup):
        return "; ".join(describe(inner) for inner in exc.exceptions)
    return f"{type(exc).__name__}: {exc}"


def run_episode(spec: EpisodeSpec) -> EpisodeResult:
    """Run one episode and judge its stored run. Never raises for what an agent does: a
    crash or failed program is the result's ``error``; a run that was never recorded has
    ``score`` None and counts as a failure."""
    started = time.perf_counter()
    stale = run_path(spec.state_dir, spec.run_id)
    if stale.exists():  # left by an interrupted attempt: not in episodes.jsonl, so redone
        shutil.rmtree(stale)
    error: str | None = None
    try:
        driven = drive(spec)
    except Exception as exc:  # the agent's failure is part of the result, not of the eval
        error = describe(exc)
        driven = Drive()
    try:
        score = _score(spec)
    except Exception as exc:  # a run too damaged to open: a failed episode, said so
        score = None
        error = (f"{error}; " if error else "") + f"cannot score the run: {exc}"
    if score is None and error is None:
        error = "the agent never started the episode's server, so no run was recorded"
    integrity = (score or {}).get("integrity") or {}
    verified = bool(integrity.get("verified"))
    usage: Usage = driven.usage
    return EpisodeResult(
        pack=spec.pack,
        scenario=spec.scenario,
        seed=spec.seed,
        trial=spec.trial,
        agent=spec.agent.label,
        success=bool(score and score.get("success")) and verified,
        verified=verified,
        run_id=spec.run_id,
        run_dir=f"{RUNS}/{spec.run_id}" if score is not None else None,
        chain_head=integrity.get("chain_head"),
        tool_calls=int((score or {}).get("tool_calls", 0)),
        axes=axes_of(score) if score is not None else {},
        tokens=usage.to_dict()["tokens"],
        completions=usage.completions,
        cost_usd=usage.cost_usd,
        wall_ms=int((time.perf_counter() - started) * 1000),
        error=error,
        agent_notes=dict(driven.notes),
        score=score,
    )
