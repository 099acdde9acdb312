"""``vei eval`` throughput: episodes per second for the oracle on the core pack with one and
two workers, against a floor measured in the same run.

The floor is a bare in-process Session: the same oracle script over the in-process MCP
client on an in-memory world, with no run directory, no verification, no scoring and no
journal. The eval figures are whole ``run_eval`` calls (planning, the spawn pool's start
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
    from mcp import Client

    from vei.adapters.mcp import build_server
    from vei.agents.base import ToolClient
    from vei.agents.oracle import oracle
    from vei.config import Settings
    from vei.scenarios import load_scenario
    from vei.session import Session

    async def one(name: str, seed: int) -> None:
        scenario = load_scenario(name)
        session = Session(Settings(seed=seed, scenario=name), scenario=scenario)
        tools = ToolClient(Client(build_server(session), cache=None))
        async with tools.client:
            await oracle(tools, scenario.spec)
        session.close()

    episodes = _episodes(seeds)
    started = time.perf_counter()
    for name, seed in episodes:
        anyio.run(one, name, seed)
    return len(episodes) / (time.perf_counter() - started)


def eval_run(seeds: int, workers: int, workdir: Path) -> float:
    """Episodes per second of a whole ``run_eval`` of the oracle on the core pack."""
    from vei.eval import EvalPlan, parse_agent, run_eval, select_scenarios

    out = Path(tempfile.mkdtemp(prefix=f"eval-w{workers}-", dir=workdir))
    plan = EvalPlan(
        parse_agent("oracle"), select_scenarios("core"), list(range(1, seeds + 1)), 1, out
    )
    started = time.perf_counter()
    outcome = run_eval(plan, workers=workers)
    elapsed = time.perf_counter() - started
    if not all(r.success for r in outcome.results):  # a broken oracle would measure nothing
        raise RuntimeError("the oracle failed an episode; the figures would be meaningless")
    return len(outcome.results) / elapsed


def measure(
    seeds: int, repeats: int, workdir: Path, log: Callable[[str], None]
) -> dict[str, float]:
    """The best of ``repeats`` rounds of every figure, each round measuring each once."""
    measurements: dict[str, Callable[[], float]] = {
        "floor.bare_session": lambda: bare_sessions(seeds),
        "eval.workers_1": lambda: eval_run(seeds, 1, workdir),
        "eval.workers_2": lambda: eval_run(seeds, 2, workdir),
    }
    figures: dict[str, float] = {}
    for round_number in range(1, repeats + 1):
        for name, run in measurements.items():
            figures[name] = max(figures.get(name, 0.0), run())
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
        f"scaling {result['scaling_2_over_1']:.2f}x, overhead {result['overhead_ms_per_episode']:.1f} ms/episode"
    )


if __name__ == "__main__":
    main()
