"""The eval statistics: Wilson intervals, the unbiased pass^k estimator, seeded bootstrap
intervals, the sign-flip test and Holm's adjustment."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vei.eval.stats import (
    bootstrap_means,
    bootstrap_paired,
    holm,
    pass_hat_k,
    rng,
    sign_flip_p,
    wilson,
)


def test_wilson_matches_published_values() -> None:
    low, high = wilson(5, 10) or (0, 0)
    assert (round(low, 4), round(high, 4)) == (0.2366, 0.7634)
    low, high = wilson(0, 10) or (0, 0)
    assert low == 0 and round(high, 4) == 0.2775
    assert wilson(0, 0) is None
    with pytest.raises(ValueError):
        wilson(3, 2)


@given(st.integers(0, 200), st.integers(1, 200))
def test_wilson_contains_the_rate_and_stays_in_zero_one(successes: int, n: int) -> None:
    successes = min(successes, n)
    low, high = wilson(successes, n) or (0, 0)
    assert 0 <= low <= successes / n <= high <= 1


def test_pass_k_counts_tasks_where_every_draw_of_k_trials_succeeds() -> None:
    assert pass_hat_k([(4, 4), (0, 4)], 2) == 0.5
    assert pass_hat_k([(2, 4)], 2) == pytest.approx(1 / 6)  # C(2,2)/C(4,2)
    assert pass_hat_k([(2, 4)], 3) == 0
    assert pass_hat_k([(2, 4), (1, 1)], 2) is None  # a task with fewer than k trials
    assert pass_hat_k([], 1) is None


@given(st.integers(1, 12), st.integers(1, 12), st.floats(0, 1))
def test_pass_k_is_unbiased_for_p_to_the_k(n: int, k: int, p: float) -> None:
    if k > n:
        return
    expected = sum(
        math.comb(n, c) * p**c * (1 - p) ** (n - c) * (pass_hat_k([(c, n)], k) or 0.0)
        for c in range(n + 1)
    )
    assert expected == pytest.approx(p**k, abs=1e-9)


@given(st.lists(st.tuples(st.integers(0, 8), st.just(8)), min_size=1, max_size=6))
def test_pass_k_never_grows_with_k_and_pass_1_is_the_success_rate(
    counts: list[tuple[int, int]],
) -> None:
    values = [pass_hat_k(counts, k) or 0.0 for k in range(1, 9)]
    assert values == sorted(values, reverse=True)
    assert values[0] == pytest.approx(sum(c for c, _ in counts) / (8 * len(counts)))


def test_bootstrap_intervals_are_seeded_and_hold_the_mean() -> None:
    columns = {
        "calls": [[10.0, 12.0], [20.0, 18.0], [15.0, 15.0], [30.0, 31.0]],
        "same": [[1.0]] * 4,
    }
    first = bootstrap_means(columns, rng("t"))
    assert first == bootstrap_means(columns, rng("t"))
    low, high = first["calls"] or (0, 0)
    assert low < sum(sum(c) for c in columns["calls"]) / 8 < high
    assert first["same"] == (1.0, 1.0)
    assert bootstrap_means({"none": [[], []]}, rng("t")) == {"none": None}
    assert bootstrap_paired([2.0, 2.0], rng("p")) == (2.0, 2.0)


def test_the_sign_flip_test_is_exact_for_few_tasks() -> None:
    assert sign_flip_p([1.0, 1.0, 1.0], rng("x")) == 0.25  # 2 of 8 sign patterns as extreme
    assert sign_flip_p([0.0, 0.0], rng("x")) == 1.0
    assert sign_flip_p([1.0, -1.0], rng("x")) == 1.0
    many = sign_flip_p([1.0] * 20, rng("x"))
    assert many < 0.001 and many == sign_flip_p([1.0] * 20, rng("x"))


def test_holm_adjusts_in_order_and_stays_monotone() -> None:
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.5, 0.9]) == [1.0, 1.0]
