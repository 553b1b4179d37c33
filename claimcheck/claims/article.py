"""An article as blocks, sentences and the works it cites (the readers of each format: article_readers.py).

Every format is reduced to the same blocks: headings, paragraphs and list items, whose text is the readable
text (markup gone) with the places where a citation sits (an inline link, a reference link, a footnote
marker, `<sup><a href="#cite-1">`) kept as marker keys. A Sources/References section is read into
References: a link, or a "Publisher, Title, Date." line as our article lists its sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from claimcheck.core.dates import parse_cited_date
from claimcheck.core.text import prose

# Headings that open the list of cited works.
REFERENCE_HEADINGS = re.compile(r"^\s*(sources|references|bibliography|citations|notes|works cited|"
                                 r"notes and references|footnotes)\s*:?\s*$", re.IGNORECASE)
_MARKER = "\x00"  # wraps a citation marker's key inside block text until sentences are split
MARKED = re.compile(f"{_MARKER}([^{_MARKER}]*){_MARKER}")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*(?:\x00[^\x00]*\x00)*\s+(?=[A-Z0-9\"'(\u201c])")
# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|vs|Mr|Ms|Mrs|Dr|Prof|Inc|Ltd|Corp|Co|No|Fig|U\.S|approx)\.$")
URL = re.compile(r"https?://[^\s<>()\[\]\"']+[^\s<>()\[\]\"'.,;:!?]")
_TRAILING_DATE = re.compile(
    r",?\s*(\(?(?:(?:\d{1,2}\s+)?[A-Z][a-z]{2,8}\.?\s+(?:\d{1,2},?\s+)?\d{4}|\d{4}-\d{2}(?:-\d{2})?|\d{4})\)?)"
    r"\s*\.?\s*$")


@dataclass(frozen=True)
class Reference:
    """A cited work as the article names it."""

    key: str  # a footnote or reference label, or the URL of an inline link
    url: str | None = None
    publisher: str | None = None
    title: str | None = None
    cited_date: str | None = None  # as the article writes it; None when it gives none we can read
    listed: bool = False  # an entry of the article's list of works (Sources list, footnote, cite note)


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "paragraph" or "item"
    text: str  # readable text with citation markers wrapped in _MARKER
    section: str | None
    in_references: bool = False


@dataclass(frozen=True)
class Sentence:
    text: str  # as the article reads, markup and markers gone
    section: str | None
    kind: str  # "sentence", "heading", "item" (a list entry), "reference" (an entry of the Sources list)
    cites: tuple[str, ...] = ()  # keys of the references its markers and links point to
    paragraph: int = 0  # sentences of one paragraph share it


@dataclass
class ParsedArticle:
    path: Path
    title: str
    blocks: list[Block]
    references: dict[str, Reference] = field(default_factory=dict)
    numbered: dict[str, str] = field(default_factory=dict)  # "[2]" in the text -> the key of entry 2

    def sentences(self) -> list[Sentence]:
        found: list[Sentence] = []
        for number, block in enumerate(self.blocks):
            if block.kind == "heading":
                found.append(Sentence(_plain(block.text), block.section, "heading", paragraph=number))
                continue
            if block.in_references:
                found.append(Sentence(_plain(block.text), block.section, "reference", paragraph=number))
                continue
            for piece in split_sentences(block.text):
                marked = [k for k in MARKED.findall(piece) if k in self.references]
                numbered = [self.numbered[n] for n in _numbers_cited(MARKED.sub("", piece)) if n in self.numbered]
                keys = tuple(dict.fromkeys(marked + numbered))
                plain = _plain(piece)
                kind = "item" if block.kind == "item" and not _reads_as_sentence(plain) else "sentence"
                found.append(Sentence(plain, block.section, kind, keys, number))
        return [s for s in found if s.text]

    def readable(self) -> str:
        """The article's text as a reader sees it: what claims quote verbatim."""
        return "\n".join(_plain(block.text) for block in self.blocks)


_NUMBER_MARKER = re.compile(r"\[(\d+(?:\s*[,\u2013-]\s*\d+)*)\]")


def _numbers_cited(text: str) -> list[str]:
    """The reference numbers of "[2]", "[1, 3]" and "[2-4]" markers."""
    found: list[str] = []
    for group in _NUMBER_MARKER.findall(text):
        for part in re.split(r"\s*,\s*", group):
            ends = re.split(r"\s*[\u2013-]\s*", part)
            if len(ends) == 2 and int(ends[1]) - int(ends[0]) < 50:
                found += [str(n) for n in range(int(ends[0]), int(ends[1]) + 1)]
            else:
                found.append(ends[0])
    return found


def _plain(text: str) -> str:
    return prose(MARKED.sub("", text))


def _reads_as_sentence(text: str) -> bool:
    """A list entry that is a statement, not a bare name ("- AI Compute" under Related Pages)."""
    return len(text.split()) >= 6 and text.rstrip("\"')]").endswith((".", "!", "?"))


def split_sentences(text: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        candidate = text[start:match.start()].rstrip()
        before = MARKED.sub("", candidate).rstrip("\"')] ")
        if _ABBREVIATIONS.search(before) or re.search(r"\b[A-Z]\.$", before):
            continue  # "e.g." or an initial: the sentence goes on
        pieces.append(text[start:match.end()].strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if _plain(p)]


def marker(key: str) -> str:
    return f"{_MARKER}{key}{_MARKER}"


_ENTRY_LABEL = re.compile(r"^\s*(?:\[(\d+)\]|(\d+)[.)])\s*")
_QUOTES = "\"'\u201c\u201d\u2018\u2019"


def _unquoted(text: str) -> str:
    return text.strip().strip(_QUOTES + " .,;:").strip()


def parse_reference_entry(key: str, text: str, url: str | None = None, link_text: str | None = None) -> Reference:
    """A Sources-list entry: a link with optional publisher and date ("[Title](url), Publisher, Date";
    Wikipedia's '"Title". Publisher. Date.'), or "Publisher, Title, Date." (ours)."""
    text = prose(MARKED.sub("", text)).strip().lstrip("-*•").strip()
    text = _ENTRY_LABEL.sub("", text)
    url = url or (m.group(0) if (m := URL.search(text)) else None)
    if url:
        text = text.replace(url, "").strip(" <>,.")
    cited = None
    if (m := _TRAILING_DATE.search(text)) and _parses(m.group(1).strip("()")):
        cited = m.group(1).strip("()")
        text = text[:m.start()].strip(" ,.")
    publisher = title = None
    if link_text:
        title = _unquoted(link_text)
        rest = text.replace(link_text, "", 1)
        # What is left names the publisher: the first part that says something ("". AMD -> AMD).
        parts = [_unquoted(part) for part in re.split(r"\.\s+|,\s+|\s[-\u2013\u2014]\s", rest)]
        publisher = next((part for part in parts if part), None)
    elif ", " in text:
        publisher, title = (_unquoted(part) for part in text.split(", ", 1))
    elif text:
        title = _unquoted(text)
    return Reference(key=key, url=url, publisher=publisher or None, title=title or None, cited_date=cited,
                     listed=True)


def entry_number(text: str) -> str | None:
    """The number an entry is labelled with ("[2] ...", "2. ..."), if any."""
    match = _ENTRY_LABEL.match(MARKED.sub("", text))
    return (match.group(1) or match.group(2)) if match else None


def _parses(text: str) -> bool:
    try:
        parse_cited_date(text)
    except ValueError:
        return False
    return True


def link_key(references: dict[str, Reference], url: str) -> str:
    references.setdefault(url, Reference(key=url, url=url))
    return url + marker(url)


def first_link(references: dict[str, Reference], text: str) -> tuple[str | None, str | None]:
    """The URL of the first link in marked text, and the words it links."""
    for key in MARKED.findall(text):
        ref = references.get(key)
        if ref is not None and ref.url:
            return ref.url, ref.title
    return None, None


def read_reference_blocks(blocks: list[Block], references: dict[str, Reference]) -> dict[str, str]:
    """Entries of a Sources/References section become references of their own; an entry that is a link keeps
    that link's key, so a sentence linking the same URL cites the same work. Returns number -> key, for
    "[2]" markers in the text: an entry's own label ("[2]", "2.") or its place in the list."""
    numbered: dict[str, str] = {}
    number = 0
    for block in blocks:
        if not block.in_references or block.kind == "heading":
            continue
        number += 1
        url, link_text = first_link(references, block.text)
        key = url or f"source:{number}"
        entry = parse_reference_entry(key, block.text, url, link_text)
        if entry.title or entry.url:
            references[key] = entry
            numbered.setdefault(entry_number(block.text) or str(number), key)
    return numbered
