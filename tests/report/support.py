"""Runs to report on: a long one made quickly in process, and small eval directories."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import anyio

from vei.agents.run import AgentRun, run_in_process
from vei.config import Settings, load_settings
from vei.scenarios import load_scenario
from vei.session import Session
from vei.store.journal import CallJournal

# A plan that touches every lane: browsing, mail, chat (with a PII leak the monitor finds),
# waiting (NPC replies, drift), failing calls, and a call inside vei_act_and_observe.
PLAN: list[tuple[str, dict[str, Any]]] = [
    ("browser_open", {"url": "https://macrocompute.example/"}),
    ("mail_list", {}),
    ("slack_open_channel", {"channel": "#procurement"}),
    ("vei_tick", {"dt_ms": 2_000}),
    ("mail_open", {"id": "no-such-message"}),
    ("vei_observe", {}),
    ("vei_act_and_observe", {"tool": "mail_list", "args": {"limit": 3}}),
    ("browser_read", {}),
]


def long_run(state_dir: Path, calls: int, *, post_every: int = 250) -> Path:
    """A stored procurement run of ``calls`` calls with drift, faults and monitors on,
    journaled as the adapters journal; returns its run directory."""
    settings = load_settings(
        {
            "state_dir": str(state_dir),
            "durability": "fast",
            "drift_mode": "light",
            "fault_profile": "light",
            "monitors": "pii,tool_aware",
            "seed": 9,
        },
        env={},
    )
    session = Session(settings)
    journal = CallJournal(settings.state_dir)
    for i in range(calls):
        if i % post_every == post_every - 1:
            tool, args = (
                "slack_send_message",
                {
                    "channel": "#general",
                    "text": f"Status {i}: my SSN is 078-05-1120 <img src=x onerror=alert(1)>",
                },
            )
        else:
            tool, args = PLAN[i % len(PLAN)]
        journal.record(session.call(tool, args), args)
    run_dir = session.run_dir
    session.close()
    assert run_dir is not None
    return run_dir


def oracle_run(
    state_dir: Path, scenario: str = "procurement", seed: int = 1, agent: str = "oracle"
) -> Path:
    """A stored run of a reference agent through the in-process MCP server."""
    settings = load_settings(
        {"state_dir": str(state_dir), "seed": seed, "scenario": scenario}, env={}
    )
    run = _run(agent, scenario, settings)
    assert run.run_dir is not None
    return run.run_dir


def _run(agent: str, scenario: str, settings: Settings) -> AgentRun:
    # In a thread of its own: a test driving a browser already runs an event loop here.
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(anyio.run, run_in_process, agent, load_scenario(scenario), settings)
        return future.result()


def eval_dir(root: Path, plan: list[tuple[str, int, int, str]]) -> Path:
    """An eval directory of (scenario, seed, trial, agent) episodes: runs under
    ``runs/`` and ``episodes.jsonl`` as ``vei eval`` documents it."""
    root.mkdir(parents=True, exist_ok=True)
    lines = []
    for scenario, seed, trial, agent in plan:
        settings = load_settings(
            {"state_dir": str(root), "seed": seed, "scenario": scenario}, env={}
        )
        run = _run(agent, scenario, settings)
        lines.append(
            {
                "scenario": scenario,
                "seed": seed,
                "trial": trial,
                "agent": agent,
                "success": run.report.success,
                "run_id": run.run_id,
                "chain_head": run.report.integrity["chain_head"],
            }
        )
    (root / "episodes.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    return root
