"""The ``vei`` command: ``vei serve`` (MCP over stdio) and friends."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import anyio
import typer

from vei.config import ConfigError, Settings, load_settings

app = typer.Typer(
    name="vei",
    help="VEI: a deterministic simulated company for AI agents, served over MCP.",
    no_args_is_help=True,
    add_completion=False,
)


def settings_or_exit(overrides: dict[str, Any]) -> Settings:
    """Load settings; an invalid one prints the message (naming the variable) and exits 2."""
    try:
        return load_settings(overrides)
    except ConfigError as exc:
        typer.echo(f"vei: invalid configuration: {exc}", err=True)
        raise typer.Exit(2) from None


@app.command()
def serve(
    scenario: Annotated[str | None, typer.Option(help="Scenario to load (VEI_SCENARIO).")] = None,
    seed: Annotated[int | None, typer.Option(help="Master seed (VEI_SEED).")] = None,
    state_dir: Annotated[
        Path | None, typer.Option(help="Persist runs here (VEI_STATE_DIR); default in memory.")
    ] = None,
    run_id: Annotated[
        str | None, typer.Option(help="Name of the run (default: generated).")
    ] = None,
) -> None:
    """Serve the world over MCP on stdin/stdout (point your MCP client at this command)."""
    settings = settings_or_exit({"scenario": scenario, "seed": seed, "state_dir": state_dir})
    from vei.adapters.mcp import serve_stdio
    from vei.scenarios import UnknownScenarioError
    from vei.session import Session

    try:
        session = Session(settings, run_id=run_id)
    except (UnknownScenarioError, ValueError) as exc:
        typer.echo(f"vei: {exc}", err=True)
        raise typer.Exit(2) from None
    if session.run_dir is not None:
        print(f"vei: run {session.world.run_id} in {session.run_dir}", file=sys.stderr)
    anyio.run(serve_stdio, session)


@app.command()
def reference(
    what: Annotated[str, typer.Argument(help="tools | errors")],
) -> None:
    """Print generated reference docs (docs/tools.md, docs/errors.md) from the registry."""
    from vei.reference import errors_markdown, tools_markdown
    from vei.twins import TWINS

    twins = list(TWINS.values())
    if what == "tools":
        typer.echo(tools_markdown(twins), nl=False)
    elif what == "errors":
        typer.echo(errors_markdown(twins), nl=False)
    else:
        typer.echo(f"vei: unknown reference {what!r} (allowed: tools | errors)", err=True)
        raise typer.Exit(2)


@app.command()
def version() -> None:
    """Print the VEI version."""
    from vei import __version__

    typer.echo(__version__)


def main() -> None:
    """Console-script entry point."""
    app()


def _register() -> None:
    from vei.cli import demo as _demo  # noqa: F401  (registers `vei demo`)
    from vei.cli import report as _report  # noqa: F401  (registers `vei report`)
    from vei.cli.eval import eval_app
    from vei.cli.scenarios import app as scenarios_app

    app.add_typer(scenarios_app, name="scenarios")
    app.add_typer(eval_app, name="eval")


_register()
