"""In-process memory-store writes of this tree against an earlier one, in the same run.

    git worktree add /tmp/vei-before <commit>
    .venv/bin/python bench/compare_writes.py --before /tmp/vei-before/src

Each round measures, in fresh subprocesses and alternating, ``bench.inprocess.world_calls``
(the write of ``make bench``) with this tree's ``vei`` and with the earlier one's, and the
dict-update floor; the best of the rounds is reported, each as a ratio to the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_PROBE = """
import json, sys, tempfile
from pathlib import Path
from bench import floors, inprocess
with tempfile.TemporaryDirectory() as tmp:
    rate = inprocess.world_calls("memory", "write", {count}, Path(tmp))
print(json.dumps({{"write": rate, "floor": floors.dict_updates(2_000_000)}}))
"""


def _measure(src: Path | None, count: int) -> dict[str, float]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*([str(src)] if src else []), str(ROOT)])
    out = subprocess.run(
        [sys.executable, "-c", _PROBE.format(count=count)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", type=Path, required=True, help="the earlier tree's src/")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--count", type=int, default=5_000)
    options = parser.parse_args(argv)
    best: dict[str, dict[str, float]] = {"before": {}, "now": {}}
    for _ in range(options.rounds):
        for name, src in (("before", options.before), ("now", None)):
            figures = _measure(src, options.count)
            for key, value in figures.items():
                best[name][key] = max(best[name].get(key, 0.0), value)
    for name in ("before", "now"):
        write, floor = best[name]["write"], best[name]["floor"]
        print(f"{name:<7} write {write:>9,.0f}/s  dict floor {floor:>12,.0f}/s  "
              f"ratio {write / floor:.6f}")  # fmt: skip
    ratio_now = best["now"]["write"] / best["now"]["floor"]
    ratio_before = best["before"]["write"] / best["before"]["floor"]
    print(f"now / before (as ratios to the floor): {ratio_now / ratio_before:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
