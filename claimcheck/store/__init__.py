"""The store: `cache/claimcheck.db` (SQLite via sqlite-utils) beside `cache/warc/`.

A Store opens both and hands out one repository per topic: `runs`, `captures` (sources, captures, payloads),
`mementos`, `extractions` (texts, evidence matches), `findings` and `reviews` (baselines, accepted evidence,
the append-only audit log). Writes happen in `transaction()`s under an exclusive file lock, in WAL mode, so an
interrupted run leaves the last committed state and a second run cannot write at the same time. Nothing
outside this package touches the connection. Browse it with `datasette cache/claimcheck.db`.

Modules: `sqlite` (everything SQLite-specific), `schema` (migrations), `rows` (typed rows between stages),
one repository per topic (`runs`, `captures`, `extractions`, `findings`, `reviews`) and `archive` (the WARC
files, written once, never rewritten).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from claimcheck.core.errors import NotFound, StoreError, StoreLocked
from claimcheck.store.captures import Captures, Mementos
from claimcheck.store.extractions import Extractions, pack_text, unpack_text
from claimcheck.store.findings import Findings
from claimcheck.store.reviews import Reviews
from claimcheck.store.runs import Runs
from claimcheck.store.schema import migrations
from claimcheck.store.sqlite import IN_CHUNK, Error, SpilledRows, Tables, chunks, open_database

__all__ = ["DB_NAME", "IN_CHUNK", "LOCK_NAME", "Paths", "SpilledRows", "Store", "chunks", "pack_text",
           "unpack_text"]

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
    """The SQLite index and the WARC directory, opened together."""

    def __init__(self, root: str | Path = "cache", *, create: bool = True) -> None:
        self.paths = Paths(Path(root))
        if not self.paths.db.exists() and not create:
            raise NotFound(f"no store at {self.paths.root} (run `claimcheck check` or `claimcheck fetch` first)")
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
        tables = Tables(self.db)
        self.runs = Runs(tables)
        self.captures = Captures(tables)
        self.mementos = Mementos(tables)
        self.extractions = Extractions(tables)
        self.findings = Findings(tables)
        self.reviews = Reviews(tables)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything written inside commits together or not at all (nested: a savepoint)."""
        with self.db.atomic():
            yield

    @contextmanager
    def write_errors(self) -> Iterator[None]:
        """A full disk or an unwritable store fails the run loudly, as a StoreError; transactions and
        temporary names keep what was already there intact."""
        try:
            yield
        except OSError as exc:
            raise StoreError(f"cannot write to the store {self.paths.root}: {exc.strerror or exc}") from exc
        except Error as exc:
            raise StoreError(f"cannot write to the store {self.paths.db}: {exc}") from exc

    def spilled_rows(self, name: str, *, key: str | None = None) -> SpilledRows:
        """Rows a run holds until it indexes them, kept in a temporary table rather than in memory."""
        return SpilledRows(self.db, name, key=key)

    @contextmanager
    def locked(self, wait: float = 0.0) -> Iterator[None]:
        """Hold the store's exclusive lock; wait up to `wait` seconds for another run to finish."""
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

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
