"""Reading a PDF: its text (pypdf), title, and the date on its cover or in its metadata."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from claimcheck.core.dates import FuzzyDate, Precision
from claimcheck.reading.datetext import date_in_text, month_in_text
from claimcheck.reading.payload import Extracted
from claimcheck.reading.payload import clean as _clean


def extract_pdf(body: bytes, latest: date) -> Extracted:
    from pypdf import PdfReader  # imported here: pypdf is only needed for PDFs
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(body), strict=False)
        pages = [page.extract_text() or "" for page in reader.pages]
        info: dict[str, Any] = dict(reader.metadata or {})
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, OSError, RecursionError,
            AssertionError, IndexError, ZeroDivisionError) as exc:
        return Extracted(kind="pdf", signals={"reason": f"malformed PDF: {type(exc).__name__}: {exc}"[:300]})
    lines = [_clean(line) for page in pages for line in page.splitlines() if line.strip()]
    text = "\n".join(lines)
    title = _clean(str(info.get("/Title") or "")) or (lines[0] if lines else None)
    cover = "\n".join(lines[:40])
    published = date_in_text(cover, latest) or month_in_text(cover, latest)
    published_from = "pdf-cover" if published else None
    created = _pdf_date(info.get("/CreationDate"), latest)
    if published is None and created is not None:
        published, published_from = created, "pdf-metadata"
    modified = _pdf_date(info.get("/ModDate"), latest)
    return Extracted(kind="pdf", text=text, full_text=text, title=title,
                     published=published.value if published else None,
                     published_precision=published.precision if published else None,
                     published_from=published_from, modified=modified.value if modified else None)


def _pdf_date(value: Any, latest: date) -> FuzzyDate | None:
    """PDF dates look like D:20241203120000-08'00'."""
    if not value:
        return None
    match = re.match(r"^(?:D:)?((?:19|20)\d\d)(\d\d)?(\d\d)?", str(value).strip())
    if not match:
        return None
    year, month, day = int(match[1]), int(match[2] or 1), int(match[3] or 1)
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    if found > latest:
        return None
    precision = Precision.DAY if match[3] else Precision.MONTH if match[2] else Precision.YEAR
    return FuzzyDate(found, precision)
