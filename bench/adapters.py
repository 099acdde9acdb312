"""The Gymnasium step and the call journal, each against the in-process call it wraps.

- ``env_steps``: ``VeiEnv.step`` of one JSON tool call on a fresh procurement episode (the
  action parsed, the call made, the observation encoded, the run re-scored when the call
  changed the world) against ``world_calls`` of the same call;
- ``journaled_calls``: ``Session.call`` on SQLite ``fast`` plus ``CallJournal.record`` (what
  ``vei serve`` does for a stored run) against the same calls without the journal (``fast``,
  so that the disk's fsync latency, which drowns everything under ``full``, stays out).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from bench.inprocess import CALLS, WARMUP, Op
from vei.adapters.gym import VeiEnv
from vei.config import load_settings
from vei.session import Session
from vei.store.journal import CallJournal


def env_steps(op: Op, count: int) -> float:
    """Steps per second of ``count`` identical tool calls through the Gymnasium env (one
    episode long enough for all of them; reset not timed)."""
    name, args = CALLS[op]
    env = VeiEnv("procurement", max_steps=count + WARMUP + 1)
    try:
        env.reset(seed=1)
        action = json.dumps({"tool": name, "args": args})
        for _ in range(WARMUP):
            _, _, _, _, info = env.step(action)
            if not info["ok"]:
                raise RuntimeError(f"bench step {name} failed")
        step = env.step
        start = time.perf_counter()
        for _ in range(count):
            step(action)
        return count / (time.perf_counter() - start)
    finally:
        env.close()


def journaled_calls(op: Op, count: int, directory: Path) -> float:
    """Calls per second on SQLite ``fast`` with each call journaled, as ``vei serve`` does."""
    name, args = CALLS[op]
    session = Session(load_settings({"state_dir": directory, "durability": "fast"}, env={}))
    journal = CallJournal(directory)
    try:
        for _ in range(WARMUP):
            journal.record(session.call(name, args), args)
        start = time.perf_counter()
        for _ in range(count):
            journal.record(session.call(name, args), args)
        return count / (time.perf_counter() - start)
    finally:
        session.close()


__all__ = ["env_steps", "journaled_calls"]
