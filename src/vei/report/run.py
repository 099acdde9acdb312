"""What a run's report shows, gathered from its directory: the manifest, every receipt and
event, the call journal, the score on every axis and the verification of the log.

``run_data`` returns one JSON-able dict; ``vei.report.html`` turns it into the page. Calls
and events are compact rows (lists, not objects): a 5,000-call run stays a few MB.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vei.assembly import world_twins
from vei.core.control import CONTROL_TOOLS
from vei.core.registry import Registry
from vei.core.state import reducer_table
from vei.scoring.report import ScoreReport, score_store
from vei.store.journal import check_entry, read_journal
from vei.store.rundir import open_run

# Event kinds that are NPC, drift and oversight bookkeeping rather than an app's own facts.
BOOKKEEPING = ("npc.", "monitor.", "policy.", "drift.", "actors.")
# Journal states of a call, as the page shows them.
NOT_RECORDED, MATCHES, DIFFERS = 0, 1, 2

# Column order of the compact rows (the page reads them by these names).
CALL_COLUMNS = (
    "index",
    "tool",
    "ok",
    "error_code",
    "t_ms",
    "latency_ms",
    "cost_cents",
    "fault",
    "first_event",
    "last_event",
    "hash",
    "journal",
)
EVENT_COLUMNS = ("seq", "t_ms", "kind", "actor", "cause", "data", "call")


class ReportError(ValueError):
    """The path is neither a run directory nor an eval directory, or cannot be read."""


def lane(kind: str) -> str:
    """The timeline lane of an event kind: its app (the prefix before the dot)."""
    return kind.split(".", 1)[0]


def _registry(twins: list[Any]) -> Registry:
    registry = Registry(CONTROL_TOOLS)
    for twin in twins:
        for spec in twin.tools:
            registry.register(spec)
    return registry


def _axes(report: ScoreReport) -> list[dict[str, str]]:
    """One headline per axis, the same text ``vei-score`` prints."""
    from vei.cli.score import axis_lines

    return [{"axis": name, "result": text} for name, text in axis_lines(report)]


def _issues(report: ScoreReport) -> list[dict[str, Any]]:
    """Violations, refused calls, findings and collateral changes, each with its receipt."""
    rows: list[dict[str, Any]] = []
    policy = report.policy
    for v in policy["violations"]["items"]:
        rows.append(
            {
                "what": "violation",
                "severity": v.get("severity"),
                "code": v.get("code"),
                "message": v.get("message"),
                "receipt": v.get("receipt"),
                "event": v.get("event"),
            }
        )
    for b in policy["blocked"]["items"]:
        rows.append(
            {
                "what": "blocked",
                "severity": "error",
                "code": b["code"],
                "message": f"{b['tool']} was refused",
                "receipt": b["receipt"],
                "event": None,
            }
        )
    for f in policy["findings"]["items"]:
        rows.append(
            {
                "what": "finding",
                "severity": f.get("severity"),
                "code": f.get("code"),
                "message": f.get("message"),
                "receipt": f.get("receipt"),
                "event": f.get("event"),
            }
        )
    for c in report.collateral["items"]:
        rows.append(
            {
                "what": "collateral",
                "severity": "-",
                "code": c["kind"],
                "message": c["why"],
                "receipt": c["receipt"],
                "event": c["event"],
            }
        )
    return rows


def run_data(run_dir: Path) -> dict[str, Any]:
    """Everything the report of the run in ``run_dir`` shows (see the module doc).

    Raises ReportError when the directory is not a readable run with a scenario."""
    try:
        handle = open_run(run_dir)
    except Exception as exc:
        raise ReportError(f"{run_dir}: {exc}") from None
    with handle:
        manifest = handle.manifest
        if "scenario_spec" not in manifest or not isinstance(manifest.get("twins"), list):
            raise ReportError(f"{run_dir}: the manifest has no scenario or twins to score it by")
        try:
            twins = world_twins([str(n) for n in manifest["twins"]])
        except (TypeError, ValueError) as exc:
            raise ReportError(f"{run_dir}: cannot load twins: {exc}") from None
        # A live run may grow meanwhile: the rows shown are those the score saw or newer.
        score = score_store(handle.store, manifest, reducer_table(twins))
        receipts = list(handle.store.receipts())
        events = list(handle.store.events())
    journal = read_journal(handle.run_dir)
    registry = _registry(twins)
    call_of: dict[int, int] = {}
    calls: list[list[Any]] = []
    shown: dict[str, dict[str, Any]] = {}
    for receipt in receipts:
        b = receipt.body
        span = b["events"] or [None, None]
        if b["events"]:
            for seq in range(span[0], span[1] + 1):
                call_of[seq] = receipt.index
        entry = journal.get(receipt.index)
        state = NOT_RECORDED
        if entry is not None:
            state = MATCHES if check_entry(entry, b, registry) else DIFFERS
            shown[str(receipt.index)] = {
                "args": entry.get("args"),
                "result": entry.get("result"),
                "via": entry.get("via"),
            }
        calls.append(
            [
                receipt.index,
                b["tool"],
                b["ok"],
                b["error_code"],
                b["t_ms"],
                b["latency_ms"],
                b["cost_cents"],
                b["fault"],
                span[0],
                span[1],
                receipt.hash,
                state,
            ]
        )
    rows = [[e.seq, e.t_ms, e.kind, e.actor, e.cause, e.data, call_of.get(e.seq)] for e in events]
    return {
        "report": "run",
        "run": _run_facts(manifest, handle.run_dir),
        "verdict": {
            "success": score.success,
            "met": score.task["met"],
            "total": score.task["total"],
            "tool_calls": score.tool_calls,
            "virtual_time_ms": score.virtual_time_ms,
            "composite": score.composite["value"],
        },
        "integrity": score.integrity,
        "criteria": list(score.criteria),
        "axes": _axes(score),
        "issues": _issues(score),
        "call_columns": list(CALL_COLUMNS),
        "event_columns": list(EVENT_COLUMNS),
        "calls": calls,
        "events": rows,
        "journal": shown,
        "journaled": len(shown),
    }


def _run_facts(manifest: Mapping[str, Any], run_dir: Path) -> dict[str, Any]:
    spec = manifest.get("scenario_spec") or {}
    return {
        "run_id": str(manifest.get("run_id", run_dir.name)),
        "scenario": manifest.get("scenario"),
        "title": spec.get("title") if isinstance(spec, dict) else None,
        "task": spec.get("task") if isinstance(spec, dict) else None,
        "seed": manifest.get("seed"),
        "pack": manifest.get("pack"),
        "configuration": manifest.get("configuration"),
        "vei_version": manifest.get("vei_version"),
        "created_at": manifest.get("created_at"),
        "public_key": manifest.get("public_key"),
        "twins": manifest.get("twins"),
    }
