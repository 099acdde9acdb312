"""``vei-score RUN``: was the task done, criterion by criterion, with evidence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from vei.scoring.report import ScoreReport, score_store

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
        table.add_row(
            row["description"], "[green]yes[/]" if row["met"] else "[red]no[/]", refs or "-"
        )
    console.print(table)
    verdict = "[bold green]SUCCESS[/]" if report.success else "[bold red]FAILURE[/]"
    console.print(
        f"{verdict}  {report.tool_calls} tool calls, {report.virtual_time_ms / 1000:.1f} s virtual time"
    )


@app.command()
def main(
    run: Annotated[
        str, typer.Argument(help="Run id in the state dir, or a path to a run directory.")
    ],
    state_dir: Annotated[
        Path | None, typer.Option(help="State dir (default VEI_STATE_DIR or ./vei-runs).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Score RUN; exit 0 on success, 1 if the task was not achieved, 2 if RUN is unusable."""
    from vei.cli.state import _open, load_reducers

    with _open(run, state_dir) as handle:
        if "scenario_spec" not in handle.manifest:
            typer.echo(f"vei-score: run {run} has no scenario in its manifest", err=True)
            raise typer.Exit(2)
        report = score_store(handle.store, handle.manifest, load_reducers(handle.manifest))
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, sort_keys=True))
    else:
        print_report(report, Console())
    raise typer.Exit(0 if report.success else 1)
