"""summary.json from the episodes, and ``vei eval compare`` of two eval directories.

A *task* is one scenario at one seed; its trials are the repeated episodes. Success rates
get a Wilson interval over episodes, pass^k the unbiased estimator over tasks, axis means a
bootstrap interval that resamples tasks. Comparing two evals pairs their common tasks and
asks, per metric, whether the mean paired difference is larger than chance would make it
(sign-flip permutation test, Holm-adjusted over every row of the comparison).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from vei.eval.episode import EpisodeResult
from vei.eval.stats import (
    RESAMPLES,
    STATS_SEED,
    bootstrap_means,
    bootstrap_paired,
    holm,
    pass_hat_k,
    rng,
    sign_flip_p,
    wilson,
)

Task = tuple[str, str, int]
ALPHA = 0.05


def _tasks(results: Iterable[EpisodeResult]) -> dict[Task, list[EpisodeResult]]:
    grouped: dict[Task, list[EpisodeResult]] = defaultdict(list)
    for r in sorted(results, key=lambda r: r.key):
        grouped[(r.pack, r.scenario, r.seed)].append(r)
    return dict(grouped)


def _axis_names(results: Iterable[EpisodeResult]) -> list[str]:
    return sorted({name for r in results for name in r.axes})


def _usage(results: Sequence[EpisodeResult]) -> dict[str, Any]:
    costs = [r.cost_usd for r in results if r.cost_usd is not None]
    return {
        "prompt_tokens": sum(r.tokens.get("prompt", 0) for r in results),
        "completion_tokens": sum(r.tokens.get("completion", 0) for r in results),
        "total_tokens": sum(r.tokens.get("total", 0) for r in results),
        "completions": sum(r.completions for r in results),
        "cost_usd": sum(costs) if costs else None,
    }


def scope_summary(results: Sequence[EpisodeResult], scope: str) -> dict[str, Any]:
    """Success with its Wilson interval, pass^k for k up to the fewest trials of a task,
    every axis mean with its bootstrap interval, tokens, cost, errors and wall time."""
    tasks = _tasks(results)
    n = len(results)
    successes = sum(r.success for r in results)
    interval = wilson(successes, n)
    counts = [(sum(r.success for r in trials), len(trials)) for trials in tasks.values()]
    most = min((t for _, t in counts), default=0)
    names = _axis_names(results)
    columns = {
        name: [[r.axes[name] for r in trials if name in r.axes] for trials in tasks.values()]
        for name in names
    }
    intervals = bootstrap_means(columns, rng("summary", scope))
    axes: dict[str, Any] = {}
    for name in names:
        values = [v for cluster in columns[name] for v in cluster]
        axes[name] = {"mean": sum(values) / len(values), "ci95": intervals[name], "n": len(values)}
    return {
        "episodes": n,
        "tasks": len(tasks),
        "success": {
            "successes": successes,
            "rate": successes / n if n else None,
            "ci95": list(interval) if interval else None,
        },
        "pass_k": {str(k): pass_hat_k(counts, k) for k in range(1, most + 1)},
        "axes": axes,
        "usage": _usage(results),
        "errors": sum(1 for r in results if r.error),
        "unverified": sum(1 for r in results if r.score is not None and not r.verified),
        "wall_s": round(sum(r.wall_ms for r in results) / 1000, 3),
    }


def summarise(results: Sequence[EpisodeResult], config: Mapping[str, Any]) -> dict[str, Any]:
    """The summary.json object: the eval's configuration, ``overall`` and each scenario."""
    by_scenario: dict[str, list[EpisodeResult]] = defaultdict(list)
    results = sorted(results, key=lambda r: r.key)  # the order episodes finished is noise
    for r in results:
        by_scenario[f"{r.pack}/{r.scenario}"].append(r)
    return {
        "config": dict(config),
        "overall": scope_summary(results, "overall"),
        "scenarios": {name: scope_summary(rs, name) for name, rs in sorted(by_scenario.items())},
        "statistics": {
            "success_interval": "Wilson score, 95%, over episodes",
            "pass_k": "unbiased: mean over tasks of C(c,k)/C(n,k)",
            "axis_interval": f"percentile bootstrap, 95%, {RESAMPLES} resamples of tasks",
            "seed": STATS_SEED,
        },
    }


def _task_metrics(trials: Sequence[EpisodeResult], k: int | None) -> dict[str, float]:
    """Per task: its success rate, pass^k and each axis's mean over its trials."""
    metrics = {"success": sum(r.success for r in trials) / len(trials)}
    if k is not None:
        estimate = pass_hat_k([(sum(r.success for r in trials), len(trials))], k)
        if estimate is not None:
            metrics[f"pass^{k}"] = estimate
    for name in _axis_names(trials):
        values = [r.axes[name] for r in trials if name in r.axes]
        metrics[name] = sum(values) / len(values)
    return metrics


def compare(
    a: Sequence[EpisodeResult], b: Sequence[EpisodeResult], alpha: float = ALPHA
) -> dict[str, Any]:
    """Every metric of B against A over their common tasks, overall and per scenario: the
    means, the mean paired difference (B - A) with a bootstrap interval, the sign-flip
    p-value, its Holm adjustment over all rows, and whether that is below ``alpha``.
    ValueError when the evals share no task."""
    tasks_a, tasks_b = _tasks(a), _tasks(b)
    common = sorted(set(tasks_a) & set(tasks_b))
    if not common:
        raise ValueError(
            "the two evals share no scenario and seed; compare evals of the same tasks"
        )
    k = min(len(tasks_a[t]) for t in common)
    k = min(k, *(len(tasks_b[t]) for t in common))
    per_a = {t: _task_metrics(tasks_a[t], k if k > 1 else None) for t in common}
    per_b = {t: _task_metrics(tasks_b[t], k if k > 1 else None) for t in common}
    scopes: dict[str, list[Task]] = {"overall": common}
    for task in common:
        scopes.setdefault(f"{task[0]}/{task[1]}", []).append(task)
    rows: list[dict[str, Any]] = []
    for scope, tasks in scopes.items():
        metrics = sorted(
            set.intersection(*(set(per_a[t]) & set(per_b[t]) for t in tasks)),
            key=lambda m: (m != "success", not m.startswith("pass^"), m),
        )
        for metric in metrics:
            diffs = [per_b[t][metric] - per_a[t][metric] for t in tasks]
            rows.append(
                {
                    "scope": scope,
                    "metric": metric,
                    "a": sum(per_a[t][metric] for t in tasks) / len(tasks),
                    "b": sum(per_b[t][metric] for t in tasks) / len(tasks),
                    "diff": sum(diffs) / len(diffs),
                    "ci95": bootstrap_paired(diffs, rng("compare", scope, metric)),
                    "p": sign_flip_p(diffs, rng("compare-p", scope, metric)),
                    "tasks": len(tasks),
                    "identical": all(d == 0 for d in diffs),
                }
            )
    # A row where A and B agree on every task tests nothing and joins no family.
    tested = [r for r in rows if not r["identical"]]
    for row in rows:
        row["p_holm"], row["significant"] = 1.0, False
    for row, adjusted in zip(tested, holm([r["p"] for r in tested]), strict=True):
        row["p_holm"] = adjusted
        row["significant"] = adjusted < alpha
    return {
        "tasks": len(common),
        "only_a": len(set(tasks_a) - set(tasks_b)),
        "only_b": len(set(tasks_b) - set(tasks_a)),
        "alpha": alpha,
        "test": "paired sign-flip permutation over tasks, Holm-adjusted over all rows",
        "rows": rows,
    }
