"""``vei demo``: the default scenario end to end, the way an agent would run it.

Starts the real ``vei serve`` over stdio, runs the oracle agent, persists the run, verifies
its receipts and prints the score and where the run lives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import anyio
import typer
from rich.console import Console

from vei.cli.common import settings_or_exit
from vei.cli.main import app


@app.command()
def demo(
    scenario: Annotated[str | None, typer.Option(help="Scenario (default procurement).")] = None,
    seed: Annotated[str | None, typer.Option(help="Master seed.")] = None,
    state_dir: Annotated[
        Path | None, typer.Option(help="Where to persist the run (default ./vei-runs).")
    ] = None,
    agent: Annotated[str, typer.Option(help="oracle or noop.")] = "oracle",
) -> None:
    """Run a scenario with the reference agent through the real MCP server, then verify and score."""
    from vei.agents import AGENTS
    from vei.agents.run import run_over_stdio
    from vei.cli.score import print_report
    from vei.cli.state import load_reducers
    from vei.receipts.verify import verify_run
    from vei.scenarios import load_scenario
    from vei.scoring.report import score_store
    from vei.store.rundir import new_run_id, open_run

    settings = settings_or_exit({"scenario": scenario, "seed": seed, "state_dir": state_dir})
    if settings.state_dir is None:
        settings = settings_or_exit(
            {"scenario": scenario, "seed": seed, "state_dir": Path("vei-runs")}
        )
    assert settings.state_dir is not None
    if agent not in AGENTS:
        typer.echo(f"vei: unknown agent {agent!r} (allowed: {' | '.join(AGENTS)})", err=True)
        raise typer.Exit(2)
    console = Console()
    chosen = load_scenario(settings.scenario, settings.scenario_pack)
    run_id = new_run_id(chosen.name, settings.seed, state_dir=settings.state_dir)
    console.print(f"[bold]{chosen.spec.title}[/] — seed {settings.seed}, agent {agent}")
    with console.status("running the agent against `vei serve` over MCP stdio…"):
        calls = anyio.run(run_over_stdio, agent, chosen, settings, run_id)
    console.print(f"[green]✓[/] {calls} tool calls over MCP stdio")
    with open_run(run_id, settings.state_dir) as handle:
        reducers = load_reducers(handle.manifest)
        with console.status("verifying receipts and replaying the log…"):
            verified = verify_run(handle.store, handle.manifest, reducers, run_dir=handle.run_dir)
        if not verified.ok:
            console.print(f"[red]✗ verification failed:[/] {verified.failure}")
            raise typer.Exit(1)
        console.print(
            f"[green]✓[/] verified {verified.receipts} signed receipts and {verified.events} events"
        )
        report = score_store(handle.store, handle.manifest, reducers)
        run_dir = handle.run_dir
    print_report(report, console)
    console.print(f"run stored in [bold]{run_dir}[/]")
    console.print(f"inspect it: vei-state show {run_id} --state-dir {settings.state_dir}")
    console.print(f"see it:     vei report {run_id} --state-dir {settings.state_dir}")
    raise typer.Exit(0 if report.success else 1)
