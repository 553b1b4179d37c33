"""Sources, captures and payloads (what was fetched, when, and where in the WARC files it lies), and the
TimeGate answers kept per URL and date."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from claimcheck.core import clock
from claimcheck.core.errors import NotFound
from claimcheck.core.outcomes import OK, ROT, TRANSIENT
from claimcheck.store.rows import CaptureRow
from claimcheck.store.schema import LATEST_UPKEEP
from claimcheck.store.tables import IN_CHUNK, Tables, batched


class Captures:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def sync_sources(self, rows: Iterable[dict[str, Any]]) -> None:
        """Record the claims file's sources (rows with id, url, publisher, title, cited_date). Only new or
        changed ones are written, so `updated_at` says when a source last changed and a re-check of an
        unchanged file writes nothing here."""
        fields = ("url", "publisher", "title", "cited_date")
        now = clock.isoformat(clock.now())
        # A chunk at a time: a newsroom's sources are read per article, never held all at once.
        for chunk in batched(rows, IN_CHUNK):
            wanted = {row["id"]: row for row in chunk}
            known = {row["id"]: row for row in self.tables.query_in(
                f"select id, {', '.join(fields)} from sources where id in ({{}})", wanted)}
            changed = [{**row, "updated_at": now} for sid, row in wanted.items()
                       if sid not in known or any(known[sid][f] != row.get(f) for f in fields)]
            if changed:
                self._write_sources(changed, fields)

    def _write_sources(self, changed: list[dict[str, Any]], fields: tuple[str, ...]) -> None:
        with self.tables.atomic():
            self.tables.executemany(
                "insert into sources (id, url, publisher, title, cited_date, updated_at) values (?, ?, ?, ?, ?, ?) "
                "on conflict (id) do update set url = excluded.url, publisher = excluded.publisher, "
                "title = excluded.title, cited_date = excluded.cited_date, updated_at = excluded.updated_at",
                [[row["id"], *(row.get(f) for f in fields), row["updated_at"]] for row in changed])

    def add_payloads(self, payloads: list[dict[str, Any]]) -> None:
        """Index first-seen payloads (one already known is left as it is)."""
        with self.tables.atomic():
            # In key order: shards indexing at once into PostgreSQL then wait on each other, never deadlock.
            self.tables.insert_many("payloads", sorted(payloads, key=lambda p: p["digest"]), "ignore")

    def add(self, rows: list[dict[str, Any]]) -> list[int]:
        """Index captures in one transaction; return the new capture ids."""
        with self.tables.atomic():
            ids = self.tables.new_ids("captures", len(rows))
            self.tables.insert_many("captures", ({**row, "id": i} for row, i in zip(rows, ids, strict=True)))
            if ids:
                self.keep_latest(min(ids), max(ids))
        return ids

    def keep_latest(self, first: int | None = None, last: int | None = None) -> None:
        """Fold the captures with ids from `first` to `last` (default: all) into the newest-capture tables.
        Every insertion of captures calls it (`add`; `store copy` once for all): captures are never updated or
        deleted, so the tables then equal what the history says. Captures of other PostgreSQL shards within the
        range are folded in too, which changes nothing: a newer capture always wins."""
        if first is None or last is None:
            where, params = "TRUE", []
        else:
            where, params = "id BETWEEN ? AND ?", [first, last]
        for statement in LATEST_UPKEEP:
            self.tables.execute(statement.format(where=where), params)

    def urls_of_run(self, run_id: int) -> set[str]:
        """The URLs a run has indexed captures of (a sharded run's finished shards)."""
        return {row["url"] for row in self.tables.query("select distinct url from captures where run_id = ? "
                                                        "and url is not null", [run_id])}

    def get(self, capture_id: int) -> CaptureRow:
        row = self.tables.first("select * from captures where id = ?", [capture_id])
        if row is None:
            raise NotFound(f"no capture {capture_id}")
        return cast(CaptureRow, row)

    def latest_usable(self, source_keys: Iterable[str]) -> dict[tuple[str, str], CaptureRow]:
        """(source key, URL) -> the newest capture that says something about the source (not network-down),
        for the given sources (keys: `Source.key`, the resource their history is kept under)."""
        rows = self.tables.query_in("select c.* from latest_source_captures l join captures c "
                                    "on c.id = l.capture_id where l.source_key in ({})", source_keys)
        return {(row["source_key"], row["url"]): cast(CaptureRow, row) for row in rows}

    def of_source(self, source_key: str) -> list[CaptureRow]:
        """Every capture of a source (by key), oldest first: under whatever label it was cited."""
        rows = self.tables.query("select * from captures where source_key = ? order by fetched_at, id",
                                 [source_key])
        return cast(list[CaptureRow], list(rows))

    def attempts_of(self, source_keys: Iterable[str]) -> dict[str, list[tuple[str, str, str, str | None]]]:
        """Each source's captures that count in a failure streak (answered well, or failed as rot or a
        transient failure: blocked, throttled and network-down ones neither count nor reset one), oldest first,
        as (URL, fetched at, outcome, reason): for many sources in a few queries, without the captures' other
        columns (a source's whole history one query at a time was half of judging 10,000 failing sources)."""
        found: dict[str, list[tuple[str, str, str, str | None]]] = {}
        counted = ", ".join(f"'{outcome.value}'" for outcome in (OK, ROT, TRANSIENT))
        for key, url, fetched_at, outcome, reason in self.tables.rows_in(
                "select source_key, url, fetched_at, outcome, reason from captures "
                f"where outcome in ({counted}) and source_key in ({{}}) order by source_key, fetched_at, id",
                source_keys):
            found.setdefault(key, []).append((url, fetched_at, outcome, reason))
        return found

    def soft404s_by_probe(self) -> set[tuple[str, str]]:
        """(payload digest, URL) pairs whose latest capture read like the site's answer to a made-up URL."""
        rows = self.tables.query(
            "select c.payload_digest, c.final_url from latest_payload_captures l "
            "join captures c on c.id = l.capture_id where c.soft404_probe = 1")
        return {(r["payload_digest"], r["final_url"]) for r in rows}

    def validators(self) -> dict[str, tuple[str | None, str | None, str]]:
        """url -> (etag, last_modified, payload digest) of the newest 200 capture of each URL."""
        rows = self.tables.query(
            "select c.final_url, c.etag, c.last_modified, c.payload_digest from latest_validators l "
            "join captures c on c.id = l.capture_id")
        return {r["final_url"]: (r["etag"], r["last_modified"], r["payload_digest"]) for r in rows}

    def payload(self, digest: str) -> dict[str, Any] | None:
        return self.tables.first("select * from payloads where digest = ?", [digest])


class Mementos:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def get(self, url: str, accept_datetime: str) -> dict[str, Any] | None:
        return self.tables.first("select * from mementos where url = ? and accept_datetime = ?",
                                 [url, accept_datetime])

    def latest(self, url: str) -> dict[str, Any] | None:
        return self.tables.first("select * from mementos where url = ? and memento_url is not null "
                                 "order by looked_up_at desc limit 1", [url])

    def add(self, url: str, accept_datetime: str, memento_url: str | None, memento_datetime: str | None) -> None:
        with self.tables.atomic():
            self.tables.upsert("mementos", {
                "url": url, "accept_datetime": accept_datetime, "memento_url": memento_url,
                "memento_datetime": memento_datetime, "looked_up_at": clock.isoformat(clock.now())})
