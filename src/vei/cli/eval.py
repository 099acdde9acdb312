"""``vei eval``: run an agent over scenarios, seeds and trials; ``vei eval compare A B``;
``vei eval show DIR``. docs/eval.md describes the outputs and the statistics."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from vei.cli.common import fail
from vei.eval.episode import EpisodeResult

eval_app = typer.Typer(
    help="Run an agent over many scenarios, seeds and trials and report pass^k with its noise.",
    add_completion=False,
    invoke_without_command=True,
)


def _fail(message: str, code: int = 2) -> typer.Exit:
    return fail("vei eval", message, code)


class EvalProgress:
    """A rich progress bar with an ETA on stderr (silent when stderr is not a terminal)."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("[bold]episodes"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[ok]} ok"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            disable=not console.is_terminal,
        )
        self.task = self.progress.add_task("eval", total=0, ok=0)
        self.ok = 0

    def start(self, pending: int, done: int) -> None:
        self.progress.update(self.task, total=pending)
        if done:
            self.progress.console.print(
                f"resuming: {done} episodes already recorded", highlight=False
            )

    def advance(self, result: EpisodeResult) -> None:
        self.ok += result.success
        self.progress.update(self.task, advance=1, ok=self.ok)


def _interval(ci: Any, percent: bool = False) -> str:
    if not ci:
        return ""
    lo, hi = ci
    return f"{lo:.0%}-{hi:.0%}" if percent else f"{lo:.0f}-{hi:.0f}"


def _row(name: str, s: dict[str, Any], with_usage: bool) -> list[str]:
    success, axes, usage = s["success"], s["axes"], s["usage"]
    rate = success["rate"]
    composite = axes.get("composite")
    calls = axes.get("tool_calls")
    cost = usage["cost_usd"]
    row = [
        name,
        str(s["episodes"]),
        "-" if rate is None else f"{rate:.0%}",
        _interval(success["ci95"], percent=True),
        "/".join(f"{v:.2f}" for v in s["pass_k"].values() if v is not None) or "-",
        f"{composite['mean']:.1f}" if composite else "-",
        _interval(composite["ci95"]) if composite else "",
        f"{calls['mean']:.1f}" if calls else "-",
    ]
    if with_usage:
        row += [f"{usage['total_tokens']:,}", "-" if cost is None else f"${cost:.4f}"]
    return [*row, str(s["errors"])]


def summary_table(summary: dict[str, Any]) -> Table:
    """One row per scenario and one overall: success with its 95% interval, pass^1/.../k,
    the composite with its 95% interval, tool calls, tokens and cost (when a model was
    used) and errors."""
    with_usage = summary["overall"]["usage"]["total_tokens"] > 0
    table = Table(title="vei eval", box=box.SIMPLE_HEAD, pad_edge=False)
    columns = ["scenario", "n", "success", "95% CI", "pass^k", "composite", "95% CI", "calls"]
    columns += ["tokens", "cost"] if with_usage else []
    for column in [*columns, "err"]:
        table.add_column(column, no_wrap=True, justify="left" if column == "scenario" else "right")
    packs = {name.partition("/")[0] for name in summary["scenarios"]}
    for name, scope in summary["scenarios"].items():
        shown = name.partition("/")[2] if len(packs) == 1 else name
        table.add_row(*_row(shown, scope, with_usage))
    table.add_section()
    table.add_row(*_row("[bold]overall", summary["overall"], with_usage))
    return table


@eval_app.callback()
def run(
    ctx: typer.Context,
    agent: Annotated[
        str | None,
        typer.Option(
            help='oracle | noop | any scripted agent | openai:MODEL | cmd:"..." | py:module:function'
        ),
    ] = None,
    scenarios: Annotated[
        str | None,
        typer.Option(help="Packs, scenario names and globs, comma-separated (default: core)."),
    ] = None,
    seeds: Annotated[
        str | None, typer.Option(help="Seeds: 1-20, 1,2,5 or 1-3,7 (default: 1).")
    ] = None,
    from_run: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="RUN@REV",
            help="Start every episode from stored run RUN's state at revision REV (a fork); "
            "the scenario and seed are RUN's.",
        ),
    ] = None,
    trials: Annotated[int, typer.Option(help="Episodes per scenario and seed.")] = 1,
    workers: Annotated[
        int | None, typer.Option(help="Parallel episodes (default: the number of cores).")
    ] = None,
    backend: Annotated[str, typer.Option(help="local (a process pool) or ray.")] = "local",
    out: Annotated[
        Path | None, typer.Option(help="Eval directory (runs/, episodes.jsonl, summary.json).")
    ] = None,
    ray_address: Annotated[
        str | None,
        typer.Option(
            help="Ray cluster to join (ray://host:port, host:port, auto); default: start a local Ray."
        ),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(help="openai agents: the endpoint, e.g. http://127.0.0.1:8000/v1.")
    ] = None,
    temperature: Annotated[
        float | None, typer.Option(help="openai agents: sampling temperature (default 0).")
    ] = None,
    max_steps: Annotated[
        int | None, typer.Option(help="openai agents: most completions per episode (default 50).")
    ] = None,
    price_input: Annotated[
        float | None, typer.Option(help="openai agents: USD per million prompt tokens.")
    ] = None,
    price_output: Annotated[
        float | None, typer.Option(help="openai agents: USD per million completion tokens.")
    ] = None,
    timeout: Annotated[
        float | None, typer.Option(help="cmd agents: seconds a program may run (default 1800).")
    ] = None,
    retry_errors: Annotated[
        bool, typer.Option(help="Rerun recorded episodes that ended in an error.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print summary.json instead of the table.")
    ] = False,
) -> None:
    """Run AGENT on every scenario x seed x trial; exit 0 when every episode ran without an
    agent error, 1 otherwise, 2 on bad input. Rerun the same command to resume."""
    if ctx.invoked_subcommand is not None:
        return
    from vei.cli.common import settings_or_exit
    from vei.eval import AgentOptions, EvalInputError, EvalPlan, parse_agent, run_eval
    from vei.eval.journal import EvalDirError
    from vei.eval.plan import parse_seeds, select_scenarios
    from vei.eval.runners import BackendError
    from vei.receipts.signing import SigningKeyError

    if agent is None or out is None:
        typer.echo(ctx.get_help())
        raise _fail("--agent and --out are required")
    settings = settings_or_exit({})
    if backend not in ("local", "ray"):
        raise _fail(f"--backend: {backend!r} is not allowed (allowed: local | ray)")
    if ray_address is not None and backend != "ray":
        raise _fail("--ray-address applies only to --backend ray")
    options = AgentOptions(
        base_url, settings.agent_api_key, temperature, max_steps, price_input, price_output, timeout
    )
    console = Console(stderr=True)
    try:
        origin = None
        if from_run is not None:
            if scenarios is not None or seeds is not None:
                raise EvalInputError(
                    "--from: the episodes fork RUN, so its scenario and seed are RUN's "
                    "(leave out --scenarios and --seeds)"
                )
            origin = _origin(from_run, settings)
            settings = origin.settings
        plan = EvalPlan(
            parse_agent(agent, options),
            [(origin.pack, origin.scenario)] if origin else select_scenarios(scenarios or "core"),
            [origin.seed] if origin else parse_seeds(seeds or "1"),
            trials,
            out,
            settings,
            origin,
        )
        bar = EvalProgress(console)
        with bar.progress:
            outcome = run_eval(
                plan,
                workers=(os.cpu_count() or 1) if workers is None else workers,
                backend="ray" if backend == "ray" else "local",
                ray_address=ray_address,
                retry_errors=retry_errors,
                reporter=bar,
            )
    except (EvalInputError, EvalDirError, BackendError, SigningKeyError) as exc:
        raise _fail(str(exc)) from None
    except KeyboardInterrupt:
        raise _fail(
            "interrupted; the finished episodes are recorded: rerun to resume", 130
        ) from None
    if as_json:
        typer.echo(json.dumps(outcome.summary, indent=2, sort_keys=True))
    else:
        Console().print(summary_table(outcome.summary))
        Console().print(f"{outcome.ran} episodes run now; results in {out}")
    errors = [r for r in outcome.results if r.error]
    for result in errors[:5]:
        typer.echo(f"vei eval: {result.run_id}: {result.error}", err=True)
    raise typer.Exit(1 if errors else 0)


def _origin(text: str, settings: Any) -> Any:
    """The checked ``--from RUN@REV``; EvalInputError naming what is wrong."""
    from vei.eval import EvalInputError
    from vei.fork import ForkError, ForkSourceError, resolve_origin
    from vei.store.rundir import RunNotFoundError

    try:
        return resolve_origin(text, settings)
    except ForkError as exc:
        raise EvalInputError(f"--from {text}: {exc.code}: {exc.message}") from None
    except (ForkSourceError, RunNotFoundError) as exc:
        raise EvalInputError(f"--from {text}: {exc}") from None


@eval_app.command()
def show(
    out: Annotated[Path, typer.Argument(help="An eval directory.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print summary.json.")] = False,
) -> None:
    """Print the summary of an eval directory, recomputed from its episodes.jsonl."""
    from vei.eval import load_results, summarise
    from vei.eval.journal import EvalDirError, read_config

    try:
        summary = summarise(load_results(out), read_config(out))
    except EvalDirError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(summary, indent=2, sort_keys=True))
    else:
        Console().print(summary_table(summary))


def compare_table(report: dict[str, Any], a: Path, b: Path) -> Table:
    """Each metric's means, difference (B - A) with its interval and adjusted p-value;
    rows whose difference is larger than the noise in bold."""
    table = Table(title=f"B = {b}  vs  A = {a}  ({report['tasks']} common tasks)")
    for column in ("scope", "metric", "A", "B", "B - A [95% CI]", "p (Holm)", ""):
        table.add_column(column, overflow="fold")
    for row in report["rows"]:
        if row["identical"]:
            continue
        ci = row["ci95"]
        diff = f"{row['diff']:+.3g}" + (f" [{ci[0]:+.3g}, {ci[1]:+.3g}]" if ci else "")
        mark = "[bold red]beyond noise[/]" if row["significant"] else ""
        table.add_row(
            row["scope"],
            row["metric"],
            f"{row['a']:.3g}",
            f"{row['b']:.3g}",
            diff,
            f"{row['p_holm']:.3g}",
            mark,
        )
    return table


@eval_app.command("compare")
def compare_cmd(
    a: Annotated[Path, typer.Argument(help="The baseline eval directory (A).")],
    b: Annotated[Path, typer.Argument(help="The eval directory to compare with it (B).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Which differences between two evals of the same tasks are larger than the noise
    (paired sign-flip test over common scenario x seed tasks, Holm-adjusted); exit 0."""
    from vei.eval import compare, load_results
    from vei.eval.journal import EvalDirError

    try:
        report = compare(load_results(a), load_results(b))
    except (EvalDirError, ValueError) as exc:
        raise _fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(report, indent=2, sort_keys=True))
        return
    console = Console()
    console.print(compare_table(report, a, b))
    beyond = [f"{r['scope']} {r['metric']}" for r in report["rows"] if r["significant"]]
    console.print(
        f"beyond the noise (p < {report['alpha']} after Holm): {', '.join(beyond)}"
        if beyond
        else "no difference is larger than the noise"
    )
