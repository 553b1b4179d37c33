"""Bytes of a page → its main text, full visible text, title, canonical URL and dates.

HTML goes through lxml (fast, tolerant). The main text is trafilatura's, the field's reference, read without
comments and favouring precision, so reader comments, related boxes and menus never count as the article
(with the rules below, token F1 0.966 on the held-out half of scrapinghub's real news pages; 0.74 for our
extractor alone). Where trafilatura finds nothing, or far less than it, our own extractor answers:
boilerplate pruned by tag and by class/id tokens (navigation, cookie banners, "related" and "trending" boxes,
footers, scripts), then the main block chosen by known publisher containers or by paragraph-text density.
The full visible text is kept too: evidence is looked for
in the main text first and in the whole page second, so a passage in a deck or caption is never reported
missing because the main-text guess was narrow. PDFs go through pypdf.
"""

from __future__ import annotations

import copy
import functools
import io
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

from . import clock
from .dates import FuzzyDate, Precision
from .pagedates import date_in_text, find_dates, month_in_text, settle_with_htmldate

# Bumped whenever what an extraction says about a payload changes (cc-2: the date cascade and htmldate's
# second opinion; cc-3: trafilatura's main text): older stored extractions are then recomputed from the
# archived payload when next read.
EXTRACTOR_VERSION = "cc-3"

logger = logging.getLogger(__name__)

_DROP_TAGS = {"script", "style", "noscript", "template", "svg", "iframe", "form", "button", "select",
              "input", "textarea", "canvas", "object", "embed", "dialog", "link", "meta"}
_BOILERPLATE_TAGS = {"nav", "aside", "footer"}
_BOILERPLATE_TOKENS = re.compile(
    r"^(?:cookie|cookies|consent|gdpr|banner|related|trending|popular|share|sharing|social|breadcrumbs?|"
    r"nav|navbar|navigation|menu|megamenu|newsletter|subscribe|subscription|promo|advert|advertisement|ads?|"
    r"sponsored|sidebar|popup|modal|footer|comments?|disqus|skip|toolbar|pagination|pager|tags|"
    r"recommended|more-stories|read-more|signup|outbrain|taboola|masthead|site-header|global-header|"
    r"onetrust|osano|truste|sr-only|visually-hidden|print-only|hidden)$", re.IGNORECASE)
_DISPLAY_NONE = re.compile(r"display\s*:\s*none")
_TOKEN_SPLIT = re.compile(r"[\s_]+|(?<=[a-z])-(?=[a-z])")
_MAIN_SELECTORS = (
    '//*[contains(concat(" ", normalize-space(@class), " "), " wd_news_body ")]',
    '//*[@itemprop="articleBody"]',
    "//article",
    "//main",
    '//*[@role="main"]',
)
_BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td", "th", "dd", "dt",
               "figcaption", "caption", "summary"}
# Elements that end the line of text before them and start a new one.
_BREAKING_TAGS = frozenset(_BLOCK_TAGS | {"div", "section", "article", "main", "br", "tr", "ul", "ol", "table",
                                          "header", "figure", "dl"})
# Error-page wording only: a headline may say "not found" or carry a number like 404 ("Article 404").
_NOT_FOUND = re.compile(
    r"^\s*(?:error\s*)?(?:404|page\s+not\s+found|not\s+found)\b|"
    r"\b(?:page|file|article|content|document|resource|url)s?\s+(?:was\s+|could\s+|can\s+)?(?:not|n[o']t)\s+"
    r"(?:be\s+)?found\b|\b(?:error|http)\s*:?\s*404\b|\b404\s*(?:error|not\s+found|page)\b|"
    r"page\s+(?:does\s+not|doesn't|no\s+longer)\s+exists?|no\s+longer\s+available|"
    r"we\s+(?:can(?:no|')t|couldn't|could\s+not)\s+find|seite\s+nicht\s+gefunden|page\s+introuvable|"
    r"p[aá]gina\s+no\s+encontrada", re.IGNORECASE)
_CHALLENGE = re.compile(r"just a moment|attention required|checking your browser|verify you are human|"
                        r"are you a robot|access denied|captcha|enable javascript and cookies", re.IGNORECASE)


@dataclass(frozen=True)
class Extracted:
    """What claimcheck reads from one payload."""

    kind: str  # html, pdf, text, binary, empty
    text: str = ""  # main text, one block a line
    full_text: str = ""  # every visible line
    title: str | None = None
    published: date | None = None
    published_precision: Precision | None = None
    published_from: str | None = None
    modified: date | None = None
    canonical: str | None = None
    signals: dict[str, Any] = field(default_factory=dict)

    @property
    def published_date(self) -> FuzzyDate | None:
        if self.published is None:
            return None
        return FuzzyDate(self.published, self.published_precision or Precision.DAY)


def _clean(text: str) -> str:
    return " ".join(text.split())


_KEEP_SIGNS = {"\u2122": "\ue000", "\u2120": "\ue001"}  # NFKC would spell ™ and ℠ as letters: "FabricTM"


def _nfkc(text: str) -> str:
    """Compatibility forms folded once per text, not once per block (the block walk is the hot loop)."""
    if text.isascii():
        return text
    for sign, stand_in in _KEEP_SIGNS.items():
        text = text.replace(sign, stand_in)
    text = unicodedata.normalize("NFKC", text)
    for sign, stand_in in _KEEP_SIGNS.items():
        text = text.replace(stand_in, sign)
    return text


def _charset(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else None


def decode_html(body: bytes, content_type: str) -> str:
    """Decode as the server declares, then as the page declares, then sniff."""
    declared = _charset(content_type)
    # After the declarations: UTF-8, then windows-1252, the web's de facto default for mislabelled
    # Western pages (WHATWG), before statistical sniffing, which guesses worst on short pages.
    from bs4.dammit import UnicodeDammit  # here: importing bs4 is a tenth of a second of every run's start-up

    dammit = UnicodeDammit(body, known_definite_encodings=[declared] if declared else [],
                           user_encodings=["utf-8", "windows-1252"], is_html=True)
    if dammit.unicode_markup is not None:
        return dammit.unicode_markup
    return body.decode("utf-8", errors="replace")


_CONTROL_BYTES = bytes(range(0, 9)) + bytes(range(14, 32))  # not tab, newline, CR, form feed


def looks_binary(body: bytes) -> bool:
    sample = body[:4096]
    if not sample:
        return False
    if sample.count(b"\x00") > 0:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls / len(sample) > 0.1


def sniff_kind(body: bytes, content_type: str) -> str:
    if not body.strip():
        return "empty"
    if body.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if looks_binary(body):
        return "binary"
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == "text/plain":
        return "text"
    return "html"


def extract_page(body: bytes, url: str, content_type: str = "", *, today: date | None = None) -> Extracted:
    """Main text, title and dates of an HTML page, PDF or text body."""
    latest = today or clock.now().date()
    kind = sniff_kind(body, content_type)
    if kind == "pdf":
        return extract_pdf(body, latest)
    if kind in ("empty", "binary"):
        return Extracted(kind=kind, signals={"reason": f"the body is {kind}"})
    if kind == "text":
        text = "\n".join(_clean(line) for line in decode_html(body, content_type).splitlines() if line.strip())
        return Extracted(kind="text", text=text, full_text=text)
    return extract_html(decode_html(body, content_type), url, latest)


@functools.lru_cache(maxsize=4096)
def _label_tokens(label: str) -> tuple[str, ...]:
    """The words of a class/id/role label. Cached: a page repeats a few labels on many elements."""
    return tuple(token for token in _TOKEN_SPLIT.split(label.lower()) if token)


@functools.lru_cache(maxsize=4096)
def _boilerplate_label(label: str) -> bool:
    """Whether a class/id/role label names boilerplate."""
    return any(_BOILERPLATE_TOKENS.match(token) for token in _label_tokens(label))


_BOX_TOKENS = re.compile(
    r"^(?:related|trending|popular|recommended|more-stories|read-more|newsletter|subscribe|cookies?|consent|"
    r"promo|advert|advertisement|ads?|sponsored|outbrain|taboola|comments?|disqus)$", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _names_a_box(label: str) -> bool:
    """Whether a class/id names a box that trafilatura may keep inside an article: related and trending
    stories, promotions, cookie notices, comments (not page furniture such as headers, which it drops)."""
    return any(_BOX_TOKENS.match(token) for token in _label_tokens(label))


def _is_boilerplate(element: etree._Element) -> bool:
    if element.tag in _BOILERPLATE_TAGS:
        return True
    if element.tag == "header" and not _inside(element, ("article", "main")):
        return True
    if not element.attrib:  # every test below reads an attribute, and most elements have none
        return False
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    if _DISPLAY_NONE.search(element.get("style") or ""):
        return True
    role = (element.get("role") or "").lower()
    if role in ("navigation", "banner", "contentinfo", "complementary", "dialog", "alert"):
        return True
    return _boilerplate_label(f"{element.get('class') or ''} {element.get('id') or ''} {element.get('role') or ''}")


def _inside(element: etree._Element, tags: tuple[str, ...]) -> bool:
    return any(parent.tag in tags for parent in element.iterancestors())


def _blocks(root: etree._Element) -> list[str]:
    """Text of each block element (or bare text run) in document order, one string a block."""
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = _clean(" ".join(current))
        if text:
            lines.append(text)
        current.clear()

    def walk(element: etree._Element) -> None:
        block = element.tag in _BREAKING_TAGS
        if block:
            flush()
        if element.text:
            current.append(element.text)
        for child in element:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                current.append(child.tail)
        if block:
            flush()

    walk(root)
    flush()
    return lines


def _prune(doc: etree._Element) -> frozenset[str]:
    """Drop scripts and boilerplate; return the text lines of the labelled boilerplate boxes dropped."""
    for element in list(doc.iter(*_DROP_TAGS)):
        element.drop_tree()
    boxed: set[str] = set()
    for element in list(doc.iter()):
        if element.getparent() is not None and isinstance(element.tag, str) and _is_boilerplate(element):
            if element.attrib and _names_a_box(f"{element.get('class') or ''} {element.get('id') or ''}"):
                boxed.update(_blocks(element))
            element.drop_tree()
    return frozenset(boxed)


def _main_element(doc: etree._Element) -> etree._Element:
    for selector in _MAIN_SELECTORS:
        found = doc.xpath(selector)
        if len(found) == 1:
            return found[0]
        if found:
            # Several <article>s (a feed, teasers): the one with the most paragraph text.
            return max(found, key=lambda e: sum(len(p.text_content()) for p in e.iter("p")))
    scores: dict[etree._Element, float] = {}
    for paragraph in doc.iter("p"):
        length = len(_clean(paragraph.text_content()))
        if length < 25:
            continue
        parent = paragraph.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0) + length
        grandparent = parent.getparent()
        if grandparent is not None:
            scores[grandparent] = scores.get(grandparent, 0) + length / 2
    if scores:
        return max(scores, key=scores.__getitem__)
    body = doc.find(".//body")
    return body if body is not None else doc


def _title(doc: etree._Element) -> tuple[str | None, str | None, str | None]:
    """(best title, <title> text, first h1 text)."""
    head_title = doc.findtext(".//title")
    head_title = _clean(head_title) if head_title else None
    h1 = next(doc.iter("h1"), None)
    h1_text = _clean(h1.text_content()) if h1 is not None else None
    og = doc.xpath('//meta[@property="og:title"]/@content')
    og_title = _clean(og[0]) if og else None
    return (h1_text or og_title or head_title), head_title, h1_text


# trafilatura's answer is kept unless it is this much shorter than our own: a page it reads as a teaser
# while the article sits in plain <div>s.
_REFERENCE_MIN_SHARE = 0.25
# A line this long is article prose even inside a box labelled as boilerplate (a mislabelled container).
_BOXED_MAX_WORDS = 25


# Where the page's paragraphs all stand in one semantic article container, our reading is the article and
# trafilatura (two thirds of the time spent reading a page) is not asked.
_PLAIN_SHARE = 0.9
_PLAIN_MIN_CHARS = 600
_ARTICLE_CONTAINERS = frozenset({"article", "main"})


def _plainly_the_article(main: etree._Element, pruned: etree._Element) -> bool:
    if main.tag not in _ARTICLE_CONTAINERS and main.get("itemprop") != "articleBody":
        return False
    inside = sum(len(p.text_content()) for p in main.iter("p"))
    if inside < _PLAIN_MIN_CHARS:
        return False
    everywhere = sum(length for p in pruned.iter("p") if (length := len(p.text_content())) >= 25)
    # ... and the container holds little but those paragraphs: no share bars, captions or teasers.
    return inside >= _PLAIN_SHARE * everywhere and inside >= _PLAIN_SHARE * len(main.text_content())


def _reference_main_text(doc: etree._Element, own_lines: list[str], boxed: frozenset[str]) -> list[str]:
    """trafilatura's main text, one block a line; ours where it finds nothing or far less.

    Short lines that stand in a box labelled as boilerplate ("trending", "related", a cookie banner) are
    dropped: trafilatura keeps such boxes when they sit inside the article element. Pruning the page before
    trafilatura reads it would do the same but costs it a fifth of its recall on real pages (token F1 0.78).
    trafilatura changes the tree it reads: `doc` must have no reader after this."""
    import trafilatura  # here: importing it costs a quarter of a second of start-up; workers preload it

    try:
        found = trafilatura.extract(doc, include_comments=False, favor_precision=True,
                                    include_tables=True, deduplicate=False, with_metadata=False)
    except (ValueError, TypeError, AttributeError, etree.LxmlError) as exc:  # a page trafilatura cannot read
        logger.debug("trafilatura failed: %r", exc)
        found = None
    lines = [_clean(line) for line in (found or "").splitlines() if line.strip()]
    lines = [line for line in lines if line not in boxed or len(line.split()) >= _BOXED_MAX_WORDS]
    own_words = sum(len(line.split()) for line in own_lines)
    if sum(len(line.split()) for line in lines) < _REFERENCE_MIN_SHARE * own_words:
        return own_lines
    return lines


def extract_html(markup: str, url: str, latest: date) -> Extracted:
    try:
        doc = lxml_html.document_fromstring(markup.encode("utf-8"),
                                            parser=lxml_html.HTMLParser(encoding="utf-8", remove_comments=True))
    except (etree.ParserError, ValueError):
        return Extracted(kind="html", signals={"reason": "the page cannot be parsed as HTML"})
    title, head_title, h1_text = _title(doc)
    canonical_href = doc.xpath('//link[contains(concat(" ", normalize-space(@rel), " "), " canonical ")]/@href')
    canonical = urljoin(url, canonical_href[0].strip()) if canonical_href else None
    refresh = doc.xpath('//meta[translate(@http-equiv,"REFSH","refsh")="refresh"]/@content')
    body = doc.find(".//body")
    full_lines = _blocks(body) if body is not None else []
    pruned = copy.deepcopy(doc)
    boxed = _prune(pruned)
    main = _main_element(pruned)
    own_lines = _blocks(main)
    dates = find_dates(doc, pruned, url, own_lines, latest)
    # Last: trafilatura changes the tree it reads.
    lines = own_lines if _plainly_the_article(main, pruned) else _reference_main_text(doc, own_lines, boxed)
    published, published_from = settle_with_htmldate(dates, markup, url, latest)
    modified = dates.modified
    signals: dict[str, Any] = {}
    heading_text = " | ".join(t for t in (head_title, h1_text) if t)
    if heading_text and _NOT_FOUND.search(heading_text):
        signals["not_found_heading"] = heading_text[:200]
    if _CHALLENGE.search(head_title or "") or (len(" ".join(lines)) < 400 and _CHALLENGE.search(" ".join(lines))):
        signals["challenge"] = (head_title or "")[:200]
    if refresh:
        match = re.search(r"url\s*=\s*['\"]?([^'\";]+)", refresh[0], re.IGNORECASE)
        if match:
            signals["meta_refresh"] = urljoin(url, match.group(1).strip())
    return Extracted(
        kind="html", text=_nfkc("\n".join(lines)), full_text=_nfkc("\n".join(full_lines)),
        title=_nfkc(title) if title else None,
        published=published.value if published else None,
        published_precision=published.precision if published else None, published_from=published_from,
        modified=modified.value if modified else None, canonical=canonical, signals=signals)


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
