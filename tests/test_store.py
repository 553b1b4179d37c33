"""The store's current-state tables: kept as each batch of captures arrives, equal to what the history says."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import WORLD_PATHS, Runner
from world import Site

from claimcheck.reading.payload import EXTRACTOR_VERSION
from claimcheck.store import Store, unpack_text

# What each current-state table must hold, computed the slow way from the whole history.
FROM_HISTORY = {
    "latest_source_captures": "select source_key, url, max(id) from captures where outcome != 'network' "
                              "group by source_key, url",
    "latest_validators": "select final_url, max(id) from captures where http_status = 200 and payload_digest is "
                         "not null and (etag is not null or last_modified is not null) group by final_url",
    "latest_payload_captures": "select payload_digest, final_url, max(id) from captures where payload_digest is "
                               "not null and final_url is not null and outcome != 'network' "
                               "group by payload_digest, final_url",
}


def assert_current_state_matches_history(db_path: Path) -> None:
    db = sqlite3.connect(db_path)
    for table, query in FROM_HISTORY.items():
        kept = sorted(db.execute(f"select * from {table}").fetchall())
        assert kept == sorted(db.execute(query).fetchall()), table
        assert kept, table


def every_kind_of_run(run: Runner, world: Site) -> None:
    """A changed page, a 404, an offline run and a network-down run, and then each current-state table holds
    exactly what the whole history says (on either database: tests/test_postgres.py runs it too)."""
    run("check")
    path, _ = WORLD_PATHS["intel-2023-packaging"]
    world.page(path, "<html><body><h1>Rewritten</h1><p>Different text entirely.</p></body></html>")
    run("check", now="2026-11-26T12:00:00Z")
    world.status(path, 404)
    run("check", now="2026-11-27T12:00:00Z")
    run("check", "--offline", now="2026-11-28T12:00:00Z")
    world.close()  # a network-down run: its captures say nothing about the sources
    assert run("check", now="2026-11-29T12:00:00Z").exit_code == 3
    assert run.sql("select count(*) from captures where outcome = 'network'")[0][0] > 0
    for table, query in FROM_HISTORY.items():
        kept = sorted(run.sql(f"select * from {table}"))
        assert kept and kept == sorted(run.sql(query)), table


def test_current_state_follows_every_kind_of_run(run: Runner, world: Site) -> None:
    every_kind_of_run(run, world)


def test_an_older_store_is_brought_up_to_date_by_the_migration(run: Runner, world: Site) -> None:
    run("check")
    run("check", now="2026-11-26T12:00:00Z")
    db = sqlite3.connect(run.store / "claimcheck.db")
    # As a store made before the current-state tables existed (and so before m010 kept them by source key).
    # (The trigger that kept them until m015 is created by m005 and m010 again, and dropped by m015 again.)
    db.executescript("DROP TABLE latest_source_captures;"
                     "DROP TABLE latest_validators; DROP TABLE latest_payload_captures;"
                     "DROP INDEX idx_captures_source_key_fetched_at; DROP INDEX idx_baselines_source_key;"
                     "DROP INDEX idx_evidence_source_key; DROP INDEX idx_findings_source_key;"
                     "ALTER TABLE captures DROP COLUMN source_key; ALTER TABLE baselines DROP COLUMN source_key;"
                     "ALTER TABLE evidence DROP COLUMN source_key; ALTER TABLE evidence DROP COLUMN claim_key;"
                     "ALTER TABLE findings DROP COLUMN source_key;"
                     "DELETE FROM _sqlite_migrations WHERE name IN ('m005_latest_captures', "
                     "'m010_history_by_resource', 'm015_cheaper_indexing');")
    db.commit()
    db.close()
    with Store(run.store):
        pass
    assert_current_state_matches_history(run.store / "claimcheck.db")
    assert not sqlite3.connect(run.store / "claimcheck.db").execute(
        "select name from sqlite_master where type = 'trigger' and name = 'captures_keep_latest'").fetchall()
    run("check", now="2026-11-27T12:00:00Z")
    assert_current_state_matches_history(run.store / "claimcheck.db")


def test_an_outdated_extraction_is_recomputed_from_the_archive(run: Runner) -> None:
    run("check")
    db = sqlite3.connect(run.store / "claimcheck.db")
    db.execute("update extractions set extractor = 'cc-0', published = '1999-01-01'")
    db.commit()
    code, _ = run.json("--offline", now="2026-11-26T12:00:00Z")
    assert code == 0  # the stale 1999 dates would have made date-drift
    rows = db.execute("select distinct extractor from extractions").fetchall()
    assert rows == [(EXTRACTOR_VERSION,)]
    assert db.execute("select count(*) from extractions where published = '1999-01-01'").fetchone()[0] == 0


def test_texts_are_packed_and_plain_ones_from_older_stores_still_read(run: Runner) -> None:
    run("check")
    db = sqlite3.connect(run.store / "claimcheck.db")
    rows = db.execute("select digest, text from texts").fetchall()
    assert rows and all(isinstance(text, bytes) for _, text in rows)
    for digest, packed in rows:  # as an older store kept them
        db.execute("update texts set text = ? where digest = ?", (unpack_text(packed), digest))
    db.commit()
    code, document = run.json("--offline", now="2026-11-26T12:00:00Z")
    assert code == 0
    assert {s["verdict"] for c in document["claims"] for s in c["sources"]} <= {"verified", "unchecked"}


def test_initial_baselines_are_the_first_good_captures_and_are_audited(run: Runner, world: Site) -> None:
    """A first check sets every source's baseline in one statement: the first successful capture of its URL."""
    run("check")
    run("check", now="2026-11-26T12:00:00Z")
    db = sqlite3.connect(run.store / "claimcheck.db")
    baselines = dict(db.execute("select source_id, capture_id from baselines where kind = 'initial'").fetchall())
    first_ok = dict(db.execute("select source_id, min(id) from captures where outcome = 'ok' "
                               "group by source_id").fetchall())
    assert baselines == first_ok and len(baselines) == 5  # set once, on the first check, not again
    audited = db.execute("select target, data from audit where action = 'baseline-initial'").fetchall()
    assert sorted(target for target, _ in audited) == sorted(baselines)
    assert all(f'"capture_id": {baselines[target]}' in data for target, data in audited)


def test_bulk_reads_cover_more_values_than_one_query_takes(tmp_path: Path) -> None:
    """Reads by many digests are split into queries of a few hundred values; none is lost at the seams."""
    from claimcheck.store import IN_CHUNK as _IN_CHUNK

    with Store(tmp_path / "store") as store:
        digests = [f"sha1:{i:06d}" for i in range(2 * _IN_CHUNK + 7)]
        rows = [({"payload_digest": d, "extractor": EXTRACTOR_VERSION, "kind": "html", "title": d, "signals": "{}"},
                 {}) for d in digests]
        matches = [{"payload_digest": d, "evidence_key": "k", "extractor": EXTRACTOR_VERSION, "score": 1.0,
                    "start": 0, "end": 1, "passage": "p", "exact": 1, "in_main_text": 1} for d in digests]
        store.extractions.add_many(rows, matches)
        found = store.extractions.of_payloads(set(digests) | {"sha1:missing"})
        assert sorted(found) == digests and found[digests[-1]]["title"] == digests[-1]
        assert sorted(store.extractions.evidence_matches_of(digests)) == [(d, "k") for d in digests]
        assert store.extractions.of_payloads([]) == {}


def test_spilled_rows_come_back_exactly_in_order_a_batch_at_a_time(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from claimcheck.store import SpilledRows
    monkeypatch.setattr(SpilledRows, "BATCH", 3)
    with Store(tmp_path / "store") as store:
        spill = SpilledRows(store.db, "pending_test")
        rows = [{"url": f"https://example.org/{i}", "elapsed": i / 7, "status": None if i % 2 else 200,
                 "text": "ünïcode \x00 and a NUL"} for i in range(8)]
        for row in rows:
            spill.append(row)
        assert len(spill.buffer) == 2  # two batches of three went to the table
        chunks = list(spill.chunks())
        assert [len(c) for c in chunks] == [3, 3, 2] and len(spill) == 8
        assert [r for c in chunks for r in c] == rows
        assert list(spill.chunks()) == chunks  # readable again
        spill.discard()
        assert not store.db.execute("select name from temp.sqlite_master where name = 'pending_test'").fetchall()
        assert not store.db.conn.in_transaction  # nothing left open that later commits would fold into


def test_m007_moves_facts_out_of_json_and_reason_text_into_columns(tmp_path: Path) -> None:
    """A store made before m007 kept a page's date signal inside `signals` and the soft-404 probe's result
    only in the reason text: opened again, both are columns, filled from where they were."""
    from claimcheck.core.outcomes import ROT, SOFT404_BY_PROBE
    with Store(tmp_path) as store:
        store.db.execute("ALTER TABLE extractions DROP COLUMN published_from")
        store.db.execute("ALTER TABLE captures DROP COLUMN soft404_probe")
        store.db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm007_fact_columns'")
        store.db.execute("INSERT INTO extractions (payload_digest, kind, signals) VALUES "
                         "('sha1:a', 'html', '{\"published_from\": \"json-ld\"}'), ('sha1:b', 'html', 'not json')")
        store.db.execute("INSERT INTO runs (id, command, status) VALUES (1, 'check', 'complete')")
        store.db.execute("INSERT INTO captures (id, run_id, source_id, url, final_url, outcome, reason, "
                         "payload_digest, http_status) VALUES (1, 1, 's', 'u', 'u', ?, ?, 'sha1:a', 200), "
                         "(2, 1, 't', 'v', 'v', ?, 'HTTP 404', NULL, 404)", [ROT, SOFT404_BY_PROBE, ROT])
        store.captures.keep_latest()  # as `Captures.add` does for the captures it inserts
        store.db.conn.commit()
    with Store(tmp_path) as store:
        assert store.extractions.get("sha1:a")["published_from"] == "json-ld"
        assert store.extractions.get("sha1:b")["published_from"] is None
        assert [store.captures.get(i)["soft404_probe"] for i in (1, 2)] == [1, None]
        assert store.captures.soft404s_by_probe() == {("sha1:a", "u")}
    assert sqlite3.connect(tmp_path / "claimcheck.db").execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_sources_are_written_only_when_new_or_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [{"id": "a", "url": "https://example.org/a", "publisher": "P", "title": "A", "cited_date": "2024"},
            {"id": "b", "url": None, "publisher": "P", "title": "B", "cited_date": None}]
    with Store(tmp_path) as store:
        monkeypatch.setenv("CLAIMCHECK_NOW", "2026-01-01T00:00:00Z")
        store.captures.sync_sources(rows)
        monkeypatch.setenv("CLAIMCHECK_NOW", "2026-02-01T00:00:00Z")
        store.captures.sync_sources([*rows[:1], {**rows[1], "title": "B, retitled"}])
        found = {r["id"]: (r["title"], r["updated_at"]) for r in store.db.query("select * from sources")}
    assert found == {"a": ("A", "2026-01-01T00:00:00Z"), "b": ("B, retitled", "2026-02-01T00:00:00Z")}
