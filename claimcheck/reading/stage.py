"""The reading stage: from an archived payload to its extraction (main text, whole text, title, dates,
canonical link) and where each cited passage is in it. The CPU-heavy part of a run, done in worker processes
while the fetch loop goes on; judging and review read extractions back through `ensure_extraction`, which
recomputes one from the WARC record when the extractor changed.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import importlib.machinery
import json
import multiprocessing
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from claimcheck.core import clock, signals
from claimcheck.net.records import FetchOptions, decode_content
from claimcheck.reading.evidence import evidence_match_row
from claimcheck.reading.kinds import extract_page
from claimcheck.reading.payload import EXTRACTOR_VERSION, Extracted
from claimcheck.store import Store, pack_text
from claimcheck.store.archive import EMPTY_PAYLOAD, ResponseRecord, read_payload
from claimcheck.store.rows import ExtractionRow


class PayloadLocations(Protocol):
    """Where the run's own new payloads were archived, before they are indexed."""

    def location(self, digest: str) -> dict[str, Any] | None: ...


def header_map(headers: list[tuple[str, str]]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers}


def archived_payload(store: Store, digest: str) -> tuple[bytes, dict[str, str]] | None:
    """A payload as archived (content-coding intact) and its response's headers by lower-case name; None
    where the store has no record of it."""
    where = store.captures.payload(digest)
    if where is None:
        return None
    raw, headers = read_payload(store.paths.warc / where["warc_file"], where["warc_offset"])
    return raw, header_map(headers)


@dataclass(frozen=True)
class PayloadJob:
    """A payload first seen in this run: what a worker process needs to archive, extract and match it."""

    digest: str
    body: bytes
    headers: dict[str, str]
    url: str
    response: ResponseRecord | None  # its record, when the worker builds and gzips it
    evidence: tuple[str, ...]  # passages that claims cite from this URL


@dataclass(frozen=True)
class PreparedPayload:
    member: bytes | None  # the gzipped response record, to append to the WARC
    extraction: ExtractionRow
    texts: dict[str, str | bytes]
    matches: list[dict[str, Any]]


def prepare_payload(job: PayloadJob, max_body: int, today: date) -> PreparedPayload:
    """Everything CPU-heavy about a new payload, in one pass where its body is: the WARC record's digest and
    compression, extraction, and where each cited passage is. Pure and picklable: worker processes run it."""
    member = job.response.member(job.body) if job.response is not None else None
    row, texts, page = _extraction(job.digest, job.body, job.headers, job.url, max_body, today)
    matches = [evidence_match_row(job.digest, EXTRACTOR_VERSION, evidence, page.text, page.full_text)
               for evidence in job.evidence] if page.text or page.full_text else []
    return PreparedPayload(member, row, texts, matches)


def prepare_payloads(jobs: list[PayloadJob], max_body: int, today: date) -> list[PreparedPayload]:
    return [prepare_payload(job, max_body, today) for job in jobs]


class Batches:
    """Hands new payloads to the worker processes a few at a time. Each submission costs the pool's threads in
    this process (pickling, pipes, wake-ups) a good part of what a page's extraction costs a worker; in batches
    the fetch loop keeps that time. A batch leaves when it is full, or when the loop has had a moment to fill
    it, so the last payloads of a run never wait."""

    SIZE = 8
    WAIT = 0.002  # seconds

    def __init__(self, pool: concurrent.futures.Executor, max_body: int, today: date) -> None:
        self.pool = pool
        self.max_body = max_body
        self.today = today
        self.pending: list[tuple[PayloadJob, asyncio.Future[PreparedPayload]]] = []
        self.timer: asyncio.TimerHandle | None = None

    def submit(self, job: PayloadJob) -> asyncio.Future[PreparedPayload]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[PreparedPayload] = loop.create_future()
        self.pending.append((job, future))
        if len(self.pending) >= self.SIZE:
            self.flush()
        elif self.timer is None:
            self.timer = loop.call_later(self.WAIT, self.flush)
        return future

    def flush(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        batch, self.pending = self.pending, []
        if not batch:
            return
        with main_not_rerun():  # a submission may start a worker
            done = asyncio.get_running_loop().run_in_executor(
                self.pool, prepare_payloads, [job for job, _ in batch], self.max_body, self.today)

        def deliver(finished: asyncio.Future[list[PreparedPayload]]) -> None:
            for index, (_, future) in enumerate(batch):
                if future.done():
                    continue
                if finished.cancelled():
                    future.cancel()
                elif finished.exception() is not None:
                    future.set_exception(finished.exception())  # type: ignore[arg-type]
                else:
                    future.set_result(finished.result()[index])
        done.add_done_callback(deliver)


def is_current(extraction: ExtractionRow | None) -> bool:
    """An extraction made by this extractor (an older one is recomputed from the archive)."""
    return extraction is not None and extraction["extractor"] == EXTRACTOR_VERSION


def ensure_extraction(store: Store, digest: str, url: str, fresh: PayloadLocations | None = None,
                      *, max_body: int = FetchOptions.max_body,
                      stored: dict[str, ExtractionRow] | None = None) -> ExtractionRow | None:
    """The stored extraction of a payload, computed from the archived record if missing or outdated.
    `stored`: extractions already read in bulk (`Store.extractions_of`), so that no query is made again; a
    recomputed one replaces its outdated entry there."""
    existing = stored[digest] if stored is not None and digest in stored else store.extractions.get(digest)
    if is_current(existing):
        return existing
    if digest == EMPTY_PAYLOAD:  # never stored as a payload: there is nothing to read back
        raw, by_name = b"", {}
    else:
        where = fresh.location(digest) if fresh is not None else None
        if where is not None:
            raw, headers = read_payload(store.paths.warc / where["warc_file"], where["warc_offset"])
            by_name = header_map(headers)
        elif (archived := archived_payload(store, digest)) is not None:
            raw, by_name = archived
        else:
            return None
    row, texts, _ = _extraction(digest, raw, by_name, url, max_body, clock.now().date())
    store.extractions.add(row, texts)
    if stored is not None:
        stored[digest] = row
    return row


def _extraction(digest: str, raw: bytes, header_map: dict[str, str], url: str, max_body: int,
                today: date) -> tuple[ExtractionRow, dict[str, str | bytes], Extracted]:
    signals: dict[str, Any]
    try:
        body = decode_content(raw, header_map.get("content-encoding"), max_body)
        page = extract_page(body, url, header_map.get("content-type", ""), today=today)
        signals = dict(page.signals)
    except Exception as exc:  # noqa: BLE001 - a hostile payload must end as a verdict, not a crash
        page = Extracted(kind="binary")
        signals = {"reason": f"cannot decode or extract: {type(exc).__name__}: {exc}"[:300]}
    texts: dict[str, str | bytes] = {}  # packed here, so that worker processes do the compressing
    text_digest = full_digest = None
    if page.text:
        text_digest = _text_digest(page.text)
        texts[text_digest] = pack_text(page.text)
    if page.full_text:
        full_digest = _text_digest(page.full_text)
        texts.setdefault(full_digest, pack_text(page.full_text))
    published = page.published_date.iso() if page.published_date else None
    row: ExtractionRow = {
        "payload_digest": digest, "extractor": EXTRACTOR_VERSION, "kind": page.kind, "title": page.title,
        "published": published, "modified": page.modified.isoformat() if page.modified else None,
        "canonical": page.canonical, "text_digest": text_digest, "full_text_digest": full_digest,
        "published_from": page.published_from, "signals": json.dumps(signals)}
    return row, texts, page


def _text_digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@contextmanager
def main_not_rerun() -> Iterator[None]:
    """While workers start: a worker would import the program's main script again (multiprocessing prepares
    each forkserver or spawn child so), and a script calling claimcheck without an `if __name__ == "__main__"`
    guard would start a second run in each worker. A main module that names itself `__main__` is left alone.
    (`python -m claimcheck` and the console script are guarded; this is for programs embedding claimcheck.)"""
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None:
        yield
        return
    main.__spec__ = importlib.machinery.ModuleSpec("__main__", None)
    try:
        yield
    finally:
        main.__spec__ = None


def extraction_pool() -> concurrent.futures.ProcessPoolExecutor:
    """Workers for CPU-heavy extraction, one per core, so the fetch loop never waits on lxml.

    forkserver, not fork: forking a process that runs an event loop and threads is unsafe."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["claimcheck.reading", "bs4.dammit", "trafilatura"])
    return concurrent.futures.ProcessPoolExecutor(max_workers=os.cpu_count() or 2, mp_context=context,
                                                  initializer=signals.worker_started, initargs=(os.getpid(),))


def shut_down(pool: concurrent.futures.ProcessPoolExecutor, *, at_once: bool) -> None:
    """Let the workers finish (a run that ends well), or stop them now (a run that was interrupted)."""
    if at_once:
        signals.stop_children()
        pool.shutdown(wait=False, cancel_futures=True)
    else:
        pool.shutdown(wait=True, cancel_futures=True)
