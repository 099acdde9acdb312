"""The call journal: every call of a run driven over MCP is recorded beside the run, and
each entry is checked against the signed receipt's digests."""

from __future__ import annotations

import json
from pathlib import Path

from tests.report.support import long_run, oracle_run
from vei.assembly import world_twins
from vei.core.control import CONTROL_TOOLS
from vei.core.registry import Registry
from vei.store.journal import JOURNAL, check_entry, read_journal
from vei.store.rundir import open_run


def _registry(twins: list[str]) -> Registry:
    registry = Registry(CONTROL_TOOLS)
    for twin in world_twins(twins):
        for spec in twin.tools:
            registry.register(spec)
    return registry


def _checked(run_dir: Path) -> dict[int, bool]:
    journal = read_journal(run_dir)
    with open_run(run_dir) as handle:
        registry = _registry(handle.manifest["twins"])
        return {
            r.index: check_entry(journal[r.index], r.body, registry)
            for r in handle.store.receipts()
            if r.index in journal
        }


def test_every_mcp_call_is_journaled_and_matches_its_receipt(tmp_path: Path) -> None:
    run_dir = oracle_run(tmp_path)
    with open_run(run_dir) as handle:
        count = handle.store.counts()["receipts"]
    checked = _checked(run_dir)
    assert sorted(checked) == list(range(1, count + 1)) and all(checked.values())


def test_inner_calls_rejections_and_faults_are_journaled_too(tmp_path: Path) -> None:
    run_dir = long_run(tmp_path, 80, post_every=40)
    journal = read_journal(run_dir)
    checked = _checked(run_dir)
    assert len(checked) == len(journal) and all(checked.values())
    inner = [e for e in journal.values() if e.get("via")]
    assert inner and all(
        e["tool"] == "mail_list" and journal[e["via"]]["tool"] == "vei_act_and_observe"
        for e in inner
    )
    assert any("error" in e["result"] for e in journal.values())


def test_an_edited_entry_no_longer_matches(tmp_path: Path) -> None:
    run_dir = oracle_run(tmp_path)
    path = run_dir / JOURNAL
    lines = path.read_text().splitlines()
    entry = json.loads(lines[4])
    entry["args"] = (
        {**entry["args"], "url": "https://elsewhere.example/"}
        if "url" in entry["args"]
        else {"forged": 1}
    )
    lines[4] = json.dumps(entry)
    path.write_text("\n".join(lines) + "\n{torn")
    checked = _checked(run_dir)
    assert checked[entry["index"]] is False
    assert sum(1 for ok in checked.values() if not ok) == 1
