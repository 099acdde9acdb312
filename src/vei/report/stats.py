"""Success statistics for an eval report: Wilson intervals and the unbiased pass^k.

pass^k is the chance that all of k independent trials of a task succeed. With n >= k
trials of which c succeeded, ``C(c, k) / C(n, k)`` estimates it without bias; over several
tasks it is the mean of the per-task estimates (the definition of tau-bench).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval (95% by default) of a success rate; (0, 1) when n == 0."""
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be in 0..{n}, not {successes}")
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # At 0 and n the bounds are exactly 0 and 1; say so rather than 0.9999999999999999.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def pass_hat_k(successes: int, n: int, k: int) -> float:
    """The unbiased estimate of pass^k from ``successes`` of ``n`` trials of one task."""
    if k < 1 or n < k:
        raise ValueError(f"pass^{k} needs at least {k} trials, not {n}")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be in 0..{n}, not {successes}")
    return math.comb(successes, k) / math.comb(n, k)


def mean_pass_hat_k(tasks: Sequence[tuple[int, int]], k: int) -> float | None:
    """pass^k over tasks given as (successes, trials); None when a task has fewer than k."""
    if not tasks or any(n < k for _, n in tasks):
        return None
    return sum(pass_hat_k(c, n, k) for c, n in tasks) / len(tasks)
