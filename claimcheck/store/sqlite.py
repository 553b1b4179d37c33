"""What is SQLite-specific about the store, in one place: opening a connection (WAL, pragmas), inserting and
querying many rows at a time, and a run's temporary tables. A PostgreSQL index would replace this module and
the DDL in `schema`, and keep the repositories' interface."""

from __future__ import annotations

import json
import marshal
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import sqlite_utils

IN_CHUNK = 500  # values per "in (...)" query: well under SQLite's limit on bound parameters
Error = sqlite3.Error  # what the database raises; the store turns it into a StoreError


def chunks(values: list[Any], size: int = IN_CHUNK) -> Iterator[list[Any]]:
    """`values` a slice at a time; by default as many as one query of the store takes."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def to_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def open_database(path: Path) -> sqlite_utils.Database:
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA busy_timeout = 30000")
    db.enable_wal()
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA temp_store = FILE")  # a run's SpilledRows go to disk, whatever the build's default
    return db


class Tables:
    """Bulk access shared by the repositories: plain executemany inserts and chunked `in (...)` queries."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self._column_cache: dict[str, list[str]] = {}

    def query(self, sql: str, params: Iterable[Any] = ()) -> Iterator[dict[str, Any]]:
        return self.db.query(sql, list(params))

    def first(self, sql: str, params: Iterable[Any] = ()) -> dict[str, Any] | None:
        return next(iter(self.db.query(sql, list(params))), None)

    def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        return self.db.execute(sql, list(params)).fetchone()[0]

    def columns(self, table: str) -> list[str]:
        if table not in self._column_cache:
            self._column_cache[table] = [column.name for column in self.db.table(table).columns]
        return self._column_cache[table]

    def insert_many(self, table: str, rows: Iterable[Mapping[str, Any]], verb: str = "insert") -> None:
        """Plain executemany: sqlite-utils' insert inspects the table on every call, which dominated runs of
        thousands of rows (measured: ~80 statements per source)."""
        if isinstance(rows, list) and not rows:
            return
        columns = self.columns(table)
        sql = (f"{verb} into [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
               f"values ({', '.join('?' for _ in columns)})")
        # A generator, not a list: a run's thousands of rows are not copied once more as parameter lists.
        self.db.conn.executemany(sql, ([row.get(column) for column in columns] for row in rows))

    def insert_one(self, table: str, row: dict[str, Any]) -> int:
        """Insert a row and return its rowid."""
        inserted = self.db.table(table).insert(row)
        assert inserted.last_rowid is not None
        return inserted.last_rowid

    def query_in(self, sql: str, values: Iterable[str]) -> Iterator[dict[str, Any]]:
        """`sql` run for the values a chunk at a time, its `{}` replaced by the chunk's placeholders."""
        for chunk in chunks(list(values)):
            yield from self.db.query(sql.format(",".join("?" * len(chunk))), chunk)

    def rows_where_in(self, table: str, column: str, values: Iterable[str]) -> Iterator[dict[str, Any]]:
        return self.query_in(f"select * from [{table}] where [{column}] in ({{}})", values)


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

    def chunks(self) -> Iterator[list[dict[str, Any]]]:
        """Every row in the order appended, BATCH at a time."""
        self.flush()
        last = 0
        while True:
            rows = self.db.execute(f"SELECT seq, row FROM {self.table} WHERE seq > ? ORDER BY seq LIMIT ?",
                                   [last, self.BATCH]).fetchall()
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
