"""The report of an eval directory: a scenario × seed table of every episode with links to
each run's own report, and per scenario (and overall) the success rate with its 95%
Wilson interval and pass^k.

An eval directory holds ``episodes.jsonl`` (one JSON object per episode with at least
``scenario``, ``seed``, ``trial``, ``agent``, ``success``, ``run_id`` and
``chain_head``) and the episodes' runs under ``runs/<run_id>/``. A task is one scenario
and seed; its trials are the episodes that share both.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from vei.report.html import page, table
from vei.report.run import ReportError
from vei.report.stats import mean_pass_hat_k, wilson
from vei.store.rundir import is_safe_run_id

EPISODES = "episodes.jsonl"
REQUIRED = ("scenario", "seed", "trial", "agent", "success", "run_id", "chain_head")


def read_episodes(eval_dir: Path) -> list[dict[str, Any]]:
    """The episodes of ``eval_dir``; ReportError naming the line of a bad one."""
    path = Path(eval_dir) / EPISODES
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ReportError(f"{path}: cannot read: {exc}") from None
    episodes = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            episode = json.loads(line)
        except ValueError:
            raise ReportError(f"{path} line {number}: not JSON") from None
        missing = [f for f in REQUIRED if not isinstance(episode, dict) or f not in episode]
        if missing:
            raise ReportError(f"{path} line {number}: missing {', '.join(missing)}")
        if not isinstance(episode["success"], bool):
            raise ReportError(f"{path} line {number}: success is not true or false")
        episodes.append(episode)
    return episodes


def run_dir_of(eval_dir: Path, episode: Mapping[str, Any]) -> Path | None:
    """The episode's run directory, when its run id is safe and the directory exists."""
    run_id = episode.get("run_id")
    if not is_safe_run_id(run_id):
        return None
    candidate = Path(eval_dir) / "runs" / str(run_id)
    return candidate if (candidate / "manifest.json").is_file() else None


def _rate(successes: int, n: int) -> str:
    low, high = wilson(successes, n)
    share = f"{successes / n:.0%}" if n else "-"
    return f"{successes}/{n} = {share} [{low:.0%}, {high:.0%}]"


def summarise(episodes: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Per scenario and overall: episodes, successes, rate with interval, pass^k per k."""
    tasks: dict[tuple[str, Any], list[bool]] = defaultdict(list)
    for e in episodes:
        tasks[(str(e["scenario"]), e["seed"])].append(bool(e["success"]))
    most = max((len(t) for t in tasks.values()), default=0)

    def block(keys: list[tuple[str, Any]]) -> dict[str, Any]:
        counts = [(sum(tasks[k]), len(tasks[k])) for k in keys]
        wins, n = sum(c for c, _ in counts), sum(m for _, m in counts)
        low, high = wilson(wins, n)
        return {
            "episodes": n,
            "successes": wins,
            "rate": wins / n if n else None,
            "interval": [low, high],
            "pass_hat_k": {str(k): mean_pass_hat_k(counts, k) for k in range(1, most + 1)},
        }

    scenarios = sorted({s for s, _ in tasks})
    return {
        "k_max": most,
        "scenarios": {s: block([t for t in tasks if t[0] == s]) for s in scenarios},
        "overall": block(list(tasks)),
    }


def _cell(episodes: Sequence[Mapping[str, Any]], links: Mapping[str, str]) -> str:
    marks = []
    for e in sorted(episodes, key=lambda e: str(e["trial"])):
        mark = "✓" if e["success"] else "✗"
        cls = "ok" if e["success"] else "bad"
        label = (
            f"trial {e['trial']}: {'success' if e['success'] else 'failure'}, "
            f"run {e['run_id']}, chain head {str(e['chain_head'])[:12]}"
        )
        href = links.get(str(e["run_id"]))
        if href is None:
            marks.append(
                f'<span class="{cls}" title="{escape(label)} (no readable run)">{mark}</span>'
            )
        else:
            marks.append(
                f'<a class="{cls}" href="{escape(href)}" title="{escape(label)}">{mark}</a>'
            )
    return " ".join(marks)


def render_eval(
    eval_dir: Path, episodes: Sequence[Mapping[str, Any]], links: Mapping[str, str]
) -> str:
    """The eval report; ``links`` maps a run id to the href of its run's report."""
    stats = summarise(episodes)
    seeds = sorted({e["seed"] for e in episodes}, key=lambda s: (str(type(s)), s))
    by_cell: dict[tuple[str, Any], list[Mapping[str, Any]]] = defaultdict(list)
    for e in episodes:
        by_cell[(str(e["scenario"]), e["seed"])].append(e)
    ks = range(1, stats["k_max"] + 1)

    def numbers(block: Mapping[str, Any]) -> list[str]:
        cells = [escape(_rate(block["successes"], block["episodes"]))]
        for k in ks:
            value = block["pass_hat_k"][str(k)]
            cells.append("-" if value is None else f"{value:.2f}")
        return cells

    grid = table(
        ("scenario", *(f"seed {s}" for s in seeds)),
        (
            (
                f"<code>{escape(s)}</code>",
                *(_cell(by_cell.get((s, seed), []), links) for seed in seeds),
            )
            for s in stats["scenarios"]
        ),
        id_="episodes",
    )
    summary = table(
        ("scenario", "success [95% Wilson]", *(f"pass^{k}" for k in ks)),
        [(f"<code>{escape(s)}</code>", *numbers(block)) for s, block in stats["scenarios"].items()]
        + [("<b>overall</b>", *numbers(stats["overall"]))],
        id_="summary",
    )
    agents = sorted({str(e["agent"]) for e in episodes})
    missing = sum(1 for e in episodes if str(e["run_id"]) not in links)
    body = "\n".join(
        [
            f"<h1>Eval: {escape(', '.join(agents) or 'no episodes')}</h1>",
            f'<p class="sub">{len(episodes)} episodes in <code>{escape(Path(eval_dir).name)}</code>'
            f" · {len(stats['scenarios'])} scenarios × {len(seeds)} seeds"
            f" · up to {stats['k_max']} trials per task</p>",
            '<h2 id="summary-h">Success and pass^k per scenario</h2>',
            summary,
            '<p class="muted">pass^k: the chance that all of k trials of a task (a scenario '
            "and seed) succeed, estimated without bias from each task's trials and averaged "
            "over tasks; '-' where a task has fewer than k trials.</p>",
            '<h2 id="episodes-h">Episodes (scenario × seed; each mark opens its run)</h2>',
            grid,
            f'<p class="bad">{missing} episodes have no readable run directory.</p>'
            if missing
            else "",
        ]
    )
    return page("VEI eval report", body)
