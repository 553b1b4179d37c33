"""The seam between a source's URL and the request that fetches it: one table of source kinds, each saying
which URLs it takes, why one is invalid, and what URL to request for it. Today one kind, a web page or
document at an http(s) URL, fetched as it is; a DOI (`doi:10.1234/x` fetched as https://doi.org/10.1234/x)
or a feed item would be one more row and its module. What the payload then is, and which reader reads it,
is the other half of the seam (`kinds.READERS`). Light on purpose: the claims loader imports it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from claimcheck.core.urls import valid_http_url


@dataclass(frozen=True)
class SourceKind:
    name: str
    takes: Callable[[str], bool]  # whether a source URL is of this kind
    why_invalid: Callable[[str], str | None]  # None when the URL can be checked, else why not
    request_url: Callable[[str], str]  # the URL the fetcher requests for it


def _is_http(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


SOURCE_KINDS: tuple[SourceKind, ...] = (
    SourceKind("http", _is_http, valid_http_url, lambda url: url),
)
_FALLBACK = SOURCE_KINDS[0]  # what a URL no kind takes is judged by: its message names what can be checked


def kind_of(url: str) -> SourceKind:
    return next((kind for kind in SOURCE_KINDS if kind.takes(url)), _FALLBACK)


def why_invalid(url: str) -> str | None:
    return kind_of(url).why_invalid(url)


def request_url(url: str) -> str:
    return kind_of(url).request_url(url)
