"""Claims extraction: how fast ``vei.claims`` reads a post, against one regex pass over it.

NPCs and criteria read the claims of every chat post and mail they look at, so what matters
is the cost per post and that it stays linear in the text. Two comparisons, both measured in
this run on this machine:

- posts per second of ``amounts(post)`` plus ``durations(post, now_ms=0)`` over realistic
  posts, against a floor of one compiled ``[0-9]+`` scan of the same posts (the least any
  reader of numbers must do);
- characters per second on 100 KB of adversarial text against the same text at 1 KB: a ratio
  near 1 means linear time.

``python bench/claims.py`` prints the table and writes ``bench/claims_results.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import machine  # noqa: E402
from vei.claims import amounts, durations  # noqa: E402

OUT = Path(__file__).with_name("claims_results.json")
POSTS = [
    "Acme quoted $3,099 per unit (list price $3,199), delivery in 5 business days.",
    "Hi Priya, requesting approval for 4 ErgoMax 500 chairs at $489 each, $1,956 in total. "
    "The team's current chairs are broken and facilities signed off on the model.",
    "Quote from Lumen: USD 1,049 per ProView 32, ETA within a week, so by 21 November.",
    "Re: housings. 500 housings at $18.40 a housing = $9,200 total, lead time of 12 business "
    "days; they can do $17.90 for 1,000+.",
    "Thanks! Will check with the team and get back to you tomorrow.",
    "Dear customer,\n\nWe are pleased to quote $1,049 per Lumen ProView 32. Expected delivery: 6\n"
    "business days.\n\nSpecs: 32-inch 4K IPS panel, 99% DCI-P3, USB-C with 90 W power "
    "delivery.\n\nLumen Displays Business Sales\n",
]
ADVERSARIAL = "$1,000 each, total 5-7 business days per unit 1,1,1 one two three $ "
_FLOOR = re.compile(r"[0-9]+")


def _rate(work: Callable[[], object], units: int, seconds: float) -> float:
    """Units per second of ``work``, repeated for at least ``seconds``."""
    work()  # warm up: compiled patterns, caches
    done, start = 0, time.perf_counter()
    while True:
        work()
        done += units
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed


def _extract(posts: list[str]) -> Callable[[], object]:
    return lambda: [(amounts(p), durations(p, now_ms=0)) for p in posts]


def _scan(posts: list[str]) -> Callable[[], object]:
    return lambda: [_FLOOR.findall(p) for p in posts]


def measure(repeats: int, seconds: float) -> dict[str, float]:
    """Every figure, the best of ``repeats`` rounds (each round measures each figure once)."""
    small = (ADVERSARIAL * (1_000 // len(ADVERSARIAL) + 1))[:1_000]
    large = (ADVERSARIAL * (100_000 // len(ADVERSARIAL) + 1))[:100_000]
    measurements: dict[str, Callable[[], float]] = {
        "posts.claims": lambda: _rate(_extract(POSTS), len(POSTS), seconds),
        "posts.floor_scan": lambda: _rate(_scan(POSTS), len(POSTS), seconds),
        "chars.claims_1k": lambda: _rate(_extract([small]), len(small), seconds),
        "chars.claims_100k": lambda: _rate(_extract([large]), len(large), seconds),
    }
    figures: dict[str, float] = {}
    for _ in range(repeats):
        for name, run in measurements.items():
            figures[name] = max(figures.get(name, 0.0), run())
    return figures


def report(figures: dict[str, float]) -> list[dict[str, Any]]:
    """The two comparisons, as rows of the printed table."""
    return [
        {
            "name": "posts read (amounts + durations)",
            "value": figures["posts.claims"],
            "floor": "one [0-9]+ scan per post",
            "floor_value": figures["posts.floor_scan"],
        },
        {
            "name": "chars/s on 100 KB adversarial text",
            "value": figures["chars.claims_100k"],
            "floor": "the same text at 1 KB",
            "floor_value": figures["chars.claims_1k"],
        },
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the JSON")
    parser.add_argument("--repeats", type=int, default=3, help="rounds (best of)")
    parser.add_argument("--seconds", type=float, default=0.5, help="time per measurement")
    options = parser.parse_args(argv)
    figures = measure(options.repeats, options.seconds)
    rows = report(figures)
    print(f"{'measurement':<38} {'per second':>12}  {'floor':<26} {'floor/s':>12} {'ratio':>7}")
    for row in rows:
        row["ratio"] = row["value"] / row["floor_value"]
        print(
            f"{row['name']:<38} {row['value']:>12,.0f}  {row['floor']:<26} "
            f"{row['floor_value']:>12,.0f} {row['ratio']:>7.3f}"
        )
    result = {
        "machine": machine(Path(__file__).parent),
        "figures": figures,
        "ratios": rows,
        "posts": len(POSTS),
        "repeats": options.repeats,
        "seconds_per_measurement": options.seconds,
    }
    options.out.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
