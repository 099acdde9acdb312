"""A run appears whole or not at all, and its files are private whatever the umask.

Regression: a kill during creation left a run that failed verify.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from vei.config import load_settings
from vei.session import Session
from vei.store import rundir
from vei.store.rundir import StateDirError, create_run, list_runs

MANIFEST = {"scenario": "kv", "seed": 1, "twins": [], "public_key": "00" * 32}


def test_a_run_whose_start_fails_leaves_nothing_behind(tmp_path: Path) -> None:
    def begin(store: object) -> None:
        raise KeyboardInterrupt  # as if the process were stopped halfway

    with pytest.raises(KeyboardInterrupt):
        create_run(tmp_path, "run-1", dict(MANIFEST), begin=begin)
    assert list((tmp_path / "runs").iterdir()) == []


def test_a_killed_creators_staging_directory_is_never_a_run_and_is_swept(tmp_path: Path) -> None:
    staging = tmp_path / "runs" / ".new-run-1-abcd"
    staging.mkdir(parents=True)
    (staging / "manifest.json").write_text("{}")  # half made: no database
    assert list_runs(tmp_path) == []
    _, store = create_run(tmp_path, "run-2", dict(MANIFEST))  # too recent to sweep
    store.close()
    assert staging.exists()
    old = staging.stat().st_mtime - 3600
    os.utime(staging, (old, old))
    _, store = create_run(tmp_path, "run-3", dict(MANIFEST))
    store.close()
    assert not staging.exists()
    assert [s.run_id for s in list_runs(tmp_path)] == ["run-2", "run-3"]


def test_unusable_state_dir_is_one_typed_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    afile = tmp_path / "file"
    afile.write_text("")
    with pytest.raises(StateDirError, match="cannot create runs in"):
        create_run(afile, "run-1", dict(MANIFEST))

    def read_only(*args: object, **kwargs: object) -> str:
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path))

    monkeypatch.setattr(rundir.tempfile, "mkdtemp", read_only)
    with pytest.raises(StateDirError, match="Read-only file system"):
        create_run(tmp_path / "state", "run-1", dict(MANIFEST))


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_run_files_are_private_whatever_the_umask(tmp_path: Path, open_umask: None) -> None:
    state_dir = tmp_path / "state"
    session = Session(load_settings({"state_dir": state_dir}, env={}))
    session.call("slack_send_message", {"channel": "#general", "text": "hi"})
    run_dir = session.run_dir
    assert run_dir is not None
    wal = run_dir / "events.sqlite-wal"
    assert wal.exists()  # the database is open in WAL mode
    for directory in (state_dir, state_dir / "runs", run_dir):
        assert _mode(directory) == 0o700, directory
    for name in ("manifest.json", "events.sqlite", "events.sqlite-wal", "writer.lock"):
        assert _mode(run_dir / name) == 0o600, name
    assert _mode(state_dir / "receipt-key.pem") == 0o600
    session.close()
