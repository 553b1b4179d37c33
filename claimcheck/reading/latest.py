"""The text of a source as it was last read: one place that says which capture read a page and what its text
is, so that every reader of "the latest text" (judging's neighbours: coverage, suggest, diff, history,
accept) resolves revisits alike. A 304 names the payload it revalidated, and that payload's text is the
page's text as surely as a 200's is."""

from __future__ import annotations

from claimcheck.core.outcomes import OK
from claimcheck.reading.stage import ensure_extraction
from claimcheck.store import Store
from claimcheck.store.rows import CaptureRow


def read_the_page(capture: CaptureRow) -> bool:
    """Whether a capture brought the page's content (a 200, or a 304 of content already archived)."""
    return capture["outcome"] == OK and bool(capture["payload_digest"])


def texts_of(store: Store, capture: CaptureRow | None) -> tuple[str, str] | None:
    """(main text, whole-page text) of a capture that read a page."""
    digest = capture["payload_digest"] if capture else None
    if not capture or not digest:
        return None
    extraction = ensure_extraction(store, digest, capture["final_url"])
    if extraction is None:
        return None
    texts = store.extractions
    return texts.text(extraction["text_digest"]) or "", texts.text(extraction["full_text_digest"]) or ""


def main_text_of(store: Store, capture: CaptureRow | None) -> str | None:
    texts = texts_of(store, capture)
    return texts[0] if texts else None


def latest_good_capture(store: Store, source_key: str) -> CaptureRow | None:
    """The newest capture of a source (by key) that read its page."""
    rows = [c for c in store.captures.of_source(source_key) if read_the_page(c)]
    return rows[-1] if rows else None
