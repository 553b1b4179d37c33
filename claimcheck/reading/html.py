"""Bytes of a page → its main text, full visible text, title, canonical URL and dates.

HTML goes through lxml (fast, tolerant). The main text is trafilatura's, the field's reference, read without
comments and favouring precision, so reader comments, related boxes and menus never count as the article
(with the rules below, token F1 0.966 on the held-out half of scrapinghub's real news pages; 0.74 for our
extractor alone). Where trafilatura finds nothing, or far less than it, our own extractor answers:
boilerplate pruned by tag and by class/id tokens (navigation, cookie banners, "related" and "trending" boxes,
footers, scripts), then the main block chosen by known publisher containers or by paragraph-text density.
The full visible text is kept too: evidence is looked for
in the main text first and in the whole page second, so a passage in a deck or caption is never reported
missing because the main-text guess was narrow. (PDFs: pdf.py; which reader reads a payload: kinds.py.)
"""

from __future__ import annotations

import copy
import logging
import re
import unicodedata
from datetime import date
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

from claimcheck.core.chrome import is_chrome, names_a_box
from claimcheck.reading.pagedates import find_dates, settle_with_htmldate
from claimcheck.reading.payload import Extracted
from claimcheck.reading.payload import clean as _clean

logger = logging.getLogger(__name__)

_DROP_TAGS = {"script", "style", "noscript", "template", "svg", "iframe", "form", "button", "select",
              "input", "textarea", "canvas", "object", "embed", "dialog", "link", "meta"}
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


def _is_boilerplate(element: etree._Element) -> bool:
    return is_chrome(element.tag, element.get, bool(element.attrib),
                     inside_article=lambda: _inside(element, ("article", "main")))


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
            if element.attrib and names_a_box(f"{element.get('class') or ''} {element.get('id') or ''}"):
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


