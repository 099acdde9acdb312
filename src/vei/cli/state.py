"""``vei-state``: list, inspect, verify, replay, export and fork stored runs.

RUN is a run id inside the state dir (``--state-dir``, default ``VEI_STATE_DIR``, else
``./vei-runs``) or a path to a run directory. ``verify`` exits 1 naming the first bad
record, and every command exits 1 for a database that cannot be read; a run that cannot
be found (or invalid configuration) exits 2.

``export`` writes JSON Lines to stdout, one canonical JSON object per line, each with a
``type`` field and the record under the key of the same name:

- ``{"manifest": {...}, "type": "manifest"}``: first line, the run's manifest;
- ``{"genesis": {...}, "type": "genesis"}``: the signed genesis record (the run's inputs);
- ``{"snapshot": {...}, "type": "snapshot"}``: with ``--snapshots`` only, oldest first
  (revision, t_ms, receipt_count, chain_head, state_hash, state);
- ``{"event": {...}, "type": "event"}``: every event in seq order, exactly as stored;
- ``{"receipt": {...}, "type": "receipt"}``: every receipt in index order, as stored;
- ``{"checkpoint": {...}, "type": "checkpoint"}``: last, only if the run was closed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from vei.cli.common import fail
from vei.core.canonical import canonical_json
from vei.core.state import reducer_table
from vei.core.twin import Reducer
from vei.receipts.verify import replay_run, verify_run
from vei.store.rundir import RunHandle, RunNotFoundError, is_safe_run_id, list_runs, open_run

DEFAULT_STATE_DIR = Path("vei-runs")

app = typer.Typer(
    name="vei-state",
    help="Inspect, verify, replay, export and fork the runs stored in a VEI state dir.",
    no_args_is_help=True,
    add_completion=False,
)

StateDir = Annotated[
    Path | None,
    typer.Option(
        "--state-dir", help="Where runs are stored (default: VEI_STATE_DIR, else ./vei-runs)."
    ),
]
Run = Annotated[
    str, typer.Argument(metavar="RUN", help="A run id in the state dir, or a run directory.")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
After = Annotated[int, typer.Option(help="Only records after this seq / index.", min=0)]
Limit = Annotated[int | None, typer.Option(help="At most this many records.", min=1)]


def _fail(message: str, code: int = 2) -> typer.Exit:
    return fail("vei-state", message, code)


def default_state_dir() -> Path:
    """VEI_STATE_DIR as read by ``vei.config`` (the one module reading the environment)."""
    from vei.config import load_settings

    try:
        state_dir = load_settings().state_dir
    except ValueError as exc:  # ConfigError names the variable and the allowed values
        raise _fail(f"invalid configuration: {exc}") from None
    return state_dir if state_dir is not None else DEFAULT_STATE_DIR


def _open(ref: str, state_dir: Path | None) -> RunHandle:
    # A ref that is not a safe run id (./vei-runs/runs/<id>) is a path: no state dir needed.
    if is_safe_run_id(ref) and state_dir is None:
        state_dir = default_state_dir()
    try:
        return open_run(ref, state_dir)
    except RunNotFoundError as exc:
        raise _fail(str(exc)) from None
    except Exception as exc:  # a damaged database file: the run is bad, exit 1 like verify
        raise _fail(f"cannot open run {ref!r}: {type(exc).__name__}: {exc}", 1) from None


def load_reducers(manifest: dict[str, Any]) -> dict[str, Reducer]:
    """Reducers for the twins the manifest names (``vei.assembly.world_twins``)."""
    names = manifest.get("twins")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise _fail("manifest field 'twins' is not a list of twin names")
    from vei.assembly import world_twins  # lazily: listing runs needs no twin code

    try:
        twins = world_twins(names)
    except (ValueError, TypeError) as exc:
        raise _fail(f"cannot load twins {names}: {exc}") from None
    return reducer_table(twins)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, sort_keys=True))


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _table(*columns: str, show_header: bool = True) -> Table:
    # fold, not ellipsis: ids, keys and hashes must stay whole when the terminal is narrow
    table = Table(show_header=show_header)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _short(text: Any, width: int = 12) -> str:
    return "-" if text is None else str(text)[:width]


@app.command()
def runs(state_dir: StateDir = None, as_json: AsJson = False) -> None:
    """List the runs in the state dir, oldest first."""
    root = state_dir if state_dir is not None else default_state_dir()
    found = list_runs(root)
    if as_json:
        _print_json([s.to_dict() for s in found])
        return
    if not found:
        typer.echo(f"no runs in {root}")
        return
    table = _table("run", "scenario", "seed", "created", "receipts", "events", "status")
    # run ids are what users copy into the next command: never fold them
    table.columns[0].min_width = max(len(s.run_id) for s in found)
    for s in found:
        status = f"damaged: {s.problem}" if s.problem else s.status
        m = s.manifest
        table.add_row(
            s.run_id,
            str(m.get("scenario", "-")),
            str(m.get("seed", "-")),
            str(m.get("created_at", "-")),
            str(s.receipts),
            str(s.events),
            status,
        )
    _console().print(table)


@app.command()
def show(run: Run, state_dir: StateDir = None, as_json: AsJson = False) -> None:
    """The run's manifest, how much it recorded, its chain head and checkpoint."""
    with _open(run, state_dir) as handle:
        counts = handle.store.counts()
        last = list(handle.store.receipts(after=max(counts["receipts"] - 1, 0)))
        checkpoint = handle.store.checkpoint()
        info = {
            "run_dir": str(handle.run_dir),
            "manifest": handle.manifest,
            **counts,
            "chain_head": last[-1].hash if last else None,
            "checkpoint": None if checkpoint is None else vars(checkpoint),
        }
    if as_json:
        _print_json(info)
        return
    table = _table("field", "value", show_header=False)
    for key in sorted(handle.manifest):
        value = handle.manifest[key]
        table.add_row(key, value if isinstance(value, str) else json.dumps(value))
    table.add_row("run_dir", str(handle.run_dir))
    for key in ("events", "receipts", "snapshots"):
        table.add_row(key, str(info[key]))
    table.add_row("chain_head", str(info["chain_head"] or "-"))
    if checkpoint is None:
        closed = "none (the run was not closed)"
    elif checkpoint.ending == "crash":
        closed = "signed, sealed after its writer stopped (vei-state recover)"
    else:
        closed = "signed, at close"
    table.add_row("checkpoint", closed)
    _console().print(table)


@app.command()
def events(
    run: Run,
    state_dir: StateDir = None,
    after: After = 0,
    limit: Limit = None,
    kind: Annotated[str | None, typer.Option(help="Only kinds starting with this.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON event per line.")] = False,
) -> None:
    """The run's events in seq order."""
    with _open(run, state_dir) as handle:
        chosen = []
        for event in handle.store.events(after=after):
            if kind is None or event.kind.startswith(kind):
                chosen.append(event)
                if limit is not None and len(chosen) >= limit:
                    break
    if as_json:
        sys.stdout.writelines(e.to_json() + "\n" for e in chosen)
        return
    table = _table("seq", "t_ms", "kind", "actor", "cause", "data")
    for e in chosen:
        data = canonical_json(e.data)
        data = data if len(data) <= 80 else data[:79] + "…"
        table.add_row(str(e.seq), str(e.t_ms), e.kind, e.actor, _short(e.cause), data)
    _console().print(table)


@app.command()
def receipts(
    run: Run,
    state_dir: StateDir = None,
    after: After = 0,
    limit: Limit = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON receipt per line.")] = False,
) -> None:
    """The run's receipts in call order."""
    with _open(run, state_dir) as handle:
        chosen = []
        for receipt in handle.store.receipts(after=after):
            chosen.append(receipt)
            if limit is not None and len(chosen) >= limit:
                break
    if as_json:
        sys.stdout.writelines(r.to_json() + "\n" for r in chosen)
        return
    table = _table("#", "tool", "result", "events", "rev", "t_ms", "latency", "cost", "hash")
    for r in chosen:
        b = r.body
        span = "-" if b["events"] is None else f"{b['events'][0]}-{b['events'][1]}"
        table.add_row(
            str(r.index),
            str(b["tool"]),
            "ok" if b["ok"] else str(b["error_code"]),
            span,
            str(b["rev_after"]),
            str(b["t_ms"]),
            str(b["latency_ms"]),
            str(b["cost_cents"]),
            _short(r.hash),
        )
    _console().print(table)


PublicKey = Annotated[
    str | None,
    typer.Option(
        "--public-key",
        metavar="KEY",
        help="Pin the key: hex Ed25519 public key, or a PEM key file (public or private).",
    ),
]


Deep = Annotated[
    bool,
    typer.Option(
        "--deep",
        help="Also compare the replay with every snapshot (by default: the latest one and "
        "the checkpoint; every snapshot's stored state is checked against its hash either way).",
    ),
]


@app.command()
def verify(
    run: Run,
    state_dir: StateDir = None,
    as_json: AsJson = False,
    public_key: PublicKey = None,
    deep: Deep = False,
) -> None:
    """Check the signed inputs, the receipt chain, every signature and the replayed state
    hashes, and say what that proves.

    Exits 1 naming the first bad record. A run without a checkpoint fails (it was not
    closed) unless a live process is still writing it; `vei-state recover` seals a run
    whose writer crashed.
    """
    pinned = None
    if public_key is not None:
        from vei.receipts.signing import SigningKeyError, read_public_key

        try:
            pinned = read_public_key(public_key)
        except SigningKeyError as exc:
            raise _fail(f"--public-key: {exc}") from None
    with _open(run, state_dir) as handle:
        report = verify_run(
            handle.store,
            handle.manifest,
            load_reducers(handle.manifest),
            run_dir=handle.run_dir,
            public_key=pinned,
            deep=deep,
        )

    if as_json:
        _print_json(report.to_dict())
    elif report.ok:
        counts = ", ".join(
            _count(n, what)
            for n, what in (
                (report.receipts, "receipt"),
                (report.events, "event"),
                (report.snapshots, "snapshot"),
            )
        )
        typer.echo(f"OK {report.run_id} ({_STATUS[report.status]}): {counts}")
        typer.echo(f"chain head {report.chain_head}")
        typer.echo(f"state hash {report.state_hash}")
        typer.echo(f"public key {report.public_key}{' (pinned)' if report.key_pinned else ''}")
        if report.parent is not None:
            p = report.parent
            checked = "checked" if p["checked"] else f"not checked: {p['reason']}"
            typer.echo(
                f"parent     {p['run']} at revision {p['revision']} (receipt {p['receipt']}, "
                f"chain hash {p['chain_head']}): {checked}"
            )
        typer.echo("proven:")
        for fact in report.proven:
            typer.echo(f"  - {fact}")
        for note in report.notes:
            typer.echo(f"note: {note}")
    else:
        typer.echo(f"FAILED {report.run_id}: {report.failure}")
        for fact in report.proven:
            typer.echo(f"  - {fact}")
    if not report.ok:
        raise typer.Exit(1)


_STATUS = {
    "closed": "closed, checkpoint verified",
    "crashed": "ended by a crash, sealed afterwards",
    "open": "still being written",
    "failed": "failed",
}


@app.command()
def recover(run: Run, state_dir: StateDir = None) -> None:
    """Seal a run whose writer stopped without closing it (killed, crashed, or its disk was
    full): verify the log as it is on disk and sign a checkpoint with ending "crash".

    Needs the run's signing key (the state dir's key, or VEI_RECEIPT_KEY). Exits 1 if the
    run does not verify or is closed already, 2 if it is being written or cannot be found.
    """
    from vei.receipts.recover import RecoverError, recover_run
    from vei.store.lock import RunLockedError

    if is_safe_run_id(run) and state_dir is None:
        state_dir = default_state_dir()
    try:
        handle = open_run(run, state_dir, writer=True)
    except (RunNotFoundError, RunLockedError) as exc:
        raise _fail(str(exc)) from None
    with handle:
        signer = _run_signer(handle)
        try:
            checkpoint = recover_run(handle, signer, load_reducers(handle.manifest))
        except RecoverError as exc:
            raise _fail(str(exc), 1) from None
    typer.echo(
        f"sealed {handle.run_id} as ended by a crash at receipt {checkpoint.size} "
        f"(revision {checkpoint.revision}); `vei-state verify {handle.run_id}` now passes"
    )


def _run_signer(handle: RunHandle) -> Any:
    from vei.config import ConfigError, load_settings
    from vei.receipts.signing import SigningKeyError, load_signer

    try:
        key = load_settings().receipt_key
    except ConfigError as exc:
        raise _fail(f"invalid configuration: {exc}") from None
    path = key if key is not None else handle.run_dir.parent.parent / "receipt-key.pem"
    try:
        return load_signer(path)
    except SigningKeyError as exc:
        raise _fail(
            f"{exc} (the run's key: the state dir's receipt-key.pem or VEI_RECEIPT_KEY)"
        ) from None


@app.command()
def replay(run: Run, state_dir: StateDir = None, as_json: AsJson = False) -> None:
    """Rebuild the final state from the events and compare it with the recorded hash.

    The recorded hash is the checkpoint's, else the last snapshot's. Exits 1 on a mismatch.
    """
    with _open(run, state_dir) as handle, handle.store.reading():
        reducers = load_reducers(handle.manifest)
        try:
            result = replay_run(handle.store, reducers)
        except Exception as exc:
            raise _fail(
                f"cannot replay: {exc} (vei-state verify names the bad record)", 1
            ) from None
    if as_json:
        _print_json(
            {
                "revision": result.revision,
                "state_hash": result.state_hash,
                "recorded": result.recorded,
                "recorded_by": result.recorded_by,
                "matches": result.matches,
            }
        )
    else:
        typer.echo(f"revision   {result.revision}")
        typer.echo(f"state hash {result.state_hash}")
        if result.recorded is None:
            typer.echo("recorded   none (no checkpoint or snapshot at the last revision)")
        else:
            verdict = "matches" if result.matches else "DOES NOT MATCH"
            typer.echo(f"recorded   {result.recorded} ({result.recorded_by}): {verdict}")
    if result.matches is False:
        raise typer.Exit(1)


@app.command()
def export(
    run: Run,
    state_dir: StateDir = None,
    snapshots: Annotated[bool, typer.Option("--snapshots", help="Include snapshots.")] = False,
) -> None:
    """Write the run as JSON Lines: manifest, genesis, snapshots (optional), events,
    receipts, checkpoint.

    Each line is one object with a "type" field and the record under the key of that name:
    manifest (first), genesis, snapshot (with --snapshots), event, receipt, checkpoint (if
    closed).
    Events and receipts are written exactly as stored.
    """
    out = sys.stdout
    with _open(run, state_dir) as handle, handle.store.reading():
        store = handle.store
        manifest = json.dumps(handle.manifest, sort_keys=True, separators=(",", ":"))
        out.write(f'{{"manifest":{manifest},"type":"manifest"}}\n')
        genesis = store.genesis()
        if genesis is not None:
            out.write(canonical_json({"genesis": vars(genesis), "type": "genesis"}) + "\n")
        if snapshots:
            for snapshot in store.snapshots():
                out.write(canonical_json({"snapshot": snapshot.to_dict(), "type": "snapshot"}))
                out.write("\n")
        for row in store.raw_rows("events"):
            out.write(f'{{"event":{row["body"]},"type":"event"}}\n')
        for row in store.raw_rows("receipts"):
            out.write(f'{{"receipt":{row["body"]},"type":"receipt"}}\n')
        checkpoint = store.checkpoint()
        if checkpoint is not None:
            out.write(canonical_json({"checkpoint": vars(checkpoint), "type": "checkpoint"}))
            out.write("\n")


@app.command()
def fork(
    run: Run,
    at: Annotated[
        str,
        typer.Option(
            "--at", metavar="REV", help="The revision to fork at (an event seq; 0 = the start)."
        ),
    ],
    run_id: Annotated[
        str | None, typer.Option("--run-id", help="Name of the new run (default: generated).")
    ] = None,
    state_dir: StateDir = None,
    as_json: AsJson = False,
) -> None:
    """Start a new run, in the parent's state dir, from RUN's state at revision REV.

    The fork point is just after the last call that ended at REV; the new run's manifest
    names the parent, REV, the receipt count and the parent's chain hash there, signed into
    its genesis, and `vei-state verify` checks that link. The new run is closed at once
    (a signed checkpoint); `vei serve --from RUN@REV` and `vei eval --from RUN@REV` fork
    and go on working. Exits 2, creating nothing, for a revision without a fork point.
    """
    from dataclasses import replace

    from vei.config import ConfigError, load_settings
    from vei.fork import ForkError, ForkSourceError, check_revision, fork_stored_run
    from vei.store.rundir import RunExistsError, resolve_run

    if is_safe_run_id(run) and state_dir is None:
        state_dir = default_state_dir()
    try:
        revision = check_revision(int(at.strip()))
    except ValueError:
        raise _fail(f"--at: {at!r} is not a revision (a non-negative integer)") from None
    except ForkError as exc:
        raise _fail(f"--at: {exc.message}") from None
    try:
        run_dir = resolve_run(run, state_dir)
        local = replace(load_settings(), state_dir=run_dir.parent.parent)
        session = fork_stored_run(run_dir, revision, local, run_id=run_id)
    except ForkError as exc:
        raise _fail(f"{exc.code}: {exc.message}") from None
    except (RunNotFoundError, RunExistsError, ForkSourceError, ConfigError, ValueError) as exc:
        raise _fail(str(exc)) from None
    world = session.world
    info = {
        "run_id": world.run_id,
        "run_dir": str(session.run_dir),
        "parent": {
            "run": run_dir.name,
            "revision": world.base_revision,
            "receipt": world.base_receipts,
        },
        "state_hash": world.genesis.state_hash,
        "t_ms": world.clock_ms,
    }
    session.close()
    if as_json:
        _print_json(info)
        return
    typer.echo(
        f"forked {run_dir.name} at revision {revision} (after receipt {world.base_receipts}, "
        f"t_ms {info['t_ms']}) into {world.run_id}"
    )
    typer.echo(f"run dir    {session.run_dir}")
    typer.echo(f"state hash {info['state_hash']}")
