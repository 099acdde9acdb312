"""Floors: what the machine does with no VEI in the way, measured in the same run."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Literal

Synchronous = Literal["FULL", "NORMAL"]


def dict_updates(count: int) -> float:
    """Updates per second of one key in a plain dict: the ceiling of any Python call loop."""
    state = {"revision": 0}
    start = time.perf_counter()
    for i in range(count):
        state["revision"] = i
    return count / (time.perf_counter() - start)


def sqlite_transactions(
    directory: Path, synchronous: Synchronous, count: int, row_bytes: int
) -> float:
    """Committed single-row transactions per second in a WAL database, the way the store
    writes: ``BEGIN IMMEDIATE``, one ``INSERT`` of ``row_bytes`` of text, ``COMMIT``."""
    path = directory / f"floor-{synchronous.lower()}.sqlite"
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute(f"PRAGMA synchronous = {synchronous}")
        db.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        body = "x" * row_bytes
        insert = "INSERT INTO rows (id, body) VALUES (?, ?)"
        for i in range(-10, 0):  # warm up: the first commits also create the WAL file
            db.execute("BEGIN IMMEDIATE")
            db.execute(insert, (i, body))
            db.execute("COMMIT")
        start = time.perf_counter()
        for i in range(count):
            db.execute("BEGIN IMMEDIATE")
            db.execute(insert, (i, body))
            db.execute("COMMIT")
        return count / (time.perf_counter() - start)
    finally:
        db.close()
