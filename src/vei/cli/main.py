"""The ``vei`` command: ``vei serve`` (MCP over stdio) and friends."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import anyio
import typer

from vei.cli.common import fail_closing, open_session_or_exit, settings_or_exit

# The subcommands other than serve, reference and version (eval, demo, report, scenarios)
# import a lot (agents, the MCP client, rich): they are registered only when the command
# line needs them, or when ``app`` is imported (see __getattr__ below), so that `vei serve`
# starts without them.
_app = typer.Typer(
    name="vei",
    help="VEI: a deterministic simulated company for AI agents, served over MCP.",
    no_args_is_help=True,
    add_completion=False,
)


@_app.command()
def serve(
    scenario: Annotated[str | None, typer.Option(help="Scenario to load (VEI_SCENARIO).")] = None,
    seed: Annotated[str | None, typer.Option(help="Master seed (VEI_SEED).")] = None,
    state_dir: Annotated[
        Path | None, typer.Option(help="Persist runs here (VEI_STATE_DIR); default in memory.")
    ] = None,
    run_id: Annotated[
        str | None, typer.Option(help="Name of the run (default: generated).")
    ] = None,
    transport: Annotated[
        str, typer.Option(help="stdio (default) or http (streamable HTTP at /mcp).")
    ] = "stdio",
    host: Annotated[str, typer.Option(help="HTTP: address to bind (loopback by default).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="HTTP: port (0 picks a free one).", min=0)] = 8765,
    max_sessions: Annotated[
        int, typer.Option(help="HTTP: most MCP sessions (worlds) open at once.", min=1)
    ] = 64,
    from_run: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="RUN@REV",
            help="Serve a new run forked from stored run RUN at revision REV (stdio).",
        ),
    ] = None,
) -> None:
    """Serve the world over MCP: on stdin/stdout (point your MCP client at this command), or
    over streamable HTTP with --transport http (a bearer token is required). With --from
    RUN@REV the run starts in RUN's state at revision REV (a fork, linked to RUN), written
    to the state dir, else beside RUN."""
    settings = settings_or_exit({"scenario": scenario, "seed": seed, "state_dir": state_dir})
    if from_run is not None and (transport != "stdio" or scenario or seed):
        typer.echo(
            "vei: --from serves one fork over stdio; its scenario and seed are the parent's "
            "(leave out --scenario, --seed and --transport http)",
            err=True,
        )
        raise typer.Exit(2)
    if transport not in ("stdio", "http"):
        typer.echo(
            f"vei: --transport {transport!r} is not allowed (allowed: stdio | http)", err=True
        )
        raise typer.Exit(2)
    if transport == "http":
        if run_id is not None:
            typer.echo("vei: --run-id names one run; over HTTP every session has its own", err=True)
            raise typer.Exit(2)
        from vei.cli.serve_http import serve_http_or_exit

        serve_http_or_exit(settings, host, port, max_sessions)
        return
    from vei.adapters.mcp import serve_stdio
    from vei.core.world import WorldBrokenError

    session = open_session_or_exit(settings, run_id, from_run)
    if session.run_dir is not None:
        print(f"vei: run {session.world.run_id} in {session.run_dir}", file=sys.stderr)
    try:
        anyio.run(serve_stdio, session)
    except WorldBrokenError as exc:
        fail_closing(session.world.run_id, session.world.chain.count, exc)
    if session.world.broken:  # its store failed while serving: nothing was signed at close
        fail_closing(session.world.run_id, session.world.chain.count, "its store failed earlier")


@_app.command()
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


@_app.command()
def version() -> None:
    """Print the VEI version."""
    from vei import __version__

    typer.echo(__version__)


_CORE_COMMANDS = frozenset({"serve", "reference", "version"})
_registered = False


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point (``vei``, ``python -m vei``)."""
    args = sys.argv[1:] if argv is None else argv
    first = next((a for a in args if not a.startswith("-")), None)
    if first not in _CORE_COMMANDS:
        _register()
    _app(args=args, prog_name="vei")


def _register() -> None:
    global _registered
    if _registered:
        return
    _registered = True
    from vei.cli import demo as _demo  # noqa: F401  (registers `vei demo`)
    from vei.cli import report as _report  # noqa: F401  (registers `vei report`)
    from vei.cli.eval import eval_app
    from vei.cli.scenarios import app as scenarios_app

    _app.add_typer(scenarios_app, name="scenarios")
    _app.add_typer(eval_app, name="eval")


if TYPE_CHECKING:
    app = _app
else:

    def __getattr__(name: str) -> Any:
        # ``from vei.cli.main import app``: the command with every subcommand registered.
        if name == "app":
            _register()
            return _app
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
