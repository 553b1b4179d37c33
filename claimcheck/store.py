"""The store: `cache/claimcheck.db` (SQLite via sqlite-utils) beside `cache/warc/`.

Runs, sources, captures, extracted texts, findings, baselines and an append-only audit log. Writes happen in
transactions under an exclusive file lock, in WAL mode, so an interrupted run leaves the last committed state
and a second run cannot write at the same time. Browse it with `datasette cache/claimcheck.db`.
"""

from __future__ import annotations

import fcntl
import json
import marshal
import os
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from . import clock
from .compression import deflate
from .outcomes import NETWORK, OK, SOFT404_BY_PROBE
from .errors import NotFound, StoreError, StoreLocked
from .verdicts import SEVERITY

DB_NAME = "claimcheck.db"
_IN_CHUNK = 500  # values per "in (...)" query: well under SQLite's limit on bound parameters
LOCK_NAME = "claimcheck.lock"
# A verdict's place in verdicts.SEVERITY (0 is the worst), for ordering in SQL.
_SEVERITY_RANK = ("case verdict " + " ".join(f"when '{v.value}' then {rank}" for rank, v in enumerate(SEVERITY))
                  + f" else {len(SEVERITY)} end")


def chunks(values: list[Any], size: int = _IN_CHUNK) -> Iterator[list[Any]]:
    """`values` a slice at a time; by default as many as one query of the store takes."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


migrations = Migrations("claimcheck")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.table("runs").create({
        "id": int, "started_at": str, "finished_at": str, "command": str, "claims_file": str,
        "status": str, "network": str, "options": str, "summary": str,
    }, pk="id")
    db.table("sources").create({
        "id": str, "url": str, "publisher": str, "title": str, "cited_date": str, "updated_at": str,
    }, pk="id")
    db.table("captures").create({
        "id": int, "run_id": int, "source_id": str, "url": str, "final_url": str, "fetched_at": str,
        "elapsed": float, "http_status": int, "outcome": str, "reason": str, "error_kind": str, "error": str,
        "redirects": str, "permanent_redirect": int, "headers": str, "etag": str, "last_modified": str,
        "content_type": str, "payload_digest": str, "payload_length": int, "not_modified": int,
        "warc_file": str, "warc_offset": int, "warc_length": int, "record_type": str, "peer": str,
    }, pk="id", foreign_keys=[("run_id", "runs", "id")])
    db.table("captures").create_index(["source_id", "fetched_at"])
    db.table("captures").create_index(["payload_digest"])
    db.table("payloads").create({
        "digest": str, "uri": str, "date": str, "length": int, "content_type": str,
        "warc_file": str, "warc_offset": int, "warc_length": int,
    }, pk="digest")
    db.table("extractions").create({
        "payload_digest": str, "extractor": str, "kind": str, "title": str, "published": str,
        "modified": str, "canonical": str, "text_digest": str, "full_text_digest": str, "signals": str,
    }, pk="payload_digest")
    db.table("texts").create({"digest": str, "text": str}, pk="digest")
    db.table("findings").create({
        "id": int, "run_id": int, "claim_id": str, "source_id": str, "verdict": str, "level": str,
        "detail": str, "url": str, "final_url": str, "http_status": int, "capture_id": int,
        "captured_at": str, "evidence_score": float, "evidence_text": str, "page_date": str, "cited_date": str,
        "suggested_url": str, "claim_text": str,
    }, pk="id", foreign_keys=[("run_id", "runs", "id")])
    db.table("findings").create_index(["run_id"])
    db.table("findings").create_index(["source_id"])
    db.table("baselines").create({
        "id": int, "source_id": str, "capture_id": int, "accepted_at": str, "accepted_by": str, "note": str,
        "kind": str,
    }, pk="id", foreign_keys=[("capture_id", "captures", "id")])
    db.table("baselines").create_index(["source_id"])
    db.table("evidence").create({
        "id": int, "claim_id": str, "source_id": str, "text": str, "accepted_at": str, "accepted_by": str,
        "note": str,
    }, pk="id")
    db.table("audit").create({
        "id": int, "at": str, "actor": str, "action": str, "target": str, "note": str, "data": str,
    }, pk="id")
    # The audit log is append-only by construction, not by convention.
    db.execute("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
               "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")
    db.execute("CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
               "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")


@migrations()
def m002_views(db: sqlite_utils.Database) -> None:
    """Views for browsing the store (datasette): the latest check, and each source's state."""
    db.create_view("latest_findings", """
        select f.claim_id, f.source_id, f.verdict, f.level, f.detail, f.url, f.final_url, f.http_status,
               f.evidence_score, f.page_date, f.cited_date, f.suggested_url, f.captured_at, r.id as run_id,
               r.started_at as checked_at
        from findings f join runs r on r.id = f.run_id
        where r.id = (select max(id) from runs where command = 'check' and status in ('complete', 'network-down'))
    """)
    db.create_view("source_timeline", """
        select c.source_id, c.fetched_at, c.http_status, c.outcome, c.reason, c.not_modified, c.final_url,
               c.payload_digest, e.title, e.published as page_date, c.warc_file, c.warc_offset, c.run_id
        from captures c left join extractions e on e.payload_digest = c.payload_digest
        order by c.source_id, c.fetched_at
    """)


@migrations()
def m003_mementos(db: sqlite_utils.Database) -> None:
    """TimeGate answers, so an archive is asked once per URL and date, not on every run."""
    db.table("mementos").create({
        "url": str, "accept_datetime": str, "memento_url": str, "memento_datetime": str, "looked_up_at": str,
    }, pk=("url", "accept_datetime"))


@migrations()
def m004_evidence_matches(db: sqlite_utils.Database) -> None:
    """Where an evidence passage was found in a payload: a payload never changes, so neither does this."""
    db.table("evidence_matches").create({
        "payload_digest": str, "evidence_key": str, "extractor": str, "score": float, "start": int, "end": int,
        "passage": str, "exact": int, "in_main_text": int,
    }, pk=("payload_digest", "evidence_key"))


@migrations()
def m005_latest_captures(db: sqlite_utils.Database) -> None:
    """The newest capture per source and URL (and per final URL, per payload), kept by triggers as captures
    are inserted, so that a run reads the current state in O(sources), not by grouping the whole history:
    a daily job over 5,000 sources adds 1.8 million captures a year. Captures are never updated or deleted."""
    db.execute("CREATE TABLE latest_captures (source_id TEXT NOT NULL, url TEXT NOT NULL, capture_id INTEGER "
               "NOT NULL, PRIMARY KEY (source_id, url))")
    db.execute("CREATE TABLE latest_validators (final_url TEXT PRIMARY KEY, capture_id INTEGER NOT NULL)")
    db.execute("CREATE TABLE latest_payload_captures (payload_digest TEXT NOT NULL, final_url TEXT NOT NULL, "
               "capture_id INTEGER NOT NULL, PRIMARY KEY (payload_digest, final_url))")
    db.execute(f"CREATE TRIGGER captures_keep_latest AFTER INSERT ON captures BEGIN {_LATEST_UPSERTS} END")
    # Stores made before this migration: the same state, computed once from the history.
    db.execute(f"""INSERT INTO latest_captures (source_id, url, capture_id)
        SELECT source_id, url, max(id) FROM captures WHERE {_USABLE} GROUP BY source_id, url""")
    db.execute(f"""INSERT INTO latest_validators (final_url, capture_id)
        SELECT final_url, max(id) FROM captures WHERE {_HAS_VALIDATORS} GROUP BY final_url""")
    db.execute(f"""INSERT INTO latest_payload_captures (payload_digest, final_url, capture_id)
        SELECT payload_digest, final_url, max(id) FROM captures WHERE {_HAS_PAYLOAD}
        GROUP BY payload_digest, final_url""")


@migrations()
def m006_finding_freshness(db: sqlite_utils.Database) -> None:
    """Whether a finding judged a capture made in its own run (a network-down or offline run judges older
    ones), and whether its claim had an evidence passage: so reports need not read either from the detail."""
    db.table("findings").add_column("checked", int)
    db.table("findings").add_column("has_evidence", int)


_USABLE = f"outcome != '{NETWORK}' AND source_id IS NOT NULL AND url IS NOT NULL"
_HAS_VALIDATORS = ("http_status = 200 AND payload_digest IS NOT NULL AND final_url IS NOT NULL "
                   "AND (etag IS NOT NULL OR last_modified IS NOT NULL)")
_HAS_PAYLOAD = f"payload_digest IS NOT NULL AND final_url IS NOT NULL AND outcome != '{NETWORK}'"


_CAPTURE_COLUMN = re.compile(r"\b(outcome|source_id|url|http_status|payload_digest|final_url|etag|last_modified)\b")


def _new(condition: str) -> str:
    """The condition on the row being inserted, for the trigger."""
    return _CAPTURE_COLUMN.sub(r"NEW.\1", condition)


_LATEST_UPSERTS = f"""
    INSERT INTO latest_captures (source_id, url, capture_id) SELECT NEW.source_id, NEW.url, NEW.id
        WHERE {_new(_USABLE)}
        ON CONFLICT (source_id, url) DO UPDATE SET capture_id = excluded.capture_id
        WHERE excluded.capture_id > latest_captures.capture_id;
    INSERT INTO latest_validators (final_url, capture_id) SELECT NEW.final_url, NEW.id
        WHERE {_new(_HAS_VALIDATORS)}
        ON CONFLICT (final_url) DO UPDATE SET capture_id = excluded.capture_id
        WHERE excluded.capture_id > latest_validators.capture_id;
    INSERT INTO latest_payload_captures (payload_digest, final_url, capture_id)
        SELECT NEW.payload_digest, NEW.final_url, NEW.id WHERE {_new(_HAS_PAYLOAD)}
        ON CONFLICT (payload_digest, final_url) DO UPDATE SET capture_id = excluded.capture_id
        WHERE excluded.capture_id > latest_payload_captures.capture_id;"""


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


def pack_text(text: str) -> bytes:
    """A text as the store keeps it: a zlib stream (level 2, see `compression`). Plain main and full texts
    made the index twelve times the size of the WARC files on the benchmark's pages; packed, a first check
    writes a quarter of the bytes."""
    return deflate.compress(text.encode("utf-8"), 2)


def unpack_text(value: bytes) -> str:
    return deflate.decompress(value).decode("utf-8")


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


class SpilledRows:
    """Rows a run keeps until its end, held in a temporary table of the store's connection (a file SQLite
    deletes when the connection closes) rather than in memory: a run over tens of thousands of sources holds
    a few hundred of them at a time. Rows are dicts of str, int, float and None, kept with `marshal` (exact,
    and several times faster than JSON); they never leave this process. With `key`, rows can be looked up by
    that field (unique)."""

    BATCH = _IN_CHUNK

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


class Store:
    """The SQLite index and the WARC directory, opened together."""

    def __init__(self, root: str | Path = "cache", *, create: bool = True) -> None:
        self.paths = Paths(Path(root))
        if not self.paths.db.exists() and not create:
            raise NotFound(f"no store at {self.paths.root} (run `claimcheck check` or `claimcheck fetch` first)")
        try:
            self.paths.warc.mkdir(parents=True, exist_ok=True)
            self.db = sqlite_utils.Database(self.paths.db)
            self.db.execute("PRAGMA busy_timeout = 30000")
            self.db.enable_wal()
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA temp_store = FILE")  # a run's SpilledRows go to disk, whatever the build's default
            migrations.apply(self.db)
        except OSError as exc:
            raise StoreError(f"cannot open the store at {self.paths.root}: {exc.strerror or exc}") from None
        self._lock_fd: int | None = None
        self._column_cache: dict[str, list[str]] = {}

    # -- transactions ----------------------------------------------------------------------------------
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
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write to the store {self.paths.db}: {exc}") from exc

    def spilled_rows(self, name: str, *, key: str | None = None) -> SpilledRows:
        """Rows a run holds until it indexes them, kept in a temporary table rather than in memory."""
        return SpilledRows(self.db, name, key=key)

    # -- locking ---------------------------------------------------------------------------------------
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
        self._lock_fd = fd
        try:
            yield
        finally:
            self._lock_fd = None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- runs ------------------------------------------------------------------------------------------
    def start_run(self, command: str, claims_file: str, options: dict[str, Any]) -> int:
        """Open a run; any run still 'running' was interrupted, since the caller holds the lock."""
        with self.db.atomic():
            self.db.execute("update runs set status = 'interrupted' where status = 'running'")
            return _rowid(self.db.table("runs").insert({
                "started_at": clock.isoformat(clock.now()), "command": command, "claims_file": claims_file,
                "status": "running", "network": None, "options": _json(options),
            }))

    def finish_run(self, run_id: int, status: str, network: str, summary: dict[str, Any]) -> None:
        with self.db.atomic():
            self.db.table("runs").update(run_id, {"finished_at": clock.isoformat(clock.now()), "status": status,
                                            "network": network, "summary": _json(summary)})

    def run(self, run_id: int) -> dict[str, Any]:
        try:
            return dict(self.db.table("runs").get(run_id))
        except sqlite_utils.db.NotFoundError:
            raise NotFound(f"no run {run_id}") from None

    def last_check_run(self) -> dict[str, Any] | None:
        rows = list(self.db.query(
            "select * from runs where command = 'check' and status in ('complete', 'network-down') "
            "order by id desc limit 1"))
        return rows[0] if rows else None

    # -- sources ---------------------------------------------------------------------------------------
    def sync_sources(self, rows: Iterable[dict[str, Any]]) -> None:
        """Record the claims file's sources (rows with id, url, publisher, title, cited_date)."""
        now = clock.isoformat(clock.now())
        with self.db.atomic():
            self.db.table("sources").upsert_all(({**row, "updated_at": now} for row in rows), pk="id")

    # -- captures --------------------------------------------------------------------------------------
    def _columns(self, table: str) -> list[str]:
        if table not in self._column_cache:
            self._column_cache[table] = [column.name for column in self.db.table(table).columns]
        return self._column_cache[table]

    def _insert_many(self, table: str, rows: Iterable[dict[str, Any]], verb: str = "insert") -> None:
        """Plain executemany: sqlite-utils' insert inspects the table on every call, which dominated runs of
        thousands of rows (measured: ~80 statements per source)."""
        if isinstance(rows, list) and not rows:
            return
        columns = self._columns(table)
        sql = (f"{verb} into [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
               f"values ({', '.join('?' for _ in columns)})")
        # A generator, not a list: a run's thousands of rows are not copied once more as parameter lists.
        self.db.conn.executemany(sql, ([row.get(column) for column in columns] for row in rows))

    def add_payloads(self, payloads: list[dict[str, Any]]) -> None:
        """Index first-seen payloads (one already known is left as it is)."""
        with self.db.atomic():
            self._insert_many("payloads", payloads, "insert or ignore")

    def add_captures(self, rows: list[dict[str, Any]]) -> list[int]:
        """Index captures in one transaction; return the new capture ids."""
        with self.db.atomic():
            # Ids are given here, under the store lock, so that the rows go in as one batch.
            first = self.db.execute("select coalesce(max(id), 0) + 1 from captures").fetchone()[0]
            ids = list(range(first, first + len(rows)))
            self._insert_many("captures", ({**row, "id": i} for row, i in zip(rows, ids, strict=True)))
        return ids

    def capture(self, capture_id: int) -> dict[str, Any]:
        try:
            return dict(self.db.table("captures").get(capture_id))
        except sqlite_utils.db.NotFoundError:
            raise NotFound(f"no capture {capture_id}") from None

    def latest_usable_captures(self, source_ids: Iterable[str]) -> dict[tuple[str, str], dict[str, Any]]:
        """(source id, URL) -> the newest capture that says something about the source (not network-down),
        for the given sources."""
        rows = self._query_in("select c.* from latest_captures l join captures c on c.id = l.capture_id "
                              "where l.source_id in ({})", source_ids)
        return {(row["source_id"], row["url"]): row for row in rows}

    def latest_baselines_of(self, source_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """source id -> its current baseline row, with the baseline capture's payload digest."""
        rows = self._query_in(
            "select b.*, c.payload_digest as capture_payload_digest from baselines b "
            "join (select source_id, max(id) as id from baselines where source_id in ({}) group by source_id) m "
            "on b.id = m.id join captures c on c.id = b.capture_id", source_ids)
        return {row["source_id"]: row for row in rows}

    def captures_of(self, source_id: str) -> list[dict[str, Any]]:
        return list(self.db.query("select * from captures where source_id = ? order by fetched_at, id",
                                  [source_id]))

    def soft404s_by_probe(self) -> set[tuple[str, str]]:
        """(payload digest, URL) pairs whose latest capture read like the site's answer to a made-up URL."""
        rows = self.db.query(
            "select c.payload_digest, c.final_url, c.reason from latest_payload_captures l "
            "join captures c on c.id = l.capture_id where c.reason like 'soft-404%'")
        return {(r["payload_digest"], r["final_url"]) for r in rows if (r["reason"] or "").startswith(SOFT404_BY_PROBE)}

    def validators(self) -> dict[str, tuple[str | None, str | None, str]]:
        """url -> (etag, last_modified, payload digest) of the newest 200 capture of each URL."""
        rows = self.db.query(
            "select c.final_url, c.etag, c.last_modified, c.payload_digest from latest_validators l "
            "join captures c on c.id = l.capture_id")
        return {r["final_url"]: (r["etag"], r["last_modified"], r["payload_digest"]) for r in rows}

    def payload(self, digest: str) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from payloads where digest = ?", [digest]))
        return rows[0] if rows else None

    # -- extractions and texts -------------------------------------------------------------------------
    def extraction(self, payload_digest: str) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from extractions where payload_digest = ?", [payload_digest]))
        return rows[0] if rows else None

    def add_extraction(self, row: dict[str, Any], texts: dict[str, str | bytes]) -> None:
        """`texts` by digest, as text or already packed by `pack_text` (worker processes pack them)."""
        self.add_extractions([(row, texts)])

    def add_extractions(self, items: list[tuple[dict[str, Any], dict[str, str | bytes]]],
                        evidence_matches: list[dict[str, Any]] | None = None) -> None:
        """Several extractions, and the evidence matches found in them, in one transaction (a first check
        stores thousands)."""
        packed = [{"digest": d, "text": t if isinstance(t, bytes) else pack_text(t)}
                  for _, texts in items for d, t in texts.items()]
        with self.db.atomic():
            self._insert_many("texts", packed, "insert or ignore")
            self._insert_many("extractions", [row for row, _ in items], "insert or replace")
            self._insert_many("evidence_matches", evidence_matches or [], "insert or replace")

    def extractions_of(self, digests: Iterable[str]) -> dict[str, dict[str, Any]]:
        """payload digest -> its extraction row, for many payloads at once."""
        return {row["payload_digest"]: row for row in self._rows_where_in("extractions", "payload_digest", digests)}

    def _rows_where_in(self, table: str, column: str, values: Iterable[str]) -> Iterator[dict[str, Any]]:
        return self._query_in(f"select * from [{table}] where [{column}] in ({{}})", values)

    def _query_in(self, sql: str, values: Iterable[str]) -> Iterator[dict[str, Any]]:
        """`sql` run for the values a chunk at a time, its `{}` replaced by the chunk's placeholders."""
        for chunk in chunks(list(values)):
            yield from self.db.query(sql.format(",".join("?" * len(chunk))), chunk)

    def text(self, digest: str | None) -> str | None:
        if not digest:
            return None
        rows = self.db.execute("select text from texts where digest = ?", [digest]).fetchall()
        if not rows:
            return None
        value = rows[0][0]
        return unpack_text(value) if isinstance(value, bytes) else value  # older stores kept plain text

    # -- baselines -------------------------------------------------------------------------------------
    def baseline(self, source_id: str) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from baselines where source_id = ? order by id desc limit 1",
                                  [source_id]))
        return rows[0] if rows else None

    def set_baseline(self, source_id: str, capture_id: int, *, by: str, note: str, kind: str) -> None:
        with self.db.atomic():
            self._insert_many("baselines", [{"source_id": source_id, "capture_id": capture_id,
                                             "accepted_at": clock.isoformat(clock.now()), "accepted_by": by,
                                             "note": note, "kind": kind}])
            self.audit(by, f"baseline-{kind}", source_id, note, {"capture_id": capture_id}, commit=False)

    def set_initial_baselines(self, sources: list[tuple[str, str]], *, by: str, note: str) -> None:
        """Give each (source id, URL) its first successful capture of that URL as its baseline, audited, in one
        transaction."""
        now = clock.isoformat(clock.now())
        rows: list[dict[str, Any]] = []
        for chunk in chunks(sources, _IN_CHUNK // 2):
            pairs = ",".join("(?, ?)" for _ in chunk)
            rows += self.db.query(
                f"with wanted(source_id, url) as (values {pairs}) select c.source_id, min(c.id) as capture_id "
                "from captures c join wanted w on c.source_id = w.source_id and c.url = w.url "
                f"where c.outcome = '{OK}' group by c.source_id", [value for pair in chunk for value in pair])
        with self.db.atomic():
            self._insert_many("baselines", [{**row, "accepted_at": now, "accepted_by": by, "note": note,
                                             "kind": "initial"} for row in rows])
            self._insert_many("audit", [{"at": now, "actor": by, "action": "baseline-initial",
                                         "target": row["source_id"], "note": note,
                                         "data": _json({"capture_id": row["capture_id"]})} for row in rows])

    def baselines_of(self, source_id: str) -> list[dict[str, Any]]:
        return list(self.db.query("select * from baselines where source_id = ? order by id", [source_id]))

    # -- evidence accepted from suggestions --------------------------------------------------------------
    def accepted_evidence(self) -> dict[tuple[str, str], str]:
        rows = self.db.query("select claim_id, source_id, text from evidence order by id")
        return {(r["claim_id"], r["source_id"]): r["text"] for r in rows}

    def accept_evidence(self, claim_id: str, source_id: str, text: str, *, by: str, note: str,
                        checked: dict[str, Any] | None = None) -> None:
        """`checked`: how the passage was checked against the source (score, capture, whether forced)."""
        forced = bool(checked and checked.get("forced"))
        if forced:
            assert checked is not None
            found = "unchecked" if checked.get("score") is None else f"best match {checked['score']:.2f}"
            note = f"{note} [forced: {found}]"
        with self.db.atomic():
            self.db.table("evidence").insert({"claim_id": claim_id, "source_id": source_id, "text": text,
                                        "accepted_at": clock.isoformat(clock.now()), "accepted_by": by,
                                        "note": note})
            self.audit(by, "evidence-accepted", f"{claim_id}/{source_id}", note, {"text": text, **(checked or {})},
                       commit=False)

    def evidence_of(self, source_id: str) -> list[dict[str, Any]]:
        """Every evidence passage accepted for a source, oldest first."""
        return list(self.db.query("select * from evidence where source_id = ? order by id", [source_id]))

    # -- evidence matches -------------------------------------------------------------------------------
    def evidence_match(self, payload_digest: str, evidence_key: str) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from evidence_matches where payload_digest = ? and evidence_key = ?",
                                  [payload_digest, evidence_key]))
        return rows[0] if rows else None

    def evidence_matches_of(self, digests: Iterable[str]) -> dict[tuple[str, str], dict[str, Any]]:
        """(payload digest, evidence key) -> where the passage was found, for many payloads at once."""
        return {(row["payload_digest"], row["evidence_key"]): row
                for row in self._rows_where_in("evidence_matches", "payload_digest", digests)}

    def add_evidence_match(self, row: dict[str, Any]) -> None:
        with self.db.atomic():
            self._insert_many("evidence_matches", [row], "insert or replace")

    # -- mementos --------------------------------------------------------------------------------------
    def memento(self, url: str, accept_datetime: str) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from mementos where url = ? and accept_datetime = ?",
                                  [url, accept_datetime]))
        return rows[0] if rows else None

    def latest_memento(self, url: str) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from mementos where url = ? and memento_url is not null "
                                  "order by looked_up_at desc limit 1", [url]))
        return rows[0] if rows else None

    def add_memento(self, url: str, accept_datetime: str, memento_url: str | None,
                    memento_datetime: str | None) -> None:
        with self.db.atomic():
            self.db.table("mementos").upsert({
                "url": url, "accept_datetime": accept_datetime, "memento_url": memento_url,
                "memento_datetime": memento_datetime, "looked_up_at": clock.isoformat(clock.now())},
                pk=("url", "accept_datetime"))

    # -- findings --------------------------------------------------------------------------------------
    def add_findings(self, run_id: int, rows: list[dict[str, Any]]) -> None:
        with self.db.atomic():
            self._insert_many("findings", ({"run_id": run_id, **row} for row in rows))

    def findings(self, run_id: int) -> list[dict[str, Any]]:
        return list(self.iter_findings(run_id))

    def iter_findings(self, run_id: int) -> Iterator[dict[str, Any]]:
        """A run's findings in the order they were judged, read as they are iterated."""
        return self.db.query("select * from findings where run_id = ? order by id", [run_id])

    def iter_findings_worst_first(self, run_id: int) -> Iterator[dict[str, Any]]:
        """A run's findings, claims ordered by their worst verdict (then as judged), a claim's findings
        together: one query, sorted by SQLite, so a report reads them as it writes them."""
        return self.db.query(f"""
            with ranked as (select f.*, {_SEVERITY_RANK} as severity from findings f where run_id = ?),
                 by_claim as (select claim_id, min(severity) as claim_severity, min(id) as first_id
                              from ranked group by claim_id)
            select ranked.* from ranked join by_claim using (claim_id)
            order by claim_severity, first_id, ranked.id""", [run_id])

    def claim_status_counts(self, run_id: int) -> dict[str, int]:
        """status -> how many of a run's claims have it (a claim's status is its worst verdict)."""
        rows = self.db.execute(f"""
            select claim_severity, count(*) from (
                select min({_SEVERITY_RANK}) as claim_severity from findings where run_id = ? group by claim_id)
            group by claim_severity""", [run_id])
        return {SEVERITY[rank].value: count for rank, count in rows.fetchall()}

    def without_evidence_count(self, run_id: int) -> int:
        """How many of a run's (claim, source) pairs had no evidence passage to look for."""
        return int(self.db.execute("select count(*) from findings where run_id = ? and has_evidence = 0",
                                   [run_id]).fetchone()[0])

    def finding_counts(self, run_id: int) -> dict[str, int]:
        """verdict -> how many of a run's findings have it."""
        rows = self.db.execute("select verdict, count(*) from findings where run_id = ? group by verdict", [run_id])
        return dict(rows.fetchall())

    def finding_claim_count(self, run_id: int) -> int:
        return int(self.db.execute("select count(distinct claim_id) from findings where run_id = ?",
                                   [run_id]).fetchone()[0])

    def finding_sources(self, run_id: int, verdicts: Iterable[str]) -> list[str]:
        """The sources given one of `verdicts` in a run, in the order of their first such finding."""
        wanted = list(verdicts)
        rows = self.db.execute(
            f"select source_id from findings where run_id = ? and verdict in ({','.join('?' * len(wanted))}) "
            "group by source_id order by min(id)", [run_id, *wanted])
        return [row[0] for row in rows]

    def findings_of(self, source_id: str) -> list[dict[str, Any]]:
        return list(self.db.query(
            "select f.*, r.started_at from findings f join runs r on r.id = f.run_id where f.source_id = ? "
            "order by f.run_id, f.id", [source_id]))

    # -- audit -----------------------------------------------------------------------------------------
    def audit(self, actor: str, action: str, target: str, note: str, data: dict[str, Any] | None = None,
              *, commit: bool = True) -> None:
        row = {"at": clock.isoformat(clock.now()), "actor": actor, "action": action, "target": target,
               "note": note, "data": _json(data or {})}
        if commit:
            with self.db.atomic():
                self._insert_many("audit", [row])
        else:
            self._insert_many("audit", [row])

    def audit_log(self, target_prefix: str | None = None) -> list[dict[str, Any]]:
        if target_prefix:
            return list(self.db.query("select * from audit where target = ? or target like ? order by id",
                                      [target_prefix, target_prefix + "/%"]))
        return list(self.db.query("select * from audit order by id"))


def _rowid(table: sqlite_utils.db.Table) -> int:
    assert table.last_rowid is not None
    return table.last_rowid


