"""The capture stage: fetch every source, archive each answer (WARC), extract new payloads (in worker
processes), classify each fetch and index it (SQLite or PostgreSQL).

    sources ─▶ fetch ─▶ WARC records ─▶ extraction (per new payload) ─▶ classify ─▶ captures rows

A large run's fetch loop only decides what each record is: the records are written by a process of their
own (`store.writer`), new payloads' response records are gzipped by the workers that extract them, and the
captures are indexed once the file is closed and every record's place is known.
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimcheck.capture.classify import CLASSIFY_HEADERS, classify
from claimcheck.capture.soft404 import folder_key, probe_url, reads_like
from claimcheck.claims.load import ClaimsFile
from claimcheck.claims.sourcekinds import request_url
from claimcheck.core import clock
from claimcheck.core.errors import Interrupted
from claimcheck.core.outcomes import NETWORK, SOFT404_BY_PROBE, Classified
from claimcheck.core.urls import resource_key, shard_of
from claimcheck.net.fetch import run_fetch
from claimcheck.net.records import FetchResult, Validators, decode_content
from claimcheck.reading.kinds import extract_page
from claimcheck.reading.stage import (
    Batches,
    PayloadJob,
    PreparedPayload,
    ensure_extraction,
    extraction_pool,
    header_map,
    prepare_payload,
    shut_down,
)
from claimcheck.settings import NETWORK_ERROR_KINDS, RunSettings
from claimcheck.store import Store
from claimcheck.store.archive import (
    EMPTY_PAYLOAD,
    OPEN_SUFFIX,
    KnownPayload,
    ResponseRecord,
    payload_digest,
    record_id,
    recover_open_files,
    remember,
    settle,
)
from claimcheck.store.writer import LocalWriter, ProcessWriter, RecordWriter
from claimcheck.store.rows import ExtractionRow


Shard = tuple[int, int]  # (K, N): the K-th of N shards, K from 0


@dataclass
class FetchOutcome:
    run_id: int
    network_down: bool
    fetched: int


def _warc_prefix(run_id: int, shard: Shard | None) -> str:
    return f"claimcheck-run{run_id:06d}-shard{shard[0]:03d}of{shard[1]:03d}-" if shard else "claimcheck-"


def _warc_name(run_id: int, store: Store, shard: Shard | None = None) -> Path:
    stamp = clock.now().strftime("%Y%m%d%H%M%S")
    if shard is not None:  # shards write at once into one folder: each its own file
        stem = f"{_warc_prefix(run_id, shard)}{stamp}"
    else:
        stem = f"claimcheck-{stamp}-run{run_id:06d}"
    # A shard run again within the same second after it died (its file recovered under this name) takes the
    # next free name: archives are never overwritten. (The lock keeps anyone else from choosing it meanwhile.)
    name, attempt = store.paths.warc / f"{stem}.warc.gz", 1
    while name.exists() or name.with_name(name.name + OPEN_SUFFIX).exists():
        attempt += 1
        name = store.paths.warc / f"{stem}-{attempt}.warc.gz"
    return name


# A row's record, by the ticket the writer gave it; where it landed is known once the file is closed
# (`RecordWriter.locate`).
TICKET = "_ticket"


# Marks a capture row carries through the run, for classifying it without decoding its JSON columns again
# (they are not columns): its payload was first seen in this run; how many hops it took; the headers
# `classify` reads.
NEW_PAYLOAD = "_new_payload"
HOPS = "_hops"
CLASSIFY_HEADERS_KEY = "_classify_headers"


class _RunPayloads:
    """What a run knows of payloads, for revisit records and for indexing: the store's, looked up as bodies
    are seen, and the run's new ones, whose rows wait in a temporary table until the run is indexed. Only the
    most recently used few thousand, and those whose record a worker is still building, are held in memory."""

    RECENT = 4096

    def __init__(self, store: Store, writer: RecordWriter) -> None:
        self.store = store
        self.writer = writer
        self.recent: dict[str, KnownPayload] = {}
        self.awaiting: dict[str, dict[str, Any]] = {}  # digest -> the row of a new payload not archived yet
        self.new = store.spilled_rows("pending_payloads", key="digest")

    def get(self, digest: str) -> KnownPayload | None:
        """Where a payload was first archived, if anywhere (the archive's PayloadIndex)."""
        if digest == EMPTY_PAYLOAD:  # empty bodies (304s) are never deduplicated
            return None
        known = self.recent.get(digest)
        if known is None:
            row = self._row(digest) or self.store.captures.payload(digest)
            if row is None:
                return None
            known = KnownPayload(row["uri"], row["date"])
            self[digest] = known
        return known

    def __setitem__(self, digest: str, known: KnownPayload) -> None:
        if len(self.recent) >= self.RECENT:
            del self.recent[next(iter(self.recent))]
        self.recent[digest] = known

    def add(self, payload: dict[str, Any], *, archived: bool) -> None:
        """A new payload's row; `archived=False` while a worker still builds its record."""
        if archived:
            self.new.append(payload)
        else:
            self.awaiting[payload["digest"]] = payload

    def archived(self, digest: str, ticket: int) -> None:
        """A worker built the record of a new payload: now its row can wait with the others."""
        payload = self.awaiting.pop(digest)
        payload[TICKET] = ticket
        self.new.append(payload)

    def _row(self, digest: str) -> dict[str, Any] | None:
        return self.awaiting.get(digest) or self.new.get(digest)

    def seen(self, digest: str) -> bool:
        """Whether a payload is new in this run (and so has a row here)."""
        return self._row(digest) is not None

    def location(self, digest: str) -> dict[str, Any] | None:
        """The row of a payload new in this run (where its record is), for reading it back before indexing:
        once the run's file is closed."""
        row = self._row(digest)
        return self.writer.locate(dict(row), TICKET) if row is not None else None

    def rows(self) -> Iterator[list[dict[str, Any]]]:
        for chunk in self.new.chunks():
            yield [self.writer.locate(row, TICKET) for row in chunk]

    def discard(self) -> None:
        self.new.discard()


class _Recorder:
    """Writes each fetch result to the WARC as it arrives; rows are indexed once the file is complete."""

    def __init__(self, store: Store, writer: RecordWriter,
                 validators: dict[str, tuple[str | None, str | None, str]], evidence: dict[str, tuple[str, ...]],
                 *, offload: bool) -> None:
        """`offload`: new payloads' response records are built by the worker that extracts them."""
        self.store = store
        self.writer = writer
        self.validators = validators
        self.evidence = evidence
        self.offload = offload
        self.payloads = _RunPayloads(store, writer)
        # Complete capture rows, by URL: indexed in that order, whatever order the fetches finished in, so that
        # the same fetches get the same capture ids (and a run's outputs are the same on either database).
        self.pending = store.spilled_rows("pending_captures", key="url")
        self.answered = False  # whether any fetch got past the network (else the network was down)

    def record(self, result: FetchResult) -> tuple[PayloadJob, dict[str, Any]] | None:
        """Archive a result; return the job for its payload when that is new here, with the capture row that
        awaits the job's response record when the worker builds it."""
        row: dict[str, Any] = {
            "url": result.url, "final_url": result.final_url, "fetched_at": clock.isoformat(result.started_at),
            "elapsed": round(result.elapsed, 4), "http_status": result.status, "error_kind": result.error_kind,
            "error": str(result.error) if result.error else None,
            "redirects": json.dumps([[h.url, h.status] for h in result.hops]),
            "permanent_redirect": int(result.permanent_redirect), "not_modified": 0,
            HOPS: len(result.hops), CLASSIFY_HEADERS_KEY: {},
        }
        job = None
        for hop in result.hops:
            digest = payload_digest(hop.body)
            final = hop is result.final
            new_payload = (final and hop.status != 304 and bool(hop.body) and self.payloads.get(digest) is None)
            if new_payload:
                request_id = record_id()
                self.writer.request(hop, request_id)
                response = ResponseRecord.of(hop, digest, request_id)
                remember(hop, self.payloads, digest)
                # Offloaded, the record is gzipped by the worker that extracts the same body, off the fetch loop.
                ticket = None if self.offload else self.writer.member(response.member(hop.body))
                record_type = "response"
                job = PayloadJob(digest, hop.body, header_map(hop.headers), result.final_url,
                                 response if self.offload else None, self.evidence.get(result.url, ()))
            else:
                earlier = settle(hop, self.payloads, digest)
                ticket = self.writer.hop(hop, digest, earlier)
                record_type = "revisit" if earlier is not None else "response"
            if not final:
                continue
            headers = header_map(hop.headers)
            row[CLASSIFY_HEADERS_KEY] = {name: headers[name] for name in CLASSIFY_HEADERS if name in headers}
            row.update(record_type=record_type, peer=hop.peer,
                       headers=json.dumps(hop.headers), etag=headers.get("etag"),
                       last_modified=headers.get("last-modified"), content_type=headers.get("content-type"),
                       payload_length=len(hop.body))
            if ticket is not None:
                row[TICKET] = ticket
            if hop.status == 304 and hop.url in self.validators:
                row.update(payload_digest=self.validators[hop.url][2], not_modified=1)
            elif hop.status != 304:
                row["payload_digest"] = digest
                # New here, or first seen earlier in this run (several URLs answering the same page).
                row[NEW_PAYLOAD] = new_payload or (bool(hop.body) and self.payloads.seen(digest))
                if new_payload:
                    payload = {"digest": digest, "uri": hop.url, "date": clock.isoformat(hop.started_at),
                               "length": len(hop.body), "content_type": headers.get("content-type")}
                    if ticket is not None:
                        payload[TICKET] = ticket
                    self.payloads.add(payload, archived=ticket is not None)
        if result.error or len(result.hops) > 1:
            # Redirect chains and failures are recorded in the archive too; a plain fetch says it all already.
            meta = self.writer.metadata(
                result.url, result.started_at,
                {"url": result.url, "final_url": result.final_url, "error_kind": result.error_kind,
                 "error": row["error"], "redirects": [[h.url, h.status] for h in result.hops],
                 "elapsed": row["elapsed"]})
            if not result.hops:
                row.update(record_type="metadata")
                row[TICKET] = meta
        for hop in result.hops:
            hop.body = b""  # archived: memory stays flat however many sources a run fetches
        self.answered = self.answered or row["error_kind"] not in NETWORK_ERROR_KINDS
        if job is not None and job.response is not None:
            return job, row  # the row waits for its response record: `complete` puts it with the others
        self.pending.append(row)
        return (job, row) if job is not None else None

    def complete(self, job: PayloadJob, row: dict[str, Any], member: bytes | None) -> None:
        """Append a response record a worker built, say where it is, and let its row wait with the others."""
        if member is not None:
            ticket = self.writer.member(member)
            row[TICKET] = ticket
            self.payloads.archived(job.digest, ticket)
        self.pending.append(row)


# Below this many URLs a run extracts and archives in its own process: starting workers would cost more than
# it saves. CLAIMCHECK_PARALLEL_FROM sets another threshold (tests run small worlds both ways with it).
PARALLEL_EXTRACTION_FROM = 24


EXTRACTIONS_PER_TRANSACTION = 64


def parallel_from() -> int:
    value = os.environ.get("CLAIMCHECK_PARALLEL_FROM", "")
    return int(value) if value.isdigit() else PARALLEL_EXTRACTION_FROM


def _canary_down(settings: RunSettings) -> bool:
    """The canaries fail at the connection level: the network is down, whatever the sources would say."""
    results = run_fetch(settings.canary, settings.fetch, resolver=settings.resolver, transport=settings.transport)
    return all(r.error_kind in NETWORK_ERROR_KINDS for r in results.values())


def _soft404_probes(store: Store, settings: RunSettings, candidates: dict[str, str | None]) -> set[str]:
    """Final URLs of new pages that read like the site's answer to a made-up URL in the same folder.
    `candidates`: final URL -> the digest of its main text."""
    if not candidates:
        return set()
    probes = {folder_key(url): probe_url(url) for url in candidates}
    answers = run_fetch(list(probes.values()), settings.fetch, resolver=settings.resolver,
                        transport=settings.transport)
    probe_texts: dict[str, str] = {}
    for folder, url in probes.items():
        answer = answers[url]
        if answer.status == 200 and answer.final and answer.final.body:
            try:
                body = decode_content(answer.final.body, answer.final.header("content-encoding"),
                                      settings.fetch.max_body)
                probe_texts[folder] = extract_page(body, answer.final_url,
                                                   answer.final.header("content-type") or "").text
            except Exception:  # noqa: BLE001 - a probe that cannot be read proves nothing
                continue
    # Most sites answer a made-up URL with a 404: then no page's text is even read.
    return {url for url, text_digest in candidates.items()
            if folder_key(url) in probe_texts
            and reads_like(store.extractions.text(text_digest) or "", probe_texts[folder_key(url)])}


def _classify_row(row: dict[str, Any], extraction: ExtractionRow | None, *, soft404: bool = False) -> Classified:
    signals = json.loads(extraction["signals"]) if extraction and extraction["signals"] != "{}" else {}
    return classify(url=row["url"], status=row.get("http_status"), error_kind=row.get("error_kind"),
                    error=row.get("error"), final_url=row["final_url"], redirected=row[HOPS] > 1,
                    headers=row[CLASSIFY_HEADERS_KEY], page_kind=extraction["kind"] if extraction else None,
                    signals=signals, soft404_by_probe=soft404)


# The URL requested -> who cites it: (source key, cited URL) -> the id of the (last) source citing it so.
# Ids, not sources: the claims of many articles are read per file as they are used, not held whole.
CitedBy = dict[str, dict[tuple[str, str], str]]


def _cited_evidence(claims: ClaimsFile, store: Store, by_url: CitedBy,
                    requested: dict[tuple[str, int | None, str, str], str]) -> dict[str, tuple[str, ...]]:
    """URL requested -> the evidence passages cited from it (as written, and as accepted in review)."""
    accepted = store.reviews.accepted_evidence()
    found: dict[str, dict[str, None]] = {}
    for claim in claims.claims:
        for cite in claim.cites:
            source = claims.sources.get(cite.source)
            if source is None or not source.url:
                continue
            url = requested.get(resource_key(request_url(source.url)))
            if url is None or url not in by_url:
                continue
            # As judging reads it.
            evidence = claim.accepted(accepted, source) or cite.evidence
            if evidence:
                found.setdefault(url, {})[evidence] = None
    return {url: tuple(passages) for url, passages in found.items()}


def capture_sources(claims: ClaimsFile, store: Store, settings: RunSettings, *, run_id: int,
                    shard: Shard | None = None) -> FetchOutcome:
    """Fetch every source with a URL, archive each capture and index it (inside the caller's lock). `shard`
    (K, N): only the URLs whose host hashes to K of N, and of those only the ones the run has not indexed yet
    (a shard run again after it died fetches what it had not finished). The caller has recorded the claims
    file's sources (`Captures.sync_sources`)."""
    by_url: CitedBy = {}
    requested: dict[tuple[str, int | None, str, str], str] = {}  # one request per resource, whoever cites it
    done_before = store.captures.urls_of_run(run_id) if shard is not None else set()
    for source in claims.sources.values():
        if source.url:
            wanted = request_url(source.url)
            if shard is not None and (shard_of(wanted, shard[1]) != shard[0] or source.url in done_before):
                continue
            # One capture per resource and cited URL: sources citing the same URL under several labels (several
            # articles) share its history, which is kept under the source's key, not its label.
            by_url.setdefault(requested.setdefault(resource_key(wanted), wanted), {})[
                (source.key, source.url)] = source.id
    if not by_url:
        return FetchOutcome(run_id, False, 0)
    # A shard recovers only its own files: the run's other shards may be writing theirs right now.
    for recovered in recover_open_files(store.paths.warc, prefix=_warc_prefix(run_id, shard) if shard else ""):
        store.reviews.audit("claimcheck", "warc-recovered", recovered.name,
                    "left open by a run that was killed; its whole records are kept, not indexed")
    if settings.canary and _canary_down(settings):
        return FetchOutcome(run_id, True, 0)
    stored_validators = store.captures.validators()
    validators = {url: Validators(etag, last_modified) for url, (etag, last_modified, _) in stored_validators.items()}
    evidence = _cited_evidence(claims, store, by_url, requested)
    # A run large enough to extract in worker processes writes its WARC records in a process of its own too.
    parallel = len(by_url) >= parallel_from()
    path = _warc_name(run_id, store, shard)
    writer: RecordWriter = ProcessWriter(path) if parallel else LocalWriter(path)
    pool = extraction_pool() if parallel else None
    recorder = _Recorder(store, writer, stored_validators, evidence, offload=pool is not None)
    done = 0
    today = clock.now().date()
    unstored: list[PreparedPayload] = []
    batches = Batches(pool, settings.fetch.max_body, today) if pool is not None else None

    def on_done(result: FetchResult) -> Awaitable[None] | None:
        nonlocal done
        recorded = recorder.record(result)
        done += 1
        if settings.progress:
            settings.progress(done, len(by_url))
        if recorded is None:
            return None
        job, row = recorded
        # Extractions are stored as they arrive, a few dozen per transaction: holding them for the end of the
        # run would hold every text, and one transaction each costs a commit each.
        if pool is None:
            unstored.append(prepare_payload(job, settings.fetch.max_body, today))
            store_extractions(EXTRACTIONS_PER_TRANSACTION)
            return None
        assert batches is not None
        future = batches.submit(job)

        async def collect() -> None:
            prepared = await future
            recorder.complete(job, row, prepared.member)
            unstored.append(prepared)
            store_extractions(EXTRACTIONS_PER_TRANSACTION)
        return collect()

    def store_extractions(at_least: int) -> None:
        if len(unstored) >= at_least:
            store.extractions.add_many([(p.extraction, p.texts) for p in unstored],
                                  [m for p in unstored for m in p.matches])
            unstored.clear()

    try:
        interrupted = False
        try:
            run_fetch(list(by_url), settings.fetch, validators=validators, resolver=settings.resolver,
                      transport=settings.transport, on_done=on_done, keep_results=False)
            writer.close()
            store_extractions(1)
        except BaseException as exc:
            interrupted = isinstance(exc, Interrupted)
            # Whole records were written: the file is kept (unindexed), so nothing fetched is thrown away.
            writer.close_after_failure()
            raise
        finally:
            if pool is not None:
                shut_down(pool, at_once=interrupted)
        return _index_captures(store, settings, recorder, by_url, run_id)
    finally:
        recorder.pending.discard()
        recorder.payloads.discard()


def _index_captures(store: Store, settings: RunSettings, recorder: _Recorder, by_url: CitedBy,
                    run_id: int) -> FetchOutcome:
    """Classify the run's captures and index them, with their new payloads, in one transaction."""
    pending = recorder.pending
    network_down = bool(pending) and not recorder.answered

    def extractions_of(rows: list[dict[str, Any]]) -> dict[str, ExtractionRow | None]:
        """URL -> the extraction of its payload, for a chunk of rows: one query for all of them."""
        stored = store.extractions.of_payloads({row["payload_digest"] for row in rows if row.get("payload_digest")})
        return {row["url"]: ensure_extraction(store, row["payload_digest"], row["final_url"], recorder.payloads,
                                              max_body=settings.fetch.max_body, stored=stored)
                for row in rows if row.get("payload_digest")}

    like_made_up: set[str] = set()
    if not network_down and settings.probe_soft404:
        candidates: dict[str, str | None] = {}  # final URL -> main-text digest, for new pages answered 200
        for spilled in pending.chunks():
            chunk = [row for row in spilled if row.get("http_status") == 200
                     and row.get(NEW_PAYLOAD)]
            extractions = extractions_of(chunk)
            for row in chunk:
                if (extraction := extractions.get(row["url"])) is not None:
                    candidates[row["final_url"]] = extraction["text_digest"]
        like_made_up = _soft404_probes(store, settings, candidates)

    earlier_soft404s = store.captures.soft404s_by_probe() if not network_down else set()
    # Rows are classified and indexed a chunk at a time (a chunk's extractions read at once), all of them in one
    # transaction: an interrupted run indexes nothing, and memory holds a chunk's extractions, not the run's.
    with store.transaction():
        for payloads in recorder.payloads.rows():
            store.captures.add_payloads(payloads)
        for spilled in pending.chunks(by_key=True):
            chunk = [recorder.writer.locate(row, TICKET) for row in spilled]
            extractions = extractions_of(chunk)
            rows: list[dict[str, Any]] = []
            for row in chunk:
                extraction = extractions.get(row["url"])
                if network_down:
                    classified = Classified(NETWORK, "the network was down")
                else:
                    # An unchanged payload keeps what its probe found: the site's answer is not asked again.
                    soft404 = row["final_url"] in like_made_up or (
                        (row.get("payload_digest"), row["final_url"]) in earlier_soft404s
                        and not row.get(NEW_PAYLOAD))
                    classified = _classify_row(row, extraction, soft404=soft404)
                cited_by = by_url[row["url"]]
                for number, ((key, url), source_id) in enumerate(cited_by.items()):
                    # The row itself for the last source citing the URL (usually the only one): no copy per source.
                    capture = row if number == len(cited_by) - 1 else dict(row)
                    # The capture is filed under the URL the source cites (the requested one may differ by kind).
                    capture.update(run_id=run_id, source_id=source_id, source_key=key, url=url,
                                   outcome=classified.outcome,
                                   reason=classified.reason,
                                   soft404_probe=int(classified.reason == SOFT404_BY_PROBE))
                    rows.append(capture)
            store.captures.add(rows)
    return FetchOutcome(run_id, network_down, len(pending))
