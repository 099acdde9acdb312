"""The eval directory's records: ``eval.json`` (what the eval is) and ``episodes.jsonl``
(one line per finished episode, appended and fsynced as each finishes).

Resuming reads the journal back: a last line cut short by a crash is ignored and cut off
before anything is appended; a later line for the same episode replaces an earlier one
(``--retry-errors`` reruns episodes that ended in an error). An eval directory holds one
configuration: resuming it with another is refused with the fields that differ.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from vei.eval.episode import EpisodeResult

CONFIG = "eval.json"
EPISODES = "episodes.jsonl"
SUMMARY = "summary.json"

Key = tuple[str, str, int, int]


class EvalDirError(ValueError):
    """The eval directory cannot be used: another configuration, or a damaged journal."""


def write_durably(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so that a crash leaves the old or the new file."""
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def claim(out: Path, config: Mapping[str, Any]) -> None:
    """Record ``config`` in ``out/eval.json``, or check that it is the one recorded there."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / CONFIG
    wanted = json.loads(json.dumps(config))
    if path.exists():
        try:
            recorded = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise EvalDirError(f"{path} cannot be read: {exc}") from None
        if recorded != wanted:
            changed = sorted(
                k for k in set(recorded) | set(wanted) if recorded.get(k) != wanted.get(k)
            )
            raise EvalDirError(
                f"{out} holds an eval with another {', '.join(changed)}; resume it with the "
                "same arguments and settings, or choose a new --out"
            )
        return
    if any(out.iterdir()):  # an eval replaces its own half-made runs: never someone else's
        raise EvalDirError(
            f"{out} is not empty and holds no {CONFIG}: not an eval directory; choose a new --out"
        )
    write_durably(path, json.dumps(wanted, indent=2, sort_keys=True) + "\n")


def read_config(out: Path) -> dict[str, Any]:
    """The configuration recorded in ``out/eval.json``; EvalDirError if there is none."""
    try:
        data = json.loads((out / CONFIG).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvalDirError(f"{out} is not an eval directory (no {CONFIG})") from None
    except (OSError, ValueError) as exc:
        raise EvalDirError(f"{out / CONFIG} cannot be read: {exc}") from None
    if not isinstance(data, dict):
        raise EvalDirError(f"{out / CONFIG} is not a JSON object")
    return data


def _scan(path: Path) -> tuple[dict[Key, EpisodeResult], int]:
    """Results by episode (later lines win) and the length of the intact prefix."""
    results: dict[Key, EpisodeResult] = {}
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return results, 0
    intact = 0
    lines = data.split(b"\n")
    for number, line in enumerate(lines, start=1):
        last = number == len(lines)
        if not line.strip():
            intact += len(line) + (0 if last else 1)
            continue
        try:
            if last:  # no newline after it: the write was cut short
                raise ValueError("torn")
            result = EpisodeResult.from_dict(json.loads(line))
        except (ValueError, KeyError, TypeError) as exc:
            if last:
                break
            raise EvalDirError(f"{path}:{number}: not an episode record ({exc})") from None
        results[result.key] = result
        intact += len(line) + 1
    return results, intact


def read_episodes(out: Path) -> dict[Key, EpisodeResult]:
    """The finished episodes recorded in ``out/episodes.jsonl``, by episode."""
    return _scan(out / EPISODES)[0]


class Journal:
    """Appends one line per finished episode to episodes.jsonl, durably (fsync each)."""

    def __init__(self, out: Path) -> None:
        self.path = out / EPISODES
        self.results, intact = _scan(self.path)
        if self.path.exists() and self.path.stat().st_size != intact:
            with open(self.path, "r+b") as handle:  # drop the torn tail before appending
                handle.truncate(intact)
                os.fsync(handle.fileno())
        # Open for the journal's whole life, closed by close() / the with block.
        self._handle: IO[str] = open(self.path, "a", encoding="utf-8")  # noqa: SIM115

    def append(self, result: EpisodeResult) -> None:
        """Record ``result``; it is on disk when this returns."""
        line = json.dumps(result.to_dict(), sort_keys=True, ensure_ascii=False)
        self._handle.write(line + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self.results[result.key] = result

    def close(self) -> None:
        """Close the file."""
        self._handle.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
