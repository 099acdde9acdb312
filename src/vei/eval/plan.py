"""What an eval runs: the agent, the scenarios, the seeds and the trials, as episode specs.

``--agent`` is a scripted agent's name (any key of ``vei.agents.AGENTS`` at run time),
``openai:MODEL``, ``cmd:"COMMAND"`` or ``py:module:function``. ``--scenarios`` is a comma
list of pack names, scenario names (``name`` or ``pack/name``) and globs over them;
``--seeds`` a comma list of integers and ranges (``1-20,25``). Every bad value is an
``EvalInputError`` saying what is allowed.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from vei.agents.openai import ChatOptions
from vei.config import Settings

AgentKind = Literal["scripted", "openai", "cmd", "py"]
MAX_SEEDS = 100_000
DEFAULT_TIMEOUT_S = 1800.0


class EvalInputError(ValueError):
    """An ``vei eval`` argument is invalid; the message names it and what is allowed."""


@dataclass(frozen=True)
class AgentSpec:
    """The agent of every episode. ``target`` is the scripted agent's name, the model, the
    command template or ``module:function``; ``chat`` holds an openai agent's options
    (its seed is set per episode); ``timeout_s`` bounds a ``cmd:`` program's wall time."""

    label: str
    kind: AgentKind
    target: str
    chat: ChatOptions | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S

    def describe(self) -> dict[str, Any]:
        """What the agent is, without secrets or local addresses (eval.json, manifests)."""
        described: dict[str, Any] = {"label": self.label, "kind": self.kind}
        if self.chat is not None:
            options = asdict(self.chat)
            for private in ("api_key", "base_url", "seed"):
                options.pop(private)
            described["chat"] = options
        if self.kind == "cmd":
            described["timeout_s"] = self.timeout_s
        return described


@dataclass(frozen=True)
class AgentOptions:
    """Command-line options that only some agents take; None means not given."""

    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    temperature: float | None = None
    max_steps: int | None = None
    price_input: float | None = None
    price_output: float | None = None
    timeout_s: float | None = None


def parse_agent(label: str, options: AgentOptions | None = None) -> AgentSpec:
    """The AgentSpec for ``--agent label``; EvalInputError for an unknown agent or an
    option that does not apply to it."""
    from vei.agents import AGENTS

    options = options or AgentOptions()
    chat_only = {
        "--base-url": options.base_url,
        "--temperature": options.temperature,
        "--max-steps": options.max_steps,
        "--price-input": options.price_input,
        "--price-output": options.price_output,
    }
    rest = label.partition(":")[2]
    if label.startswith("openai:"):
        return AgentSpec(label, "openai", rest, _chat_options(rest, options))
    _refuse(chat_only, label, "openai:MODEL agents")
    if label.startswith("cmd:"):
        from vei.agents.external import PLACEHOLDERS, CommandError, program_argv

        try:
            program_argv(rest, dict.fromkeys(PLACEHOLDERS, "x"))
        except CommandError as exc:
            raise EvalInputError(f"--agent: {exc}") from None
        timeout = DEFAULT_TIMEOUT_S if options.timeout_s is None else options.timeout_s
        if timeout <= 0:
            raise EvalInputError("--timeout: must be a positive number of seconds")
        return AgentSpec(label, "cmd", rest, timeout_s=timeout)
    _refuse({"--timeout": options.timeout_s}, label, "cmd: agents")
    if label.startswith("py:"):
        from vei.agents.python import PythonAgentError, load_callable

        try:
            load_callable(rest)
        except PythonAgentError as exc:
            raise EvalInputError(f"--agent: {exc}") from None
        return AgentSpec(label, "py", rest)
    if label in AGENTS:
        return AgentSpec(label, "scripted", label)
    scripted = " | ".join(sorted(AGENTS))
    raise EvalInputError(
        f"--agent: unknown agent {label!r} (allowed: {scripted} | openai:MODEL | "
        'cmd:"COMMAND" | py:module:function)'
    )


def _refuse(given: Mapping[str, object], label: str, which: str) -> None:
    for flag, value in given.items():
        if value is not None:
            raise EvalInputError(f"{flag} applies only to {which}, not to {label!r}")


def _chat_options(model: str, options: AgentOptions) -> ChatOptions:
    if not model.strip():
        raise EvalInputError("--agent: openai:MODEL needs a model name, e.g. openai:gpt-4o-mini")
    chat = ChatOptions(model=model.strip(), api_key=options.api_key)
    if options.base_url is not None:
        from urllib.parse import urlsplit

        parts = urlsplit(options.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EvalInputError(f"--base-url: {options.base_url!r} is not an http(s) URL")
        chat = replace(chat, base_url=options.base_url)
    if options.temperature is not None:
        if not 0 <= options.temperature <= 2:
            raise EvalInputError("--temperature: must be between 0 and 2")
        chat = replace(chat, temperature=options.temperature)
    if options.max_steps is not None:
        if options.max_steps < 1:
            raise EvalInputError("--max-steps: must be at least 1")
        chat = replace(chat, max_steps=options.max_steps)
    for flag, value in (
        ("--price-input", options.price_input),
        ("--price-output", options.price_output),
    ):
        if value is not None and value < 0:
            raise EvalInputError(f"{flag}: a price cannot be negative")
    return replace(chat, price_input=options.price_input, price_output=options.price_output)


def parse_seeds(spec: str) -> list[int]:
    """Seeds from ``1-20``, ``1,2,5`` or a mix (``1-3,7``), in order, without repeats."""
    seeds: dict[int, None] = {}
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        low, dash, high = item.partition("-")
        try:
            first, last = int(low), int(high if dash else low)
        except ValueError:
            raise EvalInputError(
                f"--seeds: {item!r} is not a seed or a range (allowed: 1-20, 1,2,5 or 1-3,7)"
            ) from None
        if first < 0 or last >= 2**63 or first > last:
            raise EvalInputError(f"--seeds: {item!r} is not a range of seeds in 0 .. 2**63-1")
        if last - first + 1 + len(seeds) > MAX_SEEDS:
            raise EvalInputError(f"--seeds: more than {MAX_SEEDS} seeds")
        seeds.update(dict.fromkeys(range(first, last + 1)))
    if not seeds:
        raise EvalInputError("--seeds: no seeds given (allowed: 1-20, 1,2,5 or 1-3,7)")
    return list(seeds)


def select_scenarios(selection: str) -> list[tuple[str, str]]:
    """``(pack, name)`` pairs for a comma list of packs, names, ``pack/name`` and globs, in
    the order given (each pack's scenarios by name), without repeats."""
    from vei.scenarios import known_packs, known_scenarios

    every = [(pack, name) for pack in known_packs() for name in known_scenarios(pack)]
    chosen: dict[tuple[str, str], None] = {}
    for item in (part.strip() for part in selection.split(",")):
        if not item:
            continue
        if item in known_packs():
            found = [(p, n) for p, n in every if p == item]
        else:
            found = [
                (p, n)
                for p, n in every
                if fnmatch.fnmatchcase(n, item) or fnmatch.fnmatchcase(f"{p}/{n}", item)
            ]
        if not found:
            raise EvalInputError(
                f"--scenarios: {item!r} matches no pack or scenario (packs: "
                f"{', '.join(known_packs())}; see `vei scenarios list`)"
            )
        chosen.update(dict.fromkeys(found))
    if not chosen:
        raise EvalInputError("--scenarios: nothing selected (give a pack, names or globs)")
    names = [name for _, name in chosen]
    clash = sorted({n for n in names if names.count(n) > 1})
    if clash:
        raise EvalInputError(
            f"--scenarios: {', '.join(clash)} is in several packs; select pack/name"
        )
    return list(chosen)


@dataclass(frozen=True)
class EpisodeSpec:
    """One episode: a scenario at a seed, the trial number, the agent and the world's
    settings (``settings.state_dir`` is where its run is written). ``run_episode`` is a
    pure function of it: the same spec gives the same run, chain head included, for
    agents whose decisions are the same."""

    pack: str
    scenario: str
    seed: int
    trial: int
    agent: AgentSpec
    settings: Settings
    # ``vei eval --from``: the parent run's directory and the revision every episode forks at.
    origin: tuple[str, int] | None = None

    @property
    def run_id(self) -> str:
        """The run's name: ``<scenario>-s<seed>-t<trial>`` (never part of any hash)."""
        return f"{self.scenario}-s{self.seed}-t{self.trial}"

    @property
    def key(self) -> tuple[str, str, int, int]:
        """What identifies the episode in episodes.jsonl."""
        return (self.pack, self.scenario, self.seed, self.trial)

    @property
    def state_dir(self) -> Path:
        """Where the run is written (``<state_dir>/runs/<run_id>/``)."""
        if self.settings.state_dir is None:
            raise ValueError("an episode needs a state dir")
        return self.settings.state_dir


def episode_specs(
    agent: AgentSpec,
    scenarios: list[tuple[str, str]],
    seeds: list[int],
    trials: int,
    settings: Settings,
    out: Path,
    origin: tuple[str, int] | None = None,
) -> list[EpisodeSpec]:
    """Every episode, scenario by scenario, seed by seed, trial by trial (each forked from
    ``origin``, a parent run directory and revision, when given)."""
    if trials < 1:
        raise EvalInputError("--trials: must be at least 1")
    base = replace(settings, state_dir=out)
    return [
        EpisodeSpec(
            pack,
            name,
            seed,
            trial,
            agent,
            replace(base, seed=seed, scenario=name, scenario_pack=pack),
            origin,
        )
        for pack, name in scenarios
        for seed in seeds
        for trial in range(trials)
    ]
