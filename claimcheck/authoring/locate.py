"""`claimcheck locate`: find the URL of a source the article cites without one, on its publisher's own site.

Where a site lists its pages: the Sitemap lines of robots.txt, /sitemap.xml and the sitemap indexes they
name (gzip too), and the RSS/Atom feeds the home page links. Entries are ranked by how close their title
(or, lacking one, the words of their URL) is to the cited title, and their date to the cited date. Every
request goes through the fetcher (SSRF guard, size caps, timeouts); every list is read with a cap on bytes
and entries, so a sitemap bomb or an index of 50,000 sitemaps is cut off, not followed.
"""

from __future__ import annotations

import io
import math
import re
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup
from lxml import etree
from rapidfuzz import fuzz

from claimcheck.claims.load import Source
from claimcheck.core.dates import FuzzyDate
from claimcheck.core.errors import BodyTooLarge, ClaimcheckError, FetchError
from claimcheck.core.urls import valid_http_url
from claimcheck.net.fetch import run_fetch
from claimcheck.net.guard import Resolver, system_resolver
from claimcheck.net.records import FetchOptions, FetchResult, decode_content, inflate_upto
from claimcheck.reading.datetext import parse_machine_date

if TYPE_CHECKING:
    import httpx

MAX_ENTRIES = 50_000  # entries read from all lists together
MAX_SITEMAPS = 50  # sitemaps fetched from indexes
MAX_LIST_BYTES = 50 * 1024 * 1024  # a list's bytes after decompression
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/xml",
               "text/xml")
_SLUG_NOISE = re.compile(r"\.(?:html?|php|aspx?)$|\d{4}-\d{2}-\d{2}-?|[-_/]+")


@dataclass(frozen=True)
class Entry:
    url: str
    title: str | None  # from a feed or a news sitemap; None for a plain sitemap entry
    when: date | None
    found_in: str  # the sitemap or feed that lists it


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    score: float
    title_score: float
    date_score: float | None


@dataclass
class Search:
    """What was read, for telling the user where the candidates came from (and what was cut off)."""

    lists: list[str]
    entries: list[Entry]
    notes: list[str]
    refused_private: bool = False  # the address guard refused the site (a private or loopback address)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _bounded_body(result: FetchResult) -> tuple[bytes, bool]:
    """The body, un-gzipped when the file itself is gzip (sitemap.xml.gz), cut at MAX_LIST_BYTES."""
    hop = result.final
    if hop is None:
        return b"", False
    try:
        body = decode_content(hop.body, hop.header("content-encoding"), MAX_LIST_BYTES)
        if body[:2] == b"\x1f\x8b":
            return inflate_upto(body, zlib.MAX_WBITS | 16, MAX_LIST_BYTES)
    except BodyTooLarge:
        return b"", True  # a content-coded bomb: nothing of it is read
    except (FetchError, zlib.error):
        return b"", False  # an unknown coding or a broken gzip file: nothing to read
    return body, False


def _parse_when(text: str | None) -> date | None:
    if not text:
        return None
    # RFC 822 in RSS ("Wed, 20 Mar 2024 08:00:00 GMT"), ISO 8601 in sitemaps and Atom.
    found = parse_machine_date(text, date.max)
    return found.value if found else None


def read_list(url: str, body: bytes, budget: int) -> tuple[list[Entry], list[str], bool]:
    """(page entries, child sitemaps, whether cut off) of a sitemap, sitemap index, RSS or Atom feed.
    The XML is read as a stream of elements, without DTDs, entities or network access."""
    entries: list[Entry] = []
    children: list[str] = []
    cut = False
    parser = etree.iterparse(io.BytesIO(body), events=("end",), resolve_entities=False, no_network=True,
                             load_dtd=False, huge_tree=False, recover=True)
    try:
        for _, element in parser:
            name = _local(element.tag)
            if name in ("url", "sitemap", "item", "entry"):
                fields = {_local(child.tag): child for child in element}
                link = _link_of(name, element, fields)
                if link:
                    if name == "sitemap":
                        children.append(link)
                    else:
                        title = _text_of(fields, "title")
                        when = _parse_when(_text_of(fields, "lastmod", "pubdate", "published", "updated",
                                                    "publication_date", "date"))
                        entries.append(Entry(link, title, when, url))
                element.clear()
                if len(entries) + len(children) >= budget:
                    cut = True
                    break
    except etree.XMLSyntaxError:
        pass  # a truncated or broken list: keep what was read
    return entries, children, cut


def _text_of(fields: dict[str, etree._Element], *names: str) -> str | None:
    for name in names:
        element = fields.get(name)
        if element is not None:
            text = "".join(element.itertext()).strip()
            if text:
                return text
    # A news sitemap keeps title and date one level down, in <news:news>.
    news = fields.get("news")
    if news is not None:
        return _text_of({_local(child.tag): child for child in news}, *names)
    return None


def _link_of(name: str, element: etree._Element, fields: dict[str, etree._Element]) -> str | None:
    if name in ("url", "sitemap"):
        loc = fields.get("loc")
        return (loc.text or "").strip() if loc is not None else None
    link = fields.get("link")
    if link is None:
        return None
    if link.get("href"):  # Atom
        alternates = [child for child in element if _local(child.tag) == "link"
                      and child.get("rel", "alternate") == "alternate"]
        return str((alternates or [link])[0].get("href")).strip()
    return (link.text or "").strip() or None


def feeds_of(home_url: str, html: bytes) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for link in soup.find_all("link", href=True):
        rel = " ".join(link.get("rel") or []).lower()
        kind = str(link.get("type") or "").lower()
        if "alternate" in rel and kind in _FEED_TYPES:
            found.append(urljoin(home_url, str(link["href"])))
    return list(dict.fromkeys(found))


def sitemaps_of_robots(robots_url: str, text: str) -> list[str]:
    return [urljoin(robots_url, line.split(":", 1)[1].strip()) for line in text.splitlines()
            if line.lower().startswith("sitemap:") and line.split(":", 1)[1].strip()]


def search_site(site: str, options: FetchOptions | None = None, *, resolver: Resolver = system_resolver,
                transport: httpx.AsyncBaseTransport | None = None) -> Search:
    if why := valid_http_url(site):
        raise ClaimcheckError(f"--site {site}: {why}")
    chosen = options or FetchOptions()

    refused: list[bool] = []

    def get(urls: list[str]) -> dict[str, FetchResult]:
        results = run_fetch(urls, chosen, resolver=resolver, transport=transport)
        refused.extend(result.error_kind == "refused-private" for result in results.values())
        return results

    root = f"{urlsplit(site).scheme}://{urlsplit(site).netloc}/"
    robots_url = urljoin(root, "robots.txt")
    first = get([robots_url, site])
    search = Search([], [], [])
    if all(refused):
        search.refused_private = True
        return search
    robots = first[robots_url]
    sitemaps: list[str] = []
    if robots.status == 200 and robots.final is not None:
        sitemaps = sitemaps_of_robots(robots_url, robots.final.body.decode("utf-8", "replace"))
    if not sitemaps:
        sitemaps = [urljoin(root, "sitemap.xml")]
    home = first[site]
    feeds = feeds_of(home.final_url, home.final.body) if home.status == 200 and home.final else []
    pending = list(dict.fromkeys(sitemaps + feeds))
    fetched = 0
    seen: set[str] = set()
    while pending and fetched < MAX_SITEMAPS and len(search.entries) < MAX_ENTRIES:
        batch = [url for url in pending[:MAX_SITEMAPS - fetched] if url not in seen]
        pending = pending[len(batch):]
        seen.update(batch)
        fetched += len(batch)
        for url, result in get(batch).items():
            if result.status != 200:
                search.notes.append(f"{url}: {result.error or f'HTTP {result.status}'}")
                continue
            body, cut_bytes = _bounded_body(result)
            entries, children, cut = read_list(url, body, MAX_ENTRIES - len(search.entries))
            search.lists.append(url)
            search.entries += entries
            pending += [c for c in children if c not in seen]
            if cut or cut_bytes:
                search.notes.append(f"{url}: cut off after {len(entries) + len(children):,} entries"
                                    f"{' (too large)' if cut_bytes else ''}")
    if pending:
        search.notes.append(f"{len(pending):,} more sitemaps not read (at most {MAX_SITEMAPS} are)")
    return search


def _words_of_url(url: str) -> str:
    path = unquote(urlsplit(url).path).rstrip("/")
    return _SLUG_NOISE.sub(" ", path.rsplit("/", 1)[-1]).strip()


def _date_score(cited: FuzzyDate | None, when: date | None) -> float | None:
    """1.0 on the cited date (within its precision), falling by half every 30 days away."""
    if cited is None or when is None:
        return None
    if cited.agrees_with(FuzzyDate.of(when)):
        return 1.0
    return math.pow(0.5, abs((when - cited.value).days) / 30)


def rank(source: Source, entries: list[Entry], limit: int = 10) -> list[Candidate]:
    best: dict[str, Candidate] = {}
    wanted = source.title.lower()
    for entry in entries:
        title = (entry.title or _words_of_url(entry.url)).lower()
        title_score = fuzz.token_set_ratio(wanted, title) / 100 * 0.5 + fuzz.token_sort_ratio(wanted, title) / 200
        date_score = _date_score(source.cited_date, entry.when)
        score = title_score if date_score is None else 0.8 * title_score + 0.2 * date_score
        candidate = Candidate(entry, round(score, 3), round(title_score, 3),
                              None if date_score is None else round(date_score, 3))
        if entry.url not in best or best[entry.url].score < candidate.score:
            best[entry.url] = candidate
    return sorted(best.values(), key=lambda c: (-c.score, c.entry.url))[:limit]


def _indentation(text: str) -> dict[str, int]:
    """The file's own list indentation ("claims:" then "  - id:" is offset 2), so a rewrite keeps it."""
    previous = ""
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.lstrip().startswith("- ") and previous.rstrip().endswith(":"):
            offset = max(0, (len(line) - len(line.lstrip())) - (len(previous) - len(previous.lstrip())))
            return {"mapping": 2, "sequence": offset + 2, "offset": offset}
        previous = line
    return {"mapping": 2, "sequence": 4, "offset": 2}


def write_url(claims_path: Path, source_id: str, url: str) -> None:
    """Put `url` into the source's entry, keeping the file's comments, order and layout (ruamel.yaml)."""
    from ruamel.yaml import YAML

    text = claims_path.read_text(encoding="utf-8")
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the file's long lines
    yaml.indent(**_indentation(text))
    document = yaml.load(text)
    entry = document["sources"][source_id]
    if "url" in entry:
        entry["url"] = url
    else:
        keys = list(entry.keys())
        position = keys.index("title") + 1 if "title" in keys else len(keys)
        entry.insert(position, "url", url)
    out = io.StringIO()
    yaml.dump(document, out)
    temporary = claims_path.with_name(f".{claims_path.name}.locate.tmp")
    temporary.write_text(out.getvalue(), encoding="utf-8")
    temporary.replace(claims_path)
