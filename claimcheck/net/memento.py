"""Archived copies of what is gone: the Memento protocol (RFC 7089), through a TimeGate.

A TimeGate answers `GET <timegate><original URL>` with `Accept-Datetime` by redirecting to the memento
closest to that time (the Wayback Machine by default; any RFC 7089 TimeGate works).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from email.utils import format_datetime

from claimcheck.core.dates import FuzzyDate, Precision
from claimcheck.net.records import FetchResult

DEFAULT_TIMEGATE = "https://web.archive.org/web/"
_LINK_MEMENTO = re.compile(r'<([^>]+)>\s*;[^,]*rel="?[^",]*\bmemento\b[^",]*"?[^,]*?datetime="([^"]+)"', re.IGNORECASE)


@dataclass(frozen=True)
class Memento:
    url: str
    datetime: str | None


def timegate_url(timegate: str, original: str) -> str:
    return timegate + original


def accept_datetime(cited: FuzzyDate | None, fallback: datetime) -> str:
    """The end of the cited period (the version the article saw existed by then), as RFC 1123."""
    if cited is None:
        moment = fallback
    else:
        last = cited.value
        if cited.precision is Precision.MONTH:
            last = date(last.year, last.month, calendar.monthrange(last.year, last.month)[1])
        elif cited.precision is Precision.YEAR:
            last = date(last.year, 12, 31)
        moment = datetime.combine(last, time(23, 59, 59), tzinfo=timezone.utc)
    return format_datetime(moment.astimezone(timezone.utc), usegmt=True)


def memento_from(result: FetchResult) -> Memento | None:
    """The memento a TimeGate's answer points to, if it found one."""
    hop = result.final
    if hop is None or hop.status not in (200, 301, 302, 303, 307, 308):
        return None
    location = hop.header("location")
    link = hop.header("link") or ""
    found = _LINK_MEMENTO.search(link)
    if location:
        return Memento(location, found.group(2) if found else hop.header("memento-datetime"))
    if hop.status == 200 and hop.header("memento-datetime"):
        return Memento(hop.url, hop.header("memento-datetime"))
    return None
