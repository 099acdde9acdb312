"""``vei scenarios list | show NAME | validate FILE | schema``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from vei.scenarios import (
    ScenarioError,
    UnknownScenarioError,
    known_packs,
    known_scenarios,
    load_scenario,
    load_scenario_file,
)
from vei.scenarios.schema import ScenarioFile

app = typer.Typer(name="scenarios", help="List, show and validate scenarios.", no_args_is_help=True)
Pack = Annotated[
    str | None, typer.Option(help="Scenario pack (default VEI_SCENARIO_PACK or core).")
]


def _pack(pack: str | None) -> str:
    if pack is not None:
        return pack
    from vei.cli.main import settings_or_exit

    return settings_or_exit({}).scenario_pack


@app.command("list")
def list_(pack: Pack = None) -> None:
    """The scenarios in a pack, with their titles."""
    table = Table("pack", "scenario", "title", "criteria")
    packs = [pack] if pack else known_packs()
    try:
        for p in packs:
            for name in known_scenarios(p):
                spec = load_scenario(name, p).spec
                table.add_row(p, name, spec.title, str(len(spec.criteria)))
    except (UnknownScenarioError, ScenarioError) as exc:
        typer.echo(f"vei: {exc}", err=True)
        raise typer.Exit(2) from None
    Console().print(table)


@app.command()
def show(
    name: str, pack: Pack = None, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """A scenario's task, NPCs and success criteria."""
    try:
        scenario = load_scenario(name, _pack(pack))
    except (UnknownScenarioError, ScenarioError) as exc:
        typer.echo(f"vei: {exc}", err=True)
        raise typer.Exit(2) from None
    spec = scenario.spec
    if as_json:
        typer.echo(json.dumps(spec.model_dump(mode="json", by_alias=True), indent=2))
        return
    console = Console()
    console.print(f"[bold]{spec.title}[/] ({scenario.pack}/{spec.name})\n")
    console.print(spec.task)
    console.print("[bold]Success criteria[/]")
    for c in spec.criteria:
        console.print(f"  • {c.description}")
    if spec.npcs:
        console.print("[bold]NPCs[/]: " + ", ".join(f"{n.id} ({n.kind})" for n in spec.npcs))


@app.command()
def validate(file: Path) -> None:
    """Validate a scenario file; exit 1 naming the file and each bad field."""
    try:
        scenario = load_scenario_file(file)
    except ScenarioError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{file}: valid scenario {scenario.name!r} ({len(scenario.spec.criteria)} criteria)")


@app.command()
def schema() -> None:
    """Print the scenario file JSON Schema (docs/scenario.schema.json)."""
    typer.echo(json.dumps(ScenarioFile.model_json_schema(by_alias=True), indent=2, sort_keys=True))
