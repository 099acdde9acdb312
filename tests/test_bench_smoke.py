"""Every benchmark measurement runs (with tiny counts), so `make bench` never rots.

Nothing here is timed: the figures only have to be positive numbers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bench import (
    adapters,
    claims,
    eval_throughput,
    floors,
    history,
    inprocess,
    run,
    stdio,
    streamable_http,
)
from bench import fork as fork_bench


def test_floors_measure_positive_rates(tmp_path: Path) -> None:
    assert floors.dict_updates(1_000) > 0
    for synchronous in ("FULL", "NORMAL"):
        assert floors.sqlite_transactions(tmp_path, synchronous, 5, 300) > 0


@pytest.mark.parametrize("store", ["memory", "full", "fast"])
@pytest.mark.parametrize("op", ["read", "write"])
def test_world_calls_measure_positive_rates(
    tmp_path: Path, store: inprocess.StoreKind, op: inprocess.Op
) -> None:
    assert inprocess.world_calls(store, op, 5, tmp_path) > 0


@pytest.mark.parametrize("op", ["read", "write"])
def test_env_steps_and_journaled_calls_measure_positive_rates(
    tmp_path: Path, op: inprocess.Op
) -> None:
    assert adapters.env_steps(op, 5) > 0
    assert adapters.journaled_calls(op, 5, tmp_path) > 0


def test_the_write_row_size_comes_from_a_real_call(tmp_path: Path) -> None:
    assert inprocess.write_row_bytes(tmp_path) > 200


@pytest.mark.slow
def test_a_tiny_full_run_writes_every_figure_and_ratio(tmp_path: Path) -> None:
    tiny = run.Counts(
        repeats=1,
        dict_updates=1_000,
        sqlite_full=3,
        sqlite_normal=3,
        memory_read=5,
        memory_write=5,
        full=3,
        fast=3,
        stdio=3,
        stdio_full=3,
        env_read=3,
        env_write=3,
        http_one=2,
        http_sessions=2,
        http_each=2,
        history_marks=(30,),
        history_reads=2,
        history_writes=2,
        memory_items=20,
        memory_step=10,
        verify_events=20,
        resume_marks=(20,),
        startups=1,
    )
    out = tmp_path / "results.json"
    report = run.run(tiny, out, tmp_path)
    assert json.loads(out.read_text()) == report
    assert all(value > 0 for value in report["figures"].values())
    names = {row["name"] for row in report["ratios"]}
    assert {
        "stdio round trip, vei serve (memory)",
        "in-process read, memory",
        "in-process write, SQLite full",
    } <= names
    assert all(row["ratio"] > 0 for row in report["ratios"])
    assert report["machine"]["cores"] and report["machine"]["python"]


@pytest.mark.slow
def test_http_round_trips_measure_both_servers() -> None:
    with streamable_http.bare_server() as url:
        bare = streamable_http.round_trips(url, "bench_noop", {}, 2, 2)
    with streamable_http.vei_serve() as url:
        vei = streamable_http.round_trips(url, "vei_observe", {}, 2, 2)
    assert min(bare.overall, bare.per_session, vei.overall, vei.per_session) > 0


def test_the_bare_server_answers_its_noop_tool() -> None:
    assert stdio.round_trips(stdio.bare_server(), "bench_noop", {}, 2) > 0


@pytest.mark.slow
def test_the_eval_bench_measures_every_figure(tmp_path: Path) -> None:
    figures = eval_throughput.measure(1, 1, tmp_path, lambda line: None)
    assert set(figures) == {
        "floor.bare_session",
        "floor.cpu_1",
        "floor.cpu_2",
        "eval.workers_1",
        "eval.workers_1.steady",
        "eval.workers_2",
        "eval.workers_2.steady",
    }
    assert all(value > 0 for value in figures.values())
    result = eval_throughput.report(figures, 1, 1)
    assert result["steady_scaling_2_over_1"] > 0
    assert result["episodes"] == 5 and result["scaling_2_over_1"] > 0


def test_claims_extraction_measures_positive_rates_and_writes_its_report(tmp_path: Path) -> None:
    figures = claims.measure(repeats=1, seconds=0.001)
    assert set(figures) == {
        "posts.claims",
        "posts.floor_scan",
        "chars.claims_1k",
        "chars.claims_100k",
    }
    assert all(value > 0 for value in figures.values())
    out = tmp_path / "claims.json"
    assert claims.main(["--out", str(out), "--repeats", "1", "--seconds", "0.001"]) == 0
    report = json.loads(out.read_text())
    assert [row["name"] for row in report["ratios"]] == [
        "posts read (amounts + durations)",
        "chars/s on 100 KB adversarial text",
    ]
    assert all(row["ratio"] > 0 for row in report["ratios"])


@pytest.mark.slow
def test_the_history_figures_all_measure_and_every_ratio_is_reported(tmp_path: Path) -> None:
    tiny = run.Counts(
        history_marks=(40, 80),
        history_reads=3,
        history_writes=3,
        memory_items=40,
        memory_step=20,
        verify_events=60,
        resume_marks=(30, 60),
        startups=1,
    )
    figures = run.measure_history(tiny, tmp_path, lambda line: None)
    assert all(value > 0 for key, value in figures.items() if not key.endswith(".tail"))
    rows = run.history_ratios(figures, tiny)
    names = {row.name for row in rows}
    assert {"verify, events/s", "replay, events/s", "resume s, 60 calls, sealed"} <= names
    assert all(row.ratio > 0 for row in rows)


def test_the_bench_run_is_stored_where_asked_and_verifies(tmp_path: Path) -> None:
    scratch = tmp_path / "not" / "yet"
    state_dir, run_id = history.stored_run(scratch, 12)
    assert (state_dir / "runs" / run_id / "events.sqlite").exists()
    assert history.verify_rates(state_dir, run_id)["events"] > 0


def test_fork_figures_are_positive(tmp_path: Path) -> None:
    result = fork_bench.measure(events=30, low=10, high=20, repeats=1, root=tmp_path)
    assert result["fork_revisions"] == [10, 20]
    assert all(value > 0 for value in result["figures_ms"].values())
    assert all(value > 0 for value in result["ratios"].values())
