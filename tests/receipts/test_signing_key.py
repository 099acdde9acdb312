"""The state dir's signing key: created once even by racing processes, never half written.

Regression: two processes starting at once got FileExistsError or a half-written key, and an
empty key file left by a crash blocked every start.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vei.receipts.signing import KEY_FILE, SigningKeyError, load_or_create_signer, load_signer

RACER = """
import sys
from pathlib import Path
from vei.receipts.signing import load_or_create_signer
sys.stdin.readline()  # every racer waits here, then all go at once
print(load_or_create_signer(Path(sys.argv[1])).public_key_hex)
"""


def test_processes_starting_at_once_agree_on_one_key(tmp_path: Path) -> None:
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(tmp_path / "state")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    for racer in racers:
        assert racer.stdin is not None
        racer.stdin.write("go\n")
        racer.stdin.flush()
    results = [racer.communicate(timeout=60) for racer in racers]
    assert all(racer.returncode == 0 for racer in racers), [err for _, err in results]
    keys = {out.strip() for out, _ in results}
    assert len(keys) == 1
    assert load_signer(tmp_path / "state" / KEY_FILE).public_key_hex in keys
    assert sorted(p.name for p in (tmp_path / "state").iterdir()) == [".receipt-key.lock", KEY_FILE]


def test_an_empty_key_file_left_by_a_crash_is_replaced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / KEY_FILE).write_bytes(b"")
    with caplog.at_level(logging.WARNING, logger="vei.keys"):
        signer = load_or_create_signer(tmp_path)
    assert any("is empty" in r.getMessage() for r in caplog.records)
    assert load_signer(tmp_path / KEY_FILE).public_key_hex == signer.public_key_hex


def test_a_key_readable_by_others_is_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    signer = load_or_create_signer(tmp_path)
    os.chmod(tmp_path / KEY_FILE, 0o644)
    with caplog.at_level(logging.WARNING, logger="vei.keys"):
        again = load_or_create_signer(tmp_path)
    assert again.public_key_hex == signer.public_key_hex
    assert any("readable by others (mode 644)" in r.getMessage() for r in caplog.records)


def test_a_dangling_key_symlink_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / KEY_FILE).symlink_to(tmp_path / "gone.pem")
    with pytest.raises(SigningKeyError, match="dangling symlink"):
        load_or_create_signer(tmp_path)


def test_a_key_file_that_is_not_a_key_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / KEY_FILE).write_text("garbage\n")
    with pytest.raises(SigningKeyError, match="not an unencrypted Ed25519 PEM key"):
        load_or_create_signer(tmp_path)
