"""The run report's content and the `vei report` command (the page itself is exercised in
Chromium by test_report_in_chromium.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from tests.report.support import long_run, oracle_run
from vei.cli.main import app
from vei.report import build_report
from vei.report.run import MATCHES, NOT_RECORDED, run_data
from vei.scenarios import load_scenario
from vei.store.journal import JOURNAL


def _data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="vei-data">(.*?)</script>', html, re.S)
    assert match is not None
    return json.loads(match.group(1))


def test_the_page_holds_every_call_event_and_criterion_and_loads_nothing(tmp_path: Path) -> None:
    run_dir = oracle_run(tmp_path)
    data = run_data(run_dir)
    (out,) = build_report(run_dir)
    html = out.read_text()
    embedded = _data(html)
    assert len(embedded["calls"]) == data["verdict"]["tool_calls"] == data["integrity"]["receipts"]
    assert len(embedded["events"]) == data["integrity"]["events"]
    assert all(row[-1] == MATCHES for row in embedded["calls"])
    criteria = len(load_scenario("procurement").spec.criteria)
    assert html.count('<tr><td><span class="ok">✓ yes</span>') == len(data["criteria"]) == criteria
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html)


def test_agent_text_cannot_leave_its_script_element(tmp_path: Path) -> None:
    run_dir = long_run(tmp_path, 20, post_every=10)
    (out,) = build_report(run_dir)
    html = out.read_text()
    assert html.count("</script>") == 2  # the data's and the timeline's, nothing in between
    assert "<img src=x" not in html and "\\u003cimg src=x onerror=alert(1)>" in html


def test_a_run_without_journal_still_reports(tmp_path: Path) -> None:
    run_dir = oracle_run(tmp_path)
    (run_dir / JOURNAL).unlink()
    (out,) = build_report(run_dir)
    assert all(row[-1] == NOT_RECORDED for row in _data(out.read_text())["calls"])
    assert "has no call journal" in out.read_text()


def test_cli_writes_where_asked_and_names_what_it_cannot_read(tmp_path: Path) -> None:
    run_dir = oracle_run(tmp_path)
    runner = CliRunner()
    by_id = runner.invoke(
        app, ["report", run_dir.name, "--state-dir", str(tmp_path), "-o", str(tmp_path / "x.html")]
    )
    assert by_id.exit_code == 0 and (tmp_path / "x.html").is_file(), by_id.output
    by_path = runner.invoke(app, ["report", str(run_dir)])
    assert by_path.exit_code == 0 and (run_dir / "report.html").is_file()
    missing = runner.invoke(app, ["report", "no-such-run", "--state-dir", str(tmp_path)])
    assert missing.exit_code == 2 and "no run 'no-such-run'" in missing.output
    neither = runner.invoke(app, ["report", str(tmp_path)])
    assert neither.exit_code == 2 and "neither a run directory" in neither.output
    into_dir = runner.invoke(app, ["report", str(run_dir), "-o", str(tmp_path)])
    assert into_dir.exit_code == 2 and "is a directory" in into_dir.output
