"""WARC output: valid (warcio check), one payload stored once, revisits for unchanged ones, nothing overwritten."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import WORLD_PATHS, Runner
from warcio.archiveiterator import ArchiveIterator
from world import Site

from claimcheck.store.archive import read_payload


def warc_files(store: Path) -> list[Path]:
    return sorted((store / "warc").glob("*.warc.gz"))


def records(path: Path) -> list[tuple[str, str]]:
    with open(path, "rb") as stream:
        return [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI") or "") for r in ArchiveIterator(stream)]


def test_warc_files_pass_warcio_check(run: Runner) -> None:
    run("check")
    run("check", now="2026-11-26T12:00:00Z")
    files = warc_files(run.store)
    assert len(files) == 2
    result = subprocess.run([sys.executable, "-m", "warcio.cli", "check", "-v", *map(str, files)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "digest pass" in result.stdout


def test_first_capture_writes_request_and_response_records(run: Runner) -> None:
    run("check")
    kinds = [kind for kind, _ in records(warc_files(run.store)[0])]
    assert kinds[0] == "warcinfo"
    assert kinds.count("response") == 5  # five sources with a URL, all distinct
    assert kinds.count("request") == 5
    assert kinds.count("metadata") == 0  # plain fetches: the response record says it all


def test_failures_are_archived_as_metadata(run: Runner, world: Site) -> None:
    closed = Site()
    dead = closed.url("/gone")
    closed.close()
    from conftest import write_claims
    claims = write_claims(run.claims.parent, world, overrides={"intel-2023-packaging": {"url": dead}})
    Runner(claims, run.store)("check")
    metadata = [uri for kind, uri in records(warc_files(run.store)[0]) if kind == "metadata"]
    assert metadata == [dead]


def test_unchanged_payload_is_stored_once(run: Runner, world: Site) -> None:
    run("check")
    # No validators this time: the server answers 200 with the same bytes, so the archive writes revisits.
    for route in world.routes.values():
        route.etag = False
    run("check", now="2026-11-26T12:00:00Z")
    second = [kind for kind, _ in records(warc_files(run.store)[1])]
    assert second.count("revisit") == 5 and second.count("response") == 0
    result = subprocess.run([sys.executable, "-m", "warcio.cli", "check", "-v", str(warc_files(run.store)[1])],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "digest pass" in result.stdout, result.stdout + result.stderr
    with open(warc_files(run.store)[1], "rb") as stream:
        written = [(r.rec_type, r.rec_headers, r.http_headers) for r in ArchiveIterator(stream)]
    request_ids = {h.get_header("WARC-Record-ID") for kind, h, _ in written if kind == "request"}
    first = {uri: kind for kind, uri in records(warc_files(run.store)[0]) if kind == "response"}
    for _kind, headers, http in [w for w in written if w[0] == "revisit"]:
        assert headers.get_header("WARC-Concurrent-To") in request_ids
        assert headers.get_header("WARC-Refers-To-Target-URI") in first
        assert headers.get_header("WARC-Profile").endswith("/revisit/identical-payload-digest")
        assert http is not None and http.get_statuscode() == "200"
    db = sqlite3.connect(run.store / "claimcheck.db")
    assert db.execute("select count(*) from payloads").fetchone()[0] == 5
    assert db.execute("select count(distinct payload_digest) from captures").fetchone()[0] == 5


def test_conditional_requests_get_304_and_reuse_the_payload(run: Runner, world: Site) -> None:
    run("check")
    before = len(world.requests)
    code, _ = run.json(now="2026-11-26T12:00:00Z")
    assert code == 0
    conditional = [headers for _, headers in world.requests[before:] if "if-none-match" in headers]
    assert len(conditional) == 5
    db = sqlite3.connect(run.store / "claimcheck.db")
    rows = db.execute("select not_modified, http_status from captures where run_id = 2").fetchall()
    assert rows and all(row == (1, 304) for row in rows)
    assert db.execute("select count(*) from payloads").fetchone()[0] == 5
    assert db.execute("select count(*) from extractions").fetchone()[0] == 5


def test_a_capture_reads_back_from_file_and_offset(run: Runner) -> None:
    run("check")
    db = sqlite3.connect(run.store / "claimcheck.db")
    file, offset = db.execute("select warc_file, warc_offset from payloads where uri like '%.pdf'").fetchone()
    body, headers = read_payload(run.store / "warc" / file, offset)
    assert body.startswith(b"%PDF-")
    assert ("Content-Type", "application/pdf") in headers


def test_nothing_is_overwritten(run: Runner) -> None:
    run("check")
    first = {p: p.read_bytes() for p in warc_files(run.store)}
    run("check", now="2026-11-26T12:00:00Z")
    run("check", now="2026-11-26T12:00:00Z")  # same second: still a new file, never the old one reused
    for path, data in first.items():
        assert path.read_bytes() == data
    assert len(warc_files(run.store)) == 3


def test_redirect_hops_are_archived(run: Runner, world: Site) -> None:
    path = WORLD_PATHS["intel-2023-packaging"][0]
    world.fixture("/new", "intel-packaging.html")
    world.redirect(path, world.url("/new"))
    run("check")
    found = records(warc_files(run.store)[0])
    uris = [uri for kind, uri in found if kind == "response"]
    assert world.url(path) in uris and world.url("/new") in uris
    assert ("metadata", world.url(path)) in found  # the chain itself is recorded


def test_large_runs_extract_in_worker_processes(tmp_path: Path, site: Site) -> None:
    """From PARALLEL_EXTRACTION_FROM URLs on, extraction runs in a process pool; the results are the same."""
    import json

    import yaml

    from claimcheck.capture.stage import PARALLEL_EXTRACTION_FROM
    n = PARALLEL_EXTRACTION_FROM + 6
    sentences = []
    sources, claims = {}, []
    for i in range(n):
        site.page(f"/news/{i}.html", f"<html><head><title>Release {i}</title></head><body><article><h1>Release {i}"
                                     f"</h1><p>March {1 + i % 28}, 2024</p><p>Packaging fact number {i} is stated "
                                     f"here, with enough words to be a paragraph.</p></article></body></html>")
        sources[f"s{i}"] = {"publisher": "P", "title": f"Release {i}", "url": site.url(f"/news/{i}.html"),
                            "cited_date": f"March {1 + i % 28}, 2024"}
        sentences.append(f"Claim {i} is sourced.")
        claims.append({"id": f"c{i}", "text": f"Claim {i} is sourced.",
                       "cites": [{"source": f"s{i}", "evidence": f"Packaging fact number {i} is stated here"}]})
    # The same page at a second URL: one response record, and a revisit for whichever comes second.
    site.routes["/copy.html"] = site.routes["/news/0.html"]
    sources["copy"] = {**sources["s0"], "url": site.url("/copy.html")}
    sentences.append("Claim copy is sourced.")
    claims.append({"id": "c-copy", "text": "Claim copy is sourced.",
                   "cites": [{"source": "copy", "evidence": "Packaging fact number 0 is stated here"}]})
    (tmp_path / "article.txt").write_text(" ".join(sentences))
    path = tmp_path / "claims.yaml"
    path.write_text(yaml.safe_dump({"article": {"title": "T", "path": "article.txt"}, "sources": sources,
                                    "claims": claims}))
    result = Runner(path, tmp_path / "store")("check", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["summary"]["verified"] == n + 1
    assert all(s["evidence_score"] == 1.0 and s["page_date"] == s["cited_date"]
               for c in doc["claims"] for s in c["sources"])

    # The workers built and gzipped the response records: the file is valid, and every capture's record
    # reads back from its offset.
    [warc] = warc_files(tmp_path / "store")
    checked = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(warc)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    kinds = [kind for kind, _ in records(warc)]
    assert kinds.count("response") == n and kinds.count("revisit") == 1 and kinds.count("request") == n + 1
    db = sqlite3.connect(tmp_path / "store" / "claimcheck.db")
    rows = db.execute("select url, warc_file, warc_offset, record_type from captures").fetchall()
    assert len(rows) == n + 1
    for url, name, offset, record_type in rows:
        if record_type == "response":
            body, _ = read_payload(warc.parent / name, offset)
            number = "0" if url.endswith("/copy.html") else url.rsplit("/", 1)[1].split(".")[0]
            assert f"Packaging fact number {number} is stated".encode() in body
    # ... and found the cited passages while the text was at hand: judging read them from the store.
    assert db.execute("select count(*), min(exact) from evidence_matches").fetchone() == (n, 1)


def test_payload_batches_deliver_each_result_and_each_failure() -> None:
    """New payloads go to the workers in batches; every job gets its own result, a partial batch leaves after
    a moment, and a batch that fails fails each of its jobs (the run then stops, as with one job)."""
    import asyncio
    import concurrent.futures
    from datetime import date

    import pytest

    from claimcheck.reading import stage as reading
    from claimcheck.reading.stage import Batches as _Batches
    from claimcheck.reading.stage import PayloadJob

    def job(i: int) -> PayloadJob:
        page = f"<html><head><title>Page {i}</title></head><body><p>Fact {i} is here.</p></body></html>"
        return PayloadJob(f"sha1:{i}", page.encode(), {"content-type": "text/html"}, f"http://example.org/{i}",
                          None, (f"Fact {i} is here",))

    async def run(count: int) -> list[reading.PreparedPayload]:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            batches = _Batches(pool, 1 << 20, date(2026, 11, 26))
            return await asyncio.gather(*(batches.submit(job(i)) for i in range(count)))

    prepared = asyncio.run(run(_Batches.SIZE * 2 + 3))  # two full batches and a partial one
    assert [p.extraction["title"] for p in prepared] == [f"Page {i}" for i in range(_Batches.SIZE * 2 + 3)]
    assert all(p.matches[0]["exact"] == 1 for p in prepared)

    def broken(*_: object) -> None:
        raise MemoryError("worker ran out")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reading, "prepare_payloads", broken)
        with pytest.raises(MemoryError):
            asyncio.run(run(3))


@pytest.mark.parametrize("in_workers", [False, True])
def test_payloads_new_in_a_run_are_found_again_from_its_spill(tmp_path: Path, site: Site, monkeypatch,  # type: ignore[no-untyped-def]
                                                              in_workers: bool) -> None:
    """A run keeps only a few recent payloads in memory: the rest of its new payloads are found in its
    temporary table. Repeated bodies still become revisits, each payload is indexed once, and several URLs
    answering the page a made-up URL gets are all soft-404s, however far apart they come."""
    import json

    import yaml

    from claimcheck.capture import stage as capture
    from world import Route

    monkeypatch.setattr(capture._RunPayloads, "RECENT", 2)
    home = ("<html><head><title>Example News</title></head><body><h1>Newsroom</h1><p>The latest news and stories "
            "from Example, updated every day for the press and the public.</p></body></html>")
    site.fallback = Route(body=home.encode())
    n = capture.PARALLEL_EXTRACTION_FROM + 2 if in_workers else 8
    sources, claims, sentences = {}, [], []
    for i in range(n):
        path = f"/gone/{i}.html" if i % 4 == 0 else f"/news/{i}.html"  # every fourth: the home page
        body = home if i % 4 == 0 else (f"<html><head><title>Release {i}</title></head><body><article><h1>Release "
                                        f"{i}</h1><p>Packaging fact number {i} is stated here, with enough words "
                                        "to be a paragraph.</p></article></body></html>")
        site.page(path, body)
        sources[f"s{i}"] = {"publisher": "P", "title": f"Release {i}", "url": site.url(path)}
        sentences.append(f"Claim {i} is sourced.")
        claims.append({"id": f"c{i}", "text": f"Claim {i} is sourced.",
                       "cites": [{"source": f"s{i}", "evidence": f"Packaging fact number {i} is stated here"}]})
    (tmp_path / "article.txt").write_text(" ".join(sentences))
    claims_path = tmp_path / "claims.yaml"
    claims_path.write_text(yaml.safe_dump({"article": {"title": "T", "path": "article.txt"}, "sources": sources,
                                           "claims": claims}))
    result = Runner(claims_path, tmp_path / "store")("check", "--format", "json")
    doc = json.loads(result.stdout)
    by_source = {s["source"]: s for c in doc["claims"] for s in c["sources"]}
    home_pages = [f"s{i}" for i in range(n) if i % 4 == 0]
    assert len(home_pages) >= 2
    for source in home_pages:
        assert "soft-404" in by_source[source]["detail"], by_source[source]
    assert all(by_source[f"s{i}"]["verdict"] == "verified" for i in range(n) if i % 4)
    [warc] = warc_files(tmp_path / "store")
    kinds = [kind for kind, _ in records(warc)]
    assert kinds.count("revisit") == len(home_pages) - 1
    db = sqlite3.connect(tmp_path / "store" / "claimcheck.db")
    distinct_bodies = n - len(home_pages) + 1
    assert db.execute("select count(*), count(distinct digest) from payloads").fetchone() == (distinct_bodies,) * 2
    located = db.execute("select count(*) from payloads where warc_file is not null and warc_offset is not null")
    assert located.fetchone()[0] == distinct_bodies
