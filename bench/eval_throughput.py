"""``vei eval`` throughput: episodes per second for the oracle on the core pack with one and
two workers, against a floor measured in the same run.

The floor is a bare in-process Session: the same oracle script over the in-process MCP
client on an in-memory world, with no run directory, no verification, no scoring and no
journal. The floor of the scaling ratio is what the machine gives two processes at that
moment: a pure-Python loop in one process against the same loop in two (spawned) processes. The eval figures are whole ``run_eval`` calls (planning, the spawn pool's start
for two workers, SQLite runs with durability ``full``, verification, scoring, the fsynced
journal and the summary). Every figure is the best of a few rounds; nothing is asserted.

    .venv/bin/python bench/eval_throughput.py [--seeds N] [--repeats N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import anyio  # noqa: E402

OUT = Path(__file__).with_name("eval_results.json")


def _episodes(seeds: int) -> list[tuple[str, int]]:
    from vei.scenarios import known_scenarios

    return [(name, seed) for name in known_scenarios("core") for seed in range(1, seeds + 1)]


def bare_sessions(seeds: int) -> float:
    """Episodes per second of the oracle on bare in-process Sessions (the floor)."""
    from vei.config import Settings
    from vei.eval.drivers import drive_scripted
    from vei.scenarios import load_scenario
    from vei.session import Session

    async def one(name: str, seed: int) -> None:
        scenario = load_scenario(name)
        session = Session(Settings(seed=seed, scenario=name), scenario=scenario)
        await drive_scripted("oracle", session)
        session.close()

    episodes = _episodes(seeds)
    started = time.perf_counter()
    for name, seed in episodes:
        anyio.run(one, name, seed)
    return len(episodes) / (time.perf_counter() - started)


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def cpu_loops(processes: int, loops: int = 8, size: int = 1_000_000) -> float:
    """Loops per second of a pure-Python loop in ``processes`` spawned processes (the pool
    is started before the clock, so this is the machine's parallelism, not start-up)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        list(pool.map(_burn, [1] * processes))
        started = time.perf_counter()
        list(pool.map(_burn, [size] * loops))
        return loops / (time.perf_counter() - started)


class _Clock:
    """A reporter that notes when each episode finished."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def start(self, pending: int, done: int) -> None:
        pass

    def advance(self, result: Any) -> None:
        self.times.append(time.perf_counter())


def eval_run(seeds: int, workers: int, workdir: Path) -> tuple[float, float]:
    """Episodes per second of a whole ``run_eval`` of the oracle on the core pack, and in
    the steady state: from the ``workers``-th finished episode to the last, which leaves
    out planning and the start of the pool."""
    from vei.eval import EvalPlan, parse_agent, run_eval, select_scenarios

    out = Path(tempfile.mkdtemp(prefix=f"eval-w{workers}-", dir=workdir))
    seed_list = list(range(1, seeds + 1))
    plan = EvalPlan(parse_agent("oracle"), select_scenarios("core"), seed_list, 1, out)
    clock = _Clock()
    started = time.perf_counter()
    outcome = run_eval(plan, workers=workers, reporter=clock)
    elapsed = time.perf_counter() - started
    if not all(r.success for r in outcome.results):  # a broken oracle would measure nothing
        raise RuntimeError("the oracle failed an episode; the figures would be meaningless")
    n, times = len(clock.times), clock.times
    steady = (n - workers) / (times[-1] - times[workers - 1]) if n > workers else 0.0
    return len(outcome.results) / elapsed, steady


def measure(
    seeds: int, repeats: int, workdir: Path, log: Callable[[str], None]
) -> dict[str, float]:
    """The best of ``repeats`` rounds of every figure, each round measuring each once;
    ``eval.*.steady`` are the steady-state rates of the same eval runs."""
    measurements: dict[str, Callable[[], tuple[float, ...]]] = {
        "floor.bare_session": lambda: (bare_sessions(seeds),),
        "floor.cpu_1": lambda: (cpu_loops(1),),
        "floor.cpu_2": lambda: (cpu_loops(2),),
        "eval.workers_1": lambda: eval_run(seeds, 1, workdir),
        "eval.workers_2": lambda: eval_run(seeds, 2, workdir),
    }
    figures: dict[str, float] = {}
    for round_number in range(1, repeats + 1):
        for name, run in measurements.items():
            for suffix, value in zip(("", ".steady"), run(), strict=False):
                figures[name + suffix] = max(figures.get(name + suffix, 0.0), value)
        log(
            f"  round {round_number}/{repeats}: "
            + ", ".join(f"{k} {v:.1f}/s" for k, v in figures.items())
        )
    return figures


def report(figures: dict[str, float], seeds: int, repeats: int) -> dict[str, Any]:
    """The figures with the scaling ratio and the per-episode overhead over the floor."""
    one, two, bare = (
        figures["eval.workers_1"],
        figures["eval.workers_2"],
        figures["floor.bare_session"],
    )
    return {
        "episodes": len(_episodes(seeds)),
        "repeats": repeats,
        "figures": figures,
        "scaling_2_over_1": two / one,
        "steady_scaling_2_over_1": (
            figures["eval.workers_2.steady"] / figures["eval.workers_1.steady"]
        ),
        "cpu_scaling_2_over_1": figures["floor.cpu_2"] / figures["floor.cpu_1"],
        "eval_1_over_floor": one / bare,
        "overhead_ms_per_episode": (1 / one - 1 / bare) * 1000,
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average": os.getloadavg()[0],
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seeds", type=int, default=20, help="seeds per core scenario (default 20)"
    )
    parser.add_argument(
        "--repeats", type=int, default=2, help="rounds; the best counts (default 2)"
    )
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the JSON report")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vei-bench-eval-") as tmp:
        figures = measure(args.seeds, args.repeats, Path(tmp), lambda line: print(line, flush=True))
    result = report(figures, args.seeds, args.repeats)
    args.out.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    print(
        f"{result['episodes']} episodes: floor {figures['floor.bare_session']:.1f}/s, "
        f"1 worker {figures['eval.workers_1']:.1f}/s, 2 workers {figures['eval.workers_2']:.1f}/s; "
        f"scaling {result['scaling_2_over_1']:.2f}x, steady {result['steady_scaling_2_over_1']:.2f}x "
        f"(a CPU loop: {result['cpu_scaling_2_over_1']:.2f}x), "
        f"overhead {result['overhead_ms_per_episode']:.1f} ms/episode"
    )


if __name__ == "__main__":
    main()
