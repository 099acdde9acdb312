"""Costs that must not grow with history: reads and writes after many prior items, memory
per item, verify and replay against a SELECT + json.loads floor, resume against a full
replay, and start-up against a bare SDK server.

Each function returns plain figures (microseconds, bytes, events per second, seconds); the
caller (``bench/run.py``) turns them into ratios measured in the same run.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vei.config import load_settings
from vei.core.canonical import encode_unchecked
from vei.core.world import World
from vei.session import Session

# (write tool and its arguments, read tool and its arguments): the history each fills.
HISTORIES: dict[str, tuple[tuple[str, dict[str, Any]], tuple[str, dict[str, Any]]]] = {
    "chat": (
        ("slack_send_message", {"channel": "#general", "text": "bench: status update"}),
        ("slack_open_channel", {"channel": "#general"}),
    ),
    "mail": (
        (
            "mail_compose",
            {"to": "vendor@acme.example", "subject": "bench", "body": "status update"},
        ),
        ("mail_list", {"folder": "SENT"}),
    ),
}


def _session(overrides: dict[str, Any] | None = None) -> Session:
    return Session(load_settings(overrides or {}, env={}))


def _per_call_us(world: World, name: str, args: dict[str, Any], count: int) -> float:
    call = world.call
    if not call(name, args).ok:
        raise RuntimeError(f"bench call {name} was rejected")
    start = time.perf_counter()
    for _ in range(count):
        call(name, args)
    return (time.perf_counter() - start) / count * 1e6


# A read returns one page: the fresh world is given exactly that many items first, so that
# every read compared returns the same rows.
PAGE = {"chat": 20, "mail": 50}


def latencies(history: str, marks: tuple[int, ...], reads: int, writes: int) -> dict[str, float]:
    """Read and write microseconds per call on a fresh memory world holding one page of
    items, and after each mark of prior items (written by the agent's own calls), and the
    average write over the whole fill."""
    (write, write_args), (read, read_args) = HISTORIES[history]
    session = _session()
    world = session.world
    for _ in range(PAGE[history]):
        world.call(write, write_args)
    figures = {
        "read_us.0": _per_call_us(world, read, read_args, reads),
        "write_us.0": _per_call_us(world, write, write_args, writes),
    }
    filled, fill_seconds = PAGE[history] + writes + 1, 0.0
    for mark in marks:
        count = mark - filled
        start = time.perf_counter()
        for _ in range(count):
            world.call(write, write_args)
        fill_seconds += time.perf_counter() - start
        filled = mark
        figures[f"read_us.{mark}"] = _per_call_us(world, read, read_args, reads)
        figures[f"write_us.{mark}"] = _per_call_us(world, write, write_args, writes)
        filled += writes + 1
    figures["fill_write_us"] = fill_seconds / max(1, marks[-1] - writes - 1) * 1e6
    session.close()
    return figures


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _memory_child(items: int, step: int, out: Any) -> None:
    session = _session()
    world = session.world
    empty = _rss_bytes()
    (write, args), _ = HISTORIES["chat"]
    steps = []
    for _ in range(items // step):
        for _ in range(step):
            world.call(write, args)
        steps.append(_rss_bytes())
    state_bytes = len(encode_unchecked(world.state))
    out.send({"empty": empty, "steps": steps, "state_bytes": state_bytes})


def memory(items: int, step: int) -> dict[str, float]:
    """RSS of a fresh process holding an empty in-memory session, then after every ``step``
    chat messages up to ``items``, and the size of the final state's canonical JSON."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_memory_child, args=(items, step, send))
    child.start()
    found = receive.recv()
    child.join()
    steps = found["steps"]
    grown = [b - a for a, b in zip([found["empty"], *steps], steps, strict=False)]
    return {
        "rss_empty": found["empty"],
        "rss_full": steps[-1],
        "state_bytes": found["state_bytes"],
        "rss_per_step_first": grown[0],
        "rss_per_step_last": grown[-1],
    }


def stored_run(directory: Path, calls: int, close: bool = True) -> tuple[Path, str]:
    """A SQLite (fast) run of ``calls`` agent calls: chat posts, a mail every 20, a channel
    read every 10 and a tick every 50; closed, or left as a killed writer leaves it."""
    state_dir = directory / f"runs-{calls}-{'closed' if close else 'open'}"
    session = _session({"state_dir": state_dir, "durability": "fast"})
    world = session.world
    (chat, chat_args), (open_, open_args) = HISTORIES["chat"]
    (mail, mail_args), _ = HISTORIES["mail"]
    for i in range(calls):
        if i % 20 == 0:
            world.call(mail, mail_args)
        elif i % 10 == 0:
            world.call(open_, open_args)
        elif i % 50 == 1:
            world.call("vei_tick", {"dt_ms": 60_000})
        else:
            world.call(chat, chat_args)
    run_id = world.run_id
    if close:
        session.close()
    else:
        world.store.close()  # as if the process died: no final snapshot, no checkpoint
    return state_dir, run_id


def _open(state_dir: Path, run_id: str) -> Any:
    from vei.store.rundir import open_run

    return open_run(run_id, state_dir)


def floor_select_loads(state_dir: Path, run_id: str) -> float:
    """Events per second of ``SELECT body FROM events`` and ``json.loads`` of each row."""
    path = state_dir / "runs" / run_id / "events.sqlite"
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        start = time.perf_counter()
        count = 0
        for (body,) in db.execute("SELECT body FROM events ORDER BY seq"):
            json.loads(body)
            count += 1
        return count / (time.perf_counter() - start)
    finally:
        db.close()


def verify_rates(state_dir: Path, run_id: str) -> dict[str, float]:
    """Events per second of verify (default and ``deep``) and of a full replay."""
    from vei.cli.state import load_reducers
    from vei.receipts.verify import replay_run, verify_run

    figures: dict[str, float] = {}
    with _open(state_dir, run_id) as handle:
        reducers = load_reducers(handle.manifest)
        for name, deep in (("verify", False), ("verify_deep", True)):
            start = time.perf_counter()
            report = verify_run(handle.store, handle.manifest, reducers, deep=deep)
            elapsed = time.perf_counter() - start
            if not report.ok:
                raise RuntimeError(f"bench run does not verify: {report.failure}")
            figures[name] = report.events / elapsed
        start = time.perf_counter()
        result = replay_run(handle.store, reducers)
        figures["replay"] = result.revision / (time.perf_counter() - start)
        figures["events"] = result.revision
        figures["receipts"] = report.receipts
    return figures


def seal(state_dir: Path, run_id: str) -> None:
    """Seal a run whose writer stopped (``vei-state recover``)."""
    from vei.cli.state import load_reducers
    from vei.receipts.recover import recover_run
    from vei.receipts.signing import load_signer
    from vei.store.rundir import open_run

    with open_run(run_id, state_dir, writer=True) as handle:
        signer = load_signer(state_dir / "receipt-key.pem")
        recover_run(handle, signer, load_reducers(handle.manifest))


def resume_seconds(state_dir: Path, run_id: str, repeats: int = 3) -> dict[str, float]:
    """Seconds to restore a live world from the run's latest snapshot and the events and
    receipts after it (``World.restore``, what ``vei-drift run`` does once the world is
    built), against a full replay of the same run from its seeded snapshot."""
    from vei.cli.state import load_reducers
    from vei.receipts.verify import replay_run

    target = _session()  # a world of the same scenario to restore into
    resume = replay = float("inf")
    with _open(state_dir, run_id) as handle:
        reducers = load_reducers(handle.manifest)
        for _ in range(repeats):  # each the best of a few: one slow moment is not the figure
            start = time.perf_counter()
            latest = handle.store.latest_snapshot()
            assert latest is not None
            tail = handle.store.events(after=latest.revision)
            receipts = list(handle.store.receipts(after=latest.receipt_count))
            target.world.restore(latest, tail, receipts)
            resume = min(resume, time.perf_counter() - start)
            start = time.perf_counter()
            result = replay_run(handle.store, reducers)
            replay = min(replay, time.perf_counter() - start)
    if target.world.state_hash() != result.state_hash:
        raise RuntimeError("the restored world is not the replayed one")
    target.close()
    return {"resume": resume, "replay": replay, "events": float(result.revision)}


def startup(bare: Callable[[], Any], serve: Callable[[], Any]) -> dict[str, float]:
    """Seconds from process start to the answer of the first ``tools/list``, and the idle
    server's RSS, for the bare SDK server and for ``vei serve``."""
    return {"bare": _first_list(bare()), "vei": _first_list(serve())}


def _first_list(params: Any) -> float:
    import anyio
    from mcp import Client

    async def run() -> float:
        start = time.perf_counter()
        async with Client(params, cache=None) as client:
            await client.list_tools()
            return time.perf_counter() - start

    result: float = anyio.run(run)
    return result


def idle_rss(command: list[str]) -> float:
    """RSS in bytes of a server process after it answered ``initialize`` and sat idle."""
    request = json.dumps(
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "bench", "version": "1"},
            },
        }
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEI_")}
    proc = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )
    try:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write((request + "\n").encode())
        proc.stdin.flush()
        proc.stdout.readline()
        time.sleep(0.2)  # let start-up garbage settle; this is a bench, not a test
        with open(f"/proc/{proc.pid}/statm") as statm:
            return float(int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE"))
    finally:
        proc.kill()
        proc.wait()


def serve_command() -> list[str]:
    """``vei serve`` as a client starts it."""
    return [sys.executable, "-m", "vei", "serve"]
