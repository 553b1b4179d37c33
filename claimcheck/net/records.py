"""What a fetch is asked (options, validators) and what it brings back (hops, results), and undoing a body's
content coding under a cap: the records the fetch stage hands to the archive and to reading."""

from __future__ import annotations

import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional

from claimcheck.core.errors import BodyTooLarge, FetchError

USER_AGENT = "claimcheck/0.1 (+source verification; polite link checker)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})


@dataclass(frozen=True)
class FetchOptions:
    """How hard and how politely to fetch; names follow lychee's options."""

    max_concurrency: int = 32
    host_concurrency: int = 2
    host_request_interval: float = 0.25  # seconds between request starts on one host
    connect_timeout: float = 10.0
    total_timeout: float = 30.0  # a whole request, body included: a drip-feeding server cannot hold a run
    max_body: int = 32 * 1024 * 1024
    max_redirects: int = 10
    max_retry_after: float = 30.0  # longer Retry-After waits are reported, not slept through
    follow_redirects: bool = True  # off for a TimeGate, whose redirect is the answer
    allow_private: bool = False
    user_agent: str = USER_AGENT


DEFAULT_OPTIONS = FetchOptions()


@dataclass(frozen=True)
class Validators:
    """What a conditional request sends: the last capture's ETag and Last-Modified."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass
class Hop:
    """One request and its response, as they crossed the wire (body raw, before content decoding)."""

    url: str
    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    request_headers: list[tuple[str, str]]
    body: bytes
    peer: str | None
    started_at: datetime

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


@dataclass
class FetchResult:
    url: str
    started_at: datetime
    hops: list[Hop] = field(default_factory=list)
    error: FetchError | None = None
    elapsed: float = 0.0

    @property
    def final(self) -> Hop | None:
        return self.hops[-1] if self.hops else None

    @property
    def final_url(self) -> str:
        return self.final.url if self.final else self.url

    @property
    def status(self) -> int | None:
        return self.final.status if self.final else None

    @property
    def error_kind(self) -> str | None:
        return self.error.kind if self.error else None

    @property
    def permanent_redirect(self) -> bool:
        """Every redirect in the chain was permanent: the resource itself says it moved."""
        redirects = [h for h in self.hops[:-1] if h.status in REDIRECT_STATUSES]
        return bool(redirects) and all(h.status in PERMANENT_REDIRECTS for h in redirects)


# Called with each finished fetch, inside its concurrency slot; may return an awaitable to hold the slot.
OnDone = Callable[[FetchResult], Optional[Awaitable[None]]]


def decode_content(body: bytes, content_encoding: str | None, limit: int) -> bytes:
    """Undo gzip/deflate content coding without ever holding more than `limit` decompressed bytes."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    for coding in reversed(codings):
        if coding in ("identity", ""):
            continue
        if coding in ("gzip", "x-gzip"):
            body = _inflate(body, zlib.MAX_WBITS | 16, limit)
        elif coding == "deflate":
            try:
                body = _inflate(body, zlib.MAX_WBITS, limit)
            except zlib.error:  # servers often send raw deflate without the zlib header
                body = _inflate(body, -zlib.MAX_WBITS, limit)
        else:
            raise FetchError(f"unsupported content encoding {coding!r}")
    return body


def inflate_upto(data: bytes, wbits: int, limit: int) -> tuple[bytes, bool]:
    """At most `limit` decompressed bytes of `data`, and whether it holds more: never more than `limit` + 1
    bytes are inflated, so a bomb costs almost nothing. A truncated stream keeps what decoded."""
    inflater = zlib.decompressobj(wbits)
    out = inflater.decompress(data, limit + 1)
    if len(out) <= limit:
        try:
            out += inflater.flush()
        except zlib.error:
            pass
    return out[:limit], len(out) > limit


def _inflate(data: bytes, wbits: int, limit: int) -> bytes:
    out, more = inflate_upto(data, wbits, limit)
    if more:
        raise BodyTooLarge(f"the body decompresses to more than {limit:,} bytes")
    return out
