"""Canonical JSON: the one byte encoding of everything VEI hashes, signs or replays.

Sorted keys, compact separators, ASCII only, and no floats (money is integer cents, time is
integer milliseconds), so the same value gives the same bytes on every machine.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
)


class NotCanonicalError(TypeError):
    """A value cannot be canonically encoded (a float, or a non-JSON type)."""


def _check(value: Any, path: str) -> None:
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, float):
        raise NotCanonicalError(f"float at {path or '$'}: use integer cents or milliseconds")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise NotCanonicalError(f"non-string key {key!r} at {path or '$'}")
            _check(item, f"{path}.{key}")
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]")
        return
    raise NotCanonicalError(f"{type(value).__name__} at {path or '$'} is not JSON")


def canonical_json(value: Any) -> str:
    """Encode ``value`` canonically; raises NotCanonicalError for floats and non-JSON types."""
    _check(value, "")
    return _ENCODER.encode(value)


def canonical_bytes(value: Any) -> bytes:
    """The canonical encoding as ASCII bytes."""
    return canonical_json(value).encode("ascii")


def digest(value: Any) -> str:
    """SHA-256 hex digest of the canonical encoding of ``value``."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()


def digest_unchecked(value: Any) -> str:
    """SHA-256 of a value already known to be canonical-safe (skips the float walk)."""
    return hashlib.sha256(_ENCODER.encode(value).encode("ascii")).hexdigest()
