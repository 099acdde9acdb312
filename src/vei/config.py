"""The one place VEI reads the environment.

Every ``VEI_*`` variable is parsed and validated here. An invalid value, or a ``VEI_*``
variable VEI does not know, stops start-up with a ``ConfigError`` naming the variable and
what is allowed. Command-line flags are passed as ``overrides`` and win over the
environment. Whether the scenario named exists is checked where scenarios are loaded
(``vei.scenarios.check_settings``), so this module imports no scenario code. docs/configuration.md documents the same table.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from vei.types import (
    DEFAULT_SEED,
    KNOWN_MONITORS,
    SEVERITIES,
    DriftMode,
    Durability,
    PolicyMode,
    Severity,
)

_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


class ConfigError(ValueError):
    """A setting is unknown or invalid; the message names the variable and allowed values."""

    def __init__(self, variable: str, message: str) -> None:
        super().__init__(f"{variable}: {message}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    """Validated configuration. See docs/configuration.md for each field's variable."""

    seed: int = DEFAULT_SEED
    scenario: str = "procurement"
    scenario_pack: str = "core"
    state_dir: Path | None = None
    durability: Durability = "full"
    receipt_key: Path | None = None
    # off | light | aggressive, or the path of a YAML fault profile (vei.faults.profile)
    fault_profile: str = "off"
    drift_mode: DriftMode = "off"
    drift_seed: int | None = None
    monitors: tuple[str, ...] = ()
    policy_promote: tuple[tuple[str, Severity], ...] = field(default=())
    policy_mode: PolicyMode = "observe"
    # off, or http(s)://host/v1[#model] of an OpenAI-compatible endpoint (vei.actors.backend)
    actor_backend: str = "off"
    actor_api_key: str | None = field(default=None, repr=False)
    # bearer token for `vei eval --agent openai:MODEL` (never recorded, never passed on)
    agent_api_key: str | None = field(default=None, repr=False)
    # Bearer token of `vei serve --transport http`; never recorded, never shown in a repr.
    http_token: str | None = field(default=None, repr=False)

    @property
    def effective_drift_seed(self) -> int:
        """VEI_DRIFT_SEED, or a value derived from VEI_SEED so drift has its own stream."""
        if self.drift_seed is not None:
            return self.drift_seed
        from vei.core.rng import derive_seed

        return derive_seed(self.seed, "drift")

    def to_manifest(self) -> dict[str, Any]:
        """The deterministic settings recorded in a run's manifest (no local paths)."""
        return {
            "seed": self.seed,
            "scenario": self.scenario,
            "scenario_pack": self.scenario_pack,
            "durability": self.durability,
            "fault_profile": _fault_label(self.fault_profile),
            "drift_mode": self.drift_mode,
            "drift_seed": self.effective_drift_seed,
            "monitors": list(self.monitors),
            "policy_promote": [f"{c}:{s}" for c, s in self.policy_promote],
            "policy_mode": self.policy_mode,
            "actor_backend": _backend_label(self.actor_backend),
        }


_DIGITS = re.compile(r"[0-9]+")


def _integer(variable: str, raw: str, *, minimum: int = 0) -> int:
    # Only ASCII digits: int() would also take "1_000", " 7 " and other scripts' digits.
    if not _DIGITS.fullmatch(raw):
        raise ConfigError(
            variable,
            f"{raw!r} is not an integer (allowed: the digits 0-9 only, a value >= {minimum})",
        )
    value = int(raw, 10)
    if value < minimum or value >= 2**63:
        raise ConfigError(variable, f"{value} is out of range (allowed: {minimum} .. 2**63-1)")
    return value


def _exact(variable: str, raw: str) -> str:
    if raw != raw.strip():
        raise ConfigError(variable, f"{raw!r} has spaces around it (write the value alone)")
    return raw


def _choice(variable: str, raw: str, allowed: tuple[str, ...]) -> str:
    value = _exact(variable, raw)
    if value not in allowed:
        raise ConfigError(variable, f"{raw!r} is not allowed (allowed: {' | '.join(allowed)})")
    return value


def _name(variable: str, raw: str) -> str:
    value = _exact(variable, raw)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", value):
        raise ConfigError(variable, f"{raw!r} is not a valid name (letters, digits, _ . -)")
    return value


def _path(variable: str, raw: str) -> Path:
    if not raw.strip():
        raise ConfigError(variable, "empty path (allowed: a directory path, or leave unset)")
    try:
        return Path(raw).expanduser()
    except RuntimeError as exc:  # ~nosuchuser/...: no home directory to expand
        raise ConfigError(variable, f"{raw!r}: {exc}") from None


def _state_dir(variable: str, raw: str) -> Path:
    path = _path(variable, raw)
    if path.exists() and not path.is_dir():
        raise ConfigError(variable, f"{raw!r} is not a directory (allowed: a directory path)")
    return path


def _key_path(variable: str, raw: str) -> Path:
    path = _path(variable, raw)
    if not path.is_file():
        raise ConfigError(
            variable,
            f"{raw!r} is not a readable file (allowed: path to an Ed25519 private key PEM)",
        )
    from vei.receipts.signing import SigningKeyError, load_signer

    try:
        load_signer(path)
    except SigningKeyError as exc:
        raise ConfigError(variable, f"{exc} (allowed: an unencrypted Ed25519 PEM)") from None
    return path


# RFC 6750 b64token: what may follow "Bearer " in an Authorization header.
_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
MIN_TOKEN_LENGTH = 16


def _http_token(variable: str, raw: str) -> str:
    if not _TOKEN.fullmatch(raw) or len(raw) < MIN_TOKEN_LENGTH:
        raise ConfigError(
            variable,
            f"not a usable bearer token (allowed: at least {MIN_TOKEN_LENGTH} characters of "
            "A-Z a-z 0-9 - . _ ~ + / (then =), no spaces; or leave unset to generate one)",
        )
    return raw


def _monitors(variable: str, raw: str) -> tuple[str, ...]:
    names = [n.strip() for n in raw.split(",") if n.strip()]
    for name in names:
        if name not in KNOWN_MONITORS:
            raise ConfigError(
                variable, f"unknown monitor {name!r} (allowed: {', '.join(KNOWN_MONITORS)})"
            )
    return tuple(dict.fromkeys(names))


def _promotions(variable: str, raw: str) -> tuple[tuple[str, Severity], ...]:
    result: dict[str, Severity] = {}
    for item in (i.strip() for i in raw.split(",")):
        if not item:
            continue
        code, _, severity = item.partition(":")
        if not _CODE.match(code):
            raise ConfigError(variable, f"{item!r}: {code!r} is not a finding code like pii.ssn")
        sev = severity or "error"
        if sev not in SEVERITIES:
            raise ConfigError(
                variable, f"{item!r}: severity {sev!r} (allowed: {' | '.join(SEVERITIES)})"
            )
        result[code] = sev
    return tuple(result.items())


def _fault_profile(variable: str, raw: str) -> str:
    value = raw.strip()
    if value in ("off", "light", "aggressive"):
        return value
    from vei.faults.profile import ProfileError, load_profile_file

    path = Path(value).expanduser()
    try:
        load_profile_file(path)
    except ProfileError as exc:
        raise ConfigError(
            variable, f"{exc} (allowed: off | light | aggressive | path to a YAML fault profile)"
        ) from None
    return str(path)


def _fault_label(value: str) -> str:
    from vei.faults.profile import profile_label

    return profile_label(value)


def _actor_backend(variable: str, raw: str) -> str:
    value = raw.strip()
    if value == "off":
        return value
    from vei.actors.backend import parse_backend_url

    try:
        parse_backend_url(value)
    except ValueError as exc:
        raise ConfigError(
            variable, f"{exc} (allowed: off | http(s)://host[:port]/path[#model])"
        ) from None
    return value


def _backend_label(value: str) -> str:
    # The endpoint's address is local detail; the manifest records only which model wrote.
    return "off" if value == "off" else "openai-compatible#" + value.partition("#")[2]


def _secret(variable: str, raw: str) -> str:
    if not raw.strip():
        raise ConfigError(variable, "empty (allowed: an API key, or leave unset)")
    return raw.strip()


Parser = Callable[[str, str], Any]

# variable -> (Settings field, parser). The same table is documented in docs/configuration.md.
VARIABLES: dict[str, tuple[str, Parser]] = {
    "VEI_SEED": ("seed", _integer),
    "VEI_SCENARIO": ("scenario", _name),
    "VEI_SCENARIO_PACK": ("scenario_pack", _name),
    "VEI_STATE_DIR": ("state_dir", _state_dir),
    "VEI_DURABILITY": ("durability", lambda v, r: _choice(v, r, ("full", "fast"))),
    "VEI_RECEIPT_KEY": ("receipt_key", _key_path),
    "VEI_FAULT_PROFILE": ("fault_profile", _fault_profile),
    "VEI_DRIFT_MODE": (
        "drift_mode",
        lambda v, r: _choice(v, r, ("off", "light", "fast", "aggressive")),
    ),
    "VEI_DRIFT_SEED": ("drift_seed", _integer),
    "VEI_MONITORS": ("monitors", _monitors),
    "VEI_POLICY_PROMOTE": ("policy_promote", _promotions),
    "VEI_POLICY_MODE": ("policy_mode", lambda v, r: _choice(v, r, ("observe", "warn", "block"))),
    "VEI_ACTOR_BACKEND": ("actor_backend", _actor_backend),
    "VEI_ACTOR_API_KEY": ("actor_api_key", _secret),
    "VEI_AGENT_API_KEY": ("agent_api_key", _secret),
    "VEI_HTTP_TOKEN": ("http_token", _http_token),
}
_FIELD_TO_VARIABLE = {name: var for var, (name, _) in VARIABLES.items()}

# The conventional variable of OpenAI-compatible clients: the agent's key when
# VEI_AGENT_API_KEY is unset.
OPENAI_KEY_VARIABLE = "OPENAI_API_KEY"

# Set by `vei eval` for the program of a `cmd:` agent (docs/eval.md). They describe the
# episode, are not settings, and must not stop a `vei serve` that inherits them.
EVAL_PROGRAM_VARIABLES = (
    "VEI_EVAL_SERVER",
    "VEI_EVAL_SERVER_ARGV",
    "VEI_EVAL_TASK",
    "VEI_EVAL_SCENARIO",
    "VEI_EVAL_SEED",
    "VEI_EVAL_TRIAL",
    "VEI_EVAL_RUN_ID",
)
# Secrets a child process needs no copy of.
_NOT_PASSED_ON = ("agent_api_key",)


def load_settings(
    overrides: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    """Read ``VEI_*`` from ``env`` (default: the process environment), then apply overrides.

    ``overrides`` maps Settings field names to values (from command-line flags); a value of
    None means "not given". Raises ConfigError for any unknown or invalid setting.
    """
    source = os.environ if env is None else env
    values: dict[str, Any] = {}
    for variable in sorted(k for k in source if k.startswith("VEI_")):
        if variable in EVAL_PROGRAM_VARIABLES:
            continue
        if variable not in VARIABLES:
            known = ", ".join(sorted(VARIABLES))
            raise ConfigError(variable, f"unknown setting (known: {known})")
        name, parse = VARIABLES[variable]
        values[name] = parse(variable, source[variable])
    if "agent_api_key" not in values and source.get(OPENAI_KEY_VARIABLE, "").strip():
        values["agent_api_key"] = _secret(OPENAI_KEY_VARIABLE, source[OPENAI_KEY_VARIABLE])
    settings = Settings(**values)
    known_fields = {f.name for f in fields(Settings)}
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    for name, value in given.items():
        if name not in known_fields:
            raise ConfigError(name, "unknown setting")
        variable = _FIELD_TO_VARIABLE[name]
        parse = VARIABLES[variable][1]
        if isinstance(value, str):
            given[name] = parse(variable, value)
        elif isinstance(value, Path) or name in ("seed", "drift_seed"):
            given[name] = parse(variable, str(value))
    settings = replace(settings, **given)
    return settings


def to_env(settings: Settings) -> dict[str, str]:
    """``VEI_*`` variables that reproduce ``settings`` in a child process (``vei serve``)."""
    env: dict[str, str] = {}
    for variable, (name, _) in VARIABLES.items():
        value = getattr(settings, name)
        if value is None or value == () or name in _NOT_PASSED_ON:
            continue
        if name == "monitors":
            env[variable] = ",".join(value)
        elif name == "policy_promote":
            env[variable] = ",".join(f"{code}:{severity}" for code, severity in value)
        else:
            env[variable] = str(value)
    return env


def program_environment(extra: Mapping[str, str]) -> dict[str, str]:
    """The process environment plus ``extra``, for a program VEI starts on the user's
    behalf (the program of a ``cmd:`` agent in ``vei eval``)."""
    return {**os.environ, **extra}
