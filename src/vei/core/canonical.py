"""Canonical JSON: the one byte encoding of everything VEI hashes, signs or replays.

Sorted keys, compact separators, ASCII only, and no floats (money is integer cents, time is
integer milliseconds), so the same value gives the same bytes on every machine.

The bytes are exactly those of ``json.dumps(value, sort_keys=True, separators=(",", ":"),
ensure_ascii=True)``; this module only calls the standard library's C encoder directly,
without the per-call set-up of ``json.dumps``, and checks for floats with a walk that
builds no path strings unless it has something to report.
"""

from __future__ import annotations

import hashlib
import json
import json.encoder
from collections.abc import Callable
from json.encoder import encode_basestring_ascii
from typing import Any

_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
)


def _make_encode() -> Callable[[Any], str]:
    c_make_encoder: Callable[..., Any] | None = getattr(json.encoder, "c_make_encoder", None)
    if c_make_encoder is None:  # pragma: no cover - interpreters without the C accelerator
        return _ENCODER.encode
    # The same C encoder json.dumps builds on every call, built once. markers=None turns
    # off the circular-reference check: canonical values are trees (a cycle still fails,
    # with RecursionError instead of ValueError).
    encoder = c_make_encoder(
        None, _ENCODER.default, encode_basestring_ascii, None, ":", ",", True, False, False
    )

    def encode(value: Any) -> str:
        return "".join(encoder(value, 0))

    return encode


_encode = _make_encode()


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


def _is_canonical(value: Any) -> bool:
    """The same rules as ``_check`` (which names the offending path), several times faster:
    exact-type tests first, no path strings. True when ``_check`` would not raise."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str and not isinstance(key, str):
                return False
            kind = type(item)
            if kind is str or kind is int or kind is bool or item is None:
                continue
            if not _is_canonical(item):
                return False
        return True
    if kind is list or kind is tuple:
        for item in value:
            kind = type(item)
            if kind is str or kind is int or kind is bool or item is None:
                continue
            if not _is_canonical(item):
                return False
        return True
    # Subclasses (an IntEnum, a dict subclass, ...) follow _check's isinstance rules.
    if isinstance(value, float):
        return False
    if isinstance(value, (str, int)):
        return True
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_canonical(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_is_canonical(item) for item in value)
    return False


def check_canonical(value: Any) -> None:
    """Raise NotCanonicalError, naming the path, if ``value`` holds a float or a non-JSON type."""
    if not _is_canonical(value):
        _check(value, "")


def canonical_json(value: Any) -> str:
    """Encode ``value`` canonically; raises NotCanonicalError for floats and non-JSON types."""
    check_canonical(value)
    return _encode(value)


def canonical_bytes(value: Any) -> bytes:
    """The canonical encoding as ASCII bytes."""
    return canonical_json(value).encode("ascii")


def digest(value: Any) -> str:
    """SHA-256 hex digest of the canonical encoding of ``value``."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()


def encode_unchecked(value: Any) -> str:
    """The canonical encoding of a value already known to be canonical-safe (no float walk)."""
    return _encode(value)


def digest_unchecked(value: Any) -> str:
    """SHA-256 of a value already known to be canonical-safe (skips the float walk)."""
    return hashlib.sha256(_encode(value).encode("ascii")).hexdigest()


def digest_text(text: str) -> str:
    """SHA-256 hex digest of an already canonical (ASCII) text."""
    return hashlib.sha256(text.encode("ascii")).hexdigest()
