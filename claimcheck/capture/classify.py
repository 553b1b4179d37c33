"""What one fetch says about a source, before any history is considered: a pure rule from status, error,
redirect and page signals to an `Outcome` (judging then confirms failures over time)."""

from __future__ import annotations

from typing import Any

from claimcheck.core.outcomes import BLOCKED, OK, ROT, SOFT404_BY_PROBE, THROTTLED, TRANSIENT, Classified
from claimcheck.core.urls import is_home_or_section

CLASSIFY_HEADERS = ("cf-mitigated",)  # the response headers `classify` reads

_BLOCKED_STATUSES = {401, 402, 403, 407, 451}
_ROT_STATUSES = {404, 410}


def classify(*, url: str, status: int | None, error_kind: str | None, error: str | None, final_url: str,
             redirected: bool, headers: dict[str, str], page_kind: str | None,
             signals: dict[str, Any], soft404_by_probe: bool = False) -> Classified:
    """What one fetch says about a source, before any history is considered. `headers`: those named in
    CLASSIFY_HEADERS are all it reads; `soft404_by_probe`: the page read like the site's answer to a made-up
    URL in the same folder."""
    if error_kind:
        if error_kind == "dns":
            return Classified(ROT, f"the host does not resolve: {error}")
        if error_kind == "refused-private":
            return Classified(BLOCKED, str(error))
        if error_kind in ("redirect-loop", "bad-url"):
            return Classified(ROT, str(error))
        return Classified(TRANSIENT, str(error))
    assert status is not None
    if status in _BLOCKED_STATUSES:
        return Classified(BLOCKED, f"HTTP {status}: the server refuses automated access")
    if headers.get("cf-mitigated", "").lower() == "challenge" or signals.get("challenge"):
        return Classified(BLOCKED, f"a bot challenge page ({signals.get('challenge') or 'cf-mitigated'})")
    if status in _ROT_STATUSES:
        return Classified(ROT, f"HTTP {status}")
    if status == 429:
        return Classified(THROTTLED, "HTTP 429: rate limited")
    if status >= 400:  # 5xx, and the 4xx that say nothing about the page's existence
        return Classified(TRANSIENT, f"HTTP {status}")
    if 300 <= status < 400 and status != 304:  # a 304 is judged by the stored payload, like a 200
        return Classified(ROT, f"HTTP {status} without a usable Location")
    if redirected and is_home_or_section(url, final_url):
        return Classified(ROT, f"redirected to a home or section page: {final_url}")
    if signals.get("not_found_heading"):
        return Classified(ROT, f"soft-404: the page says {signals['not_found_heading']!r}")
    if soft404_by_probe:
        return Classified(ROT, SOFT404_BY_PROBE)
    if page_kind in ("empty", "binary") or signals.get("reason"):
        return Classified(TRANSIENT, f"unreadable body: {signals.get('reason') or page_kind}")
    return Classified(OK, "not modified" if status == 304 else f"HTTP {status}")
