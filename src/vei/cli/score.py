"""``vei-score RUN``: was the task done, criterion by criterion with evidence, and how: the
policy, cost, efficiency, collateral and integrity axes (docs/policy.md), with a composite
number beside them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from vei.money import format_money
from vei.scoring.efficiency import Reference
from vei.scoring.report import ScoreReport, UnverifiedRunError, score_store

app = typer.Typer(
    name="vei-score", add_completion=False, help="Score a VEI run against its scenario."
)


def print_report(report: ScoreReport, console: Console) -> None:
    """The readable table: one row per criterion, then the verdict."""
    table = Table(title=f"{report.scenario} · run {report.run}")
    table.add_column("criterion")
    table.add_column("met")
    table.add_column("evidence")
    for row in report.criteria:
        evidence = row["evidence"]
        refs = ", ".join(f"event {s}" for s in evidence["events"][:3])
        if evidence["receipts"]:
            refs += " · receipt " + ", ".join(str(r) for r in evidence["receipts"][:3])
        if not row["met"] and row.get("why"):
            refs = f"{row['why']}" + (f" ({refs})" if refs else "")
        table.add_row(
            row["description"], "[green]yes[/]" if row["met"] else "[red]no[/]", refs or "-"
        )
    console.print(table)
    console.print(axes_table(report))
    issues = issues_table(report)
    if issues is not None:
        console.print(issues)
    verdict = "[bold green]SUCCESS[/]" if report.success else "[bold red]FAILURE[/]"
    console.print(
        f"{verdict}  {report.tool_calls} tool calls, {report.virtual_time_ms / 1000:.1f} s virtual time"
        f"  composite {report.composite['value']:.1f} (shown beside the axes, not instead of them)"
    )


def _severities(counts: dict[str, int]) -> str:
    parts = [f"{n} {sev}" for sev, n in counts.items() if n]
    return f" ({', '.join(parts)})" if parts else ""


def axis_lines(report: ScoreReport) -> list[tuple[str, str]]:
    """One plain-text headline per axis (the axes table and the HTML report show these)."""
    task, policy, cost = report.task, report.policy, report.cost
    eff, coll, integ = report.efficiency, report.collateral, report.integrity
    violations, findings = policy["violations"], policy["findings"]
    per = eff["calls_per_criterion"]
    relative = eff["relative"]
    return [
        ("task", f"{task['met']}/{task['total']} criteria met"),
        (
            "policy",
            f"{violations['total']} violations{_severities(violations['by_severity'])}, "
            f"{policy['blocked']['total']} blocked calls, "
            f"{findings['total']} monitor findings{_severities(findings['by_severity'])}",
        ),
        (
            "cost",
            f"{format_money(cost['tool_cost_cents'])} tool cost, {format_money(cost['spend_cents'])} "
            f"committed spend, {cost['tool_calls']} calls, {cost['virtual_time_ms'] / 1000:.1f} s",
        ),
        (
            "efficiency",
            (f"{per} calls per criterion met" if per is not None else "no criterion met")
            + f", {eff['failed_calls']} failed, {eff['repeated_calls']} repeated"
            + (
                f", {relative['calls']} of the reference's calls-efficiency"
                if relative is not None
                else ""
            ),
        ),
        ("collateral", f"{coll['total']} unneeded changes of {coll['outward_changes']} outward"),
        ("integrity", "verified" if integ["verified"] else f"FAILED: {integ['failure']}"),
    ]


def axes_table(report: ScoreReport) -> Table:
    """One row per axis with its headline numbers."""
    table = Table(title="axes")
    table.add_column("axis")
    table.add_column("result")
    for name, text in axis_lines(report):
        if name == "integrity" and not report.integrity["verified"]:
            text = f"[red]{escape(text)}[/]"
        table.add_row(name, text)
    return table


def issues_table(report: ScoreReport) -> Table | None:
    """Every violation, refused call, finding and collateral change with its receipt."""
    rows: list[tuple[str, str, str, str]] = []
    policy = report.policy
    for v in policy["violations"]["items"]:
        rows.append(
            ("violation", v["severity"], v["code"], f"receipt {v['receipt']}: {v['message']}")
        )
    for b in policy["blocked"]["items"]:
        rows.append(("blocked", "error", b["code"], f"receipt {b['receipt']}: {b['tool']}"))
    for f in policy["findings"]["items"]:
        rows.append(
            ("finding", f["severity"], f["code"], f"receipt {f['receipt']}: {f['message']}")
        )
    for c in report.collateral["items"]:
        rows.append(("collateral", "-", c["kind"], f"receipt {c['receipt']}: {c['why']}"))
    if not rows:
        return None
    table = Table(title="policy, findings and collateral")
    for column in ("what", "severity", "code", "where"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


@app.command()
def main(
    run: Annotated[
        str, typer.Argument(help="Run id in the state dir, or a path to a run directory.")
    ],
    state_dir: Annotated[
        Path | None, typer.Option(help="State dir (default VEI_STATE_DIR or ./vei-runs).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    reference: Annotated[
        str | None,
        typer.Option(
            help="Another run (e.g. the oracle's on the same scenario and seed) to measure efficiency against."
        ),
    ] = None,
) -> None:
    """Score RUN; exit 0 on success, 1 if the task was not achieved, 2 if RUN is unusable
    (not found, or it does not verify: `vei-state verify RUN` says why)."""
    from vei.cli.state import _open, load_reducers

    baseline = None
    if reference is not None:
        with _open(reference, state_dir) as ref:
            receipts = list(ref.store.receipts())
            last = receipts[-1].body if receipts else None
            elapsed = last["t_ms"] + last["latency_ms"] if last else 0
            baseline = Reference(len(receipts), elapsed, str(ref.manifest.get("run_id", reference)))
    with _open(run, state_dir) as handle:
        if "scenario_spec" not in handle.manifest:
            typer.echo(f"vei-score: run {run} has no scenario in its manifest", err=True)
            raise typer.Exit(2)
        reducers = load_reducers(handle.manifest)
        try:
            report = score_store(
                handle.store,
                handle.manifest,
                reducers,
                baseline,
                run_dir=handle.run_dir,
                require_verified=True,
            )
        except UnverifiedRunError as exc:
            # The verdict is only as good as the record: an edited manifest (another seed,
            # fewer criteria) would otherwise score as whatever the editor wanted.
            if as_json:
                typer.echo(json.dumps({"run": run, "verified": False, "failure": str(exc)}))
            typer.echo(
                f"vei-score: run {run} does not verify, so it is not scored: {exc} "
                f"(vei-state verify {run})",
                err=True,
            )
            raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, sort_keys=True))
    else:
        print_report(report, Console())
    raise typer.Exit(0 if report.success else 1)
