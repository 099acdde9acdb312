"""Wilson intervals and the unbiased pass^k estimator."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vei.report.stats import mean_pass_hat_k, pass_hat_k, wilson


def test_known_values() -> None:
    assert wilson(0, 0) == (0.0, 1.0)
    low, high = wilson(5, 10)
    assert (round(low, 4), round(high, 4)) == (0.2366, 0.7634)
    assert wilson(10, 10)[1] == 1.0 and wilson(0, 10)[0] == 0.0
    assert pass_hat_k(2, 4, 2) == pytest.approx(1 / 6)
    assert mean_pass_hat_k([(2, 2), (1, 2)], 2) == 0.5
    assert mean_pass_hat_k([(1, 1), (1, 2)], 2) is None


def test_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        wilson(3, 2)
    with pytest.raises(ValueError):
        pass_hat_k(1, 2, 3)


@given(st.integers(0, 40).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_interval_holds_the_rate_and_pass_k_falls_with_k(counts: tuple[int, int]) -> None:
    c, n = counts
    low, high = wilson(c, n)
    assert 0.0 <= low <= high <= 1.0
    if n:
        assert low <= c / n <= high
        assert math.isclose(pass_hat_k(c, n, 1), c / n)
        values = [pass_hat_k(c, n, k) for k in range(1, n + 1)]
        assert all(a >= b for a, b in zip(values, values[1:], strict=False))
