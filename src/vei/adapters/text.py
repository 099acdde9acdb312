"""The plain text interface, for LLM RL frameworks: ``reset() -> (prompt, tools)`` and
``step(tool_call) -> (text, reward, done)``. The Gymnasium environment
(``vei.adapters.gym``) is this interface with Gymnasium's spaces around it.

An action is one tool call, ``{"tool": NAME, "args": {...}}`` (a JSON text or a mapping;
``args`` may be left out). The text that comes back is what an agent sees over MCP: the
tool's result, or the error object ``{"error": {"code", "message", ...}}``. An action
that is not such a call, or names an unknown tool, gets an error of the same shape and
calls nothing. ``vei_done`` (listed among the tools) ends the episode.

Reward: ``"success"`` (the default) gives 1.0 on the step that ends an episode whose task
succeeded and 0.0 otherwise; ``"progress"`` gives, each step, the change in the share of
criteria met (so it sums to that share). ``violation_penalty`` subtracts that much for
each new policy violation or refused call. An episode is terminated when every criterion
is met or the agent calls ``vei_done``, and truncated after ``max_steps`` actions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from vei.config import load_settings
from vei.core.errors import UnknownToolError, VeiError
from vei.core.world import CallOutcome
from vei.scenarios import check_settings
from vei.scoring.report import score
from vei.session import Session

DONE_TOOL = "vei_done"
# vei_reset would start another run mid-episode; reset() is how an episode starts over.
UNAVAILABLE = frozenset({"vei_reset", "vei.reset"})
REWARDS = ("success", "progress")
NOT_CHECKED = {"verified": None, "method": "not checked during an episode", "failure": None}
Reward = Literal["success", "progress"]
DEFAULT_MAX_STEPS = 200
MAX_STEPS_LIMIT = 1_000_000

_TEXT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
INSTRUCTIONS = (
    "You are working in VEI, a simulated company (chat, mail, a web browser, ...). "
    "Act with one tool call per step, written as JSON: "
    '{"tool": "<name>", "args": {...}}. Tools are named <app>_<verb>; time is virtual: '
    "vei_tick waits for replies, vei_observe shows what is new. Errors come back as "
    '{"error": {"code", "message", "retryable", "retry_after_ms"}}. '
    f'Call {{"tool": "{DONE_TOOL}"}} when the task is done.'
)
DONE_SPEC = {
    "name": DONE_TOOL,
    "description": "Say that you are done: the episode ends and the task is judged.",
    "input_schema": {"type": "object", "properties": {}, "additionalProperties": False},
}


def invalid_action(message: str) -> dict[str, Any]:
    """The error object answered to an action that is not a tool call."""
    return VeiError("core.invalid_action", message).to_dict()


@dataclass(frozen=True)
class StepResult:
    """One step: what the agent sees, the reward, whether the episode ended, and facts."""

    observation: dict[str, Any]
    reward: float
    terminated: bool
    truncated: bool
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        """The episode ended (terminated or truncated)."""
        return self.terminated or self.truncated


def parse_action(action: str | Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """``(tool, args)`` of an action; VeiError ``core.invalid_action`` saying what is wrong."""
    if isinstance(action, str):
        try:
            action = json.loads(action)
        except ValueError as exc:
            raise VeiError(
                "core.invalid_action", f'not JSON ({exc}); send {{"tool": NAME, "args": {{...}}}}'
            ) from None
    if not isinstance(action, Mapping):
        raise VeiError(
            "core.invalid_action", 'a tool call is an object {"tool": NAME, "args": {...}}'
        )
    extra = sorted(set(action) - {"tool", "args"})
    if extra:
        raise VeiError("core.invalid_action", f"unknown field(s) {', '.join(map(repr, extra))}")
    tool, args = action.get("tool"), action.get("args", {})
    if not isinstance(tool, str) or not tool:
        raise VeiError("core.invalid_action", '"tool" must be the name of a tool')
    if not isinstance(args, Mapping):
        raise VeiError("core.invalid_action", '"args" must be an object')
    return tool, dict(args)


class TextEnv:
    """Episodes of one scenario as text: see the module doc.

    ``settings`` are VEI settings by field name (``{"drift_mode": "light"}``), on top of
    the ``VEI_*`` environment, as for ``vei serve``; an invalid one raises ConfigError.
    With a ``state_dir`` each episode is a stored run (with its call journal).
    """

    def __init__(
        self,
        scenario: str = "procurement",
        *,
        pack: str | None = None,
        settings: Mapping[str, Any] | None = None,
        max_steps: int = DEFAULT_MAX_STEPS,
        reward: Reward = "success",
        violation_penalty: float = 0.0,
    ) -> None:
        if reward not in REWARDS:
            raise ValueError(f"reward {reward!r} is not allowed (allowed: {' | '.join(REWARDS)})")
        if not isinstance(max_steps, int) or not 1 <= max_steps <= MAX_STEPS_LIMIT:
            raise ValueError(f"max_steps must be an integer in 1..{MAX_STEPS_LIMIT}")
        if not violation_penalty >= 0:
            raise ValueError("violation_penalty must be >= 0")
        overrides = {**(settings or {}), "scenario": scenario, "scenario_pack": pack}
        self.settings = check_settings(load_settings(overrides))
        self.max_steps = max_steps
        self.reward_mode = reward
        self.violation_penalty = float(violation_penalty)
        self.session: Session | None = None
        self._steps = 0
        self._met = 0
        self._total = 0
        self._violations = 0
        self._revision = -1
        self._done = False
        self._success = False

    # ------------------------------------------------------------- the text interface

    def reset(self, seed: int | None = None) -> tuple[str, list[dict[str, Any]]]:
        """Start an episode (a new world from ``seed``, default the configured seed);
        returns the prompt (instructions, task, first observation) and the tools."""
        first = self.start(self.settings.seed if seed is None else seed)
        prompt = (
            f"{INSTRUCTIONS}\n\nYour task:\n{first['task']}\n\n"
            f"Now: {_TEXT.encode({k: v for k, v in first.items() if k != 'task'})}"
        )
        return prompt, self.tools()

    def step(self, tool_call: str | Mapping[str, Any]) -> tuple[str, float, bool]:
        """Make one tool call; returns the text the agent sees, the reward and whether the
        episode is over (terminated or truncated)."""
        result = self.act(tool_call)
        return _TEXT.encode(result.observation), result.reward, result.done

    def tools(self) -> list[dict[str, Any]]:
        """The tools of the current world as MCP lists them (name, description,
        input_schema), plus ``vei_done``."""
        world = self._session().world
        specs = [s for s in world.registry if s.name not in UNAVAILABLE]
        listed = [
            {"name": s.name, "description": s.description, "input_schema": s.schema} for s in specs
        ]
        return [*listed, dict(DONE_SPEC)]

    # ------------------------------------------------------- used by the Gymnasium env

    def start(self, seed: int) -> dict[str, Any]:
        """Start an episode from ``seed``; returns the task and the first observation."""
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
            raise ValueError(f"seed must be an integer in 0..2**63-1, not {seed!r}")
        self.close()
        self.session = Session(replace(self.settings, seed=seed))
        world = self.session.world
        self._steps = self._met = self._violations = 0
        self._revision = -1
        self._done = self._success = False
        self._judge()
        return {
            "task": world.meta.get("task"),
            "run": world.run_id,
            "t_ms": world.clock_ms,
            "apps": world.summaries(),
            "tools": [s.name for s in world.registry if s.name not in UNAVAILABLE] + [DONE_TOOL],
        }

    def act(self, tool_call: str | Mapping[str, Any]) -> StepResult:
        """Make one tool call (see the module doc); RuntimeError once the episode ended."""
        session = self._session()
        if self._done:
            raise RuntimeError("the episode has ended: call reset() to start another")
        self._steps += 1
        met_before, violations_before = self._met, self._violations
        tool, observation, outcome = self._dispatch(session, tool_call)
        if outcome is not None:
            self._judge()
        terminated = self._success or tool == DONE_TOOL
        truncated = not terminated and self._steps >= self.max_steps
        self._done = terminated or truncated
        if tool == DONE_TOOL:
            observation = {"done": True, **self._verdict()}
        receipt = None if outcome is None else outcome.receipt
        world = session.world
        info = {
            "run": world.run_id,
            "step": self._steps,
            "tool": tool,
            "called": outcome is not None,
            "ok": tool == DONE_TOOL or (outcome is not None and outcome.ok),
            "receipt_index": None if receipt is None else receipt.index,
            "receipt_hash": None if receipt is None else receipt.hash,
            "revision": world.revision,
            "t_ms": world.clock_ms,
            **self._verdict(),
        }
        reward = self._reward(met_before, violations_before)
        return StepResult(observation, reward, terminated, truncated, info)

    def _dispatch(
        self, session: Session, tool_call: str | Mapping[str, Any]
    ) -> tuple[str | None, dict[str, Any], CallOutcome | None]:
        """The tool named (None for a bad action), what the agent sees, and the world's
        outcome when the world was called (and journaled)."""
        try:
            tool, args = parse_action(tool_call)
            if tool in UNAVAILABLE:
                raise VeiError("core.invalid_action", f"{tool} is not available here: call reset()")
        except VeiError as exc:
            return None, exc.to_dict(), None
        if tool == DONE_TOOL:
            return tool, {}, None
        try:
            outcome = session.call(tool, args)
        except UnknownToolError as exc:
            return tool, VeiError("core.unknown_tool", str(exc)).to_dict(), None
        return tool, outcome.result, outcome

    @property
    def success(self) -> bool:
        """Whether every criterion of the current episode's task is met."""
        return self._success

    def close(self) -> None:
        """Close the current episode's run (a stored run gets its signed checkpoint)."""
        if self.session is not None:
            self.session.close()
            self.session = None

    # --------------------------------------------------------------------- internals

    def _session(self) -> Session:
        if self.session is None:
            raise RuntimeError("no episode yet: call reset() first")
        return self.session

    def _judge(self) -> None:
        # Re-scored only when the world changed: reads that record nothing cost nothing.
        session = self._session()
        if session.world.revision == self._revision:
            return
        world = session.world
        self._revision = world.revision
        # The episode's own live world needs no chain check (that is most of score_world's
        # cost per step, and grows with the run); vei-state verify checks a stored run.
        report = score(
            session.scenario.spec,
            run=world.run_id,
            state=world.state,
            events=list(world.store.events()),
            receipts=list(world.store.receipts()),
            integrity=NOT_CHECKED,
        )
        self._total = len(report.criteria)
        self._met = report.task["met"]
        self._success = report.success
        policy = report.policy
        self._violations = policy["violations"]["total"] + policy["blocked"]["total"]

    def _verdict(self) -> dict[str, Any]:
        return {
            "success": self._success,
            "criteria_met": self._met,
            "criteria_total": self._total,
            "violations": self._violations,
        }

    def _reward(self, met_before: int, violations_before: int) -> float:
        if self.reward_mode == "progress":
            reward = (self._met - met_before) / self._total if self._total else 0.0
        else:
            reward = 1.0 if self._done and self._success else 0.0
        return reward - self.violation_penalty * (self._violations - violations_before)
