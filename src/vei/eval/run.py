"""``run_eval``: plan the episodes, skip the finished ones, run the rest on a backend,
journal each as it finishes and write the summary.

The eval directory is the state dir of every run (``DIR/runs/<run_id>/``) and holds one
signing key for all of them (``DIR/receipt-key.pem``, unless ``VEI_RECEIPT_KEY`` names
one), created here before any worker starts so no two workers race to make it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from vei import __version__
from vei.config import Settings
from vei.eval.episode import EpisodeResult
from vei.eval.journal import SUMMARY, Journal, claim, write_durably
from vei.eval.plan import AgentSpec, EpisodeSpec, EvalInputError, episode_specs
from vei.eval.summary import summarise
from vei.fork import ForkOrigin

Backend = Literal["local", "ray"]
KEY_FILE = "receipt-key.pem"
# Settings that each episode sets itself.
_PER_EPISODE = ("seed", "scenario", "scenario_pack")


class Reporter(Protocol):
    """Told how much work there is and of each finished episode (a progress bar)."""

    def start(self, pending: int, done: int) -> None: ...

    def advance(self, result: EpisodeResult) -> None: ...


@dataclass(frozen=True)
class EvalPlan:
    """An eval: the agent over every scenario, seed and trial, with world ``settings``,
    written to ``out``."""

    agent: AgentSpec
    scenarios: list[tuple[str, str]]
    seeds: list[int]
    trials: int
    out: Path
    settings: Settings = field(default_factory=Settings)
    # ``--from RUN@REV``: every episode forks the parent's state at REV.
    origin: ForkOrigin | None = None

    @property
    def specs(self) -> list[EpisodeSpec]:
        """Every episode of the eval, in order."""
        start = None if self.origin is None else (str(self.origin.run_dir), self.origin.revision)
        return episode_specs(
            self.agent, self.scenarios, self.seeds, self.trials, self.settings, self.out, start
        )

    @property
    def config(self) -> dict[str, Any]:
        """What decides the results (recorded in eval.json; a resume must match it)."""
        world = {k: v for k, v in self.settings.to_manifest().items() if k not in _PER_EPISODE}
        return {
            "agent": self.agent.describe(),
            "scenarios": [f"{pack}/{name}" for pack, name in self.scenarios],
            "seeds": list(self.seeds),
            "trials": self.trials,
            "world": world,
            "vei_version": __version__,
            **({} if self.origin is None else {"from": self.origin.describe()}),
        }


@dataclass(frozen=True)
class EvalOutcome:
    """Every episode's result in plan order, the summary, and how many ran now."""

    results: list[EpisodeResult]
    summary: dict[str, Any]
    ran: int


def _key_pem(plan: EvalPlan) -> bytes:
    from vei.receipts.signing import load_or_create_signer, load_signer

    if plan.settings.receipt_key is not None:
        load_signer(plan.settings.receipt_key)  # a bad key stops the eval before it starts
        return plan.settings.receipt_key.read_bytes()
    load_or_create_signer(plan.out)
    return (plan.out / KEY_FILE).read_bytes()


def run_eval(
    plan: EvalPlan,
    *,
    workers: int = 1,
    backend: Backend = "local",
    ray_address: str | None = None,
    retry_errors: bool = False,
    reporter: Reporter | None = None,
) -> EvalOutcome:
    """Run every episode of ``plan`` not yet in ``out/episodes.jsonl`` (and, with
    ``retry_errors``, those recorded with an error), then write ``out/summary.json``.
    Interrupted, it leaves a journal that the same call resumes from."""
    from vei.eval.runners import run_local, run_ray

    if workers < 1:
        raise EvalInputError("--workers: must be at least 1")
    if backend not in ("local", "ray"):
        raise EvalInputError(f"--backend: {backend!r} (allowed: local | ray)")
    specs = plan.specs
    if plan.settings.receipt_key is not None:
        _key_pem(plan)  # a bad key stops the eval before its directory is claimed
    claim(plan.out, plan.config)
    key_pem = _key_pem(plan)
    with Journal(plan.out) as journal:
        todo = [
            s
            for s in specs
            if s.key not in journal.results
            or (retry_errors and journal.results[s.key].error is not None)
        ]
        if reporter is not None:
            reporter.start(len(todo), len(specs) - len(todo))

        def finished(result: EpisodeResult) -> None:
            journal.append(result)
            if reporter is not None:
                reporter.advance(result)

        if backend == "ray":
            run_ray(todo, workers, finished, out=plan.out, key_pem=key_pem, address=ray_address)
        else:
            run_local(todo, workers, finished)
        results = [journal.results[s.key] for s in specs]
    summary = summarise(results, plan.config)
    write_durably(plan.out / SUMMARY, json.dumps(summary, indent=2, sort_keys=True) + "\n")
    return EvalOutcome(results, summary, len(todo))


def load_results(out: Path) -> list[EpisodeResult]:
    """The recorded episodes of an eval directory, in the order of its plan."""
    from vei.eval.journal import read_config, read_episodes

    config = read_config(out)
    recorded = read_episodes(out)
    order = {
        (pack, name): i
        for i, (pack, _, name) in enumerate(s.partition("/") for s in config.get("scenarios", []))
    }
    return sorted(recorded.values(), key=lambda r: (order.get((r.pack, r.scenario), 0), r.key))
