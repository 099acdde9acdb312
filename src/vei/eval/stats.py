"""The statistics of an eval: success rates with Wilson intervals, the unbiased pass^k
estimator, cluster-bootstrap intervals for means, and the paired test ``vei eval compare``
uses. Every random draw comes from a generator seeded by name, so a summary is the same
every time it is computed from the same episodes. docs/eval.md says why each was chosen.
"""

from __future__ import annotations

import itertools
import math
import random
import statistics
from collections.abc import Mapping, Sequence

from vei.core.rng import derive_seed

Z95 = 1.959963984540054  # the standard normal's 97.5% quantile
RESAMPLES = 1_000
STATS_SEED = 20_251_202
EXACT_FLIPS_UP_TO = 12  # units; beyond, a seeded Monte Carlo over sign flips
MONTE_CARLO_FLIPS = 10_000


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval for a success rate (None when ``n`` is 0). Unlike the
    normal approximation it stays inside [0, 1] and is not empty at 0 or n successes."""
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError(f"{successes} successes out of {n}")
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    # At 0 or n successes the bound is exactly 0 or 1; rounding must not move it.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)


def pass_hat_k(counts: Sequence[tuple[int, int]], k: int) -> float | None:
    """pass^k: the chance that ``k`` trials of the same task all succeed, estimated without
    bias from ``(successes, trials)`` per task as the mean of C(c, k) / C(n, k). None when
    some task has fewer than ``k`` trials (or there are no tasks)."""
    if k < 1:
        raise ValueError("k must be at least 1")
    if not counts or any(n < k for _, n in counts):
        return None
    return sum(math.comb(c, k) / math.comb(n, k) for c, n in counts) / len(counts)


def rng(*name: str | int) -> random.Random:
    """A generator for one named statistic, the same on every machine and every run."""
    return random.Random(derive_seed(STATS_SEED, "stats", *name))


def _quantiles(values: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(values, n=40, method="inclusive")
    return (cuts[0], cuts[-1])


def bootstrap_means(
    columns: Mapping[str, Sequence[Sequence[float]]],
    generator: random.Random,
    resamples: int = RESAMPLES,
) -> dict[str, tuple[float, float] | None]:
    """A 95% percentile interval for the mean of each column's values, resampling whole
    clusters: the trials of one scenario and seed move together, since they share a world.
    Every column lists its clusters in the same order (one per unit, possibly empty); the
    same resampled units serve every column. None for a column without values."""
    width = max((len(clusters) for clusters in columns.values()), default=0)
    draws = [generator.choices(range(width), k=width) for _ in range(resamples)] if width else []
    intervals: dict[str, tuple[float, float] | None] = {}
    for name, clusters in columns.items():
        sums = [float(sum(c)) for c in clusters]
        sizes = [len(c) for c in clusters]
        values = {v for c in clusters for v in c}
        if not any(sizes):
            intervals[name] = None
        elif len(values) == 1:
            only = values.pop()
            intervals[name] = (only, only)
        else:
            means = []
            for picked in draws:
                size = sum(sizes[i] for i in picked)
                if size:
                    means.append(sum(sums[i] for i in picked) / size)
            intervals[name] = _quantiles(means)
    return intervals


def bootstrap_paired(
    differences: Sequence[float], generator: random.Random, resamples: int = RESAMPLES
) -> tuple[float, float] | None:
    """A 95% percentile interval for the mean of paired differences, resampling pairs."""
    if not differences:
        return None
    if len(set(differences)) == 1:
        return (differences[0], differences[0])
    n = len(differences)
    means = [sum(generator.choices(differences, k=n)) / n for _ in range(resamples)]
    return _quantiles(means)


def sign_flip_p(differences: Sequence[float], generator: random.Random) -> float:
    """Two-sided p-value of the paired sign-flip permutation test: under "no difference"
    each pair's difference is as likely negative as positive. Exact up to
    ``EXACT_FLIPS_UP_TO`` pairs, seeded Monte Carlo beyond; 1.0 with nothing to compare."""
    n = len(differences)
    observed = abs(sum(differences))
    if n == 0 or observed == 0:
        return 1.0
    tolerance = 1e-9 * max(1.0, observed)
    if n <= EXACT_FLIPS_UP_TO:
        hits = sum(
            1
            for signs in itertools.product((1, -1), repeat=n)
            if abs(sum(s * d for s, d in zip(signs, differences, strict=True)))
            >= observed - tolerance
        )
        return float(hits / 2**n)
    hits = 0
    for _ in range(MONTE_CARLO_FLIPS):
        flipped = sum(d if generator.random() < 0.5 else -d for d in differences)
        hits += abs(flipped) >= observed - tolerance
    return (hits + 1) / (MONTE_CARLO_FLIPS + 1)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values, in the order given: a family of tests keeps a
    5% chance of any false difference when each is judged at 0.05."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted = [1.0] * len(p_values)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted
