"""Facts about URLs alone: whether one can be checked, whether two name the same resource, whether a redirect
landed on a home or section page. No I/O."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

_WHITE_SPACE = re.compile(r"\s")


def valid_http_url(url: str) -> str | None:
    """None if `url` is an absolute http(s) URL with a host, else why not."""
    return vetted_http_url(url)[0]


def vetted_http_url(url: str) -> tuple[str | None, str]:
    """(why `url` cannot be checked or None, its host name): `valid_http_url` and the host from one split, as
    the fetch loop wants both for every hop."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"not a URL ({exc})", ""
    if parts.scheme not in ("http", "https"):
        return f"only http and https URLs can be checked, not {parts.scheme or 'a relative URL'!r}", ""
    host = parts.hostname
    if not host:
        return "the URL has no host", ""
    if _WHITE_SPACE.search(url):
        return "the URL contains white space", host
    try:
        _ = parts.port  # raises for a port that is not a number
    except ValueError:
        return "the URL's port is not a number from 0 to 65535", host
    return None, host


_LOCALE_SEGMENT = re.compile(r"^(?:[a-z]{2}(?:[-_][a-z]{2,4})?|intl|global|home|index(?:\.\w+)?)$", re.IGNORECASE)


def _path_segments(url: str) -> list[str]:
    return [s for s in urlsplit(url).path.split("/") if s]


def is_home_or_section(original: str, final: str) -> bool:
    """Whether a redirect landed on a home page or on an index above the original page."""
    before, after = _path_segments(original), _path_segments(final)
    meaningful = [s for s in after if not _LOCALE_SEGMENT.match(s)]
    if not meaningful:
        return bool([s for s in before if not _LOCALE_SEGMENT.match(s)])
    same_host = urlsplit(original).hostname == urlsplit(final).hostname
    return same_host and len(after) < len(before) and before[: len(after)] == after


def history_key(url: str) -> str:
    """The name a source's history is kept under: its URL as `resource_key` normalises it ("intel.com/a",
    "example.org:8080/b?x=1"), so that renaming a source id or regrouping claims files never orphans it."""
    host, port, path, query = resource_key(url)
    return f"{host}{f':{port}' if port else ''}{path}{f'?{query}' if query else ''}"


def resource_key(url: str) -> tuple[str, int | None, str, str]:
    """What names the resource: host without 'www.', port unless the default, path without a trailing
    slash, query; not the scheme or the fragment."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port in (80, 443):
        port = None
    return host, port, parts.path.rstrip("/") or "/", parts.query


def same_resource(a: str, b: str) -> bool:
    """URLs equal but for scheme upgrade, default port, trailing slash, 'www.' and fragment."""
    return resource_key(a) == resource_key(b)


def host_key(url: str) -> str:
    """The host politeness is kept per: a name and a port (another port is usually another server, and the
    benchmark's hosts are ports)."""
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower()}:{parts.port or (443 if parts.scheme == 'https' else 80)}"


def shard_of(url: str, shards: int) -> int:
    """Which of `shards` shards fetches `url`: by a stable hash of its host key, so that all of a host's URLs
    are fetched by one process and its politeness holds (Heritrix's HashCrawlMapper, Nutch's partitioner)."""
    digest = hashlib.blake2b(host_key(url).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


def same_site(host: str, other: str) -> bool:
    """Whether two hosts are one site: equal but for a leading "www." (a page of www.wired.com links its
    gallery on wired.com). Another host of the same domain is another site (a blog on blog.mozilla.org cites
    bugs on bugzilla.mozilla.org), and so is a publisher's edition under another suffix: bbc.com stories cite
    bbc.co.uk's as sources (bench/eval_init.py, both golds; tried and dropped, see docs/authoring.md)."""
    return _without_www(host) == _without_www(other)


def _without_www(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") and host.count(".") > 1 else host
