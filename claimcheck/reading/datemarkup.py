"""Dates a page states for machines: JSON-LD, meta tags and microdata, and <time> elements marked as a
publication (never a comment's, a related story's or a member's date)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from lxml import html as lxml_html

from claimcheck.core.dates import FuzzyDate
from claimcheck.reading.datetext import date_in_text, parse_machine_date

_CAMEL = re.compile(r"([a-z])([A-Z])")


def element_label(element: lxml_html.HtmlElement) -> str:
    """Class and id, with camelCase split ('itemPostDate' reads as 'item-Post-Date')."""
    return _CAMEL.sub(r"\1-\2", f"{element.get('class') or ''} {element.get('id') or ''}").strip()


PUBLISHED_META = (
    "article:published_time", "datepublished", "og:published_time", "publishdate", "publish-date",
    "publish_date", "published_time", "pubdate", "publication_date", "dc.date.issued", "dcterms.issued",
    "dc.date.created", "dcterms.created", "sailthru.date", "parsely-pub-date", "article.published",
    "article_date_original", "original-publish-date", "cxenseparse:recs:publishtime", "date", "dc.date",
    "citation_publication_date", "citation_date", "release_date", "og:pubdate", "bt:pubdate", "datecreated",
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
    # Microdata on any element (<span itemprop="datePublished" content="...">), the article's own first:
    # comments further down carry the same itemprop.
    for element in doc.xpath("//*[@itemprop][@content or @datetime][not(self::meta)]"):
        key = element.get("itemprop", "").strip().lower()
        if key in ("datepublished", "datemodified", "datecreated") and key not in found:
            found[key] = element.get("content") or element.get("datetime") or ""
    published = next((d for d in (parse_machine_date(found[k], latest) for k in PUBLISHED_META if k in found)
                      if d), None)
    modified = next((d for d in (parse_machine_date(found[k], latest) for k in MODIFIED_META if k in found)
                     if d), None)
    return published, modified


# Containers whose dates are someone else's: a reader's comment, a reply, a related or trending story.
_OTHERS_DATES = re.compile(r"comment|reply|replies|disqus|related|trending|popular|recommend|more-stories|"
                           r"most-read|teaser|sidebar", re.IGNORECASE)


def _in_others_box(element: lxml_html.HtmlElement) -> bool:
    """Inside such a container, below <body> (whose classes, "single-post comments-open", speak for the page)."""
    for parent in element.iterancestors():
        if parent.tag in ("body", "html"):
            return False
        if parent.tag == "aside" or _OTHERS_DATES.search(element_label(parent)):
            return True
    return False


def time_element_dates(doc: lxml_html.HtmlElement, latest: date) -> tuple[FuzzyDate | None, FuzzyDate | None]:
    published = modified = None
    for element in doc.iter("time"):
        if _in_others_box(element):
            continue
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
