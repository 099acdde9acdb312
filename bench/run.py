"""``make bench``: VEI's throughput and the floors it is judged against, in one run.

Prints a table and writes ``bench/results.json``. Every figure is the best of a few
count-bounded repeats; ratios compare figures measured in this same run on this machine, so
they mean the same on a laptop and on CI. Nothing here is asserted: the targets are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any, cast

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import adapters, floors, history, inprocess, stdio  # noqa: E402
from bench import streamable_http as http  # noqa: E402

OUT = Path(__file__).with_name("results.json")


@dataclass(frozen=True)
class Counts:
    """Calls per timed batch; each figure is the best of ``repeats`` batches."""

    repeats: int = 3
    dict_updates: int = 2_000_000
    sqlite_full: int = 1_000
    sqlite_normal: int = 5_000
    memory_read: int = 50_000
    memory_write: int = 5_000
    full: int = 1_000
    fast: int = 3_000
    stdio: int = 1_000
    stdio_full: int = 300
    env_read: int = 20_000
    env_write: int = 300
    http_one: int = 500
    http_sessions: int = 20
    http_each: int = 50
    # History (measured once per run, after the rounds): prior items, calls timed at each.
    history_marks: tuple[int, ...] = (1_000, 10_000, 100_000)
    history_reads: int = 2_000
    history_writes: int = 500
    memory_items: int = 100_000
    memory_step: int = 10_000
    verify_events: int = 40_000
    resume_marks: tuple[int, ...] = (1_000, 10_000, 40_000)
    startups: int = 3


@dataclass(frozen=True)
class Ratio:
    """One reported comparison: a figure against its floor, with the issue's target."""

    name: str
    value: float
    floor: str
    floor_value: float
    target: str
    met: bool | None

    @property
    def ratio(self) -> float:
        return self.value / self.floor_value


def measure_all(counts: Counts, workdir: Path, log: Callable[[str], None]) -> dict[str, float]:
    """Every figure, in calls (or transactions, or updates) per second: the best of
    ``counts.repeats`` rounds, each round running every measurement once, so that a noisy
    moment on the machine (a disk flush, another process) does not favour one side of a
    ratio."""
    row_bytes = inprocess.write_row_bytes(workdir)
    read_tool, read_args = inprocess.CALLS["read"]

    def over_http(server: Callable[[], Any], tool: str, sessions: int, calls: int) -> http.Rates:
        with server() as url:
            return http.round_trips(url, tool, {}, sessions, calls)

    many = (counts.http_sessions, counts.http_each)
    measurements: dict[str, Callable[[], float | http.Rates]] = {
        "floor.dict_update": lambda: floors.dict_updates(counts.dict_updates),
        "floor.sqlite_full": lambda: floors.sqlite_transactions(
            workdir, "FULL", counts.sqlite_full, row_bytes
        ),
        "floor.sqlite_normal": lambda: floors.sqlite_transactions(
            workdir, "NORMAL", counts.sqlite_normal, row_bytes
        ),
        "floor.stdio_bare": lambda: stdio.round_trips(
            stdio.bare_server(), "bench_noop", {}, counts.stdio
        ),
        "floor.stdio_bare_vei_transport": lambda: stdio.round_trips(
            stdio.bare_server(vei_transport=True), "bench_noop", {}, counts.stdio
        ),
        "stdio.vei_memory": lambda: stdio.round_trips(
            stdio.vei_serve(), read_tool, read_args, counts.stdio
        ),
        "stdio.vei_full": lambda: stdio.round_trips(
            stdio.vei_serve(workdir / "serve"), read_tool, read_args, counts.stdio_full
        ),
        # A read that sends back a receipt, as vei_observe does for every agent.
        "floor.http_bare.1": lambda: over_http(http.bare_server, "bench_noop", 1, counts.http_one),
        "http.vei_memory.1": lambda: over_http(http.vei_serve, "vei_observe", 1, counts.http_one),
        "floor.http_bare.many": lambda: over_http(http.bare_server, "bench_noop", *many),
        "http.vei_memory.many": lambda: over_http(http.vei_serve, "vei_observe", *many),
        "http.vei_full.many": lambda: over_http(
            partial(http.vei_serve, workdir / "http"), "vei_observe", *many
        ),
    }
    per_store: dict[inprocess.StoreKind, tuple[int, int]] = {
        "memory": (counts.memory_read, counts.memory_write),
        "full": (counts.full, counts.full),
        "fast": (counts.fast, counts.fast),
    }
    for store, (reads, writes) in per_store.items():
        for op, count in (("read", reads), ("write", writes)):
            measurements[f"world.{store}.{op}"] = partial(
                inprocess.world_calls, store, cast(inprocess.Op, op), count, workdir
            )
    measurements["env.read"] = partial(adapters.env_steps, "read", counts.env_read)
    measurements["env.write"] = partial(adapters.env_steps, "write", counts.env_write)
    measurements["journal.fast.write"] = partial(
        adapters.journaled_calls, "write", counts.fast, workdir
    )
    figures: dict[str, float] = {"write_row_bytes": row_bytes}
    for round_number in range(1, counts.repeats + 1):
        started = time.perf_counter()
        for name, measure in measurements.items():
            value = measure()
            parts = (
                {f"{name}.overall": value.overall, f"{name}.per_session": value.per_session}
                if isinstance(value, http.Rates)
                else {name: value}
            )
            for part, figure in parts.items():
                figures[part] = max(figures.get(part, 0.0), figure)
        log(f"  round {round_number}/{counts.repeats}: {time.perf_counter() - started:.1f} s")
    return figures


def ratios(f: dict[str, float]) -> list[Ratio]:
    """The comparisons the issue asks for (with targets), then the informative ones."""
    sqlite_full, sqlite_normal = f["floor.sqlite_full"], f["floor.sqlite_normal"]
    bare, loop = f["floor.stdio_bare"], f["floor.dict_update"]
    return [
        Ratio("stdio round trip, vei serve (memory)", f["stdio.vei_memory"], "bare MCP server",
              bare, ">= 0.9x floor", f["stdio.vei_memory"] >= 0.9 * bare),
        Ratio("in-process read, memory", f["world.memory.read"], "dict update loop", loop,
              ">= 200,000 calls/s", f["world.memory.read"] >= 200_000),
        Ratio("in-process write, SQLite full", f["world.full.write"], "SQLite FULL txn",
              sqlite_full, ">= 0.8x floor", f["world.full.write"] >= 0.8 * sqlite_full),
        Ratio("in-process read, SQLite full", f["world.full.read"], "SQLite FULL txn",
              sqlite_full, "", None),
        Ratio("in-process write, SQLite fast", f["world.fast.write"], "SQLite NORMAL txn",
              sqlite_normal, "", None),
        Ratio("in-process read, SQLite fast", f["world.fast.read"], "SQLite NORMAL txn",
              sqlite_normal, "", None),
        Ratio("in-process write, memory", f["world.memory.write"], "dict update loop", loop,
              "", None),
        Ratio("stdio round trip, vei serve (memory)", f["stdio.vei_memory"],
              "bare, same transport", f["floor.stdio_bare_vei_transport"], "", None),
        Ratio("stdio round trip, vei serve (SQLite full)", f["stdio.vei_full"],
              "bare MCP server", bare, "", None),
        Ratio("Gymnasium step, read", f["env.read"], "in-process read, memory",
              f["world.memory.read"], "", None),
        Ratio("Gymnasium step, write (re-scored)", f["env.write"], "in-process write, memory",
              f["world.memory.write"], "", None),
        Ratio("write + call journal, SQLite fast", f["journal.fast.write"],
              "in-process write, SQLite fast", f["world.fast.write"], "", None),
        Ratio("HTTP, 1 session, vei serve (memory)", f["http.vei_memory.1.overall"],
              "bare SDK HTTP server", f["floor.http_bare.1.overall"], "", None),
        Ratio("HTTP, 20 sessions overall (memory)", f["http.vei_memory.many.overall"],
              "bare SDK HTTP server", f["floor.http_bare.many.overall"], "", None),
        Ratio("HTTP, 20 sessions, per session (memory)", f["http.vei_memory.many.per_session"],
              "bare SDK HTTP server", f["floor.http_bare.many.per_session"], "", None),
        Ratio("HTTP, 20 sessions overall (SQLite full)", f["http.vei_full.many.overall"],
              "bare SDK HTTP server", f["floor.http_bare.many.overall"], "", None),
        Ratio("HTTP, 20 sessions, per session (full)", f["http.vei_full.many.per_session"],
              "bare SDK HTTP server", f["floor.http_bare.many.per_session"], "", None),
    ]  # fmt: skip


def measure_history(counts: Counts, workdir: Path, log: Callable[[str], None]) -> dict[str, float]:
    """The figures that must not grow with history, each measured once (they are long)."""
    f: dict[str, float] = {}
    for name in history.HISTORIES:
        started = time.perf_counter()
        for key, value in history.latencies(
            name, counts.history_marks, counts.history_reads, counts.history_writes
        ).items():
            f[f"history.{name}.{key}"] = value
        log(f"  {name} history: {time.perf_counter() - started:.1f} s")
    for key, value in history.memory(counts.memory_items, counts.memory_step).items():
        f[f"memory.{key}"] = value
    log("  memory: done")
    state_dir, run_id = history.stored_run(workdir, counts.verify_events)
    f["verify.floor"] = max(history.floor_select_loads(state_dir, run_id) for _ in range(2))
    for key, value in history.verify_rates(state_dir, run_id).items():
        f[f"verify.{key}"] = value
    log("  verify: done")
    for mark in counts.resume_marks:
        for closed in (True, False):
            state_dir, run_id = history.stored_run(workdir, mark, close=closed)
            kind = "closed" if closed else "sealed"
            if not closed:
                history.seal(state_dir, run_id)  # a crashed run is sealed before it resumes
            for key, value in history.resume_seconds(state_dir, run_id).items():
                f[f"resume.{kind}.{mark}.{key}"] = value
    log("  resume: done")
    bare = [history.startup(stdio.bare_server, stdio.vei_serve) for _ in range(counts.startups)]
    f["startup.bare"] = min(s["bare"] for s in bare)
    f["startup.vei"] = min(s["vei"] for s in bare)
    f["idle_rss.bare"] = history.idle_rss([sys.executable, str(stdio.BARE_SERVER)])
    f["idle_rss.vei"] = history.idle_rss(history.serve_command())
    log("  start-up: done")
    return f


def history_ratios(f: dict[str, float], counts: Counts) -> list[Ratio]:
    """The issue's history targets, each a ratio measured in this run."""
    rows: list[Ratio] = []
    last = counts.history_marks[-1]
    for name in history.HISTORIES:
        read0, write0 = f[f"history.{name}.read_us.0"], f[f"history.{name}.write_us.0"]
        for mark in counts.history_marks:
            target = "<= 2x fresh" if mark == last else ""
            read = f[f"history.{name}.read_us.{mark}"]
            rows.append(
                Ratio(
                    f"{name} read us at {mark:,} prior",
                    read,
                    "fresh world",
                    read0,
                    target,
                    read <= 2 * read0 if target else None,
                )
            )
            write = f[f"history.{name}.write_us.{mark}"]
            rows.append(
                Ratio(f"{name} write us at {mark:,} prior", write, "fresh world", write0, "", None)
            )
        fill = f[f"history.{name}.fill_write_us"]
        rows.append(
            Ratio(
                f"{name} write us, average over the fill",
                fill,
                "fresh world",
                write0,
                "<= 2x fresh",
                fill <= 2 * write0,
            )
        )
    grown = f["memory.rss_full"] - f["memory.rss_empty"]
    state = f["memory.state_bytes"]
    rows.append(
        Ratio(
            f"RSS growth, {counts.memory_items:,} chat messages (bytes)",
            grown,
            "state canonical JSON",
            state,
            "<= 10x",
            grown <= 10 * state,
        )
    )
    rows.append(
        Ratio(
            f"RSS per {counts.memory_step:,} items, last step",
            f["memory.rss_per_step_last"],
            "first step",
            f["memory.rss_per_step_first"],
            "",
            None,
        )
    )
    floor = f["verify.floor"]
    rows.append(
        Ratio(
            "verify, events/s",
            f["verify.verify"],
            "SELECT + json.loads",
            floor,
            ">= 0.1x floor",
            f["verify.verify"] >= 0.1 * floor,
        )
    )
    rows.append(
        Ratio(
            "verify --deep, events/s",
            f["verify.verify_deep"],
            "SELECT + json.loads",
            floor,
            "",
            None,
        )
    )
    rows.append(
        Ratio(
            "replay, events/s",
            f["verify.replay"],
            "SELECT + json.loads",
            floor,
            ">= 100,000 events/s",
            f["verify.replay"] >= 100_000,
        )
    )
    for mark in counts.resume_marks:
        for kind in ("closed", "sealed"):
            key = f"resume.{kind}.{mark}"
            target = "<= 0.2x replay" if mark == counts.resume_marks[-1] else ""
            ratio = f[f"{key}.resume"] / f[f"{key}.replay"]
            rows.append(
                Ratio(
                    f"resume s, {mark:,} calls, {kind}",
                    f[f"{key}.resume"],
                    "full replay s",
                    f[f"{key}.replay"],
                    target,
                    ratio <= 0.2 if target else None,
                )
            )
    rows.append(
        Ratio(
            "start-up to first tools/list, s",
            f["startup.vei"],
            "bare SDK server",
            f["startup.bare"],
            "",
            None,
        )
    )
    rows.append(
        Ratio(
            "idle server RSS, bytes",
            f["idle_rss.vei"],
            "bare SDK server",
            f["idle_rss.bare"],
            "",
            None,
        )
    )
    return rows  # fmt: skip


def machine(workdir: Path) -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu or platform.processor(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "filesystem": _filesystem(workdir),
        "versions": {p: _version(p) for p in ("vei", "mcp", "pydantic", "cryptography")},
    }


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def _filesystem(path: Path) -> str:
    # The SQLite floors and stores are only comparable on the same filesystem; say which.
    try:
        mounts = [line.split() for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "?"
    resolved = str(path.resolve())
    best_mount = max(
        (m for m in mounts if len(m) > 2 and resolved.startswith(m[1].rstrip("/") + "/")),
        key=lambda m: len(m[1]),
        default=None,
    )
    return f"{best_mount[2]} at {best_mount[1]}" if best_mount else "?"


def _figure(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def table(rows: list[Ratio]) -> str:
    """The human-readable report."""
    lines = [
        f"{'measurement':<42} {'value':>12}  {'floor':<22} {'floor/s':>11} {'ratio':>7}"
        f"  {'target':<20} met",
    ]
    for row in rows:
        met = "" if row.met is None else ("yes" if row.met else "NO")
        lines.append(
            f"{row.name:<42} {_figure(row.value):>12}  {row.floor:<22} "
            f"{_figure(row.floor_value):>11} "
            f"{row.ratio:>7.3f}  {row.target:<20} {met}"
        )
    return "\n".join(lines)


def run(
    counts: Counts, out: Path, scratch: Path | None = None, only_history: bool = False
) -> dict[str, Any]:
    """Measure everything, print the table, write the JSON report to ``out`` and return it."""
    started = time.perf_counter()
    if scratch is not None:
        scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vei-bench-", dir=scratch) as tmp:
        workdir = Path(tmp)
        info = machine(workdir)
        print(f"vei bench on {info['cpu']} ({info['cores']} cores), Python {info['python']}, "
              f"SQLite {info['sqlite']}, {info['filesystem']}", flush=True)  # fmt: skip
        log = partial(print, flush=True)
        figures = {} if only_history else measure_all(counts, workdir, log)
        figures.update(measure_history(counts, workdir, log))
    rows = ([] if only_history else ratios(figures)) + history_ratios(figures, counts)
    print()
    print(table(rows))
    elapsed = time.perf_counter() - started
    print(f"\n{elapsed:.0f} s; best of {counts.repeats} per figure; JSON in {out}")
    report = {
        "machine": info,
        "calls": inprocess.describe_calls(),
        "counts": json.loads(json.dumps(asdict(counts))),  # tuples as JSON reads them back
        "figures": figures,
        "ratios": [{**asdict(row), "ratio": row.ratio} for row in rows],
        "seconds": round(elapsed, 1),
    }
    out.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the JSON")
    parser.add_argument("--repeats", type=int, default=Counts.repeats, help="rounds (best of)")
    parser.add_argument("--dir", type=Path, default=None, help="scratch directory (SQLite)")
    parser.add_argument(
        "--only-history", action="store_true", help="only the history figures (about 3 min)"
    )
    options = parser.parse_args(argv)
    run(Counts(repeats=options.repeats), options.out, options.dir, options.only_history)

    return 0


if __name__ == "__main__":
    raise SystemExit(main())
