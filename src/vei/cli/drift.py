"""``vei-drift``: show the drift schedule a world would get, or apply drift to a stored run.

``vei-drift plan --scenario S --mode M [--rate R] --until DURATION`` prints every drift
event due by DURATION (time, job, target, summary), exactly as a world with the same
scenario, seeds and mode delivers them; ``--rate`` multiplies activity. ``vei-drift run
RUN --until DURATION`` reopens a stored run that was started with drift, lets DURATION of
virtual time pass with ``vei_tick`` (so every step has a receipt), and closes it with a new
signed checkpoint; ``vei-state verify RUN`` passes afterwards.

Durations: ``500ms``, ``90s``, ``10m``, ``2h``, ``1d`` or combinations such as ``1h30m``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer

from vei.cli.common import fail, settings_or_exit

app = typer.Typer(
    name="vei-drift",
    help="Plan the drift (background activity) of a world, or apply it to a stored run.",
    no_args_is_help=True,
    add_completion=False,
)
TICK_STEP_MS = 3_600_000
_UNITS = {"ms": 1, "s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
_PART = re.compile(r"(\d+)(ms|s|m|h|d)")


def parse_duration(text: str) -> int:
    """Milliseconds in ``1h30m``, ``90s``, ``500ms``, ...; ValueError saying what is allowed."""
    value = text.strip().lower()
    parts = _PART.findall(value)
    if not value or "".join(n + u for n, u in parts) != value:
        raise ValueError(f"{text!r} is not a duration (e.g. 500ms, 90s, 10m, 2h, 1d, 1h30m)")
    return sum(int(n) * _UNITS[u] for n, u in parts)


def clock(ms: int) -> str:
    """``1d 02:03:04.005`` style virtual time."""
    days, rest = divmod(ms, 86_400_000)
    hours, rest = divmod(rest, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1_000)
    text = f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"
    return f"{days}d {text}" if days else text


def _fail(message: str, code: int = 2) -> typer.Exit:
    return fail("vei-drift", message, code)


def _duration(text: str) -> int:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise _fail(f"--until: {exc}") from None


@app.command()
def plan(
    until: Annotated[str, typer.Option(help="Plan this far ahead, e.g. 10m, 2h, 1d.")],
    scenario: Annotated[
        str | None, typer.Option(help="Scenario name in the pack, or a scenario file path.")
    ] = None,
    mode: Annotated[
        str | None, typer.Option(help="light | fast | aggressive (default: VEI_DRIFT_MODE).")
    ] = None,
    rate: Annotated[float, typer.Option(help="Multiply activity by this factor.", min=0.001)] = 1.0,
    seed: Annotated[str | None, typer.Option(help="Master seed (VEI_SEED).")] = None,
    drift_seed: Annotated[str | None, typer.Option(help="Drift seed (VEI_DRIFT_SEED).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print the deterministic drift schedule a world of SCENARIO gets in MODE."""
    from vei.drift import DriftConfigError, compile_drift
    from vei.drift import plan as drift_plan
    from vei.drift.assemble import initial_app_states

    until_ms = _duration(until)
    path = Path(scenario) if scenario and scenario.endswith((".yaml", ".yml")) else None
    settings = settings_or_exit(
        {
            "scenario": None if path else scenario,
            "seed": seed,
            "drift_mode": mode,
            "drift_seed": drift_seed,
        }
    )
    loaded = _scenario(settings.scenario, settings.scenario_pack, path)
    section = loaded.spec.drift
    rate_permille = round((section.rate_percent if section else 100) * 10 * rate)
    try:
        config = compile_drift(
            section,
            initial_app_states(loaded.twins, loaded.seed_data),
            mode=settings.drift_mode,
            seed=settings.effective_drift_seed,
            rate_permille=max(1, rate_permille),
        )
    except DriftConfigError as exc:
        raise _fail(str(exc)) from None
    items = drift_plan(config, until_ms)
    if as_json:
        summary = {
            "scenario": loaded.name,
            "mode": settings.drift_mode,
            "rate_permille": rate_permille,
            "drift_seed": settings.effective_drift_seed,
            "until_ms": until_ms,
            "events": [o.to_dict() for o in items],
        }
        typer.echo(json.dumps(summary, indent=2, sort_keys=True))
        return
    typer.echo(
        f"# {loaded.name}: drift {settings.drift_mode} x{rate:g}, drift seed "
        f"{settings.effective_drift_seed}, {len(items)} events by {clock(until_ms)}"
    )
    for item in items:
        typer.echo(f"{clock(item.due_ms)}  {item.job:<20} {item.target:<40} {item.summary}")


def _scenario(name: str, pack: str, path: Path | None) -> Any:
    from vei.scenarios import ScenarioError, UnknownScenarioError, load_scenario, load_scenario_file

    try:
        return load_scenario_file(path) if path else load_scenario(name, pack)
    except (ScenarioError, UnknownScenarioError) as exc:
        raise _fail(str(exc)) from None


@app.command()
def run(
    run_ref: Annotated[str, typer.Argument(metavar="RUN", help="Run id, or a run directory.")],
    until: Annotated[str, typer.Option(help="How much virtual time to let pass, e.g. 2h.")],
    state_dir: Annotated[
        Path | None, typer.Option("--state-dir", help="Where runs are stored (VEI_STATE_DIR).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Let UNTIL of virtual time pass in a stored run, delivering its drift (with receipts)."""
    from vei.drift.resume import ResumeError, resume_run

    duration = _duration(until)
    settings = settings_or_exit({"state_dir": state_dir})
    try:
        with resume_run(run_ref, settings) as world:
            start, first = world.clock_ms, world.chain.count + 1
            delivered: Counter[str] = Counter()
            while world.clock_ms < start + duration:
                step = min(TICK_STEP_MS, start + duration - world.clock_ms)
                outcome = world.call("vei_tick", {"dt_ms": step}, actor="vei-drift")
                # What happened in the apps (silent page edits too), not the bookkeeping.
                happened = [
                    e for e in outcome.events if not e.kind.startswith(world.hidden_prefixes)
                ]
                for event in happened:
                    marker = event.data.get("drift") if event.actor == "drift" else None
                    delivered[f"drift:{marker['job']}" if marker else event.actor] += 1
            report: dict[str, Any] = {
                "run": world.run_id,
                "from_ms": start,
                "to_ms": world.clock_ms,
                "receipts": [first, world.chain.count],
                "events": sum(delivered.values()),
                "by_source": dict(sorted(delivered.items())),
            }
    except ResumeError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(report, indent=2, sort_keys=True))
        return
    typer.echo(
        f"run {report['run']}: {clock(start)} -> {clock(report['to_ms'])}, "
        f"{report['events']} events, receipts {first}..{report['receipts'][1]}"
    )
    for source, count in report["by_source"].items():
        typer.echo(f"  {source:<24} {count}")


def main() -> None:
    """Console-script entry point."""
    app()
