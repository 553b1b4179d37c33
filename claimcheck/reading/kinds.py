"""The seam between payload kinds and their readers: one table says which reader turns a payload of each
kind into an Extracted record. A new kind (a feed item, a DOI landing page's JSON) is a new reader module and
one row here; sniffing (`payload.sniff_kind`) names the kind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from claimcheck.core import clock
from claimcheck.reading.html import extract_html
from claimcheck.reading.payload import Extracted, clean, decode_html, sniff_kind
from claimcheck.reading.pdf import extract_pdf

# (body, url, content type, the latest date a page can carry) -> what was read
Reader = Callable[[bytes, str, str, date], Extracted]


def _read_html(body: bytes, url: str, content_type: str, latest: date) -> Extracted:
    return extract_html(decode_html(body, content_type), url, latest)


def _read_text(body: bytes, url: str, content_type: str, latest: date) -> Extracted:
    text = "\n".join(clean(line) for line in decode_html(body, content_type).splitlines() if line.strip())
    return Extracted(kind="text", text=text, full_text=text)


def _unreadable(kind: str) -> Reader:
    def read(body: bytes, url: str, content_type: str, latest: date) -> Extracted:
        return Extracted(kind=kind, signals={"reason": f"the body is {kind}"})
    return read


READERS: dict[str, Reader] = {
    "html": _read_html,
    "pdf": lambda body, url, content_type, latest: extract_pdf(body, latest),
    "text": _read_text,
    "empty": _unreadable("empty"),
    "binary": _unreadable("binary"),
}


def extract_page(body: bytes, url: str, content_type: str = "", *, today: date | None = None) -> Extracted:
    """Main text, title and dates of a payload, by the reader its kind names."""
    return READERS[sniff_kind(body, content_type)](body, url, content_type, today or clock.now().date())
