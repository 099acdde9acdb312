"""Fault profiles: which failures to inject into app tool calls, and how often.

A profile is a list of rules; the first rule whose ``tools`` patterns match a call's tool
name (``fnmatch``: ``mail_*``, ``*``) and whose ``kinds`` include its kind decides. Rates
are per mille (integers), drawn per call from the ``faults`` stream:

- ``unavailable``: the call is refused as ``core.unavailable`` (retryable); nothing changed.
- ``rate_limit``: the call is refused as ``core.rate_limited`` with ``retry_after_ms``
  drawn from ``retry_after_ms``; until then every call in the same ``scope`` (the tool,
  or its whole twin) is refused with the time that is left.
- ``latency``: the call succeeds but costs ``latency_ms`` more virtual time.
- ``timeout``: a write is applied, then reported as ``core.timeout`` (retryable) after
  ``timeout_ms``; retrying with the same idempotency key returns the first result.

``off``, ``light`` and ``aggressive`` are built in; a YAML file in this format is a custom
profile (``VEI_FAULT_PROFILE=path/to/profile.yaml``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from vei.core.canonical import digest

BUILTIN = ("off", "light", "aggressive")
PerMille = Field(default=0, ge=0, le=1_000)


class ProfileError(ValueError):
    """A custom fault profile cannot be read or is invalid; the message says why."""


class FaultRule(BaseModel):
    """How often each fault hits the calls this rule matches."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tools: list[str] = Field(default=["*"], min_length=1, description="Tool name patterns.")
    kinds: list[Literal["read", "write"]] = Field(default=["read", "write"], min_length=1)
    unavailable: int = PerMille
    rate_limit: int = PerMille
    retry_after_ms: tuple[int, int] = (1_000, 5_000)
    scope: Literal["tool", "twin"] = "tool"
    latency: int = PerMille
    latency_ms: tuple[int, int] = (500, 3_000)
    timeout: int = PerMille
    timeout_ms: int = Field(default=30_000, ge=1, le=600_000)

    @model_validator(mode="after")
    def _ranges(self) -> FaultRule:
        for name in ("retry_after_ms", "latency_ms"):
            low, high = getattr(self, name)
            if not 1 <= low <= high <= 600_000:
                raise ValueError(f"{name} must be [low, high] with 1 <= low <= high <= 600000")
        return self


class FaultProfile(BaseModel):
    """A named list of rules; the first matching rule applies to a call."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    rules: list[FaultRule] = Field(default_factory=list)

    @property
    def digest(self) -> str:
        """SHA-256 of the profile (recorded in a run's manifest for custom profiles)."""
        return digest(self.model_dump(mode="json"))


PROFILES: dict[str, FaultProfile] = {
    "off": FaultProfile(name="off"),
    "light": FaultProfile(
        name="light",
        rules=[
            FaultRule(
                unavailable=20,
                rate_limit=10,
                retry_after_ms=(1_000, 5_000),
                latency=50,
                latency_ms=(500, 3_000),
                timeout=10,
                timeout_ms=30_000,
            )
        ],
    ),
    "aggressive": FaultProfile(
        name="aggressive",
        rules=[
            FaultRule(
                unavailable=120,
                rate_limit=80,
                retry_after_ms=(2_000, 15_000),
                scope="twin",
                latency=200,
                latency_ms=(1_000, 10_000),
                timeout=60,
                timeout_ms=30_000,
            )
        ],
    ),
}


def load_profile_file(path: Path) -> FaultProfile:
    """A custom profile from a YAML file; ProfileError naming the file and the problem."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path}: not valid YAML: {exc}") from None
    try:
        return FaultProfile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise ProfileError(f"{path}: invalid fault profile: {where}: {first['msg']}") from None


def resolve_profile(value: str) -> FaultProfile:
    """The profile a ``VEI_FAULT_PROFILE`` value names: built in, or a YAML file path."""
    if value in PROFILES:
        return PROFILES[value]
    return load_profile_file(Path(value))


def profile_label(value: str) -> str:
    """What a run's manifest records: the built-in name, or ``file:<name>@<digest>`` for a
    custom profile (never the local path)."""
    if value in PROFILES:
        return value
    profile = resolve_profile(value)
    return f"file:{profile.name}@{profile.digest[:16]}"


class FaultSection(BaseModel):
    """The optional ``faults`` section of a scenario (it never turns faults on)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    exempt: list[str] = Field(
        default_factory=list,
        description="Tool name patterns never faulted in this scenario (e.g. a tool the task needs exactly once).",
    )
