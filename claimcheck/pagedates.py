"""A page's own publication and modification dates, by a precision-first cascade.

Cheapest and most reliable signal first, each step returning a date or None (as htmldate does): JSON-LD,
meta tags, <time> marked as a publication date, date-classed elements, the visible dateline next to the
title or opening the body, then the URL. Where none of them speaks, the answer is None: a copyright year,
a "last updated" site stamp or the HTTP Last-Modified header is never taken for a publication date, since a
wrong date makes a false `date-drift`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any

from lxml import html as lxml_html

from .dates import FuzzyDate, Precision

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
    # The commonest European month names, for pages in German, French, Spanish and Italian.
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "juni": 6, "juli": 7, "oktober": 10,
    "dezember": 12, "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
    "decembre": 12, "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7, "settembre": 9,
    "ottobre": 10, "dicembre": 12,
}
_MONTH = r"(?P<month>" + "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\.?"

# Each pattern matches a whole date written out; order matters only for speed.
TEXT_DATE_PATTERNS = [
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),            # September 6, 2023 / Nov 11, 2025
    re.compile(rf"\b{_DAY}\s+(?:de\s+)?{_MONTH},?\s+(?:de\s+)?{_YEAR}\b", re.IGNORECASE),  # 6 September 2023
    re.compile(rf"\b{_YEAR}\s*[-/.]\s*(?P<month>[01]?\d)\s*[-/.]\s*(?P<day>[0-3]?\d)\b"),  # 2024 / 03 / 20
    re.compile(rf"\b(?P<day>[0-3]?\d)\.\s?(?P<month>[01]?\d)\.\s?{_YEAR}\b"),  # 20.03.2024 (day first)
]
MONTH_YEAR_PATTERN = re.compile(rf"\b{_MONTH}\s+{_YEAR}\b", re.IGNORECASE)
ISO_PATTERN = re.compile(r"(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)")
URL_DATE_PATTERNS = [
    re.compile(r"/(?P<year>(?:19|20)\d\d)[/-](?P<month>[01]\d)[/-](?P<day>[0-3]\d)(?:[/_.-]|$)"),
    re.compile(r"/(?P<year>(?:19|20)\d\d)(?P<month>[01]\d)(?P<day>[0-3]\d)(?:[/_.-]|$)"),
]

PUBLISHED_META = (
    "article:published_time", "datepublished", "og:published_time", "publishdate", "publish-date",
    "publish_date", "published_time", "pubdate", "publication_date", "dc.date.issued", "dcterms.issued",
    "dc.date.created", "dcterms.created", "sailthru.date", "parsely-pub-date", "article.published",
    "article_date_original", "original-publish-date", "cxenseparse:recs:publishtime", "date", "dc.date",
    "citation_publication_date", "citation_date", "release_date", "og:pubdate", "bt:pubdate",
)
MODIFIED_META = (
    "article:modified_time", "datemodified", "og:updated_time", "modified_time", "dcterms.modified",
    "dc.date.modified", "last-modified", "lastmod", "article.updated", "revised",
)
ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "report", "techarticle", "scholarlyarticle", "pressrelease",
    "reportagenewsarticle", "analysisnewsarticle", "liveblogposting", "socialmediaposting", "posting",
    "opinionnewsarticle", "backgroundnewsarticle", "webpage", "creativework", "medicalscholarlyarticle",
}
DATE_CLASS = re.compile(
    r"(?:^|[-_ ])(?:wd[-_]date|blog-mini-time|pub(?:lish(?:ed)?)?[-_]?date|post[-_]?date|entry[-_]?date|"
    r"article[-_]?date|release[-_]?date|news[-_]?date|date[-_]?(?:published|line|posted)|dateline|posted[-_]?on|"
    r"published|byline[-_]?date|timestamp|date)(?:$|[-_ ])", re.IGNORECASE)
NOT_PUBLISHED_CLASS = re.compile(r"updat|modif|copyright|comment|event|expir|footer|archive|calendar|related",
                                 re.IGNORECASE)
BODY_DATELINE = re.compile(
    r"^[A-ZÀ-Ý][A-Za-zÀ-ÿ .,'’()-]{1,80},\s*(?P<rest>[^/\n]{4,40}?)\s*(?:/[A-Za-z ]*Newswire/|/PRNewswire/|"
    r"--|–|—|-\s)")


def valid_day(year: int, month: int, day: int, latest: date) -> date | None:
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    if found.year < 1995 or found > latest:
        return None
    return found


def _month_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return MONTHS.get(text.lower().rstrip("."))


def date_in_text(text: str, latest: date) -> FuzzyDate | None:
    """The first full date written out in `text`, or None."""
    best: tuple[int, FuzzyDate] | None = None
    for pattern in TEXT_DATE_PATTERNS:
        for match in pattern.finditer(text):
            month = _month_number(match.group("month"))
            if month is None:
                continue
            found = valid_day(int(match.group("year")), month, int(match.group("day")), latest)
            if found and (best is None or match.start() < best[0]):
                best = (match.start(), FuzzyDate.of(found))
                break
    return best[1] if best else None


def month_in_text(text: str, latest: date) -> FuzzyDate | None:
    """A month-precision date ('December 2024') written out in `text`, or None."""
    for match in MONTH_YEAR_PATTERN.finditer(text):
        month = _month_number(match.group("month"))
        if month:
            found = valid_day(int(match.group("year")), month, 1, latest)
            if found:
                return FuzzyDate(found, Precision.MONTH)
    return None


def parse_machine_date(value: str, latest: date) -> FuzzyDate | None:
    """An ISO-style date from metadata (2023-09-06T08:00:00-07:00, 2023-09-06, 20230906)."""
    value = value.strip()
    match = ISO_PATTERN.search(value)
    if match:
        found = valid_day(int(match["year"]), int(match["month"]), int(match["day"]), latest)
        return FuzzyDate.of(found) if found else None
    compact = re.match(r"^((?:19|20)\d\d)(\d\d)(\d\d)", value)
    if compact:
        found = valid_day(int(compact[1]), int(compact[2]), int(compact[3]), latest)
        return FuzzyDate.of(found) if found else None
    return date_in_text(value, latest)


def date_in_url(url: str, latest: date) -> FuzzyDate | None:
    for pattern in URL_DATE_PATTERNS:
        match = pattern.search(url)
        if match:
            found = valid_day(int(match["year"]), int(match["month"]), int(match["day"]), latest)
            if found:
                return FuzzyDate.of(found)
    return None


def _walk_json(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _walk_json(child)
    elif isinstance(value, list):
        for child in value:
            yield from _walk_json(child)


def _types(item: dict[str, Any]) -> set[str]:
    kind = item.get("@type", ())
    kinds = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []
    return {str(k).lower().rsplit("/", 1)[-1] for k in kinds}


def json_ld_dates(doc: lxml_html.HtmlElement, latest: date) -> tuple[FuzzyDate | None, FuzzyDate | None]:
    published = modified = None
    for script in doc.xpath('//script[contains(translate(@type,"LDJSON","ldjson"),"ld+json")]'):
        try:
            data = json.loads(script.text_content() or "null", strict=False)
        except ValueError:
            continue
        for item in _walk_json(data):
            types = _types(item)
            if not types & ARTICLE_TYPES:
                continue
            # An Article's own date outranks a WebPage's, which some sites stamp on every page.
            if published is None and isinstance(item.get("datePublished"), str):
                published = parse_machine_date(item["datePublished"], latest)
            if modified is None and isinstance(item.get("dateModified"), str):
                modified = parse_machine_date(item["dateModified"], latest)
    return published, modified


def meta_dates(doc: lxml_html.HtmlElement, latest: date) -> tuple[FuzzyDate | None, FuzzyDate | None]:
    found: dict[str, str] = {}
    for meta in doc.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = meta.get("content")
        if key and content and key not in found:
            found[key] = content
    published = next((d for d in (parse_machine_date(found[k], latest) for k in PUBLISHED_META if k in found)
                      if d), None)
    modified = next((d for d in (parse_machine_date(found[k], latest) for k in MODIFIED_META if k in found)
                     if d), None)
    return published, modified


def time_element_dates(doc: lxml_html.HtmlElement, latest: date) -> tuple[FuzzyDate | None, FuzzyDate | None]:
    published = modified = None
    for element in doc.iter("time"):
        stamp = element.get("datetime") or ""
        prop = (element.get("itemprop") or "").lower()
        classes = (element.get("class") or "").lower()
        if prop == "datemodified" or "updated" in classes or "modified" in classes:
            modified = modified or parse_machine_date(stamp, latest)
        elif prop == "datepublished" or element.get("pubdate") is not None or "publish" in classes \
                or "entry-date" in classes:
            published = published or parse_machine_date(stamp, latest) or date_in_text(
                element.text_content(), latest)
    return published, modified


_NEAR_TEXT = ("[normalize-space()][not(ancestor::script)][not(ancestor::style)][not(ancestor::noscript)]"
              "[not(ancestor::footer)][not(ancestor::nav)][not(ancestor::aside)]")
# Stamps that carry a date which is not the publication date.
_STAMP = re.compile(r"updat|modif|revis|copyright|©|\(c\)|aktualisiert|mis à jour|actualizado", re.IGNORECASE)


def _candidates_near_title(doc: lxml_html.HtmlElement) -> list[str]:
    """Short text runs right after the first H1 (where 'Nov 11, 2025' sits), then the few just before it
    (a press room's '2024 / 03 / 20' above the title), nearest first."""
    heading = next(doc.iter("h1"), None)
    if heading is None:
        return []
    after: list[str] = []
    long_runs = 0
    for node in heading.xpath(f"following::text(){_NEAR_TEXT}")[:20]:
        text = " ".join(str(node).split())
        if len(text) > 100:
            long_runs += 1
            if long_runs >= 2:  # the body has begun: a date further down is not the dateline
                break
        if not _STAMP.search(text):
            after.append(text)
    before = [" ".join(str(t).split()) for t in heading.xpath(f"preceding::text(){_NEAR_TEXT}")[-3:]]
    return after + [t for t in before[::-1] if not _STAMP.search(t)]


def visible_dateline(doc: lxml_html.HtmlElement, latest: date) -> FuzzyDate | None:
    for element in doc.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style", "meta", "time", "body", "html"):
            continue
        label = f"{element.get('class') or ''} {element.get('id') or ''}"
        if label.strip() and DATE_CLASS.search(label) and not NOT_PUBLISHED_CLASS.search(label):
            text = " ".join(element.text_content().split())
            if len(text) <= 80:
                found = date_in_text(text, latest)
                if found:
                    return found
    for text in _candidates_near_title(doc):
        if len(text) <= 80:
            found = date_in_text(text, latest)
            if found:
                return found
    return None


def body_dateline(paragraphs: Iterable[str], latest: date) -> FuzzyDate | None:
    """'SUNNYVALE, Calif., April 23, 2025 /PRNewswire/ --': the release's own date, in its first lines."""
    for index, paragraph in enumerate(paragraphs):
        if index >= 6:
            break
        match = BODY_DATELINE.match(paragraph)
        if match:
            found = date_in_text(match.group("rest"), latest)
            if found:
                return found
    return None


def find_dates(full: lxml_html.HtmlElement, pruned: lxml_html.HtmlElement, url: str, paragraphs: list[str],
               latest: date) -> tuple[FuzzyDate | None, str | None, FuzzyDate | None]:
    """(published, which signal gave it, modified).

    Machine-readable metadata is read from the whole page (it lives in <head> and scripts); visible signals
    first from the page with boilerplate pruned, so a "related stories" box cannot lend its dates, and
    only then from the whole page (a dateline inside a pruned header).
    """
    ld_published, ld_modified = json_ld_dates(full, latest)
    meta_published, meta_modified = meta_dates(full, latest)
    time_published, time_modified = time_element_dates(pruned, latest)
    if time_published is None and time_modified is None:
        time_published, time_modified = time_element_dates(full, latest)
    modified = ld_modified or meta_modified or time_modified
    machine = next(((d, sig) for d, sig in ((ld_published, "json-ld"), (meta_published, "meta"),
                                            (time_published, "time")) if d), None)
    if machine:
        # The date a reader sees wins over a timestamp a time zone away from it: that is the date cited.
        seen = visible_dateline(pruned, latest)
        if seen and seen != machine[0] and abs((seen.value - machine[0].value).days) <= 1:
            return seen, "dateline", modified
        return machine[0], machine[1], modified
    # Cheapest and surest first; each later step runs only if every earlier one abstained.
    cascade: list[tuple[str, Callable[[], FuzzyDate | None]]] = [
        ("json-ld", lambda: ld_published),
        ("meta", lambda: meta_published),
        ("time", lambda: time_published),
        ("dateline", lambda: visible_dateline(pruned, latest) or visible_dateline(full, latest)),
        ("body-dateline", lambda: body_dateline(paragraphs, latest)),
        ("url", lambda: date_in_url(url, latest)),
    ]
    for signal, finder in cascade:
        found = finder()
        if found:
            return found, signal, modified
    return None, None, modified


def confirm_with_htmldate(found: FuzzyDate | None, signal: str | None, markup: str, url: str,
                          latest: date) -> tuple[FuzzyDate | None, str | None]:
    """Keep a day-precision date only when htmldate, an independent extractor, agrees; abstain when they
    disagree. htmldate never answers alone: where claimcheck found nothing, its answers were right only 79%
    of the time on the evaluation pages (a footer's "last updated" stamp, for one), too often for date-drift.

    Measured on htmldate's 1000 evaluation pages (bench/eval_dates.py, figures in the README).
    """
    from htmldate import find_date  # imported here: only HTML pages need it

    def ask(extensive: bool) -> FuzzyDate | None:
        try:
            answer = find_date(markup, url=url, original_date=True, extensive_search=extensive,
                               max_date=latest.isoformat())
        except Exception:  # noqa: BLE001 - a page htmldate cannot read gives no confirmation
            return None
        return parse_machine_date(answer, latest) if answer else None

    if found is None or found.precision is not Precision.DAY:
        return found, signal
    structural = ask(extensive=False)
    if structural is not None:
        return (found, signal) if structural == found else (None, None)
    guessed = ask(extensive=True)
    return (found, signal) if guessed == found else (None, None)
