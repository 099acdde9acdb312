"""Run directories: ``<state_dir>/runs/<run_id>/`` with ``events.sqlite`` and ``manifest.json``.

The manifest is pretty JSON with sorted keys, written once when the run is created. It
describes the run so that anyone holding the directory can verify and replay it:

``run_id``
    The run's name (a safe file name, equal to the directory name).
``scenario``, ``pack``
    The scenario the world was built from and its pack.
``seed``
    The master seed.
``configuration``
    The deterministic settings of the run (``Settings.to_manifest()``).
``twins``
    Names of the twins in the world, in order; verify and replay rebuild reducers from it.
``vei_version``
    The VEI package version that wrote the run.
``public_key``
    Hex Ed25519 public key that verifies every receipt and the checkpoint signature.
``created_at``
    UTC wall-clock time of creation (ISO 8601). Informational only: it never enters a
    hash, like the run id itself.
``manifest_version``
    Version of this layout (currently 1).

Callers pass what they know; ``create_run`` fills ``run_id``, ``created_at`` and
``manifest_version`` when they are missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vei.store.sqlite import Durability, SqliteStore

RUNS = "runs"
DATABASE = "events.sqlite"
MANIFEST = "manifest.json"
MANIFEST_VERSION = 1

_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class InvalidRunIdError(ValueError):
    """A run id is not a safe file name."""

    def __init__(self, run_id: str) -> None:
        super().__init__(
            f"invalid run id {run_id!r}: use 1-128 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit, without '..'"
        )
        self.run_id = run_id


class RunExistsError(FileExistsError):
    """``create_run`` found a run directory of that name already."""


class RunNotFoundError(LookupError):
    """No run directory matches the reference."""


def is_safe_run_id(run_id: object) -> bool:
    """True when ``run_id`` can name a run directory (see ``validate_run_id``)."""
    return isinstance(run_id, str) and bool(_RUN_ID.fullmatch(run_id)) and ".." not in run_id


def validate_run_id(run_id: str) -> str:
    """Return ``run_id`` if it is a safe file name; raise InvalidRunIdError otherwise."""
    if not is_safe_run_id(run_id):
        raise InvalidRunIdError(str(run_id))
    return run_id


def new_run_id(scenario: str, seed: int, *, state_dir: Path | None = None) -> str:
    """A readable, fresh run id such as ``procurement-s42042-20261129T141500Z-3f9a``.

    Uses the wall clock and ``os.urandom``: run ids never enter any hash. With
    ``state_dir`` given, the id is also checked to be unused there.
    """
    name = _UNSAFE.sub("-", scenario).strip("-._")[:60] or "run"
    while True:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        run_id = validate_run_id(f"{name}-s{seed}-{stamp}-{os.urandom(2).hex()}")
        if state_dir is None or not (Path(state_dir) / RUNS / run_id).exists():
            return run_id


def run_path(state_dir: Path, run_id: str) -> Path:
    """Where run ``run_id`` lives under ``state_dir`` (the id is validated)."""
    return Path(state_dir) / RUNS / validate_run_id(run_id)


def create_run(
    state_dir: Path, run_id: str, manifest: dict[str, Any], durability: Durability = "full"
) -> tuple[Path, SqliteStore]:
    """Create ``<state_dir>/runs/<run_id>/`` with its manifest and an empty database.

    Refuses (RunExistsError) when the directory exists already, and (ValueError) when
    ``manifest["run_id"]`` names another run.
    """
    run_dir = run_path(state_dir, run_id)
    if manifest.get("run_id", run_id) != run_id:
        raise ValueError(f"manifest run_id {manifest['run_id']!r} is not {run_id!r}")
    full = {
        "manifest_version": MANIFEST_VERSION,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        **manifest,
        "run_id": run_id,
    }
    text = json.dumps(full, indent=2, sort_keys=True, ensure_ascii=True) + "\n"
    run_dir.parent.mkdir(parents=True, exist_ok=True)
    try:
        run_dir.mkdir()
    except FileExistsError:
        raise RunExistsError(f"run {run_id!r} already exists in {run_dir.parent}") from None
    try:
        _write_durably(run_dir / MANIFEST, text)
        store = SqliteStore(run_dir / DATABASE, durability)
    except BaseException:
        shutil.rmtree(run_dir, ignore_errors=True)  # we made it a moment ago: no half runs
        raise
    return run_dir, store


def _write_durably(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="ascii") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the new directory entries survive a power loss too
    finally:
        os.close(directory)


def read_manifest(run_dir: Path) -> dict[str, Any]:
    """The run's manifest; RunNotFoundError if it is missing or not a JSON object."""
    path = Path(run_dir) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunNotFoundError(f"{run_dir} is not a run directory (no {MANIFEST})") from None
    except (OSError, ValueError) as exc:
        raise RunNotFoundError(f"{path} cannot be read: {exc}") from None
    if not isinstance(data, dict):
        raise RunNotFoundError(f"{path} is not a JSON object")
    return data


@dataclass
class RunHandle:
    """An opened run: its directory, manifest and store. Close it when done."""

    run_dir: Path
    manifest: dict[str, Any]
    store: SqliteStore

    @property
    def run_id(self) -> str:
        """The run id recorded in the manifest (else the directory name)."""
        return str(self.manifest.get("run_id", self.run_dir.name))

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    def __enter__(self) -> RunHandle:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def resolve_run(ref: str | Path, state_dir: Path | None) -> Path:
    """The run directory ``ref`` names: a run id in ``state_dir``, or a directory path."""
    if is_safe_run_id(ref) and state_dir is not None:
        candidate = Path(state_dir) / RUNS / ref
        if candidate.is_dir():
            return candidate
    path = Path(ref)
    if (path / MANIFEST).is_file():
        return path
    where = f" in {Path(state_dir) / RUNS}" if state_dir is not None else ""
    raise RunNotFoundError(f"no run {str(ref)!r}{where} (give a run id or a run directory)")


def open_run(ref: str | Path, state_dir: Path | None = None) -> RunHandle:
    """Open an existing run (a run id inside ``state_dir``, or a path to its directory)."""
    run_dir = resolve_run(ref, state_dir)
    manifest = read_manifest(run_dir)
    database = run_dir / DATABASE
    if not database.is_file():
        raise RunNotFoundError(f"{run_dir} has no {DATABASE}")
    return RunHandle(run_dir=run_dir, manifest=manifest, store=SqliteStore(database))


@dataclass(frozen=True)
class RunSummary:
    """One line of ``list_runs``: what the manifest says plus how far the log got."""

    run_id: str
    run_dir: Path
    manifest: dict[str, Any] = field(default_factory=dict)
    events: int = 0
    receipts: int = 0
    closed: bool = False
    problem: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form for ``vei-state runs --json``."""
        return {
            "run_id": self.run_id,
            "run_dir": str(self.run_dir),
            "scenario": self.manifest.get("scenario"),
            "seed": self.manifest.get("seed"),
            "created_at": self.manifest.get("created_at"),
            "events": self.events,
            "receipts": self.receipts,
            "closed": self.closed,
            "problem": self.problem,
        }


def list_runs(state_dir: Path) -> list[RunSummary]:
    """Every run directory under ``state_dir``, oldest first (by created_at, then id).

    A directory that cannot be read is listed with ``problem`` set rather than skipped.
    """
    root = Path(state_dir) / RUNS
    if not root.is_dir():
        return []
    found: list[RunSummary] = []
    for run_dir in sorted(p for p in root.iterdir() if p.is_dir() and is_safe_run_id(p.name)):
        found.append(_summarise(run_dir))
    found.sort(key=lambda s: (str(s.manifest.get("created_at", "")), s.run_id))
    return found


def _summarise(run_dir: Path) -> RunSummary:
    try:
        handle = open_run(run_dir)
    except Exception as exc:  # one damaged run must not hide the others
        return RunSummary(run_id=run_dir.name, run_dir=run_dir, problem=str(exc))
    with handle:
        try:
            counts = handle.store.counts()
            closed = handle.store.checkpoint() is not None
        except Exception as exc:
            return RunSummary(
                run_id=run_dir.name, run_dir=run_dir, manifest=handle.manifest, problem=str(exc)
            )
    return RunSummary(
        run_id=run_dir.name,
        run_dir=run_dir,
        manifest=handle.manifest,
        events=counts["events"],
        receipts=counts["receipts"],
        closed=closed,
        problem=None,
    )
