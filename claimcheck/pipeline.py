"""The library API: fetch and archive sources, then check every claim. The CLI is a thin layer over this.

    claims.yaml ─▶ fetch ─▶ archive (WARC) ─▶ extract ─▶ classify ─▶ index (SQLite) ─▶ judge ─▶ findings
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import json
import multiprocessing
import os
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from . import clock
from .archive import KnownPayload, WarcFile, payload_digest, read_payload
from .check import (
    NETWORK,
    OK,
    Attempt,
    Classified,
    EvidenceFinding,
    FailureStreak,
    Judgement,
    Page,
    Policy,
    TextChange,
    classify,
    compare_texts,
    judge_content,
    judge_failure,
    locate_evidence,
)
from .claims import ClaimsFile, Source
from .dates import FuzzyDate
from .errors import StoreError
from .extract import EXTRACTOR_VERSION, Extracted, extract_page
from .fetch import FetchOptions, FetchResult, Validators, decode_content, run_fetch
from .match import Match, normalize
from .memento import DEFAULT_TIMEGATE, accept_datetime, memento_from, timegate_url
from .netguard import Resolver, system_resolver
from .soft404 import folder_key, probe_url, reads_like
from .store import Store
from .verdicts import Verdict, worst

# Failures that say nothing about a source when every source shows them: the network itself is down.
NETWORK_ERROR_KINDS = frozenset({"dns", "connect", "timeout"})

Progress = Callable[[int, int], None]
EMPTY_PAYLOAD = payload_digest(b"")


@dataclass
class RunSettings:
    """Everything a fetch or check run needs besides the claims and the store; side effects passed in."""

    fetch: FetchOptions = field(default_factory=FetchOptions)
    policy: Policy = field(default_factory=Policy)
    offline: bool = False
    resolver: Resolver = system_resolver
    transport: httpx.AsyncBaseTransport | None = None
    progress: Progress | None = None
    lock_wait: float = 0.0
    canary: tuple[str, ...] = ()  # URLs that must answer for the network to count as up
    timegate: str | None = DEFAULT_TIMEGATE  # where archived copies of gone sources are looked up; None: never
    probe_soft404: bool = True  # ask each site what it answers for a made-up URL (once per folder and run)


@dataclass
class FetchOutcome:
    run_id: int
    network_down: bool
    captures: dict[str, int]  # source id -> capture id
    fetched: int


@dataclass
class CheckOutcome:
    run_id: int
    network_down: bool
    offline: bool
    findings: list[dict[str, Any]]

    @property
    def verdicts(self) -> list[Verdict]:
        return [Verdict(f["verdict"]) for f in self.findings]


def _warc_name(run_id: int, store: Store) -> Path:
    stamp = clock.now().strftime("%Y%m%d%H%M%S")
    return store.paths.warc / f"claimcheck-{stamp}-run{run_id:06d}.warc.gz"


def _header_map(headers: list[tuple[str, str]]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers}


class _Recorder:
    """Writes each fetch result to the WARC as it arrives; rows are indexed once the file is complete."""

    def __init__(self, store: Store, warc: WarcFile, validators: dict[str, tuple[str | None, str | None, str]]):
        self.store = store
        self.warc = warc
        self.validators = validators
        self.known: dict[str, KnownPayload] = {}
        self.pending: list[tuple[FetchResult, dict[str, Any]]] = []
        self.new_payloads: dict[str, dict[str, Any]] = {}
        self.jobs_given: set[str] = set()

    def _known(self, digest: str) -> None:
        if digest in self.known:
            return
        row = self.store.payload(digest)
        if row:
            self.known[digest] = KnownPayload(row["uri"], row["date"])

    def record(self, result: FetchResult) -> tuple[str, bytes, dict[str, str], str] | None:
        """Archive a result; return (digest, raw body, headers, URL) when its payload is new here."""
        row: dict[str, Any] = {
            "url": result.url, "final_url": result.final_url, "fetched_at": clock.isoformat(result.started_at),
            "elapsed": round(result.elapsed, 4), "http_status": result.status, "error_kind": result.error_kind,
            "error": str(result.error) if result.error else None,
            "redirects": json.dumps([[h.url, h.status] for h in result.hops]),
            "permanent_redirect": int(result.permanent_redirect), "not_modified": 0,
        }
        for hop in result.hops:
            self._known(payload_digest(hop.body))
            ref, digest = self.warc.write_hop(hop, self.known)
            if hop is result.final:
                headers = _header_map(hop.headers)
                row.update(warc_file=ref.file, warc_offset=ref.offset, warc_length=ref.length,
                           record_type=ref.record_type, peer=hop.peer, headers=json.dumps(hop.headers),
                           etag=headers.get("etag"), last_modified=headers.get("last-modified"),
                           content_type=headers.get("content-type"), payload_length=len(hop.body))
                if hop.status == 304 and hop.url in self.validators:
                    row.update(payload_digest=self.validators[hop.url][2], not_modified=1)
                elif hop.status != 304:
                    row["payload_digest"] = digest
                    if ref.record_type == "response" and hop.body and digest not in self.new_payloads:
                        self.new_payloads[digest] = {
                            "digest": digest, "uri": hop.url, "date": clock.isoformat(hop.started_at),
                            "length": len(hop.body), "content_type": headers.get("content-type"),
                            "warc_file": ref.file, "warc_offset": ref.offset, "warc_length": ref.length}
        if result.error or len(result.hops) > 1:
            # Redirect chains and failures are recorded in the archive too; a plain fetch says it all already.
            meta = self.warc.write_metadata(
                result.url, result.started_at,
                {"url": result.url, "final_url": result.final_url, "error_kind": result.error_kind,
                 "error": row["error"], "redirects": [[h.url, h.status] for h in result.hops],
                 "elapsed": row["elapsed"]})
            if not result.hops:
                row.update(warc_file=meta.file, warc_offset=meta.offset, warc_length=meta.length,
                           record_type="metadata")
        job = None
        final = result.final
        if final is not None and final.body and row.get("payload_digest") in self.new_payloads \
                and row["payload_digest"] not in self.jobs_given:
            self.jobs_given.add(row["payload_digest"])
            job = (row["payload_digest"], final.body, _header_map(final.headers), result.final_url)
        for hop in result.hops:
            hop.body = b""  # archived: memory stays flat however many sources a run fetches
        self.pending.append((result, row))
        return job


def _payload_location(store: Store, digest: str, fresh: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    return fresh.get(digest) or store.payload(digest)


def ensure_extraction(store: Store, digest: str, url: str, fresh: dict[str, dict[str, Any]] | None = None,
                      *, max_body: int = FetchOptions.max_body) -> dict[str, Any] | None:
    """The stored extraction of a payload, computed from the archived record if missing or outdated."""
    existing = store.extraction(digest)
    if existing and existing["extractor"] == EXTRACTOR_VERSION:
        return existing
    if digest == EMPTY_PAYLOAD:  # never stored as a payload: there is nothing to read back
        raw, header_map = b"", {}
    else:
        where = _payload_location(store, digest, fresh or {})
        if where is None:
            return None
        raw, headers = read_payload(store.paths.warc / where["warc_file"], where["warc_offset"])
        header_map = _header_map(headers)
    row, texts = extraction_record(digest, raw, header_map, url, max_body, clock.now().date())
    store.add_extraction(row, texts)
    return row


def extraction_record(digest: str, raw: bytes, header_map: dict[str, str], url: str, max_body: int,
                      today: date) -> tuple[dict[str, Any], dict[str, str]]:
    """The extraction row and texts of a payload. Pure and picklable: worker processes run it."""
    signals: dict[str, Any]
    try:
        body = decode_content(raw, header_map.get("content-encoding"), max_body)
        page = extract_page(body, url, header_map.get("content-type", ""), today=today)
        signals = dict(page.signals)
    except Exception as exc:  # noqa: BLE001 - a hostile payload must end as a verdict, not a crash
        page = Extracted(kind="binary")
        signals = {"reason": f"cannot decode or extract: {type(exc).__name__}: {exc}"[:300]}
    texts = {}
    text_digest = full_digest = None
    if page.text:
        text_digest = _text_digest(page.text)
        texts[text_digest] = page.text
    if page.full_text:
        full_digest = _text_digest(page.full_text)
        texts[full_digest] = page.full_text
    published = page.published_date.iso() if page.published_date else None
    row = {"payload_digest": digest, "extractor": EXTRACTOR_VERSION, "kind": page.kind, "title": page.title,
           "published": published, "modified": page.modified.isoformat() if page.modified else None,
           "canonical": page.canonical, "text_digest": text_digest, "full_text_digest": full_digest,
           "signals": json.dumps({**signals, "published_from": page.published_from})}
    return row, texts


def _text_digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


# Below this many URLs a run extracts in its own process: starting workers would cost more than it saves.
PARALLEL_EXTRACTION_FROM = 24


def _extraction_pool() -> concurrent.futures.ProcessPoolExecutor:
    """Workers for CPU-heavy extraction, one per core, so the fetch loop never waits on lxml.

    forkserver, not fork: forking a process that runs an event loop and threads is unsafe."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["claimcheck.pipeline"])
    return concurrent.futures.ProcessPoolExecutor(max_workers=os.cpu_count() or 2, mp_context=context)


def _canary_down(settings: RunSettings) -> bool:
    """The canaries fail at the connection level: the network is down, whatever the sources would say."""
    results = run_fetch(settings.canary, settings.fetch, resolver=settings.resolver, transport=settings.transport)
    return all(r.error_kind in NETWORK_ERROR_KINDS for r in results.values())


def _soft404_probes(store: Store, settings: RunSettings,
                    candidates: list[tuple[dict[str, Any], dict[str, Any] | None]]) -> set[str]:
    """Final URLs of new pages that read like the site's answer to a made-up URL in the same folder."""
    extractions = {row["final_url"]: extraction for row, extraction in candidates if extraction}
    if not extractions:
        return set()
    probes = {folder_key(url): probe_url(url) for url in extractions}
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
    return {url for url, extraction in extractions.items()
            if folder_key(url) in probe_texts
            and reads_like(store.text(extraction["text_digest"]) or "", probe_texts[folder_key(url)])}


def _classify_row(row: dict[str, Any], extraction: dict[str, Any] | None, *, soft404: bool = False) -> Classified:
    signals = json.loads(extraction["signals"]) if extraction else {}
    if soft404:
        signals["soft404_like_random"] = True
    hops = json.loads(row.get("redirects") or "[]")
    return classify(url=row["url"], status=row.get("http_status"), error_kind=row.get("error_kind"),
                    error=row.get("error"), final_url=row["final_url"], redirected=len(hops) > 1,
                    headers=_header_map(json.loads(row.get("headers") or "[]")),
                    page_kind=extraction["kind"] if extraction else None, signals=signals)


def _fetch_into_run(claims: ClaimsFile, store: Store, settings: RunSettings, *, run_id: int) -> FetchOutcome:
    """Fetch every source with a URL, archive each capture and index it (inside the caller's lock)."""
    store.sync_sources(claims)
    by_url: dict[str, list[Source]] = {}
    for source in claims.sources.values():
        if source.url:
            by_url.setdefault(source.url, []).append(source)
    if not by_url:
        return FetchOutcome(run_id, False, {}, 0)
    if settings.canary and _canary_down(settings):
        return FetchOutcome(run_id, True, {}, 0)
    stored_validators = store.validators()
    validators = {url: Validators(etag, last_modified) for url, (etag, last_modified, _) in stored_validators.items()}
    warc = WarcFile(_warc_name(run_id, store))
    recorder = _Recorder(store, warc, stored_validators)
    done = 0
    today = clock.now().date()
    pool = _extraction_pool() if len(by_url) >= PARALLEL_EXTRACTION_FROM else None

    def on_done(result: FetchResult) -> Awaitable[None] | None:
        nonlocal done
        job = recorder.record(result)
        done += 1
        if settings.progress:
            settings.progress(done, len(by_url))
        if job is None:
            return None
        # Each extraction is stored as it arrives: holding them for the end of the run would hold every text.
        if pool is None:
            store.add_extraction(*extraction_record(*job, settings.fetch.max_body, today))
            return None
        future = asyncio.get_running_loop().run_in_executor(
            pool, extraction_record, *job, settings.fetch.max_body, today)

        async def collect() -> None:
            store.add_extraction(*await future)
        return collect()

    try:
        run_fetch(list(by_url), settings.fetch, validators=validators, resolver=settings.resolver,
                  transport=settings.transport, on_done=on_done)
        warc.close()
    except BaseException:
        warc.abandon()
        raise
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    results = [result for result, _ in recorder.pending]
    network_down = bool(results) and all(r.error_kind in NETWORK_ERROR_KINDS for r in results)

    extractions: dict[str, dict[str, Any] | None] = {}
    for result, row in recorder.pending:
        if row.get("payload_digest"):
            extractions[result.url] = ensure_extraction(store, row["payload_digest"], row["final_url"],
                                                        recorder.new_payloads, max_body=settings.fetch.max_body)
    like_made_up = set() if network_down or not settings.probe_soft404 else _soft404_probes(
        store, settings, [(row, extractions.get(result.url)) for result, row in recorder.pending
                          if row.get("http_status") == 200 and row.get("payload_digest") in recorder.new_payloads])

    rows: list[dict[str, Any]] = []
    for result, row in recorder.pending:
        extraction = extractions.get(result.url)
        if network_down:
            classified = Classified(NETWORK, "the network was down")
        else:
            # An unchanged payload keeps what its probe found: the site's answer is not asked again.
            soft404 = row["final_url"] in like_made_up or (
                bool(row.get("payload_digest")) and row["payload_digest"] not in recorder.new_payloads
                and store.soft404_by_probe(row["payload_digest"], row["final_url"]))
            classified = _classify_row(row, extraction, soft404=soft404)
        for source in by_url[result.url]:
            rows.append({**row, "run_id": run_id, "source_id": source.id, "outcome": classified.outcome,
                         "reason": classified.reason})
    ids = store.add_captures(rows, list(recorder.new_payloads.values()))
    return FetchOutcome(run_id, network_down, {row["source_id"]: i for row, i in zip(rows, ids)}, len(results))


def _page(capture: dict[str, Any], extraction: dict[str, Any]) -> Page:
    published = FuzzyDate.from_iso(extraction["published"]) if extraction.get("published") else None
    return Page(title=extraction["title"], published=published, canonical=extraction["canonical"],
                final_url=capture["final_url"], permanent_redirect=bool(capture["permanent_redirect"]),
                published_from=json.loads(extraction["signals"] or "{}").get("published_from"))


class _Texts:
    """Main and full texts of payloads, read from the store only when a fact is not cached already."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def of(self, extraction: dict[str, Any]) -> tuple[str, str]:
        return (self.store.text(extraction["text_digest"]) or "",
                self.store.text(extraction["full_text_digest"]) or "")


def evidence_key(evidence: str) -> str:
    return hashlib.sha256(normalize(evidence).encode("utf-8")).hexdigest()[:32]


def _match_in(store: Store, texts: _Texts, evidence: str, extraction: dict[str, Any]) -> tuple[Match, bool]:
    """Where the evidence is in a payload: computed once per (payload, passage), then read from the store."""
    key = evidence_key(evidence)
    cached = store.evidence_match(extraction["payload_digest"], key)
    if cached and cached["extractor"] == extraction["extractor"]:
        return (Match(cached["score"], cached["start"], cached["end"], cached["passage"], bool(cached["exact"])),
                bool(cached["in_main_text"]))
    text, full_text = texts.of(extraction)
    match, in_main = locate_evidence(evidence, text, full_text)
    store.add_evidence_match({"payload_digest": extraction["payload_digest"], "evidence_key": key,
                              "extractor": extraction["extractor"], "score": match.score, "start": match.start,
                              "end": match.end, "passage": match.passage, "exact": int(match.exact),
                              "in_main_text": int(in_main)})
    return match, in_main


@dataclass(frozen=True)
class SourceState:
    """Everything judged about one source in this run."""

    source: Source
    capture: dict[str, Any] | None
    failure: Judgement | None
    page: Page | None
    baseline: Page | None
    unchecked_reason: str | None = None
    extraction: dict[str, Any] | None = None
    baseline_extraction: dict[str, Any] | None = None
    change: TextChange | None = None


def _source_state(store: Store, source: Source, settings: RunSettings, network_down: bool,
                  latest_rows: dict[tuple[str, str], dict[str, Any]], baselines: dict[str, dict[str, Any]],
                  texts: _Texts) -> SourceState:
    if not source.url:
        return SourceState(source, None, None, None, None, "no URL is known for this source yet")
    latest = latest_rows.get((source.id, source.url))
    if latest is None:
        if settings.offline:
            reason = "offline, and nothing is archived for this source"
        elif network_down:
            reason = "the network is down, and nothing is archived for this source"
        else:
            reason = "not captured yet"
        return SourceState(source, None, None, None, None, reason)
    if latest["outcome"] != OK:
        usable = [c for c in store.captures_of(source.id) if c["url"] == source.url and c["outcome"] != NETWORK]
        streak = FailureStreak.from_history(
            Attempt(clock.parse_instant(c["fetched_at"]), c["outcome"], c["reason"] or "") for c in usable)
        classified = Classified(latest["outcome"], latest["reason"] or f"HTTP {latest['http_status']}")
        return SourceState(source, latest, judge_failure(classified, streak, settings.policy), None, None)
    extraction = ensure_extraction(store, latest["payload_digest"], latest["final_url"])
    if extraction is None:
        return SourceState(source, latest, None, None, None, "the archived capture cannot be read")
    page = _page(latest, extraction)
    baseline_row = baselines.get(source.id)
    if baseline_row is not None and baseline_row["capture_payload_digest"] == latest["payload_digest"]:
        # The same payload as the baseline: nothing changed, and no text needs reading.
        return SourceState(source, latest, None, page, page, extraction=extraction, baseline_extraction=extraction,
                           change=None)
    if baseline_row is None:
        first_ok = store.first_ok_capture(source.id, source.url)
        assert first_ok is not None
        store.set_baseline(source.id, first_ok["id"], by="claimcheck", note="first successful capture",
                           kind="initial")
        baseline_row = store.baseline(source.id)
    assert baseline_row is not None
    base_capture = latest if baseline_row["capture_id"] == latest["id"] else store.capture(baseline_row["capture_id"])
    if base_capture["payload_digest"] == latest["payload_digest"]:
        # The same payload as the baseline: nothing changed, and no text needs reading.
        return SourceState(source, latest, None, page, _page(base_capture, extraction), extraction=extraction,
                           baseline_extraction=extraction, change=None)
    base_extraction = ensure_extraction(store, base_capture["payload_digest"], base_capture["final_url"])
    if base_extraction is None:
        return SourceState(source, latest, None, page, None, extraction=extraction)
    change = compare_texts(texts.of(base_extraction)[0], texts.of(extraction)[0], settings.policy)
    return SourceState(source, latest, None, page, _page(base_capture, base_extraction), extraction=extraction,
                       baseline_extraction=base_extraction, change=change)


def _finding(claim_id: str, claim_text: str, state: SourceState, judgement: Judgement) -> dict[str, Any]:
    capture = state.capture or {}
    source = state.source
    return {
        "claim_id": claim_id, "claim_text": claim_text, "source_id": source.id, "verdict": judgement.verdict.value,
        "level": judgement.verdict.level.value, "detail": judgement.detail, "url": source.url,
        "final_url": capture.get("final_url"), "http_status": capture.get("http_status"),
        "capture_id": capture.get("id"), "captured_at": capture.get("fetched_at"),
        "evidence_score": judgement.evidence_score, "evidence_text": judgement.evidence_text,
        "page_date": judgement.page_date.iso() if judgement.page_date else None,
        "cited_date": source.cited_date.iso() if source.cited_date else None,
        "suggested_url": judgement.suggested_url,
    }


def _evidence_finding(store: Store, texts: _Texts, state: SourceState, evidence: str) -> EvidenceFinding:
    assert state.extraction is not None
    match, in_main = _match_in(store, texts, evidence, state.extraction)
    baseline_passage = None
    if not match.exact and state.baseline_extraction is not None:
        baseline_passage = _match_in(store, texts, evidence, state.baseline_extraction)[0].passage
    return EvidenceFinding(match, in_main, baseline_passage)


def judge_claims(claims: ClaimsFile, store: Store, settings: RunSettings, *, network_down: bool) -> list[dict[str, Any]]:
    accepted = store.accepted_evidence()
    texts = _Texts(store)
    latest_rows = store.latest_usable_captures()
    baselines = store.latest_baselines()
    states = {sid: _source_state(store, source, settings, network_down, latest_rows, baselines, texts)
              for sid, source in claims.sources.items()}
    findings = []
    with store.db.atomic():  # the evidence-match cache rows of a whole run, in one transaction
        for claim in claims.claims:
            for cite in claim.cites:
                state = states[cite.source]
                if state.unchecked_reason:
                    judgement = Judgement(Verdict.UNCHECKED, state.unchecked_reason)
                elif state.failure:
                    judgement = state.failure
                else:
                    assert state.page is not None
                    evidence = accepted.get((claim.id, cite.source)) or cite.evidence
                    found = _evidence_finding(store, texts, state, evidence) if evidence else None
                    judgement = judge_content(state.source, state.page, state.baseline, settings.policy,
                                              evidence=evidence, found=found, change=state.change)
                findings.append(_finding(claim.id, claim.text, state, judgement))
    return findings


MEMENTO_VERDICTS = frozenset({Verdict.GONE.value, Verdict.EVIDENCE_MISSING.value})


def _suggest_mementos(claims: ClaimsFile, store: Store, settings: RunSettings, findings: list[dict[str, Any]],
                      *, online: bool) -> None:
    """For gone sources and missing evidence: the archived copy closest to the cited date, as the suggestion."""
    wanted = {f["source_id"] for f in findings if f["verdict"] in MEMENTO_VERDICTS and f["url"]}
    if not wanted or settings.timegate is None:
        return
    asked: dict[str, tuple[str, str]] = {}  # source id -> (url, Accept-Datetime)
    for source_id in wanted:
        source = claims.sources[source_id]
        assert source.url is not None
        asked[source_id] = (source.url, accept_datetime(source.cited_date, clock.now()))
    missing = {key for key in asked.values() if store.memento(*key) is None}
    if missing and online:
        gate_urls = {timegate_url(settings.timegate, url): (url, when) for url, when in missing}
        options = replace(settings.fetch, follow_redirects=False)
        answers = run_fetch(list(gate_urls), options, resolver=settings.resolver, transport=settings.transport,
                            headers={gate: {"Accept-Datetime": when} for gate, (_, when) in gate_urls.items()})
        for gate, (url, when) in gate_urls.items():
            if answers[gate].error_kind in NETWORK_ERROR_KINDS:
                continue  # ask again next time
            found = memento_from(answers[gate])
            store.add_memento(url, when, found.url if found else None, found.datetime if found else None)
    for finding in findings:
        if finding["verdict"] not in MEMENTO_VERDICTS or finding["source_id"] not in asked:
            continue
        known = store.memento(*asked[finding["source_id"]])
        if known and known["memento_url"]:
            finding["suggested_url"] = known["memento_url"]
            when = f" ({known['memento_datetime']})" if known["memento_datetime"] else ""
            finding["detail"] += f"; archived copy: {known['memento_url']}{when}"


def _summary(findings: list[dict[str, Any]]) -> dict[str, int]:
    counts = {v.value: 0 for v in Verdict}
    for finding in findings:
        counts[finding["verdict"]] += 1
    return counts


def _settings_record(settings: RunSettings) -> dict[str, Any]:
    return {"offline": settings.offline, "fetch": asdict(settings.fetch), "policy": asdict(settings.policy)}


@contextmanager
def _storage_errors(store: Store) -> Iterator[None]:
    """A full disk or an unwritable store fails the run loudly; transactions and temporary names keep what
    was already there intact."""
    try:
        yield
    except OSError as exc:
        raise StoreError(f"cannot write to the store {store.paths.root}: {exc.strerror or exc}") from exc
    except sqlite3.Error as exc:
        raise StoreError(f"cannot write to the store {store.paths.db}: {exc}") from exc


def fetch_sources(claims: ClaimsFile, store: Store, settings: RunSettings | None = None) -> FetchOutcome:
    """`claimcheck fetch`: capture and archive every source, judge nothing."""
    settings = settings or RunSettings()
    with _storage_errors(store), store.locked(settings.lock_wait):
        run_id = store.start_run("fetch", str(claims.path), _settings_record(settings))
        outcome = _fetch_into_run(claims, store, settings, run_id=run_id)
        store.finish_run(run_id, "network-down" if outcome.network_down else "complete",
                         "down" if outcome.network_down else "ok", {"fetched": outcome.fetched})
        return outcome


def check_claims(claims: ClaimsFile, store: Store, settings: RunSettings | None = None) -> CheckOutcome:
    """`claimcheck check`: fetch (unless offline), then give every (claim, source) pair a verdict."""
    settings = settings or RunSettings()
    with _storage_errors(store), store.locked(settings.lock_wait):
        run_id = store.start_run("check", str(claims.path), _settings_record(settings))
        store.sync_sources(claims)
        network_down = False
        if not settings.offline:
            network_down = _fetch_into_run(claims, store, settings, run_id=run_id).network_down
        findings = judge_claims(claims, store, settings, network_down=network_down)
        _suggest_mementos(claims, store, settings, findings, online=not (settings.offline or network_down))
        store.add_findings(run_id, findings)
        network = "offline" if settings.offline else "down" if network_down else "ok"
        store.finish_run(run_id, "network-down" if network_down else "complete", network, _summary(findings))
        return CheckOutcome(run_id, network_down, settings.offline, store.findings(run_id))


def claim_statuses(findings: list[dict[str, Any]]) -> dict[str, Verdict]:
    by_claim: dict[str, list[Verdict]] = {}
    for finding in findings:
        by_claim.setdefault(finding["claim_id"], []).append(Verdict(finding["verdict"]))
    return {claim: worst(verdicts) for claim, verdicts in by_claim.items()}

