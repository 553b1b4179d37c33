"""The store's tables, views and triggers, as named migrations (sqlite-utils' Migrations): a store made by
any earlier version is brought up to date in place when it is opened; nothing in it is rewritten or lost."""

from __future__ import annotations

import re

import sqlite_utils
from sqlite_utils.migrations import Migrations

from claimcheck.core.outcomes import NETWORK, SOFT404_BY_PROBE
from claimcheck.core.text import prose
from claimcheck.core.urls import history_key

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


@migrations()
def m007_fact_columns(db: sqlite_utils.Database) -> None:
    """Facts kept inside JSON or reason text until now, as columns: which signal gave a page's date, and
    whether a capture read like the site's answer to a made-up URL (the soft-404 probe). Older rows are
    filled in from where the facts were."""
    db.table("extractions").add_column("published_from", str)
    db.table("captures").add_column("soft404_probe", int)
    db.execute("UPDATE extractions SET published_from = json_extract(signals, '$.published_from') "
               "WHERE json_valid(signals)")
    db.execute("UPDATE captures SET soft404_probe = 1 WHERE reason = ?", [SOFT404_BY_PROBE])


@migrations()
def m008_articles(db: sqlite_utils.Database) -> None:
    """Several articles in one store: each finding names the claims file of its claim (older findings: their
    run's file), and each run lists the articles it checked with their titles."""
    db.table("findings").add_column("article", str)
    db.execute("UPDATE findings SET article = (SELECT claims_file FROM runs WHERE runs.id = findings.run_id)")
    db.table("run_articles").create({"run_id": int, "article": str, "file": str, "title": str},
                                    pk=("run_id", "article"))
    db.execute("INSERT INTO run_articles (run_id, article, file, title) "
               "SELECT id, claims_file, claims_file, NULL FROM runs WHERE claims_file IS NOT NULL")


@migrations()
def m009_support(db: sqlite_utils.Database) -> None:
    """Claims, not characters: how the evidence passage as found bears on its claim (JSON: label, score,
    reasons), and for a changed page without one, whether the change holds the claim's terms. Older findings
    were judged without either: NULL."""
    db.table("findings").add_column("support", str)
    db.table("findings").add_column("touches_claim", int)


@migrations()
def m010_history_by_resource(db: sqlite_utils.Database) -> None:
    """A source's past belongs to what it is, not to its label: captures, baselines, accepted evidence and
    findings carry `source_key` (the URL as `history_key` normalises it; a source without one, its id), and
    accepted evidence `claim_key` (the claim's sentence), so that renaming a source, regrouping claims files or
    adding a second article keeps every baseline, failure streak and acceptance. Older rows get their keys
    from their own URLs (evidence: its source's URL, and the sentence its claim was last judged with)."""
    db.register_function(history_key, name="history_key", deterministic=True, replace=True)
    db.register_function(_claim_key, name="claim_key", deterministic=True, replace=True)
    for table in ("captures", "baselines", "evidence", "findings"):
        db.table(table).add_column("source_key", str)
    db.table("evidence").add_column("claim_key", str)
    db.execute("UPDATE captures SET source_key = CASE WHEN url IS NOT NULL THEN history_key(url) "
               "ELSE source_id END")
    db.execute("UPDATE baselines SET source_key = coalesce("
               "(SELECT c.source_key FROM captures c WHERE c.id = baselines.capture_id), source_id)")
    db.execute("UPDATE findings SET source_key = CASE WHEN url IS NOT NULL THEN history_key(url) "
               "ELSE source_id END")
    db.execute("UPDATE evidence SET source_key = coalesce((SELECT history_key(s.url) FROM sources s "
               "WHERE s.id = evidence.source_id AND s.url IS NOT NULL), source_id), "
               "claim_key = (SELECT claim_key(f.claim_text) FROM findings f WHERE f.claim_id = evidence.claim_id "
               "ORDER BY f.id DESC LIMIT 1)")
    for table, columns in (("captures", ["source_key", "fetched_at"]), ("baselines", ["source_key"]),
                           ("evidence", ["source_key"]), ("findings", ["source_key"])):
        db.table(table).create_index(columns)
    db.execute("CREATE TABLE latest_source_captures (source_key TEXT NOT NULL, url TEXT NOT NULL, "
               "capture_id INTEGER NOT NULL, PRIMARY KEY (source_key, url))")
    db.execute(f"""INSERT INTO latest_source_captures (source_key, url, capture_id)
        SELECT source_key, url, max(id) FROM captures WHERE {_USABLE_BY_KEY} GROUP BY source_key, url""")
    db.execute("DROP TRIGGER captures_keep_latest")
    db.execute(f"CREATE TRIGGER captures_keep_latest AFTER INSERT ON captures BEGIN {LATEST_BY_KEY_UPSERTS} END")
    db.execute("DROP TABLE latest_captures")


@migrations()
def m011_finding_pairs(db: sqlite_utils.Database) -> None:
    """A past run's report is what that run said: each finding keeps the baseline capture it compared its
    capture with. Older findings have none; their reports show the diff against today's baseline, as before."""
    db.table("findings").add_column("baseline_capture_id", int)


@migrations()
def m012_snoozes(db: sqlite_utils.Database) -> None:
    """A maintainer snoozes a source's finding until its page changes again: the payload it was snoozed at."""
    db.table("snoozes").create({"id": int, "source_key": str, "source_id": str, "capture_id": int,
                                "payload_digest": str, "snoozed_at": str, "snoozed_by": str, "note": str},
                               pk="id")
    db.table("snoozes").create_index(["source_key"])


@migrations()
def m013_run_shards(db: sqlite_utils.Database) -> None:
    """A run fetched by several processes, each a shard of its hosts (`fetch --shard K/N`): which shards have
    finished, so the run is judged once, after all of them."""
    db.table("run_shards").create({"run_id": int, "shard": int, "shards": int, "status": str, "started_at": str,
                                   "finished_at": str, "fetched": int, "network": str},
                                  pk=("run_id", "shard"), foreign_keys=[("run_id", "runs", "id")])


@migrations()
def m014_captures_not_by_label(db: sqlite_utils.Database) -> None:
    """Captures are looked up by their source's key (m010), never by the label they were captured under: the
    index on (source_id, fetched_at) only cost every capture's insertion (a seventh of indexing a re-check of
    10,000 sources) and space."""
    db.execute("DROP INDEX IF EXISTS idx_captures_source_id_fetched_at")


@migrations()
def m015_cheaper_indexing(db: sqlite_utils.Database) -> None:
    """The newest-capture tables are brought up to date once per batch of captures (`Captures.add`,
    `LATEST_UPKEEP`), not by a trigger row by row: the trigger was two thirds of inserting a re-check's captures
    (10,000 rows: 0.45 s with it, 0.19 s plus 0.08 s for the batch's three statements). Findings and baselines
    are looked up by source key (m010), never by label: their label indexes only cost each insertion."""
    db.execute("DROP TRIGGER IF EXISTS captures_keep_latest")
    db.execute("DROP INDEX IF EXISTS idx_findings_source_id")
    db.execute("DROP INDEX IF EXISTS idx_baselines_source_id")


def _claim_key(text: str | None) -> str | None:
    return prose(text) if text is not None else None


_USABLE = f"outcome != '{NETWORK}' AND source_id IS NOT NULL AND url IS NOT NULL"
_HAS_VALIDATORS = ("http_status = 200 AND payload_digest IS NOT NULL AND final_url IS NOT NULL "
                   "AND (etag IS NOT NULL OR last_modified IS NOT NULL)")
_HAS_PAYLOAD = f"payload_digest IS NOT NULL AND final_url IS NOT NULL AND outcome != '{NETWORK}'"


_CAPTURE_COLUMN = re.compile(r"\b(outcome|source_id|url|http_status|payload_digest|final_url|etag|last_modified)\b")


def _new(condition: str) -> str:
    """The condition on the row being inserted, for the trigger."""
    return _CAPTURE_COLUMN.sub(r"NEW.\1", condition)


# The newest capture per final URL with validators, and per payload: kept alike by m005's trigger and m010's.
_LATEST_BY_URL_UPSERTS = f"""
    INSERT INTO latest_validators (final_url, capture_id) SELECT NEW.final_url, NEW.id
        WHERE {_new(_HAS_VALIDATORS)}
        ON CONFLICT (final_url) DO UPDATE SET capture_id = excluded.capture_id
        WHERE excluded.capture_id > latest_validators.capture_id;
    INSERT INTO latest_payload_captures (payload_digest, final_url, capture_id)
        SELECT NEW.payload_digest, NEW.final_url, NEW.id WHERE {_new(_HAS_PAYLOAD)}
        ON CONFLICT (payload_digest, final_url) DO UPDATE SET capture_id = excluded.capture_id
        WHERE excluded.capture_id > latest_payload_captures.capture_id;"""

_LATEST_UPSERTS = f"""
    INSERT INTO latest_captures (source_id, url, capture_id) SELECT NEW.source_id, NEW.url, NEW.id
        WHERE {_new(_USABLE)}
        ON CONFLICT (source_id, url) DO UPDATE SET capture_id = excluded.capture_id
        WHERE excluded.capture_id > latest_captures.capture_id;{_LATEST_BY_URL_UPSERTS}"""


_USABLE_BY_KEY = f"outcome != '{NETWORK}' AND source_key IS NOT NULL AND url IS NOT NULL"
_KEY_COLUMN = re.compile(r"\b(outcome|source_key|url|http_status|payload_digest|final_url|etag|last_modified)\b")
_NEW_USABLE_BY_KEY = _KEY_COLUMN.sub(r"NEW.\1", _USABLE_BY_KEY)

# As _LATEST_UPSERTS, the newest usable capture kept per source key (m010) instead of per source label.
LATEST_BY_KEY_UPSERTS = f"""
    INSERT INTO latest_source_captures (source_key, url, capture_id) SELECT NEW.source_key, NEW.url, NEW.id
        WHERE {_NEW_USABLE_BY_KEY}
        ON CONFLICT (source_key, url) DO UPDATE SET capture_id = excluded.capture_id
        WHERE excluded.capture_id > latest_source_captures.capture_id;{_LATEST_BY_URL_UPSERTS}"""


# The newest captures of a batch folded into the current-state tables (m015), on both backends: `{where}` picks
# the batch (an id range), or every capture to rebuild them. A key's newest capture in the batch wins unless the
# table holds a newer one; in key order, so that PostgreSQL shards indexing at once wait on each other, never
# deadlock.
LATEST_UPKEEP = (
    f"""INSERT INTO latest_source_captures (source_key, url, capture_id)
        SELECT source_key, url, max(id) FROM captures WHERE {{where}} AND {_USABLE_BY_KEY}
        GROUP BY source_key, url ORDER BY source_key, url
        ON CONFLICT (source_key, url) DO UPDATE SET capture_id = excluded.capture_id
        WHERE excluded.capture_id > latest_source_captures.capture_id""",
    f"""INSERT INTO latest_validators (final_url, capture_id)
        SELECT final_url, max(id) FROM captures WHERE {{where}} AND {_HAS_VALIDATORS}
        GROUP BY final_url ORDER BY final_url
        ON CONFLICT (final_url) DO UPDATE SET capture_id = excluded.capture_id
        WHERE excluded.capture_id > latest_validators.capture_id""",
    f"""INSERT INTO latest_payload_captures (payload_digest, final_url, capture_id)
        SELECT payload_digest, final_url, max(id) FROM captures WHERE {{where}} AND {_HAS_PAYLOAD}
        GROUP BY payload_digest, final_url ORDER BY payload_digest, final_url
        ON CONFLICT (payload_digest, final_url) DO UPDATE SET capture_id = excluded.capture_id
        WHERE excluded.capture_id > latest_payload_captures.capture_id""",
)
