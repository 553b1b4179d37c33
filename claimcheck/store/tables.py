"""What the repositories ask of an index, whichever database holds it: queries written once, in the SQL that
SQLite and PostgreSQL share (`?` placeholders, `insert ... on conflict`, `returning`), over a few primitives
each backend gives (`sqlite.SqliteTables`, `postgres.PgTables`). Repositories never see a connection."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Literal

IN_CHUNK = 500  # values per "in (...)" query: well under SQLite's limit on bound parameters

# The primary keys `insert_many(..., on_conflict="replace")` and `upsert` resolve conflicts on.
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "sources": ("id",), "payloads": ("digest",), "extractions": ("payload_digest",), "texts": ("digest",),
    "evidence_matches": ("payload_digest", "evidence_key"), "mementos": ("url", "accept_datetime"),
    "run_articles": ("run_id", "article"), "run_shards": ("run_id", "shard"),
}

OnConflict = Literal["error", "ignore", "replace"]


def chunks(values: list[Any], size: int = IN_CHUNK) -> Iterator[list[Any]]:
    """`values` a slice at a time; by default as many as one query of the store takes."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def batched(values: Iterable[Any], size: int = IN_CHUNK) -> Iterator[list[Any]]:
    """`values` (any iterable, read as it goes) a list of `size` at a time."""
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def to_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


class Tables(ABC):
    """Bulk access shared by the repositories: plain executemany inserts and chunked `in (...)` queries."""

    dialect: str
    # The column that keeps a table's rows in insertion order where it has no id of its own.
    insertion_order: str

    # -- what each backend gives ---------------------------------------------------------------------
    @abstractmethod
    def query(self, sql: str, params: Iterable[Any] = ()) -> Iterator[dict[str, Any]]:
        """Rows as dicts, read as they are iterated."""

    @abstractmethod
    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows as tuples, all of them."""

    @abstractmethod
    def execute(self, sql: str, params: Iterable[Any] = ()) -> None:
        ...

    @abstractmethod
    def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        ...

    @abstractmethod
    def atomic(self) -> AbstractContextManager[None]:
        """A transaction; nested, a savepoint."""

    @abstractmethod
    def columns(self, table: str) -> list[str]:
        ...

    @abstractmethod
    def new_ids(self, table: str, count: int) -> list[int]:
        """`count` ids for rows of `table` about to be inserted together (inside the caller's transaction)."""

    def generated(self, table: str) -> set[str]:
        """Columns the database fills in when a row leaves them out."""
        return set()

    def stream(self, sql: str, params: Iterable[Any] = ()) -> Iterator[dict[str, Any]]:
        """As `query`, for results too large to hold (a run's findings): read a batch at a time."""
        return self.query(sql, params)

    # -- written once -----------------------------------------------------------------------------------
    def first(self, sql: str, params: Iterable[Any] = ()) -> dict[str, Any] | None:
        return next(iter(self.query(sql, params)), None)

    def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        return self.rows(sql, params)[0][0]

    def insert_many(self, table: str, rows: Iterable[Mapping[str, Any]], on_conflict: OnConflict = "error") -> None:
        """Plain executemany: sqlite-utils' insert inspects the table on every call, which dominated runs of
        thousands of rows (measured: ~80 statements per source)."""
        # A generator, not a list: a run's thousands of rows are not copied once more as parameter lists.
        iterator = iter(rows)
        first = next(iterator, None)
        if first is None:
            return
        columns = [c for c in self.columns(table) if c in first or c not in self.generated(table)]
        sql = (f"insert into {table} ({_names(columns)}) values ({', '.join('?' for _ in columns)})"
               + self._conflict_clause(table, columns, on_conflict))
        self.executemany(sql, ([row.get(column) for column in columns]
                               for row in _chained(first, iterator)))

    def insert_one(self, table: str, row: Mapping[str, Any]) -> int:
        """Insert a row and return its id."""
        columns = list(row)
        return int(self.scalar(f"insert into {table} ({_names(columns)}) values "
                               f"({', '.join('?' for _ in columns)}) returning id", list(row.values())))

    def update(self, table: str, row_id: int, values: Mapping[str, Any]) -> None:
        assignments = ", ".join(f'"{c}" = ?' for c in values)
        self.execute(f"update {table} set {assignments} where id = ?", [*values.values(), row_id])

    def upsert(self, table: str, row: Mapping[str, Any]) -> None:
        self.insert_many(table, [row], "replace")

    def query_in(self, sql: str, values: Iterable[str]) -> Iterator[dict[str, Any]]:
        """`sql` run for the values a chunk at a time, its `{}` replaced by the chunk's placeholders."""
        for chunk in chunks(list(values)):
            yield from self.query(sql.format(",".join("?" * len(chunk))), chunk)

    def rows_in(self, sql: str, values: Iterable[str]) -> Iterator[tuple[Any, ...]]:
        """`query_in` as tuples: no dict per row, for queries that read many small rows."""
        for chunk in chunks(list(values)):
            yield from self.rows(sql.format(",".join("?" * len(chunk))), chunk)

    def rows_where_in(self, table: str, column: str, values: Iterable[str]) -> Iterator[dict[str, Any]]:
        return self.query_in(f"select * from {table} where {column} in ({{}})", values)

    @staticmethod
    def _conflict_clause(table: str, columns: list[str], on_conflict: OnConflict) -> str:
        if on_conflict == "error":
            return ""
        if on_conflict == "ignore":
            return " on conflict do nothing"
        keys = PRIMARY_KEYS[table]
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in keys)
        return f" on conflict ({_names(keys)}) do update set {updates}"


def _names(columns: Iterable[str]) -> str:
    """Column names quoted (SQL's double quotes, which both databases read): some are keywords (`end`)."""
    return ", ".join(f'"{c}"' for c in columns)


def _chained(first: Mapping[str, Any], rest: Iterator[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    yield first
    yield from rest
