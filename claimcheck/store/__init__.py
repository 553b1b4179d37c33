"""The store: `cache/claimcheck.db` (SQLite via sqlite-utils) beside `cache/warc/`; or, for a team, an index in
PostgreSQL (`--store postgresql://...`) beside a shared archive folder.

A Store opens both and hands out one repository per topic: `runs`, `captures` (sources, captures, payloads),
`mementos`, `extractions` (texts, evidence matches), `findings` and `reviews` (baselines, accepted evidence,
the append-only audit log). Writes happen in `transaction()`s under an exclusive lock (a file lock; in
PostgreSQL an advisory lock), so an interrupted run leaves the last committed state and a second run cannot
write at the same time. Nothing outside this package touches the connection. Browse it with
`datasette cache/claimcheck.db`.

Modules: `tables` (the queries, written once for both databases), `sqlite` and `postgres` (what is
particular to each), `schema` and `schema_pg` (the same migrations), `transfer` (an index copied into
another), `rows` (typed rows between stages), one repository per topic (`runs`, `captures`, `extractions`,
`findings`, `reviews`), `archive` (the WARC files, written once, never rewritten) and `writer` (a run's
records written by a process of their own, off the fetch loop).
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import sqlite_utils

from claimcheck.core.errors import NotFound, StoreError, StoreLocked
from claimcheck.store.captures import Captures, Mementos
from claimcheck.store.extractions import Extractions, pack_text, unpack_text
from claimcheck.store.findings import Findings
from claimcheck.store.reviews import Reviews
from claimcheck.store.runs import Runs
from claimcheck.store.schema import migrations
from claimcheck.store import postgres
from claimcheck.store.sqlite import Error, SpilledRows, SqliteTables, open_database
from claimcheck.store.tables import IN_CHUNK, Tables, chunks

__all__ = ["DB_NAME", "IN_CHUNK", "LOCK_NAME", "Paths", "SpilledRows", "Store", "chunks", "database_errors",
           "pack_text", "unpack_text"]


def database_errors() -> tuple[type[BaseException], ...]:
    """What either database raises (a read outside `write_errors`, a connection lost): the CLI says it in
    one line."""
    return (Error, *postgres.errors())

DB_NAME = "claimcheck.db"
LOCK_NAME = "claimcheck.lock"
SCHEMA_LOCK_NAME = "claimcheck.schema.lock"


@dataclass(frozen=True)
class Paths:
    root: Path

    @property
    def db(self) -> Path:
        return self.root / DB_NAME

    @property
    def warc(self) -> Path:
        return self.root / "warc"

    @property
    def lock(self) -> Path:
        return self.root / LOCK_NAME

    @property
    def schema_lock(self) -> Path:
        return self.root / SCHEMA_LOCK_NAME


@contextmanager
def _flocked(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


class Store:
    """The index (SQLite in the store's folder, or PostgreSQL) and the WARC directory, opened together.

    `location`: the store's folder (SQLite), or a `postgresql://` URL, whose WARC files (and validated claims
    files) go to `archive`, a folder every machine writing to the index shares (a network mount will do)."""

    def __init__(self, location: str | Path = "cache", *, create: bool = True,
                 archive: str | Path | None = None) -> None:
        self.location = str(location)
        self.backend = "postgresql" if postgres.is_database_url(self.location) else "sqlite"
        # An SQLite store keeps its WARC files in its own folder; `archive` is a PostgreSQL store's.
        root = Path(location) if self.backend == "sqlite" else Path(archive if archive is not None else "cache")
        self.paths = Paths(root)
        self._spill: sqlite_utils.Database | None = None
        if self.backend == "sqlite":
            if not self.paths.db.exists() and not create:
                raise NotFound(f"no store at {self.paths.root} (run `claimcheck check` or `claimcheck fetch` first)")
            tables: Tables = self._open_sqlite()
        else:
            tables = self._open_postgres(create)
        self._errors = database_errors()  # psycopg's too, once a PostgreSQL store has imported it
        self.tables = tables
        self.runs = Runs(tables)
        self.captures = Captures(tables)
        self.mementos = Mementos(tables)
        self.extractions = Extractions(tables)
        self.findings = Findings(tables)
        self.reviews = Reviews(tables)

    @property
    def name(self) -> str:
        """The store as messages name it (a database URL without its password)."""
        return str(self.paths.root) if self.backend == "sqlite" else postgres.redacted(self.location)

    def _open_sqlite(self) -> SqliteTables:
        try:
            self.paths.warc.mkdir(parents=True, exist_ok=True)
            # Creating or migrating the schema (and switching a new file to WAL) is one process's job at a time:
            # runs started together on a new store queue here for a moment instead of one failing with
            # "database is locked". This lock is held for the schema only; a run's own lock comes later.
            with _flocked(self.paths.schema_lock):
                self.db = open_database(self.paths.db)
                migrations.apply(self.db)
        except OSError as exc:
            raise StoreError(f"cannot open the store at {self.paths.root}: {exc.strerror or exc}") from None
        except Error as exc:
            raise StoreError(f"cannot open the store at {self.paths.db}: {exc}") from None
        self._spill = self.db
        return SqliteTables(self.db)

    def _open_postgres(self, create: bool) -> postgres.PgTables:
        tables = postgres.PgTables(postgres.connect(self.location))
        try:
            if not create and not tables.exists():
                tables.conn.close()
                raise NotFound(f"no store at {self.name} (run `claimcheck check` or `claimcheck fetch` first)")
            tables.migrate()
            self.paths.warc.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            tables.conn.close()
            raise StoreError(f"cannot open the archive folder {self.paths.root}: {exc.strerror or exc}") from None
        except database_errors() as exc:
            tables.conn.close()
            raise StoreError(f"cannot open the store at {self.name}: {str(exc).strip()}") from None
        return tables

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything written inside commits together or not at all (nested: a savepoint)."""
        with self.tables.atomic():
            yield

    @contextmanager
    def write_errors(self) -> Iterator[None]:
        """A full disk or an unwritable store fails the run loudly, as a StoreError; transactions and
        temporary names keep what was already there intact."""
        try:
            yield
        except OSError as exc:
            raise StoreError(f"cannot write to the store {self.paths.root}: {exc.strerror or exc}") from exc
        except self._errors as exc:
            where = self.paths.db if self.backend == "sqlite" else self.name
            raise StoreError(f"cannot write to the store {where}: {str(exc).strip()}") from exc

    def spilled_rows(self, name: str, *, key: str | None = None) -> SpilledRows:
        """Rows a run holds until it indexes them, kept in a temporary table rather than in memory."""
        if self._spill is None:
            # A PostgreSQL store's run keeps them in a private SQLite file: they never leave the process.
            self._spill = open_database(Path(self._spill_dir.name) / "spill.db")
        return SpilledRows(self._spill, name, key=key)

    @contextmanager
    def locked(self, wait: float = 0.0, *, shard: tuple[int, int] | None = None) -> Iterator[None]:
        """Hold the store's exclusive lock; wait up to `wait` seconds for another run to finish. `shard`: (run
        id, shard number) of a sharded fetch, which PostgreSQL lets run beside the run's other shards (SQLite
        takes them one at a time)."""
        if self.backend == "postgresql":
            assert isinstance(self.tables, postgres.PgTables)
            deadline = time.monotonic() + wait
            while not self.tables.try_lock(shard):
                if time.monotonic() >= deadline:
                    what = "another claimcheck run" if shard is None else f"shard {shard[1]} of run {shard[0]} " \
                        "or a whole run"
                    raise StoreLocked(f"{what} is writing to {self.name}; wait for it to finish")
                time.sleep(0.2)
            try:
                yield
            finally:
                self.tables.unlock(shard)
            return
        fd = os.open(self.paths.lock, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise StoreLocked(
                        f"another claimcheck run is writing to {self.paths.root} (lock {self.paths.lock}); "
                        "wait for it to finish") from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    @cached_property
    def _spill_dir(self) -> tempfile.TemporaryDirectory[str]:
        return tempfile.TemporaryDirectory(prefix="claimcheck-spill-")

    def close(self) -> None:
        if self.backend == "sqlite":
            self.db.close()
            return
        assert isinstance(self.tables, postgres.PgTables)
        self.tables.conn.close()
        if self._spill is not None:
            self._spill.close()
            self._spill_dir.cleanup()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
