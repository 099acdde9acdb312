"""How each kind of agent works an episode's world, which is written to the episode's run.

Scripted, ``openai:`` and async ``py:`` agents reach the world through the official MCP
client connected in process; a plain ``py:`` function gets the Session itself; a ``cmd:``
program starts ``vei serve`` from the command line VEI gives it. ``drive_scripted`` is the
one place that calls the scripted agents (``vei.agents``).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import anyio
from mcp import Client

from vei.agents.usage import Usage
from vei.core.rng import derive_seed
from vei.eval.plan import EpisodeSpec
from vei.scenarios import load_scenario
from vei.session import Session


class AgentFailed(RuntimeError):
    """The agent did not finish its episode normally (a crash, an exit code, a timeout)."""


@dataclass(frozen=True)
class Drive:
    """What the agent consumed, and how it ended (``stop``, steps, exit code ...)."""

    usage: Usage = Usage()
    notes: Mapping[str, Any] = field(default_factory=dict)


async def drive_scripted(name: str, session: Session) -> None:
    """Run the scripted agent ``name`` (looked up in ``vei.agents.AGENTS`` now, so every
    registered agent is valid) over an in-process MCP client on ``session``, with the
    session's scenario (its facts drawn for the run's seed)."""
    from vei.adapters.mcp import build_server
    from vei.agents import AGENTS
    from vei.agents.base import ToolClient

    tools = ToolClient(Client(build_server(session), cache=None))
    async with tools.client:
        await AGENTS[name](tools, session.scenario)


def drive(spec: EpisodeSpec) -> Drive:
    """Let ``spec.agent`` work the world of ``spec``; the run ends up in
    ``<state_dir>/runs/<run_id>/``. Raises what the agent raised (AgentFailed for an
    external program that failed)."""
    agent = spec.agent
    if agent.kind == "cmd":
        return _drive_command(spec)
    if agent.kind == "py":
        from vei.agents.python import load_callable, wants_client

        function = load_callable(agent.target)
        if not wants_client(function):
            return _drive_session(spec, function)
    result: Drive = anyio.run(_drive_over_mcp, spec)
    return result


def _session(spec: EpisodeSpec, files: Mapping[str, str] | None = None) -> Session:
    # The manifest is among the run's signed inputs, so it names only what the run holds
    # (its files), never the agent or the trial: the same calls give the same chain head
    # whoever makes them.
    extra: dict[str, Any] = {"files": dict(files)} if files else {}
    if spec.origin is not None:  # vei eval --from: a fork of the parent's state
        from pathlib import Path

        from vei.fork import fork_stored_run

        parent, at = spec.origin
        return fork_stored_run(
            Path(parent), at, spec.settings, run_id=spec.run_id, manifest_extra=extra
        )
    scenario = load_scenario(spec.scenario, spec.pack)
    return Session(spec.settings, run_id=spec.run_id, scenario=scenario, manifest_extra=extra)


def _task(session: Session) -> str:
    """The task as the world states it (its facts drawn for the run's seed)."""
    return str(session.world.meta.get("task") or session.scenario.task)


async def _drive_over_mcp(spec: EpisodeSpec) -> Drive:
    from vei.adapters.mcp import build_server
    from vei.agents.openai import COMPLETIONS_FILE, run_chat_agent

    agent = spec.agent
    if agent.kind == "scripted":
        session = _session(spec)
        try:
            await drive_scripted(agent.target, session)
        finally:
            session.close()
        return Drive()
    files = {"completions": COMPLETIONS_FILE} if agent.kind == "openai" else None
    session = _session(spec, files)
    try:
        async with Client(build_server(session), cache=None) as client:
            task = _task(session)
            if agent.kind == "openai":
                assert agent.chat is not None and session.run_dir is not None
                # Each trial gets its own model seed, and a rerun the same one.
                seed = derive_seed(spec.seed, "agent-model", spec.trial) % 2**31
                options = replace(agent.chat, seed=seed)
                chat = await run_chat_agent(
                    client, task, options, session.run_dir / COMPLETIONS_FILE
                )
                notes = {"stop": chat.stop, "steps": chat.steps, "model_seed": seed}
                return Drive(chat.usage, notes)
            from vei.agents.python import load_callable, usage_from

            returned = await load_callable(agent.target)(client, task)
            return Drive(usage_from(returned, agent.target))
    finally:
        session.close()


def _drive_session(spec: EpisodeSpec, function: Callable[..., Any]) -> Drive:
    from vei.agents.python import usage_from

    session = _session(spec)
    try:
        returned = function(session, _task(session))
    finally:
        session.close()
    return Drive(usage_from(returned, spec.agent.target))


def server_argv(spec: EpisodeSpec) -> list[str]:
    """The command line of ``vei serve`` for the episode: flags for the scenario, seed,
    state dir and run id; other settings that differ from the defaults as ``env`` variables
    (an MCP client may start its server with a bare environment). Secrets stay out."""
    from vei.config import Settings, to_env

    on_the_line = ("VEI_SEED", "VEI_SCENARIO", "VEI_STATE_DIR", "VEI_ACTOR_API_KEY")
    defaults = to_env(Settings())
    extra = {
        k: v
        for k, v in sorted(to_env(spec.settings).items())
        if k not in on_the_line and defaults.get(k) != v
    }
    argv = [sys.executable, "-m", "vei", "serve", "--state-dir", str(spec.state_dir.absolute())]
    argv += ["--run-id", spec.run_id]
    if spec.origin is not None:  # the parent decides the scenario and the seed
        argv += ["--from", f"{spec.origin[0]}@{spec.origin[1]}"]
    else:
        argv += ["--scenario", spec.scenario, "--seed", str(spec.seed)]
    return ["env", *(f"{k}={v}" for k, v in extra.items()), *argv] if extra else argv


def _drive_command(spec: EpisodeSpec) -> Drive:
    from vei.agents.external import program_argv, program_env_vars, program_values, run_program
    from vei.config import program_environment
    from vei.store.rundir import run_path

    scenario = load_scenario(spec.scenario, spec.pack, spec.seed)  # the task of this seed
    server = server_argv(spec)
    values = program_values(
        server,
        task=scenario.task,
        scenario=spec.scenario,
        seed=str(spec.seed),
        trial=str(spec.trial),
        run_id=spec.run_id,
    )
    argv = program_argv(spec.agent.target, values)
    env = program_environment(program_env_vars(values, server))
    log = spec.state_dir / "logs" / f"{spec.run_id}.log"
    ran = run_program(argv, env, log, spec.agent.timeout_s)
    run_dir = run_path(spec.state_dir, spec.run_id)
    where = log
    if run_dir.is_dir():  # keep the program's output with its run
        where = run_dir / "program.log"
        shutil.move(log, where)
    if ran.timed_out:
        raise AgentFailed(f"the program did not finish within {spec.agent.timeout_s:g} s")
    if ran.returncode != 0:
        raise AgentFailed(f"the program exited with code {ran.returncode} (output: {where.name})")
    return Drive(notes={"returncode": ran.returncode})
