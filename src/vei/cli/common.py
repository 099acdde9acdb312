"""What every command shares: loading settings, opening a session and failing with one
line on stderr and exit code 2 (never a traceback)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from vei.config import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from vei.session import Session


def fail(program: str, message: str, code: int = 2) -> typer.Exit:
    """Print ``<program>: <message>`` on stderr; the Exit to raise."""
    typer.echo(f"{program}: {message}", err=True)
    return typer.Exit(code)


def settings_or_exit(overrides: dict[str, Any], program: str = "vei") -> Settings:
    """Load settings and check the scenario they name exists; an invalid setting prints
    the message (naming the variable and what is allowed) and exits 2."""
    from vei.scenarios import check_settings

    try:
        settings = check_settings(load_settings(overrides))
    except ConfigError as exc:
        raise fail(program, f"invalid configuration: {exc}") from None
    return settings


def open_session_or_exit(
    settings: Settings, run_id: str | None, fork: str | None = None
) -> Session:
    """A Session (a fork of ``fork``, RUN@REV, when given), or one line naming the problem
    and exit 2."""
    from vei.fork import ForkError, fork_from_ref
    from vei.scenarios import UnknownScenarioError
    from vei.session import Session

    try:
        if fork is not None:
            return fork_from_ref(fork, settings, run_id=run_id)
        return Session(settings, run_id=run_id)
    except ForkError as exc:
        raise fail("vei", f"--from {fork}: {exc.code}: {exc.message}") from None
    except (UnknownScenarioError, ValueError, LookupError, OSError, RuntimeError) as exc:
        # Run id taken or unsafe, state dir unusable, key unreadable, run locked, ...
        raise fail("vei", str(exc)) from None


def fail_closing(run: str, receipts: int, exc: Exception | str) -> None:
    """Report a run that could not be closed (its store failed) and exit 2."""
    raise fail(
        "vei",
        f"run {run} could not be closed: {exc}. It is recorded up to its last committed "
        f"call (at most receipt {receipts}); once the disk has room, `vei-state recover {run}` "
        "seals it",
    )
