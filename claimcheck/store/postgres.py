"""What is PostgreSQL-specific about the store, in one place: connecting (psycopg 3, the `postgres` extra),
the primitives `tables.Tables` builds its queries on, the migrations of `schema_pg`, and the store's lock as
advisory locks (held by the connection, so a run that dies releases them with it).

The repositories' SQL is written once for both databases; here it is only re-spelt for psycopg (`?` becomes
`%s`)."""

from __future__ import annotations

import re
import sys
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, cast

from claimcheck.core import clock
from claimcheck.core.errors import StoreError
from claimcheck.store import schema_pg
from claimcheck.store.tables import Tables

if TYPE_CHECKING:
    import psycopg

SCHEMES = ("postgresql://", "postgres://")
MIGRATION_SET = "claimcheck"
# Advisory lock keys: (claimcheck's namespace, what is locked). A whole run holds STORE exclusively; each shard
# of a sharded run holds STORE shared (shards write at once, a whole run waits for them all) and its own
# (run, shard) key exclusively (the same shard is never fetched twice at once).
NAMESPACE = zlib.crc32(b"claimcheck") & 0x7FFFFFFF
STORE, SCHEMA = 1, 2
SHARD_NAMESPACE = NAMESPACE ^ 0x5A5A


def is_database_url(location: str) -> bool:
    return location.startswith(SCHEMES)


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


def connect(url: str) -> psycopg.Connection[Any]:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - the extra is part of the test install
        raise StoreError("a PostgreSQL store needs psycopg: pip install 'claimcheck[postgres]'") from None
    try:
        # Autocommit: each statement outside `atomic()` commits by itself, as with SQLite.
        return psycopg.connect(url, autocommit=True, application_name="claimcheck")
    except psycopg.Error as exc:
        raise StoreError(f"cannot connect to the store {redacted(url)}: {str(exc).strip()}") from None


def errors() -> tuple[type[BaseException], ...]:
    """psycopg's errors, once something has imported it: a run on SQLite never does, and importing it only to
    name its exceptions cost every command's start-up ~0.1 s (bench/run.py's profile)."""
    module = sys.modules.get("psycopg")
    return (module.Error,) if module is not None else ()


class PgTables(Tables):
    dialect = "postgresql"
    insertion_order = "seq"

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        from psycopg.rows import dict_row
        self.conn = conn
        self._dict_row = dict_row
        self._column_cache: dict[str, list[str]] = {}
        self._generated_cache: dict[str, set[str]] = {}
        self._cursors = 0

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s")

    def query(self, sql: str, params: Iterable[Any] = ()) -> Iterator[dict[str, Any]]:
        with self.conn.cursor(row_factory=self._dict_row) as cursor:
            cursor.execute(self._sql(sql), list(params))
            rows = cursor.fetchall()
        return iter(rows)

    def stream(self, sql: str, params: Iterable[Any] = ()) -> Iterator[dict[str, Any]]:
        # A server-side cursor, kept across commits (WITH HOLD) so that other queries can run between its
        # batches on the same connection: a report reads a run's findings a batch at a time.
        self._cursors += 1
        cursor = self.conn.cursor(name=f"claimcheck_stream_{self._cursors}", row_factory=self._dict_row,
                                  withhold=True)
        cursor.itersize = 2000
        try:
            cursor.execute(self._sql(sql), list(params))
            yield from cursor
        finally:
            cursor.close()

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self.conn.cursor() as cursor:
            cursor.execute(self._sql(sql), list(params))
            return cast("list[tuple[Any, ...]]", cursor.fetchall())

    def execute(self, sql: str, params: Iterable[Any] = ()) -> None:
        self.conn.execute(self._sql(sql), list(params))

    def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        with self.conn.cursor() as cursor:
            cursor.executemany(self._sql(sql), (list(p) for p in params))

    def atomic(self) -> AbstractContextManager[Any]:
        return cast("AbstractContextManager[Any]", self.conn.transaction())

    def columns(self, table: str) -> list[str]:
        if table not in self._column_cache:
            self._column_cache[table] = [row[0] for row in self.rows(
                "select column_name from information_schema.columns where table_schema = current_schema() "
                "and table_name = ? order by ordinal_position", [table])]
        return self._column_cache[table]

    def generated(self, table: str) -> set[str]:
        if table not in self._generated_cache:
            self._generated_cache[table] = {row[0] for row in self.rows(
                "select column_name from information_schema.columns where table_schema = current_schema() "
                "and table_name = ? and is_identity = 'YES'", [table])}
        return self._generated_cache[table]

    def new_ids(self, table: str, count: int) -> list[int]:
        # From the table's identity sequence: shards indexing at once never take the same id.
        return [row[0] for row in self.rows(
            f"select nextval(pg_get_serial_sequence('{table}', 'id')) from generate_series(1, ?)", [count])]

    def reset_ids(self) -> None:
        """After rows were copied in with their ids: each identity continues after the largest id."""
        for table, column in self.rows(
                "select table_name, column_name from information_schema.columns "
                "where table_schema = current_schema() and is_identity = 'YES'"):
            self.execute(f"select setval(pg_get_serial_sequence('{table}', '{column}'), "
                         f"coalesce((select max({column}) from {table}), 0) + 1, false)")

    # -- schema and locks --------------------------------------------------------------------------------
    def migrate(self) -> None:
        """Bring the index up to date, one process at a time (a transaction-scoped advisory lock)."""
        with self.atomic():
            self.execute("select pg_advisory_xact_lock(?::int, ?::int)", [NAMESPACE, SCHEMA])
            self.execute(f'CREATE TABLE IF NOT EXISTS _migrations (migration_set {schema_pg.T}, '
                         f'name {schema_pg.T}, applied_at {schema_pg.T}, PRIMARY KEY (migration_set, name))')
            applied = {row[0] for row in self.rows("select name from _migrations where migration_set = ?",
                                                   [MIGRATION_SET])}
            for name, statements in schema_pg.MIGRATIONS:
                if name in applied:
                    continue
                for statement in statements:
                    self.conn.execute(statement)  # DDL as written: no parameters to re-spell
                self.execute("insert into _migrations (migration_set, name, applied_at) values (?, ?, ?)",
                             [MIGRATION_SET, name, clock.isoformat(clock.now())])
        self._column_cache.clear()
        self._generated_cache.clear()

    def exists(self) -> bool:
        return bool(self.scalar("select to_regclass('_migrations') is not null"))

    def is_empty(self) -> bool:
        return not self.exists() or not self.scalar("select exists (select 1 from runs)")

    def try_lock(self, shard: tuple[int, int] | None = None) -> bool:
        """Take the store's lock without waiting: exclusive, or for a shard (run id, shard number) shared with
        the run's other shards and exclusive for that shard."""
        if shard is None:
            return bool(self.scalar("select pg_try_advisory_lock(?::int, ?::int)", [NAMESPACE, STORE]))
        if not self.scalar("select pg_try_advisory_lock_shared(?::int, ?::int)", [NAMESPACE, STORE]):
            return False
        run_id, number = shard
        if self.scalar("select pg_try_advisory_lock(?::int, ?::int)", [SHARD_NAMESPACE, run_id * 4096 + number]):
            return True
        self.execute("select pg_advisory_unlock_shared(?::int, ?::int)", [NAMESPACE, STORE])
        return False

    def unlock(self, shard: tuple[int, int] | None = None) -> None:
        if shard is None:
            self.execute("select pg_advisory_unlock(?::int, ?::int)", [NAMESPACE, STORE])
            return
        run_id, number = shard
        self.execute("select pg_advisory_unlock(?::int, ?::int)", [SHARD_NAMESPACE, run_id * 4096 + number])
        self.execute("select pg_advisory_unlock_shared(?::int, ?::int)", [NAMESPACE, STORE])
