"""``vei report RUN|EVAL_DIR [-o FILE.html]``: one self-contained HTML file to read a run
(or every run of an eval) in a browser, from disk, with no network."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vei.cli.main import app


@app.command()
def report(
    target: Annotated[
        str,
        typer.Argument(
            metavar="RUN|EVAL_DIR",
            help="A run id in the state dir, a run directory, or an eval directory.",
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--out",
            help="Where to write the HTML (default: report.html in the run or eval directory).",
        ),
    ] = None,
    state_dir: Annotated[
        Path | None,
        typer.Option(help="State dir for a run id (default: VEI_STATE_DIR, else ./vei-runs)."),
    ] = None,
) -> None:
    """Write the HTML report of a run or an eval directory; exit 2 if it cannot be read."""
    from vei.report import ReportError, build_report
    from vei.store.rundir import RunNotFoundError, is_safe_run_id, resolve_run

    path = Path(target)
    if not path.is_dir() and is_safe_run_id(target):
        from vei.cli.state import default_state_dir

        try:
            path = resolve_run(target, state_dir or default_state_dir())
        except RunNotFoundError as exc:
            typer.echo(f"vei report: {exc}", err=True)
            raise typer.Exit(2) from None
    if out is not None and out.is_dir():
        typer.echo(f"vei report: -o {out} is a directory; give a file name", err=True)
        raise typer.Exit(2)
    try:
        written = build_report(path, out)
    except ReportError as exc:
        typer.echo(f"vei report: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"wrote {written[0]}")
    if len(written) > 1:
        typer.echo(f"and {len(written) - 1} run reports beside their runs")
