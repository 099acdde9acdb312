"""The eval-directory report: reading episodes, the scenario × seed table and the numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.report.support import eval_dir
from vei.report import ReportError, build_report
from vei.report.evals import read_episodes, summarise


def test_summary_numbers_follow_the_episodes(tmp_path: Path) -> None:
    root = eval_dir(
        tmp_path / "eval",
        [
            ("procurement", 1, 1, "oracle"),
            ("procurement", 1, 2, "noop"),
            ("procurement", 2, 1, "oracle"),
            ("procurement", 2, 2, "oracle"),
            ("vendor_webform", 1, 1, "oracle"),
        ],
    )
    stats = summarise(read_episodes(root))
    procurement = stats["scenarios"]["procurement"]
    assert (procurement["successes"], procurement["episodes"]) == (3, 4)
    assert procurement["pass_hat_k"] == {"1": 0.75, "2": 0.5}
    assert stats["scenarios"]["vendor_webform"]["pass_hat_k"] == {"1": 1.0, "2": None}
    assert stats["overall"]["successes"] == 4 and stats["overall"]["pass_hat_k"]["2"] is None

    with (root / "episodes.jsonl").open("a") as handle:
        handle.write(
            json.dumps(
                {
                    **json.loads((root / "episodes.jsonl").read_text().splitlines()[0]),
                    "trial": 3,
                    "run_id": "gone-run",
                }
            )
            + "\n"
        )
    index, *runs = build_report(root)
    assert index == root / "report.html" and len(runs) == 5
    html = index.read_text()
    assert html.count('href="runs/') == 5 and "1 episodes have no readable run directory" in html
    assert "4/5 = 80%" in html and "<th>pass^3</th>" in html  # the added trial counts
    assert all((r.parent / "manifest.json").is_file() for r in runs)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json\n", "line 1: not JSON"),
        ('{"scenario": "procurement"}\n', "line 1: missing seed, trial"),
        (
            '{"scenario": "p", "seed": 1, "trial": 1, "agent": "a", "success": "yes", "run_id": "r", "chain_head": "h"}\n',
            "success is not true or false",
        ),
    ],
)
def test_bad_episode_lines_are_named(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "episodes.jsonl").write_text(content)
    with pytest.raises(ReportError, match=message):
        build_report(tmp_path)
    assert not (tmp_path / "report.html").exists()
