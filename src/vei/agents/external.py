"""An external agent program that speaks MCP (``vei eval --agent cmd:"..."``).

VEI prepares a ``vei serve`` command line for the episode's world and starts the program
with it: in the command, ``{server}`` becomes that command line (shell-quoted, one
argument) and ``{task}``, ``{scenario}``, ``{seed}``, ``{trial}``, ``{run_id}`` the
episode's values; the same values are in the program's environment as ``VEI_EVAL_SERVER``
(and ``VEI_EVAL_SERVER_ARGV``, a JSON list), ``VEI_EVAL_TASK`` and so on. The program
launches the server as its MCP stdio server, works, and exits; the server persists the run.

The program runs in its own process group, so the server it started can finish its run
(a signed checkpoint) after the program exits, and nothing it left behind outlives the
episode.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

PLACEHOLDERS = ("server", "task", "scenario", "seed", "trial", "run_id")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
# After the program exits, how long its server may take to close the run.
GRACE_S = 10.0
TERM_S = 5.0
POLL_S = 0.05


class CommandError(ValueError):
    """A ``cmd:`` agent's command cannot be used (empty, unbalanced quotes)."""


@dataclass(frozen=True)
class ProgramRun:
    """How the program ended: its exit code (None if it was killed on timeout)."""

    returncode: int | None
    timed_out: bool
    log: Path


def program_argv(template: str, values: Mapping[str, str]) -> list[str]:
    """The program's argument vector: ``template`` split like a POSIX shell would, with each
    placeholder replaced inside its word (no shell runs, so values need no quoting)."""
    try:
        words = shlex.split(template)
    except ValueError as exc:
        raise CommandError(f"cmd agent {template!r}: {exc}") from None
    if not words:
        raise CommandError("cmd agent: the command is empty")
    return [_PLACEHOLDER.sub(lambda m: values[m.group(1)], word) for word in words]


def program_values(server_argv: Sequence[str], **episode: str) -> dict[str, str]:
    """Placeholder values: ``server`` (the quoted command line) plus the episode's own."""
    return {"server": shlex.join(server_argv), **episode}


def program_env_vars(values: Mapping[str, str], server_argv: Sequence[str]) -> dict[str, str]:
    """The ``VEI_EVAL_*`` variables the program gets (listed in vei.config)."""
    import json

    env = {f"VEI_EVAL_{name.upper()}": value for name, value in values.items()}
    env["VEI_EVAL_SERVER_ARGV"] = json.dumps(list(server_argv))
    return env


def run_program(
    argv: Sequence[str], env: Mapping[str, str], log: Path, timeout_s: float
) -> ProgramRun:
    """Run the program (stdin closed, stdout and stderr to ``log``) in its own process
    group; on timeout end the group (SIGTERM, then SIGKILL). Afterwards wait for whatever
    is left in the group (its server closing the run), then end it as well."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        try:
            process = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=dict(env),
                start_new_session=True,
            )
        except OSError as exc:
            raise CommandError(f"cmd agent: cannot start {argv[0]!r}: {exc}") from None
        timed_out = False
        try:
            returncode: int | None = process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            timed_out, returncode = True, None
            _end_group(process.pid)
            process.wait()
        except BaseException:  # interrupted: the program must not outlive the episode
            _end_group(process.pid)
            raise
        if not _wait_group(process.pid, GRACE_S):
            _end_group(process.pid)
    return ProgramRun(returncode, timed_out, log)


def _group_alive(pgid: int) -> bool:
    """Whether any process of the group still runs. A zombie does not count: an orphan
    whose new parent is slow to reap it has finished all the same."""
    proc = Path("/proc")
    if not proc.is_dir():  # not Linux: ask the kernel, zombies included
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def _wait_group(pgid: int, seconds: float) -> bool:
    # Polling on wall time: the program and its server are real processes outside the world.
    deadline = time.monotonic() + seconds
    while _group_alive(pgid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_S)
    return True


def _end_group(pgid: int) -> None:
    """SIGTERM the group (``vei serve`` then closes its run), SIGKILL what is left."""
    for sig, wait in ((signal.SIGTERM, TERM_S), (signal.SIGKILL, TERM_S)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        if _wait_group(pgid, wait):
            return
