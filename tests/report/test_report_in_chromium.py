"""The HTML reports in a real headless Chromium: they load from disk without a script
error or a request, show every call and criterion, stay usable for a 5,000-call run, and
never run what an agent wrote."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.e2e.conftest import clean_env
from tests.report.browser import Page, chromium, open_page
from tests.report.support import eval_dir, long_run
from vei.cli.main import app
from vei.report import build_report
from vei.scenarios import load_scenario
from vei.store.rundir import open_run

__all__ = ["chromium"]  # the fixture


def _screenshot(seen: Page, path: Path) -> None:
    seen.page.screenshot(path=str(path), full_page=False)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000


def _clean(seen: Page, report: Path) -> None:
    assert seen.errors == [] and seen.dialogs == []
    assert set(seen.requests) <= {report.resolve().as_uri()}, seen.requests


@pytest.mark.slow
def test_demo_run_report_shows_every_call_and_criterion(chromium: Any, tmp_path: Path) -> None:
    demo = subprocess.run(
        [sys.executable, "-m", "vei", "demo", "--state-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=300,
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    (run_dir,) = (tmp_path / "runs").iterdir()
    out = tmp_path / "demo.html"
    result = CliRunner().invoke(
        app, ["report", run_dir.name, "--state-dir", str(tmp_path), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    with open_run(run_dir) as handle:
        receipts = [r.index for r in handle.store.receipts()]

    seen = open_page(chromium, out)
    page = seen.page
    page.wait_for_selector("body[data-ready=true]")
    _clean(seen, out)
    shown = page.eval_on_selector_all(".row.call", "rows => rows.map(r => +r.dataset.index)")
    assert shown == receipts
    criteria = page.eval_on_selector_all("#criteria tbody tr", "rows => rows.length")
    assert criteria == len(load_scenario("procurement").spec.criteria)
    assert page.inner_text("#verdict") == "SUCCESS"
    assert "receipts verified" in page.inner_text("#integrity")

    page.click('#criteria a[href^="#e"]')  # the first criterion's evidence event
    detail = page.wait_for_selector(".detail [data-seq].flash, .row.event.flash")
    assert "npc.approval_decided" in detail.inner_text()  # the approval criterion's record
    assert "caused by call #" in page.inner_text(".detail")
    _screenshot(seen, tmp_path / "demo-report.png")


@pytest.mark.slow
def test_a_5000_call_run_stays_readable(chromium: Any, tmp_path: Path) -> None:
    run_dir = long_run(tmp_path, 5_000)
    (report,) = build_report(run_dir)
    with open_run(run_dir) as handle:
        calls = handle.store.counts()["receipts"]
    seen = open_page(chromium, report)
    page = seen.page
    page.wait_for_selector("body[data-ready=true]")
    _clean(seen, report)
    assert page.eval_on_selector_all("#timeline .row", "rows => rows.length") == 250  # a page
    assert f"{calls} of {calls} calls" in page.inner_text("#controls .count")

    page.select_option("#controls select", "monitor.finding")
    findings = page.eval_on_selector_all(".row", "rows => rows.map(r => r.className)")
    assert findings and all(c == "row event problem" for c in findings)
    page.click("text=clear filters")

    page.uncheck("#controls label:has-text('agent') input")
    assert page.eval_on_selector_all(".row.call", "rows => rows.length") == 0
    page.check("#controls label:has-text('agent') input")

    page.click("#issues-h + details > summary")  # a long list of issues starts folded
    page.click('#issues a[href^="#r"]')  # a finding's call: the leak, with its arguments
    detail = page.wait_for_selector(".detail")
    assert "078-05-1120 <img src=x onerror=alert(1)>" in detail.inner_text()
    assert page.evaluate("document.querySelectorAll('.detail img').length") == 0

    page.click("text=clear filters")
    page.click("button:has-text('show all')")
    assert page.eval_on_selector_all(".row.call", "rows => rows.length") == calls
    _clean(seen, report)
    _screenshot(seen, tmp_path / "long-report.png")


@pytest.mark.slow
def test_eval_report_links_every_episode_to_its_run_report(chromium: Any, tmp_path: Path) -> None:
    root = eval_dir(
        tmp_path / "eval",
        [("procurement", 1, 1, "oracle"), ("procurement", 1, 2, "noop")],
    )
    index, *runs = build_report(root)
    seen = open_page(chromium, index)
    page = seen.page
    page.wait_for_selector("#summary")
    assert seen.errors == [] and seen.dialogs == []
    links = page.eval_on_selector_all("#episodes a", "links => links.map(a => a.href)")
    assert sorted(links) == sorted(r.resolve().as_uri() for r in runs) and len(links) == 2
    page.click("#episodes a.bad")
    page.wait_for_selector("body[data-ready=true]")
    assert page.inner_text("#verdict") == "FAILURE" and seen.errors == []
    _screenshot(seen, tmp_path / "eval-report.png")
    episodes = [json.loads(x) for x in (root / "episodes.jsonl").read_text().splitlines()]
    assert [e["success"] for e in episodes] == [True, False]
