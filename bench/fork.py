"""Fork time against the fork revision and the parent's length: ``vei-state fork`` at
revision 10 and at revision 10,000 of a long stored run, and at revision 10,000 of a run
three times as long, against floors measured in the same run.

The parents are SQLite runs (durability ``fast``, the default snapshot cadence of 1,000
events) of chat messages, one event each. A fork is what ``vei-state fork`` does: find the
parent's nearest snapshot at or before the revision, replay the events since, create the
new run (manifest, genesis, its starting snapshot) and close it (final snapshot, signed
checkpoint). The floors:

- **one state copy**: canonical JSON of the state at the fork revision and parsing it back,
  once. A fork copies the state a few times (read the snapshot, hash it, write the new run's
  snapshots), so its time is a small multiple of this: it grows with the *state*;
- **a full replay** of the parent from revision 0 to the fork revision (every event folded,
  no run created): what a fork would cost if it did not start from a snapshot.

The claim is the ratio at equal state: revision 10,000 of the long parent against revision
10,000 of the parent three times as long (the same state, three times the log), and
revision 10 of the long parent against revision 10 of a 20-event run. Revision 10,000 holds
10,000 more messages than revision 10, so the ratio of those two is the state's size, not
the log's length. Every figure is the best of a few repeats; nothing is asserted.

    .venv/bin/python bench/fork.py [--events N] [--repeats N]
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
from dataclasses import replace
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

OUT = Path(__file__).with_name("fork_results.json")


def make_parent(state_dir: Path, run_id: str, events: int) -> int:
    """A closed run with at least ``events`` events; returns its last revision."""
    from vei.config import load_settings
    from vei.session import Session

    settings = load_settings({"state_dir": state_dir, "durability": "fast"}, env={})
    session = Session(settings, run_id=run_id)
    n = 0
    while session.world.revision < events:
        session.world.call("slack_send_message", {"channel": "#general", "text": f"m{n}"})
        n += 1
    head = session.world.revision
    session.close()
    return head


def fork_once(state_dir: Path, parent: str, at: int, name: str) -> None:
    """What ``vei-state fork PARENT --at AT --run-id NAME`` does."""
    from vei.config import load_settings
    from vei.fork import fork_stored_run

    local = replace(load_settings(env={}), state_dir=state_dir)
    fork_stored_run(parent, at, local, run_id=name).close()


def full_replay(state_dir: Path, parent: str, at: int) -> None:
    """The floor: fold every event of the parent up to ``at`` onto its seeded state."""
    from vei.assembly import world_twins
    from vei.core.state import apply_event, reducer_table, state_hash
    from vei.store.rundir import open_run

    with open_run(parent, state_dir) as handle:
        reducers = reducer_table(world_twins(list(handle.manifest["twins"])))
        initial = handle.store.latest_snapshot(at_or_before=0)
        assert initial is not None
        state = json.loads(json.dumps(initial.state))
        for event in handle.store.events():
            if event.seq > at:
                break
            apply_event(state, event, reducers)
        state_hash(state)


def best(repeats: int, work: Callable[[int], None]) -> float:
    """Best wall time of ``repeats`` runs of ``work(i)``, in milliseconds."""
    times = []
    for i in range(repeats):
        started = time.perf_counter()
        work(i)
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def boundary(state_dir: Path, parent: str, at: int) -> int:
    """The largest fork point at or below ``at`` (every call here ends at its own event)."""
    from vei.store.rundir import open_run

    with open_run(parent, state_dir) as handle:
        point = 0
        for receipt in handle.store.receipts():
            if receipt.body["rev_after"] > at:
                break
            point = receipt.body["rev_after"]
    return point


def state_bytes(state_dir: Path, parent: str, at: int) -> int:
    """Size of the canonical state at the nearest snapshot at or before ``at``."""
    from vei.core.canonical import canonical_json
    from vei.store.rundir import open_run

    with open_run(parent, state_dir) as handle:
        snapshot = handle.store.latest_snapshot(at_or_before=at)
        assert snapshot is not None
        return len(canonical_json(snapshot.state))


def state_copy(state_dir: Path, parent: str, at: int) -> Callable[[int], None]:
    """The floor: canonical JSON of the state at ``at`` and back, once."""
    from vei.assembly import world_twins
    from vei.core.canonical import canonical_json
    from vei.core.state import reducer_table
    from vei.fork import fork_point
    from vei.store.rundir import open_run

    with open_run(parent, state_dir) as handle:
        reducers = reducer_table(world_twins(list(handle.manifest["twins"])))
        state = fork_point(handle.store, at, reducers, run=parent).state
    return lambda _: json.loads(canonical_json(state)) and None


def measure(events: int, low: int, high: int, repeats: int, root: Path) -> dict[str, Any]:
    """Every figure of the fork benchmark (milliseconds) and the ratios."""
    made = time.perf_counter()
    heads = {
        "long": make_parent(root, "long", events),
        "longer": make_parent(root, "longer", 3 * events),
        "short": make_parent(root, "short", 20),
    }
    made_s = time.perf_counter() - made
    at_low, at_high = boundary(root, "long", low), boundary(root, "long", high)
    short_low = boundary(root, "short", low)
    figures = {
        "fork_low_ms": best(repeats, lambda i: fork_once(root, "long", at_low, f"lo{i}")),
        "fork_high_ms": best(repeats, lambda i: fork_once(root, "long", at_high, f"hi{i}")),
        "fork_high_longer_parent_ms": best(
            repeats, lambda i: fork_once(root, "longer", at_high, f"hl{i}")
        ),
        "fork_low_short_parent_ms": best(
            repeats, lambda i: fork_once(root, "short", short_low, f"sh{i}")
        ),
        "state_copy_high_ms": best(repeats, state_copy(root, "long", at_high)),
        "replay_to_high_ms": best(repeats, lambda i: full_replay(root, "long", at_high)),
        "replay_longer_to_end_ms": best(
            repeats, lambda i: full_replay(root, "longer", heads["longer"])
        ),
    }
    f = figures
    return {
        "parent_events": heads,
        "fork_revisions": [at_low, at_high],
        "state_bytes": {
            "low": state_bytes(root, "long", at_low),
            "high": state_bytes(root, "long", at_high),
        },
        "parent_build_s": round(made_s, 2),
        "figures_ms": {k: round(v, 2) for k, v in f.items()},
        "ratios": {
            "fork_high_longer_over_long_parent": round(
                f["fork_high_longer_parent_ms"] / f["fork_high_ms"], 2
            ),
            "fork_low_long_over_short_parent": round(
                f["fork_low_ms"] / f["fork_low_short_parent_ms"], 2
            ),
            "fork_high_over_low": round(f["fork_high_ms"] / f["fork_low_ms"], 2),
            "fork_high_over_state_copy": round(f["fork_high_ms"] / f["state_copy_high_ms"], 2),
            "fork_high_over_full_replay": round(f["fork_high_ms"] / f["replay_to_high_ms"], 2),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=12_000, help="events in the long parent")
    parser.add_argument("--low", type=int, default=10)
    parser.add_argument("--high", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = measure(args.events, args.low, args.high, args.repeats, Path(tmp))
    result["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count()}
    OUT.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    print(json.dumps(result, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
