"""What a payload is before it is read: its kind (sniffed from its bytes and declared type), its text
decoded as the server and the page declare, and the record every reader returns (Extracted)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from claimcheck.core.dates import FuzzyDate, Precision

# Bumped whenever what an extraction says about a payload changes (cc-2: the date cascade and htmldate's
# second opinion; cc-3: trafilatura's main text): older stored extractions are then recomputed from the
# archived payload when next read.
EXTRACTOR_VERSION = "cc-3"


@dataclass(frozen=True)
class Extracted:
    """What claimcheck reads from one payload."""

    kind: str  # html, pdf, text, binary, empty
    text: str = ""  # main text, one block a line
    full_text: str = ""  # every visible line
    title: str | None = None
    published: date | None = None
    published_precision: Precision | None = None
    published_from: str | None = None
    modified: date | None = None
    canonical: str | None = None
    signals: dict[str, Any] = field(default_factory=dict)

    @property
    def published_date(self) -> FuzzyDate | None:
        if self.published is None:
            return None
        return FuzzyDate(self.published, self.published_precision or Precision.DAY)



def clean(text: str) -> str:
    """Whitespace folded to single spaces."""
    return " ".join(text.split())


def _charset(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else None


def decode_html(body: bytes, content_type: str) -> str:
    """Decode as the server declares, then as the page declares, then sniff."""
    declared = _charset(content_type)
    # After the declarations: UTF-8, then windows-1252, the web's de facto default for mislabelled
    # Western pages (WHATWG), before statistical sniffing, which guesses worst on short pages.
    from bs4.dammit import UnicodeDammit  # here: importing bs4 is a tenth of a second of every run's start-up

    dammit = UnicodeDammit(body, known_definite_encodings=[declared] if declared else [],
                           user_encodings=["utf-8", "windows-1252"], is_html=True)
    if dammit.unicode_markup is not None:
        return dammit.unicode_markup
    return body.decode("utf-8", errors="replace")


_CONTROL_BYTES = bytes(range(0, 9)) + bytes(range(14, 32))  # not tab, newline, CR, form feed


def looks_binary(body: bytes) -> bool:
    sample = body[:4096]
    if not sample:
        return False
    if sample.count(b"\x00") > 0:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls / len(sample) > 0.1


def sniff_kind(body: bytes, content_type: str) -> str:
    if not body.strip():
        return "empty"
    if body.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if looks_binary(body):
        return "binary"
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == "text/plain":
        return "text"
    return "html"
