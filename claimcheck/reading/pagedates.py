"""A page's own publication and modification dates: a precision-first cascade, then a second opinion.

`find_dates` reads the page's own signals, surest first: JSON-LD, meta tags and microdata, <time> marked as
a publication date; then what the reader sees: the dateline next to the title (in many languages), an
element labelled as a date, a byline ("Veröffentlicht am ..."), a press release's opening dateline; then
the URL. A copyright year, an "updated"/"last edited" stamp, a comment's or a member's date, and the HTTP
Last-Modified header are never taken for a publication date, since a wrong date makes a false `date-drift`.

`settle_with_htmldate` then asks htmldate, an independent extractor, where a signal needs confirming or the
page contradicts itself, and answers for pages where the cascade found nothing (marked as htmldate's, so
the verdict rules know it is a reading, not a statement of the page). Every rule was measured on
htmldate's 1000 evaluation pages (bench/eval_dates.py; figures in the README).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from lxml import html as lxml_html

from claimcheck.core.dates import GUESSED_DATE_SIGNAL, MACHINE_SIGNALS, FuzzyDate, Precision
from claimcheck.reading.datemarkup import element_label as _label
from claimcheck.reading.datemarkup import json_ld_dates, meta_dates, time_element_dates
from claimcheck.reading.datetext import (
    date_in_text,
    date_in_url,
    parse_machine_date,
)

DATE_CLASS = re.compile(
    r"(?:^|[-_ ])(?:wd[-_]date|blog-mini-time|pub(?:lish(?:ed)?)?[-_]?date|post[-_]?date|entry[-_]?date|"
    r"article[-_]?date|release[-_]?date|news[-_]?date|date[-_]?(?:published|line|posted)|dateline|posted[-_]?on|"
    r"published|byline[-_]?date|timestamp|date)(?:$|[-_ ])", re.IGNORECASE)
NOT_PUBLISHED_CLASS = re.compile(r"updat|modif|copyright|comment|event|expir|footer|archive|calendar|related",
                                 re.IGNORECASE)
BODY_DATELINE = re.compile(
    r"^[A-ZÀ-Ý][A-Za-zÀ-ÿ .,'’()-]{1,80},\s*(?P<rest>[^/\n]{4,40}?)\s*(?:/[A-Za-z ]*Newswire/|/PRNewswire/|"
    r"--|–|—|-\s)")


_UNSEEN = ("script", "style", "noscript")  # text a reader never sees
_NOT_NEAR = frozenset({*_UNSEEN, "footer", "nav", "aside"})  # ... or that is not the article's own


def _text_outside(tags: Iterable[str]) -> str:
    return "[normalize-space()]" + "".join(f"[not(ancestor::{tag})]" for tag in sorted(tags))


_VISIBLE_TEXT = _text_outside(_UNSEEN)
_NEAR_TEXT = _text_outside(_NOT_NEAR)
# Stamps that carry a date which is not the publication date.
_STAMP = re.compile(r"updat|modif|revis|edited|copyright|©|\(c\)|aktualisiert|änderung|geändert|mis à jour|"
                    r"actualizado|joined|registered|member since|mitglied seit|registriert", re.IGNORECASE)
_HAS_DIGIT = re.compile(r"\d")
_IN_HEADING = "ancestor-or-self::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]"


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) > 2}


def title_headings(doc: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """The headings that may title the article, likeliest first: of the H1s (else H2s), the one whose words
    best match the page's <title> or og:title (a site-logo H1 before the article's own is common), then
    the first H1."""
    titles = doc.xpath('//title/text() | //meta[@property="og:title"]/@content')
    title_words = _words(" ".join(str(t) for t in titles))
    for tag in ("h1", "h2"):
        headings = [h for h in doc.iter(tag) if h.text_content().strip()]
        if not headings:
            continue
        scored = [(len(_words(h.text_content()) & title_words), -index, h) for index, h in enumerate(headings)]
        shared, _, best = max(scored, key=lambda item: item[:2])
        if shared >= (1 if tag == "h1" else 2):
            return [best, headings[0]] if tag == "h1" and best is not headings[0] else [best]
        if tag == "h1":
            return headings[:1]
    return []


def _near(nodes: Iterable[Any], wanted: int) -> list[Any]:
    """The first `wanted` text nodes of `nodes` that a reader sees outside navigation, as `_NEAR_TEXT`
    selects them. Filtering a window of nearby nodes here costs a fifth of XPath testing every text node
    to the end of the page (measured on the benchmark's pages), and only the first few are ever wanted."""
    kept: list[Any] = []
    for node in nodes:
        parent = node.getparent()
        if parent is None or not str(node).strip():
            continue
        if parent.tag in _NOT_NEAR or any(e.tag in _NOT_NEAR for e in parent.iterancestors()):
            continue
        kept.append(node)
        if len(kept) == wanted:
            break
    return kept


def _candidates_near_title(doc: lxml_html.HtmlElement) -> list[str]:
    """Short text runs right after the title heading (where 'Nov 11, 2025' sits), then the few just
    before it (a press room's '2024 / 03 / 20' above the title), nearest first."""
    found: list[str] = []
    for heading in title_headings(doc):
        after: list[str] = []
        long_runs = 0
        label_before = False
        headings_passed: list[lxml_html.HtmlElement] = []
        for node in _near(heading.xpath("following::text()[position() <= 200]"), 20):
            text = " ".join(str(node).split())
            if len(text) > 100:
                long_runs += 1
                if long_runs >= 2:  # the body has begun: a date further down is not the dateline
                    break
            parent = node.getparent()
            inside = parent.xpath(_IN_HEADING) if parent is not None else []
            if inside and not _HAS_DIGIT.search(text) and inside[-1] not in headings_passed:
                # A subtitle may follow the title; the heading after it ("Related articles") ends the block.
                headings_passed.append(inside[-1])
                if len(headings_passed) >= 2:
                    break
            # "Joined" or "Updated" in one cell, its date in the next: that date is not the dateline either.
            if not label_before and not _STAMP.search(text):
                after.append(text)
            label_before = len(text) <= 30 and bool(_STAMP.search(text))
        nearest_before = _near(reversed(heading.xpath("preceding::text()[position() <= 30]")), 3)
        before = [" ".join(str(t).split()) for t in nearest_before]
        found += after + [t for t in before if not _STAMP.search(t)]
    return found


def _near_title_date(doc: lxml_html.HtmlElement, latest: date) -> FuzzyDate | None:
    for text in _candidates_near_title(doc):
        if len(text) <= 80:
            found = date_in_text(text, latest)
            if found:
                return found
    return None


def _labelled_date(doc: lxml_html.HtmlElement, latest: date) -> FuzzyDate | None:
    for element in doc.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style", "meta", "time", "body", "html"):
            continue
        label = _label(element)
        if label and DATE_CLASS.search(label) and not NOT_PUBLISHED_CLASS.search(label):
            text = " ".join(element.text_content().split())
            if len(text) <= 80:
                found = date_in_text(text, latest)
                if found:
                    return found
                # "vor 28 Minuten" on screen, the date itself in a <time> inside the labelled element
                stamp = next((t.get("datetime") for t in element.iter("time") if t.get("datetime")), None)
                found = parse_machine_date(stamp, latest) if stamp else None
                if found:
                    return found
    return None


def visible_dateline(docs: Iterable[lxml_html.HtmlElement], latest: date) -> FuzzyDate | None:
    """The date shown next to the title, else in an element labelled as a date ("post-date", "dateline").
    `docs` are the page with boilerplate pruned, then whole: the title's own dateline, even inside a
    pruned header, is surer than a labelled date that survived pruning in a sidebar."""
    docs = list(docs)
    for finder in (_near_title_date, _labelled_date):
        for doc in docs:
            found = finder(doc, latest)
            if found:
                return found
    return None


# Words that introduce a byline's date: "Veröffentlicht von X am 23. Februar 2020", "Posted on May 3, 2021".
_BYLINE_CUE = re.compile(
    r"\b(?:published|posted|publié|publicado|pubblicato|veröffentlicht|erstellt|geschrieben|gespeichert|datum|"
    r"date|written)\b", re.IGNORECASE)


def byline_date(doc: lxml_html.HtmlElement, latest: date) -> FuzzyDate | None:
    """The first short text run that introduces a date as the page's own ("Datum: 03.11.2021")."""
    for node in doc.xpath(f"//body//text(){_NEAR_TEXT}"):
        text = " ".join(str(node).split())
        cue = _BYLINE_CUE.search(text) if len(text) <= 120 else None
        if cue is None:
            continue
        # "Published November 9, 2023 | Updated November 10, 2023": only what lies between the cue and a stamp.
        stamp = _STAMP.search(text, cue.end())
        if _STAMP.search(text[:cue.start()]):
            continue
        text = text[:stamp.start()] if stamp else text
        # The cue may stand alone ("Datum" in one cell, the date in the next), or follow the date
        # ("am 3. Dezember 2011 veröffentlicht").
        found = date_in_text(text, latest)
        parent = node.getparent()
        if found is None and len(text) <= len(cue.group(0)) + 2 and parent is not None:
            following = parent.xpath(f"following::text(){_NEAR_TEXT}")[:1]
            found = date_in_text(" ".join(str(following[0]).split()), latest) if following else None
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


def stamped_dates(doc: lxml_html.HtmlElement, latest: date) -> frozenset[date]:
    """Dates the page shows as a stamp ("last edited 17 Jun 2018", "Letzte Änderung: 31.10.2023"), in the
    stamp's own text or in the text right after a stamp label."""
    found: set[date] = set()
    label_before = False
    for node in doc.xpath(f"//body//text(){_VISIBLE_TEXT}"):  # footers included: that is where stamps live
        text = " ".join(str(node).split())
        stamp = _STAMP.search(text)
        if (stamp or label_before) and len(text) <= 200:
            day = date_in_text(text[stamp.start():] if stamp else text, latest)
            if day:
                found.add(day.value)
        label_before = bool(stamp) and len(text) <= 30
    # A comment's timestamp is the comment's, never the page's.
    for element in doc.xpath('//time[@datetime][ancestor::*[contains(translate(@class, "COMENT", "coment"), '
                             '"comment")]]'):
        day = parse_machine_date(element.get("datetime", ""), latest)
        if day:
            found.add(day.value)
    return frozenset(found)


@dataclass(frozen=True)
class PageDates:
    """What the cascade found: the publication date, the signal that gave it, the modification date, and
    a rival: the date the page shows its reader where it contradicts the machine-readable one."""

    published: FuzzyDate | None = None
    signal: str | None = None
    modified: FuzzyDate | None = None
    rival: FuzzyDate | None = None
    corroborated: bool = False  # the visible dateline shows the same day as the metadata
    stamped: frozenset[date] = frozenset()  # dates the page shows as updated/edited/copyright stamps


# A date the reader sees next to the title or in a byline is the date an article cites.
VISIBLE_SIGNALS = frozenset({"dateline", "byline", "body-dateline"})


def find_dates(full: lxml_html.HtmlElement, pruned: lxml_html.HtmlElement, url: str, paragraphs: list[str],
               latest: date) -> PageDates:
    """Machine-readable metadata is read from the whole page (it lives in <head> and scripts); visible
    signals first from the page with boilerplate pruned, so a "related stories" box cannot lend its dates,
    and only then from the whole page (a dateline inside a pruned header).
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
        seen = visible_dateline((pruned, full), latest)
        if seen is None or seen == machine[0]:
            return PageDates(machine[0], machine[1], modified, corroborated=seen is not None)
        # The date a reader sees wins over a timestamp a time zone away from it: that is the date cited.
        if abs((seen.value - machine[0].value).days) <= 1:
            return PageDates(seen, "dateline", modified)
        return PageDates(machine[0], machine[1], modified, rival=seen)
    # Cheapest and surest first; each later step runs only if every earlier one abstained.
    cascade: list[tuple[str, Callable[[], FuzzyDate | None]]] = [
        ("dateline", lambda: visible_dateline((pruned, full), latest)),
        ("byline", lambda: byline_date(pruned, latest) or byline_date(full, latest)),
        ("body-dateline", lambda: body_dateline(paragraphs, latest)),
        ("url", lambda: date_in_url(url, latest)),
    ]
    for signal, finder in cascade:
        found = finder()
        if found:
            return PageDates(found, signal, modified)
    return PageDates(modified=modified, stamped=stamped_dates(full, latest))


def settle_with_htmldate(found: PageDates, markup: str, url: str, latest: date) -> tuple[FuzzyDate | None, str | None]:
    """The publication date to trust, or None: htmldate, an independent extractor, is the second opinion.

    - A visible dateline or byline stands on its own: it is what the reader (and the article) saw; so does
      a machine-readable date that the visible dateline repeats.
    - A machine-readable date (JSON-LD, meta, <time>) or a URL's date stands only when htmldate agrees.
    - Where the page contradicts itself (metadata one date, the visible dateline another, days apart),
      the one htmldate agrees with stands; if neither, none.
    - Where claimcheck found nothing, htmldate's structural answer (its markup-based search, without the
      free-text guessing of its extensive mode) stands, marked as such.
    Each rule was chosen on htmldate's 1000 evaluation pages (bench/eval_dates.py, figures in the README).
    """
    from htmldate import find_date  # imported here: only HTML pages need it

    def ask(extensive: bool) -> FuzzyDate | None:
        try:
            answer = find_date(markup, url=url, original_date=True, extensive_search=extensive,
                               max_date=latest.isoformat())
        except Exception:  # noqa: BLE001 - a page htmldate cannot read gives no second opinion
            return None
        return parse_machine_date(answer, latest) if answer else None

    def second_opinion() -> FuzzyDate | None:
        return ask(extensive=False) or ask(extensive=True)

    published = found.published
    if published is None:
        guess = ask(extensive=False)
        # htmldate takes an "updated" stamp when the page has nothing else; claimcheck does not.
        if guess is None or guess == found.modified or guess.value in found.stamped:
            return None, None
        return guess, GUESSED_DATE_SIGNAL
    if published.precision is not Precision.DAY:
        return published, found.signal
    if found.rival is not None:
        reference = second_opinion()
        if reference == published:
            return published, found.signal
        return (found.rival, "dateline") if reference == found.rival else (None, None)
    if found.signal in VISIBLE_SIGNALS or found.corroborated:
        return published, found.signal
    reference = second_opinion()
    if reference == published:
        return published, found.signal
    # One day apart is the same instant read in two time zones: the page's own timestamp stands.
    if reference is not None and found.signal in MACHINE_SIGNALS and abs((reference.value - published.value).days) == 1:
        return published, found.signal
    return None, None
