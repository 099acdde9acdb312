"""The SQLite store: one WAL database file per run.

Each ``append`` is one ``BEGIN IMMEDIATE ... COMMIT`` transaction holding a call's events
and its receipt, committed before it returns. Durability ``full`` sets
``synchronous=FULL`` (a committed call survives power loss); ``fast`` sets ``NORMAL``
(survives a killed process, may lose the last calls on power loss; for RL throughput).

Stored text is the canonical JSON of each record (``Event.to_json()``,
``Receipt.to_json()``), so ``vei-state verify`` can check exactly what is on disk; the
event columns beside the body (seq, t_ms, kind, actor, cause) exist for queries.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, Protocol

from vei.core.canonical import canonical_json
from vei.core.events import Event
from vei.receipts.chain import Receipt
from vei.receipts.genesis import Genesis
from vei.store.base import Checkpoint, Snapshot

Durability = Literal["full", "fast"]

# 2: the genesis table (signed run inputs) and the checkpoint's ending.
# 3: the genesis's snapshot_bytes (the cadence spaced by state size). Version 2 files are
#    read and written as they are: their genesis has no snapshot_bytes.
SCHEMA_VERSION = 3
READABLE_VERSIONS = (2, 3)
PAGE_ROWS = 1_000
TABLES = ("genesis", "events", "receipts", "snapshots", "checkpoint")
# Run files are private to their owner whatever the umask (SQLite gives -wal and -shm the
# database file's mode).
FILE_MODE = 0o600


class Releasable(Protocol):
    """Something the store holds while open and lets go of when closed (a writer lock)."""

    def release(self) -> None: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS genesis (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    run TEXT NOT NULL,
    inputs TEXT NOT NULL,
    state_hash TEXT NOT NULL,
    snapshot_every INTEGER NOT NULL,
    created_at TEXT,
    public_key TEXT NOT NULL,
    hash TEXT NOT NULL,
    signature TEXT NOT NULL,
    snapshot_bytes INTEGER
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,
    t_ms INTEGER NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    cause INTEGER,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS receipts (
    idx INTEGER PRIMARY KEY,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshots (
    revision INTEGER PRIMARY KEY,
    t_ms INTEGER NOT NULL,
    receipt_count INTEGER NOT NULL,
    chain_head TEXT NOT NULL,
    state_hash TEXT NOT NULL,
    state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS checkpoint (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    run TEXT NOT NULL,
    size INTEGER NOT NULL,
    head TEXT NOT NULL,
    revision INTEGER NOT NULL,
    t_ms INTEGER NOT NULL,
    state_hash TEXT NOT NULL,
    signature TEXT NOT NULL,
    ending TEXT NOT NULL
);
"""

_INSERT_EVENT = "INSERT INTO events (seq, t_ms, kind, actor, cause, body) VALUES (?, ?, ?, ?, ?, ?)"
_INSERT_RECEIPT = "INSERT INTO receipts (idx, body) VALUES (?, ?)"
_SNAPSHOT_COLUMNS = "revision, t_ms, receipt_count, chain_head, state_hash, state"
_SNAPSHOT_HEAD = "revision, t_ms, receipt_count, chain_head, state_hash, length(state)"
_INSERT_SNAPSHOT = (
    f"INSERT OR REPLACE INTO snapshots ({_SNAPSHOT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"
)
_CHECKPOINT_COLUMNS = "run, size, head, revision, t_ms, state_hash, signature, ending"
_GENESIS_COLUMNS = (
    "run, inputs, state_hash, snapshot_every, created_at, public_key, hash, signature"
)
_ORDER = {
    "genesis": "id",
    "events": "seq",
    "receipts": "idx",
    "snapshots": "revision",
    "checkpoint": "id",
}


class StoreSchemaError(RuntimeError):
    """The database file was written by an incompatible version of VEI."""


class SqliteStore:
    """A run's events, receipts, snapshots and checkpoint in one SQLite file.

    Safe to share between threads (calls are serialised by an internal lock). Opening an
    existing file, including one whose writer was killed mid-run, recovers its committed
    transactions. A new file is created with mode 0600. ``hold`` (a run's writer lock) is
    released when the store closes.
    """

    def __init__(
        self, path: Path, durability: Durability = "full", *, hold: Releasable | None = None
    ) -> None:
        if durability not in ("full", "fast"):
            raise ValueError(f"durability must be 'full' or 'fast', not {durability!r}")
        self.path = Path(path)
        self.durability: Durability = durability
        self._lock = threading.Lock()
        self._closed = False
        self._hold = hold
        self._db = self._connect(self.path)

    def _connect(self, path: Path) -> sqlite3.Connection:
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
        # isolation_level=None: the driver never opens transactions on its own; every
        # write below runs inside an explicit BEGIN IMMEDIATE ... COMMIT.
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db = db
        try:
            self._setup()
        except BaseException:
            db.close()
            raise
        return db

    def _setup(self) -> None:
        db = self._db
        db.execute("PRAGMA busy_timeout = 5000")
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreSchemaError(f"{self.path}: cannot enable WAL journal mode (got {mode})")
        db.execute(f"PRAGMA synchronous = {'FULL' if self.durability == 'full' else 'NORMAL'}")
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version not in (0, *READABLE_VERSIONS):
            readable = ", ".join(map(str, READABLE_VERSIONS))
            raise StoreSchemaError(
                f"{self.path}: store schema version {version}, this VEI reads {readable}"
            )
        self._version = version or SCHEMA_VERSION
        if version == 0:
            db.execute("BEGIN IMMEDIATE")
            try:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    # ----------------------------------------------------------------- helpers

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("store is closed")

    def _write(self, statements: Sequence[tuple[str, Sequence[Sequence[Any]]]]) -> None:
        """Run ``(sql, rows)`` pairs in one committed transaction."""
        with self._lock:
            self._check_open()
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                for sql, rows in statements:
                    db.executemany(sql, rows)
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._lock:
            self._check_open()
            return self._db.execute(sql, params).fetchall()

    def _paged(self, table: str, key: str, columns: str, after: int) -> Iterator[Any]:
        # Pages keep memory flat for long runs and never hold the lock across a yield.
        sql = f"SELECT {columns} FROM {table} WHERE {key} > ? ORDER BY {key} LIMIT {PAGE_ROWS}"
        last = after
        while True:
            rows = self._query(sql, (last,))
            yield from rows
            if len(rows) < PAGE_ROWS:
                return
            last = rows[-1][0]

    # ---------------------------------------------------------- StateStore API

    def write_genesis(self, genesis: Genesis) -> None:
        """Record the run's signed genesis (replacing one written before)."""
        g = genesis
        row = [
            g.run,
            g.inputs,
            g.state_hash,
            g.snapshot_every,
            g.created_at,
            g.public_key,
            g.hash,
            g.signature,
        ]
        columns = _GENESIS_COLUMNS
        if self._version >= 3:
            columns += ", snapshot_bytes"
            row.append(g.snapshot_bytes)
        elif g.snapshot_bytes is not None:
            raise StoreSchemaError(f"{self.path}: a version 2 store cannot record snapshot_bytes")
        marks = ", ".join("?" * len(row))
        sql = f"INSERT OR REPLACE INTO genesis (id, {columns}) VALUES (1, {marks})"
        self._write([(sql, [row])])

    def genesis(self) -> Genesis | None:
        """The run's genesis record, if one was written."""
        spacing = ", snapshot_bytes" if self._version >= 3 else ", NULL"
        rows = self._query(f"SELECT {_GENESIS_COLUMNS}{spacing} FROM genesis WHERE id = 1")
        if not rows:
            return None
        run, inputs, state_hash, every, created_at, public_key, hash_hex, signature, size = rows[0]
        return Genesis(
            snapshot_bytes=size,
            run=run,
            inputs=inputs,
            state_hash=state_hash,
            snapshot_every=every,
            created_at=created_at,
            public_key=public_key,
            hash=hash_hex,
            signature=signature,
        )

    def append(
        self, events: Sequence[Event], receipt: Receipt, snapshot: Snapshot | None = None
    ) -> None:
        """Persist one call's events and receipt (and the snapshot taken after it) in one
        transaction, committed on return."""
        event_rows = [(e.seq, e.t_ms, e.kind, e.actor, e.cause, e.to_json()) for e in events]
        receipt_row = [(receipt.index, receipt.to_json())]  # to_json signs the receipt
        statements: list[tuple[str, Sequence[Sequence[Any]]]] = [
            (_INSERT_EVENT, event_rows),
            (_INSERT_RECEIPT, receipt_row),
        ]
        if snapshot is not None:
            statements.append((_INSERT_SNAPSHOT, [_snapshot_row(snapshot)]))
        self._write(statements)

    def events(self, after: int = 0) -> Iterator[Event]:
        """Events with seq > ``after`` in seq order, rebuilt from their stored JSON."""
        for _, body in self._paged("events", "seq", "seq, body", after):
            yield Event.from_dict(json.loads(body))

    def receipts(self, after: int = 0) -> Iterator[Receipt]:
        """Receipts with index > ``after`` in index order, with their stored signatures."""
        for _, body in self._paged("receipts", "idx", "idx, body", after):
            yield Receipt.from_dict(json.loads(body))

    def save_snapshot(self, snapshot: Snapshot) -> None:
        """Store a snapshot, replacing one at the same revision."""
        self._write([(_INSERT_SNAPSHOT, [_snapshot_row(snapshot)])])

    def snapshots(self) -> list[Snapshot]:
        """All snapshots, oldest first."""
        rows = self._query(f"SELECT {_SNAPSHOT_COLUMNS} FROM snapshots ORDER BY revision")
        return [_snapshot(row) for row in rows]

    def snapshot_heads(self) -> list[Snapshot]:
        """Every snapshot's record without its state (``text`` None, ``size`` set), oldest
        first: what verification walks without reading the states."""
        rows = self._query(f"SELECT {_SNAPSHOT_HEAD} FROM snapshots ORDER BY revision")
        return [
            Snapshot(
                revision=revision,
                t_ms=t_ms,
                receipt_count=receipt_count,
                chain_head=chain_head,
                state_hash=state_hash,
                text=None,
                size=size,
            )
            for revision, t_ms, receipt_count, chain_head, state_hash, size in rows
        ]

    def latest_snapshot(self, at_or_before: int | None = None) -> Snapshot | None:
        """The newest snapshot, optionally no newer than revision ``at_or_before``."""
        sql = f"SELECT {_SNAPSHOT_COLUMNS} FROM snapshots"
        params: tuple[int, ...] = ()
        if at_or_before is not None:
            sql += " WHERE revision <= ?"
            params = (at_or_before,)
        rows = self._query(sql + " ORDER BY revision DESC LIMIT 1", params)
        return _snapshot(rows[0]) if rows else None

    def write_checkpoint(self, checkpoint: Checkpoint) -> None:
        """Record the run's signed checkpoint (the last one written wins)."""
        c = checkpoint
        row = (c.run, c.size, c.head, c.revision, c.t_ms, c.state_hash, c.signature, c.ending)
        sql = (
            f"INSERT OR REPLACE INTO checkpoint (id, {_CHECKPOINT_COLUMNS}) "
            "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        self._write([(sql, [row])])

    def checkpoint(self) -> Checkpoint | None:
        """The run's checkpoint, if it was closed cleanly."""
        rows = self._query(f"SELECT {_CHECKPOINT_COLUMNS} FROM checkpoint WHERE id = 1")
        if not rows:
            return None
        run, size, head, revision, t_ms, state_hash, signature, ending = rows[0]
        return Checkpoint(
            run=run,
            size=size,
            head=head,
            revision=revision,
            t_ms=t_ms,
            state_hash=state_hash,
            signature=signature,
            ending=ending,
        )

    def close(self) -> None:
        """Close the database (and release the writer lock it holds); reads and writes
        afterwards raise RuntimeError."""
        with self._lock:
            if not self._closed:
                self._closed = True
                try:
                    self._db.close()
                finally:
                    if self._hold is not None:
                        self._hold.release()

    def relocate(self, move: Callable[[], Path]) -> None:
        """Close the database file, let ``move`` rename its directory and return the new
        file path, and reopen it there; a failed move reopens the file where it was.

        SQLite keeps journal file names from when it opened the database, so the file is
        never moved while open.
        """
        with self._lock:
            self._check_open()
            self._db.close()
            try:
                path = move()
            except BaseException:
                self._db = self._connect(self.path)
                raise
            self.path = path
            self._db = self._connect(path)

    # ------------------------------------------------------------ beyond the protocol

    @contextmanager
    def reading(self) -> Iterator[None]:
        """One consistent view for a series of reads while another process may be writing.

        Everything read inside sees the database as of the first read (one SQLite read
        transaction). Do not write through this store inside the block.
        """
        with self._lock:
            self._check_open()
            self._db.execute("BEGIN")
        try:
            yield
        finally:
            with self._lock:
                if not self._closed and self._db.in_transaction:
                    self._db.execute("COMMIT")

    def counts(self) -> dict[str, int]:
        """How many events, receipts and snapshots are stored."""
        return {
            table: int(self._query(f"SELECT COUNT(*) FROM {table}")[0][0])
            for table in ("events", "receipts", "snapshots")
        }

    def raw_rows(self, table: str) -> Iterator[dict[str, Any]]:
        """The stored rows of ``table`` exactly as on disk (text not parsed), in key order.

        Verification reads these so that damaged text is reported, never a crash.
        """
        if table not in _ORDER:
            raise ValueError(f"unknown table {table!r} (tables: {', '.join(TABLES)})")
        with self._lock:
            self._check_open()
            cursor = self._db.execute(f"SELECT * FROM {table} LIMIT 0")
            names = [d[0] for d in cursor.description]
        key = _ORDER[table]
        position = names.index(key)
        columns = ", ".join(names)
        sql = f"SELECT {columns} FROM {table} WHERE {key} > ? ORDER BY {key} LIMIT {PAGE_ROWS}"
        last: Any = -(2**63)
        while True:
            rows = self._query(sql, (last,))
            for row in rows:
                yield dict(zip(names, row, strict=True))
            if len(rows) < PAGE_ROWS:
                return
            last = rows[-1][position]

    def pragma(self, name: str) -> Any:
        """The value of a read-only PRAGMA such as ``synchronous`` or ``journal_mode``."""
        if not name.isidentifier():
            raise ValueError(f"not a pragma name: {name!r}")
        return self._query(f"PRAGMA {name}")[0][0]


def _snapshot_row(snapshot: Snapshot) -> tuple[Any, ...]:
    return (
        snapshot.revision,
        snapshot.t_ms,
        snapshot.receipt_count,
        snapshot.chain_head,
        snapshot.state_hash,
        snapshot.text if snapshot.text is not None else canonical_json(snapshot.state),
    )


def _snapshot(row: Sequence[Any]) -> Snapshot:
    revision, t_ms, receipt_count, chain_head, state_hash, state = row
    return Snapshot(
        revision=revision,
        t_ms=t_ms,
        receipt_count=receipt_count,
        chain_head=chain_head,
        state_hash=state_hash,
        text=state,
    )
