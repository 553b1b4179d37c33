"""The rows the store hands between stages, typed: what capture indexes and judging reads (CaptureRow), what
reading stored about a payload (ExtractionRow), and what judging concluded (FindingRow). TypedDicts, so rows
stay the plain dicts SQLite gives (no copying on the hot path) while mypy checks every field's name and type.
Fields a row read back always has are typed as the schema allows (None where the column may be NULL)."""

from __future__ import annotations

from typing import TypedDict


class CaptureRow(TypedDict):
    id: int
    run_id: int
    source_id: str  # the label it was captured under
    source_key: str  # the resource its history is kept under (Source.key)
    url: str
    final_url: str
    fetched_at: str
    elapsed: float
    http_status: int | None
    outcome: str
    reason: str
    error_kind: str | None
    error: str | None
    redirects: str  # JSON [[url, status], ...]
    permanent_redirect: int
    headers: str | None  # JSON [[name, value], ...]
    etag: str | None
    last_modified: str | None
    content_type: str | None
    payload_digest: str | None
    payload_length: int | None
    not_modified: int
    warc_file: str | None
    warc_offset: int | None
    warc_length: int | None
    record_type: str | None
    peer: str | None
    soft404_probe: int | None


class ExtractionRow(TypedDict):
    payload_digest: str
    extractor: str
    kind: str
    title: str | None
    published: str | None  # ISO 8601 at its precision
    modified: str | None
    canonical: str | None
    text_digest: str | None
    full_text_digest: str | None
    signals: str  # JSON
    published_from: str | None


class FindingRow(TypedDict):
    id: int
    run_id: int
    claim_id: str
    source_id: str
    verdict: str
    level: str
    detail: str
    url: str | None
    final_url: str | None
    http_status: int | None
    capture_id: int | None
    captured_at: str | None
    evidence_score: float | None
    evidence_text: str | None
    page_date: str | None
    cited_date: str | None
    suggested_url: str | None
    claim_text: str
    checked: int | None
    has_evidence: int | None
    article: str | None  # the label of the claim's claims file (its path when one file is checked)
    support: str | None  # JSON {label, score, reasons}: the evidence passage as found, against the claim
    touches_claim: int | None  # a changed page without evidence: 1 when the change holds the claim's terms
    source_key: str | None  # the resource the source's history is kept under (its URL, normalised)
    baseline_capture_id: int | None  # the baseline capture this finding's capture was compared with
