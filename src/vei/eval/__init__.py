"""``vei eval``: run an agent over scenarios, seeds and trials, locally or on Ray, and
report success, pass^k and every scoring axis with their noise (docs/eval.md).

An episode is a pure function of its spec (``run_episode(spec) -> EpisodeResult``); the
runners only decide where it runs, so every backend and worker count gives the same runs.
"""

from __future__ import annotations

from vei.eval.episode import EpisodeResult, run_episode
from vei.eval.plan import (
    AgentOptions,
    AgentSpec,
    EpisodeSpec,
    EvalInputError,
    parse_agent,
    parse_seeds,
    select_scenarios,
)
from vei.eval.run import EvalOutcome, EvalPlan, load_results, run_eval
from vei.eval.summary import compare, summarise

__all__ = [
    "AgentOptions",
    "AgentSpec",
    "EpisodeResult",
    "EpisodeSpec",
    "EvalInputError",
    "EvalOutcome",
    "EvalPlan",
    "compare",
    "load_results",
    "parse_agent",
    "parse_seeds",
    "run_episode",
    "run_eval",
    "select_scenarios",
    "summarise",
]
