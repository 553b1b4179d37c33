"""What is SQLite-specific about the store, in one place: opening a connection (WAL, pragmas), the primitives
`tables.Tables` builds its queries on, and a run's temporary tables (`SpilledRows`, which a PostgreSQL
store keeps in a private SQLite file too: they never leave the process)."""

from __future__ import annotations

import marshal
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, cast

import sqlite_utils

from claimcheck.store.tables import IN_CHUNK, Tables

Error = sqlite3.Error  # what the database raises; the store turns it into a StoreError


def open_database(path: Path) -> sqlite_utils.Database:
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA busy_timeout = 30000")
    db.enable_wal()
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA temp_store = FILE")  # a run's SpilledRows go to disk, whatever the build's default
    return db


class SqliteTables(Tables):
    """The embedded index: one file, WAL mode."""

    dialect = "sqlite"
    insertion_order = "rowid"

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self._column_cache: dict[str, list[str]] = {}

    def query(self, sql: str, params: Iterable[Any] = ()) -> Iterator[dict[str, Any]]:
        return self.db.query(sql, list(params))

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        return self.db.execute(sql, list(params)).fetchall()

    def execute(self, sql: str, params: Iterable[Any] = ()) -> None:
        self.db.execute(sql, list(params))

    def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        self.db.conn.executemany(sql, params)

    def atomic(self) -> AbstractContextManager[None]:
        return cast(AbstractContextManager[None], self.db.atomic())

    def columns(self, table: str) -> list[str]:
        if table not in self._column_cache:
            self._column_cache[table] = [row[1] for row in self.db.execute(f"pragma table_info({table})")]
        return self._column_cache[table]

    def generated(self, table: str) -> set[str]:
        return {"id"}  # an INTEGER PRIMARY KEY left NULL is the next rowid

    def new_ids(self, table: str, count: int) -> list[int]:
        # Under the store's lock (one writer at a time), so that the rows go in as one batch.
        first = int(self.scalar(f"select coalesce(max(id), 0) + 1 from {table}"))
        return list(range(first, first + count))


class SpilledRows:
    """Rows a run keeps until its end, held in a temporary table of the store's connection (a file SQLite
    deletes when the connection closes) rather than in memory: a run over tens of thousands of sources holds
    a few hundred of them at a time. Rows are dicts of str, int, float and None, kept with `marshal` (exact,
    and several times faster than JSON); they never leave this process. With `key`, rows can be looked up by
    that field (unique)."""

    BATCH = IN_CHUNK

    def __init__(self, db: sqlite_utils.Database, name: str, *, key: str | None = None) -> None:
        self.db = db
        self.table = f"temp.[{name}]"
        self.key = key
        with db.atomic():
            db.execute(f"DROP TABLE IF EXISTS {self.table}")
            db.execute(f"CREATE TABLE {self.table} (seq INTEGER PRIMARY KEY, key TEXT UNIQUE, row BLOB NOT NULL)")
        self.buffer: list[dict[str, Any]] = []
        self.buffered: dict[Any, dict[str, Any]] = {}  # key -> row, for the rows not flushed yet
        self.count = 0

    def append(self, row: dict[str, Any]) -> None:
        self.buffer.append(row)
        if self.key is not None:
            self.buffered[row[self.key]] = row
        self.count += 1
        if len(self.buffer) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            with self.db.atomic():
                self.db.conn.executemany(
                    f"INSERT INTO {self.table} (key, row) VALUES (?, ?)",
                    ((row[self.key] if self.key is not None else None, marshal.dumps(row)) for row in self.buffer))
            self.buffer.clear()
            self.buffered.clear()

    def get(self, key: Any) -> dict[str, Any] | None:
        """The row whose `key` field is `key`, if appended."""
        if key in self.buffered:
            return self.buffered[key]
        found = self.db.execute(f"SELECT row FROM {self.table} WHERE key = ?", [key]).fetchone()
        return marshal.loads(found[0]) if found else None

    def __len__(self) -> int:
        return self.count

    def chunks(self, *, by_key: bool = False) -> Iterator[list[dict[str, Any]]]:
        """Every row in the order appended (`by_key`: in the order of their keys), BATCH at a time."""
        self.flush()
        column = "key" if by_key else "seq"
        last: Any = "" if by_key else 0
        while True:
            rows = self.db.execute(f"SELECT {column}, row FROM {self.table} WHERE {column} > ? ORDER BY {column} "
                                   "LIMIT ?", [last, self.BATCH]).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield [marshal.loads(row) for _, row in rows]

    def discard(self) -> None:
        self.buffer.clear()
        self.buffered.clear()
        try:
            self.db.execute(f"DROP TABLE IF EXISTS {self.table}")
        except sqlite3.Error:
            # Called on the way out of a failed run, whose error is the one to report; the table goes with the
            # connection anyway.
            pass
