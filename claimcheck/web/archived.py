"""An archived capture shown as it was, and harmless: read from its WARC record, scripts and active content
removed (lxml_html_clean: <script>, event handlers, javascript: URLs, frames, forms, plugins, <meta refresh>,
<base>; links and image sources too), then served with a sandbox policy of its own, so that what a cleaner
misses still cannot run in the app's origin, navigate the app or load anything from the web (the capture,
not the live page, is shown)."""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html
from lxml_html_clean import Cleaner

from claimcheck.core.errors import StoreError
from claimcheck.net.records import FetchOptions, decode_content
from claimcheck.reading.stage import archived_payload
from claimcheck.store import Store
from claimcheck.store.rows import CaptureRow

# No scripts, no plugins or frames, no network: images and styles only from the capture itself (data: URLs)
# or inline. `sandbox` without allow-scripts, allow-same-origin or allow-top-navigation.
ARCHIVED_CSP = ("sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
                "form-action 'none'; base-uri 'none'")

_CLEANER = Cleaner(scripts=True, javascript=True, comments=True, style=False, inline_style=False, links=True,
                   meta=True, page_structure=False, processing_instructions=True, embedded=True, frames=True,
                   forms=True, annoying_tags=True, remove_unknown_tags=False, safe_attrs_only=True,
                   add_nofollow=True)


def payload_of(store: Store, capture: CaptureRow) -> tuple[bytes, str]:
    """A capture's body (content-coding undone) and its content type."""
    archived = archived_payload(store, capture["payload_digest"]) if capture["payload_digest"] else None
    if archived is None:
        raise StoreError(f"capture #{capture['id']} has no archived payload")
    raw, by_name = archived
    body = decode_content(raw, by_name.get("content-encoding"), FetchOptions.max_body)
    return body, by_name.get("content-type", capture["content_type"] or "")


def harmless_html(body: bytes) -> str:
    """The page's HTML with scripts and active content removed; never raises on a page it cannot parse."""
    try:
        doc = lxml_html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return "<p>This capture cannot be read as HTML.</p>"
    cleaned = _CLEANER.clean_html(doc)
    for element in cleaned.iter("a", "img", "source", "link", "area"):
        # Nothing in the frame points anywhere: an archived page's links lead to the live site (or, relative,
        # into the app without its cookie), and its pictures would be fetched from the live site. Their
        # words stay; an image keeps its alt text.
        for attribute in ("href", "src", "srcset"):
            element.attrib.pop(attribute, None)
    return str(etree.tostring(cleaned, encoding="unicode", method="html"))
