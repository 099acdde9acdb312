"""The Gymnasium adapter: ``gymnasium.make("vei/<scenario>-v0")``, or
``gymnasium.make("vei/World-v0", scenario=NAME)``, over the same Session and World as MCP.

An action is one tool call as JSON text, ``{"tool": NAME, "args": {...}}``; the
observation is the text an agent sees over MCP (the result or the error object) as
compact JSON. ``reset(seed=...)`` starts a new world from that seed and returns the task
and the first observation. Reward, termination and truncation are those of the text
interface (``vei.adapters.text``): sparse success by default, ``vei_done`` to stop.

Both spaces are ``spaces.Text`` over printable ASCII (the observation space's subclass
``ObservationText`` also works in a vector env's shared memory): observations are JSON with every
other character escaped (``\\u00e9``), so they always lie in the space; an action may use
the same escapes. An observation longer than ``max_observation_length`` is cut there,
ending in ``...[truncated]``, and ``info["observation_chars"]`` gives its full length.
Random text actions get an error observation (``core.invalid_action``), never an
exception.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import gymnasium
from gymnasium import spaces

from vei.adapters.gym_spaces import CHARSET, ObservationText
from vei.adapters.text import DEFAULT_MAX_STEPS, Reward, TextEnv

DEFAULT_ACTION_LENGTH = 16_384
DEFAULT_OBSERVATION_LENGTH = 65_536
TRUNCATED = "...[truncated]"

_ASCII = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))


def encode_observation(observation: Mapping[str, Any], limit: int) -> tuple[str, int]:
    """The observation as printable-ASCII JSON, cut to ``limit``; and its full length."""
    # DEL is the one ASCII character JSON leaves as it is and string.printable lacks.
    text = _ASCII.encode(observation).replace("\x7f", "\\u007f")
    if len(text) <= limit:
        return text, len(text)
    return text[: limit - len(TRUNCATED)] + TRUNCATED, len(text)


class VeiEnv(gymnasium.Env[str, str]):
    """One VEI scenario as a Gymnasium environment (see the module doc).

    ``settings`` are VEI settings by field name on top of the ``VEI_*`` environment
    (``{"drift_mode": "light", "state_dir": "runs"}``); an invalid one raises ConfigError
    here, naming it.
    """

    # The observation is already text: there is nothing else to render.
    metadata: dict[str, Any] = {"render_modes": []}

    def __init__(
        self,
        scenario: str = "procurement",
        *,
        pack: str | None = None,
        settings: Mapping[str, Any] | None = None,
        max_steps: int = DEFAULT_MAX_STEPS,
        reward: Reward = "success",
        violation_penalty: float = 0.0,
        max_action_length: int = DEFAULT_ACTION_LENGTH,
        max_observation_length: int = DEFAULT_OBSERVATION_LENGTH,
    ) -> None:
        if max_observation_length <= len(TRUNCATED) or max_action_length < 1:
            raise ValueError("max_action_length and max_observation_length are too small")
        self.text = TextEnv(
            scenario,
            pack=pack,
            settings=settings,
            max_steps=max_steps,
            reward=reward,
            violation_penalty=violation_penalty,
        )
        self.max_observation_length = max_observation_length
        self.action_space = spaces.Text(max_action_length, charset=CHARSET)
        self.observation_space = ObservationText(max_observation_length)
        self._started = False

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[str, dict[str, Any]]:
        """A new world from ``seed`` (without one: the configured VEI seed first, then
        seeds drawn from the environment's generator); returns the first observation."""
        if seed is None and not self._started:
            seed = self.text.settings.seed  # VEI's own default seed: deterministic
            super().reset(seed=seed)
        elif seed is None:
            super().reset()
            seed = int(self.np_random.integers(0, 2**63 - 1))
        else:
            super().reset(seed=seed)
        first = self.text.start(seed)
        self._started = True
        text, full = encode_observation(first, self.max_observation_length)
        info = {"run": first["run"], "seed": seed, "observation_chars": full}
        return text, info

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        """One tool call; see the module doc for what comes back."""
        result = self.text.act(action)
        text, full = encode_observation(result.observation, self.max_observation_length)
        info = {**result.info, "observation_chars": full}
        return text, result.reward, result.terminated, result.truncated, info

    def close(self) -> None:
        """Close the current run (a stored run gets its signed checkpoint)."""
        self.text.close()
