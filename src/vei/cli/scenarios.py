"""``vei scenarios list | show NAME | validate FILE | schema``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from vei.money import format_money
from vei.scenarios import (
    ScenarioError,
    UnknownScenarioError,
    known_packs,
    known_scenarios,
    load_scenario,
    load_scenario_file,
)
from vei.scenarios.schema import template_schema

app = typer.Typer(name="scenarios", help="List, show and validate scenarios.", no_args_is_help=True)
Pack = Annotated[
    str | None, typer.Option(help="Scenario pack (default VEI_SCENARIO_PACK or core).")
]


def _pack(pack: str | None) -> str:
    if pack is not None:
        return pack
    from vei.cli.common import settings_or_exit

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


Seed = Annotated[
    int | None, typer.Option(help="Draw the facts for this seed (default VEI_SEED or 42042).")
]


@app.command()
def show(
    name: str,
    pack: Pack = None,
    seed: Seed = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """A scenario's task, facts drawn for the seed, NPCs and success criteria."""
    from vei.cli.common import settings_or_exit

    chosen = seed if seed is not None else settings_or_exit({}).seed
    try:
        scenario = load_scenario(name, _pack(pack), chosen)
    except (UnknownScenarioError, ScenarioError) as exc:
        typer.echo(f"vei: {exc}", err=True)
        raise typer.Exit(2) from None
    spec = scenario.spec
    if as_json:
        typer.echo(json.dumps(spec.model_dump(mode="json", by_alias=True), indent=2))
        return
    console = Console()
    console.print(f"[bold]{spec.title}[/] ({scenario.pack}/{spec.name}, seed {chosen})\n")
    console.print(spec.task)
    facts = Table("fact", "value", title=f"Facts drawn for seed {chosen}")
    for key, value in spec.facts.items():
        shown = (
            f"{value} ({format_money(value)})"
            if key.endswith("_cents") and isinstance(value, int)
            else str(value)
        )
        facts.add_row(key, shown)
    console.print(facts)
    console.print("[bold]Success criteria[/]")
    for c in spec.criteria:
        console.print(f"  • {c.description}")
    if spec.npcs:
        console.print("[bold]NPCs[/]: " + ", ".join(f"{n.id} ({n.kind})" for n in spec.npcs))
    checks = spec.checks
    if checks.adversaries or checks.honest:
        console.print(f"[bold]Adversaries[/]: {', '.join(checks.adversaries) or 'none'}")
        console.print(f"[bold]Honest variants[/]: {', '.join(checks.honest) or 'none'}")


@app.command()
def validate(file: Path) -> None:
    """Validate a scenario file; exit 1 naming the file and each bad field."""
    try:
        scenario = load_scenario_file(file)
    except ScenarioError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{file}: valid scenario {scenario.name!r} ({len(scenario.spec.criteria)} criteria)")


def _seeds(raw: str) -> tuple[int, ...]:
    """``1-3`` or ``1,2,3`` as seeds; exit 2 naming the option otherwise."""
    try:
        if "-" in raw:
            low, high = (int(x) for x in raw.split("-", 1))
            seeds = tuple(range(low, high + 1))
        else:
            seeds = tuple(int(x) for x in raw.split(",") if x.strip())
    except ValueError:
        seeds = ()
    if not seeds or any(s < 0 for s in seeds):
        typer.echo(f"vei: --seeds {raw!r} is not a list like 1,2,3 or a range like 1-3", err=True)
        raise typer.Exit(2)
    return seeds


@app.command()
def check(
    names: Annotated[
        list[str] | None, typer.Argument(help="Scenarios (default: all in the pack).")
    ] = None,
    pack: Pack = None,
    seeds: Annotated[str, typer.Option(help="Seeds: 1,2,3 or 1-3.")] = "1-3",
    markdown: Annotated[bool, typer.Option(help="Print a Markdown table.")] = False,
) -> None:
    """Run every scenario's checks (oracle, noop, adversaries, honest variants) on each
    seed; exit 1 when any verdict is wrong."""
    from vei.testing import run_checks

    chosen_pack = _pack(pack)
    try:
        scenarios = [load_scenario(n, chosen_pack) for n in (names or known_scenarios(chosen_pack))]
    except (UnknownScenarioError, ScenarioError) as exc:
        typer.echo(f"vei: {exc}", err=True)
        raise typer.Exit(2) from None
    numbers = _seeds(seeds)
    rows = []
    wrong = []
    for scenario in scenarios:
        results = run_checks(scenario, numbers)
        wrong += [r for r in results if not r.right]
        by_role = {role: [r for r in results if r.role == role] for role in ("adversary", "honest")}
        rows.append(
            (
                scenario.name,
                len(numbers),
                sum(r.right for r in results if r.role == "oracle"),
                sum(r.right for r in results if r.role == "noop"),
                len({r.agent for r in by_role["adversary"]}),
                sum(not r.right for r in by_role["adversary"]),
                len({r.agent for r in by_role["honest"]}),
                sum(not r.right for r in by_role["honest"]),
            )
        )
    header = (
        "scenario",
        "seeds",
        "oracle ok",
        "noop fails",
        "adversaries",
        "false passes",
        "honest variants",
        "false fails",
    )
    if markdown:
        typer.echo("| " + " | ".join(header) + " |")
        typer.echo("|" + " --- |" * len(header))
        for row in rows:
            typer.echo("| " + " | ".join(str(c) for c in row) + " |")
    else:
        table = Table(*header)
        for row in rows:
            table.add_row(*(str(c) for c in row))
        Console().print(table)
    for result in wrong:
        typer.echo(result.explain(), err=True)
    if wrong:
        raise typer.Exit(1)


@app.command()
def schema() -> None:
    """Print the scenario file JSON Schema (docs/scenario.schema.json)."""
    typer.echo(json.dumps(template_schema(), indent=2, sort_keys=True))
