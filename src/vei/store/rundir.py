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

Callers pass what they know; ``prepare_manifest`` (called by ``create_run``) fills
``run_id``, ``created_at`` and ``manifest_version`` when they are missing.

A run appears whole or not at all: ``create_run`` builds it in a hidden directory
(``runs/.new-<run_id>-<random>``: manifest, database, and whatever ``begin`` writes, such as
the genesis record and snapshot 0) and renames it into place. The creator holds the run's
writer lock (``vei.store.lock``) from the start until its store is closed. Directories and
files are created private to their owner (0700 and 0600) whatever the umask.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vei.store.lock import WriterLock, acquire_writer_lock, writer_active
from vei.store.sqlite import FILE_MODE, Durability, SqliteStore

RUNS = "runs"
DATABASE = "events.sqlite"
MANIFEST = "manifest.json"
MANIFEST_VERSION = 2
DIR_MODE = 0o700
_NEW_PREFIX = ".new-"
# A hidden directory of a creation older than this, whose creator holds no lock, was left by
# a killed creator and is removed by the next creation.
_ABANDONED_AFTER_S = 60

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


class StateDirError(RuntimeError):
    """The state dir cannot hold runs (not a directory, not writable, ...)."""


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


def prepare_manifest(run_id: str, manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest as it will be written: ``manifest_version`` and ``created_at`` filled
    in when missing, ``run_id`` set; ValueError when ``manifest["run_id"]`` names another run.
    """
    if manifest.get("run_id", run_id) != run_id:
        raise ValueError(f"manifest run_id {manifest['run_id']!r} is not {run_id!r}")
    return {
        "manifest_version": MANIFEST_VERSION,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        **manifest,
        "run_id": run_id,
    }


def create_run(
    state_dir: Path,
    run_id: str,
    manifest: dict[str, Any],
    durability: Durability = "full",
    begin: Callable[[SqliteStore], None] | None = None,
) -> tuple[Path, SqliteStore]:
    """Create ``<state_dir>/runs/<run_id>/`` with its manifest and database, atomically.

    ``begin(store)`` runs before the run is renamed into place (it writes the genesis and
    snapshot 0), so a kill at any moment leaves either no run or a whole one. The returned
    store holds the run's writer lock until it is closed. Refuses (RunExistsError) when the
    run exists already, (ValueError) when ``manifest["run_id"]`` names another run, and
    (StateDirError) when the state dir cannot hold runs.
    """
    run_dir = run_path(state_dir, run_id)
    full = prepare_manifest(run_id, manifest)
    text = json.dumps(full, indent=2, sort_keys=True, ensure_ascii=True) + "\n"
    root = run_dir.parent
    if run_dir.exists():
        raise RunExistsError(f"run {run_id!r} already exists in {root}")
    try:
        _make_private_dirs(root)
        _remove_abandoned(root)
        staging = Path(tempfile.mkdtemp(prefix=f"{_NEW_PREFIX}{run_id}-", dir=root))
    except OSError as exc:
        raise StateDirError(f"cannot create runs in {Path(state_dir)}: {_reason(exc)}") from None
    lock: WriterLock | None = None
    store: SqliteStore | None = None
    try:
        lock = acquire_writer_lock(staging)
        _write_durably(staging / MANIFEST, text)
        store = SqliteStore(staging / DATABASE, durability, hold=lock)
        lock = None  # the store holds it now
        if begin is not None:
            begin(store)
        store.relocate(lambda: _publish(staging, run_dir) / DATABASE)
    except BaseException as exc:
        if store is not None:
            store.close()
        if lock is not None:
            lock.release()
        shutil.rmtree(staging, ignore_errors=True)  # ours, never published: no half runs
        if isinstance(exc, OSError) and not isinstance(exc, RunExistsError):
            raise StateDirError(f"cannot create run {run_id!r}: {_reason(exc)}") from None
        raise
    return run_dir, store


def _reason(exc: OSError) -> str:
    where = f": {exc.filename}" if exc.filename else ""
    return f"{exc.strerror or exc}{where}"


def _make_private_dirs(root: Path) -> None:
    missing = []
    for directory in (root, *root.parents):
        if directory.is_dir():
            break
        missing.append(directory)
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):
            directory.mkdir(mode=DIR_MODE)
    if not root.is_dir():
        raise NotADirectoryError(20, "not a directory", str(root))


def _publish(staging: Path, run_dir: Path) -> Path:
    # rename() would replace an empty directory at run_dir; the check keeps the refusal
    # explicit, and two creators racing for one name still cannot both win (the second
    # rename meets a non-empty directory).
    if run_dir.exists():
        raise RunExistsError(f"run {run_dir.name!r} already exists in {run_dir.parent}")
    try:
        os.rename(staging, run_dir)
    except OSError as exc:
        if run_dir.exists():
            raise RunExistsError(
                f"run {run_dir.name!r} already exists in {run_dir.parent}"
            ) from None
        raise exc
    _fsync_dir(run_dir.parent)
    return run_dir


def _remove_abandoned(root: Path) -> None:
    now = time.time()
    for entry in root.glob(f"{_NEW_PREFIX}*"):
        with contextlib.suppress(OSError):
            if (
                entry.is_dir()
                and now - entry.stat().st_mtime > _ABANDONED_AFTER_S
                and not writer_active(entry)
            ):
                shutil.rmtree(entry, ignore_errors=True)


def _write_durably(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    directory = os.open(path, os.O_RDONLY)
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


def open_run(ref: str | Path, state_dir: Path | None = None, *, writer: bool = False) -> RunHandle:
    """Open an existing run (a run id inside ``state_dir``, or a path to its directory).

    ``writer=True`` takes the run's writer lock (held until the handle is closed) and
    raises RunLockedError if another process is writing the run.
    """
    run_dir = resolve_run(ref, state_dir)
    manifest = read_manifest(run_dir)
    database = run_dir / DATABASE
    if not database.is_file():
        raise RunNotFoundError(f"{run_dir} has no {DATABASE}")
    lock = acquire_writer_lock(run_dir) if writer else None
    try:
        store = SqliteStore(database, hold=lock)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    return RunHandle(run_dir=run_dir, manifest=manifest, store=store)


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
    # closed | crashed (sealed by vei-state recover) | writing (a live writer) | not closed
    status: str = "not closed"

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
            "status": self.status,
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
            checkpoint = handle.store.checkpoint()
            closed = checkpoint is not None
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
        status=(
            ("crashed" if checkpoint.ending == "crash" else "closed")
            if checkpoint is not None
            else ("writing" if writer_active(run_dir) else "not closed")
        ),
        problem=None,
    )
