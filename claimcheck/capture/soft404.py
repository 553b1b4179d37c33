"""Soft-404s by comparison: what does the site answer for a URL that cannot exist?

Many sites answer an unknown URL with 200 and an error page, or with their home page. A page that reads like
the site's answer to a made-up address in the same folder is rot, whatever its status says. One probe per
folder and run, and only for pages whose content is new: an unchanged page was judged before.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit, urlunsplit

from rapidfuzz import fuzz

from claimcheck.core.text import normalize

SIMILAR = 0.9
_COMPARED = 8000  # characters compared: enough to tell an article from an error page, cheap to score


def probe_url(url: str, token: str | None = None) -> str:
    """A made-up URL in the same folder as `url`, with the same extension."""
    parts = urlsplit(url)
    folder, _, last = parts.path.rpartition("/")
    extension = "." + last.rsplit(".", 1)[1] if "." in last else ""
    name = f"claimcheck-probe-{token or secrets.token_hex(6)}{extension}"
    return urlunsplit((parts.scheme, parts.netloc, f"{folder}/{name}", "", ""))


def folder_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path.rpartition('/')[0]}/"


def reads_like(page_text: str, probe_text: str) -> bool:
    """Whether a page's main text is (nearly) the site's answer to a made-up URL."""
    a, b = normalize(page_text)[:_COMPARED], normalize(probe_text)[:_COMPARED]
    if not a or not b:
        return False
    return fuzz.ratio(a, b) / 100 >= SIMILAR
