"""Selecting scenarios and seeds, and a summary that depends only on which episodes ran."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vei.eval import EvalInputError, parse_seeds, select_scenarios, summarise
from vei.eval.episode import EpisodeResult
from vei.scenarios import known_scenarios


def test_seeds_are_ranges_and_lists_in_order_without_repeats() -> None:
    assert parse_seeds("1-3") == [1, 2, 3]
    assert parse_seeds("5, 1-3,2,7") == [5, 1, 2, 3, 7]
    assert parse_seeds("0") == [0]
    for bad in ("", "3-1", "-2", "1-x", "1.5"):
        with pytest.raises(EvalInputError, match="--seeds"):
            parse_seeds(bad)


def test_scenarios_by_pack_name_pack_slash_name_and_glob() -> None:
    core = [("core", name) for name in known_scenarios("core")]
    assert select_scenarios("core") == core
    assert select_scenarios("vendor_webform,core/procurement") == [
        ("core", "vendor_webform"),
        ("core", "procurement"),
    ]
    assert select_scenarios("procurement*") == [
        ("core", "procurement"),
        ("core", "procurement_over_budget"),
    ]
    assert select_scenarios("procurement,core") == [("core", "procurement")] + [
        s for s in core if s != ("core", "procurement")
    ]
    with pytest.raises(EvalInputError, match="'laptops' matches no pack or scenario"):
        select_scenarios("procurement,laptops")


def _result(scenario: str, seed: int, trial: int, success: bool, calls: int) -> EpisodeResult:
    return EpisodeResult(
        "core", scenario, seed, trial, "x", success, True, f"{scenario}-s{seed}-t{trial}",
        None, None, calls, axes={"tool_calls": float(calls), "composite": 100.0 * success},
    )  # fmt: skip


RESULTS = [
    _result(name, seed, trial, (seed + trial + len(name)) % 3 != 0, 5 + seed * trial + len(name))
    for name in ("procurement", "vendor_webform")
    for seed in (1, 2, 3, 4)
    for trial in (0, 1, 2)
]


@settings(max_examples=25, deadline=None)
@given(st.permutations(RESULTS))
def test_the_summary_does_not_depend_on_the_order_episodes_finished(
    order: list[EpisodeResult],
) -> None:
    assert summarise(order, {}) == summarise(RESULTS, {})
