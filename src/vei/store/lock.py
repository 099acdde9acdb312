"""One writer per run: an exclusive ``flock`` on ``writer.lock`` in the run directory.

The lock is taken when a run is created (or reopened to be written: ``vei-drift run``,
``vei-state recover``) and held for the life of the writer's store; a second writer gets
``RunLockedError`` naming the run. The kernel releases a ``flock`` when its holder exits, so
a killed or crashed writer never leaves a stale lock behind. The file's content (the
holder's process id) is informational only.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path

LOCK_FILE = "writer.lock"
# A reader's probe (``writer_active``) holds a shared lock for a moment; a writer retries
# that long rather than report a writer that is not there.
_ATTEMPTS = 50
_PAUSE_S = 0.002


class RunLockedError(RuntimeError):
    """Another process is writing the run."""


class WriterLock:
    """An exclusive lock on one run directory; ``release`` (or process exit) frees it."""

    def __init__(self, run_dir: Path, fd: int) -> None:
        self.run_dir = run_dir
        self._fd: int | None = fd

    def release(self) -> None:
        """Let go of the lock (idempotent)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def acquire_writer_lock(run_dir: Path) -> WriterLock:
    """Take the run's writer lock, or raise RunLockedError if another process holds it."""
    path = Path(run_dir) / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        for attempt in range(_ATTEMPTS):
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if attempt == _ATTEMPTS - 1:
                    holder = _holder(fd)
                    raise RunLockedError(
                        f"run {Path(run_dir).name!r} is being written by another process"
                        f"{holder} (a run has one writer: stop it first)"
                    ) from None
                time.sleep(_PAUSE_S)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    except BaseException:
        os.close(fd)
        raise
    return WriterLock(Path(run_dir), fd)


def _holder(fd: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        pid = int(os.pread(fd, 32, 0).decode("ascii").strip())
        return f" (process {pid})"
    return ""


def writer_active(run_dir: Path) -> bool:
    """True when a live process holds the run's writer lock (the run is being written)."""
    path = Path(run_dir) / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # closing the descriptor drops the shared lock
    return False
