"""Reading an article (Markdown, HTML or plain text) into blocks, sentences and the works it cites.

Every format is reduced to the same blocks: headings, paragraphs and list items, whose text is the readable
text (markup gone) with the places where a citation sits (an inline link, a reference link, a footnote
marker, `<sup><a href="#cite-1">`) kept as marker keys. A Sources/References section is read into
References: a link, or a "Publisher, Title, Date." line as our article lists its sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from .dates import parse_cited_date
from .match import prose

# Headings that open the list of cited works.
_REFERENCE_HEADINGS = re.compile(r"^\s*(sources|references|bibliography|citations|notes|works cited|"
                                 r"notes and references|footnotes)\s*:?\s*$", re.IGNORECASE)
_MARKER = "\x00"  # wraps a citation marker's key inside block text until sentences are split
_MARKED = re.compile(f"{_MARKER}([^{_MARKER}]*){_MARKER}")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*(?:\x00[^\x00]*\x00)*\s+(?=[A-Z0-9\"'(\u201c])")
# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|vs|Mr|Ms|Mrs|Dr|Prof|Inc|Ltd|Corp|Co|No|Fig|U\.S|approx)\.$")
_URL = re.compile(r"https?://[^\s<>()\[\]\"']+[^\s<>()\[\]\"'.,;:!?]")
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
    cites: tuple[str, ...] = ()  # keys of the references its markers point to
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
                marked = [k for k in _MARKED.findall(piece) if k in self.references]
                numbered = [self.numbered[n] for n in _numbers_cited(_MARKED.sub("", piece)) if n in self.numbered]
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
    return prose(_MARKED.sub("", text))


def _reads_as_sentence(text: str) -> bool:
    """A list entry that is a statement, not a bare name ("- AI Compute" under Related Pages)."""
    return len(text.split()) >= 6 and text.rstrip("\"')]").endswith((".", "!", "?"))


def split_sentences(text: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        candidate = text[start:match.start()].rstrip()
        before = _MARKED.sub("", candidate).rstrip("\"')] ")
        if _ABBREVIATIONS.search(before) or re.search(r"\b[A-Z]\.$", before):
            continue  # "e.g." or an initial: the sentence goes on
        pieces.append(text[start:match.end()].strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if _plain(p)]


def _marker(key: str) -> str:
    return f"{_MARKER}{key}{_MARKER}"


_ENTRY_LABEL = re.compile(r"^\s*(?:\[(\d+)\]|(\d+)[.)])\s*")
_QUOTES = "\"'\u201c\u201d\u2018\u2019"


def _unquoted(text: str) -> str:
    return text.strip().strip(_QUOTES + " .,;:").strip()


def parse_reference_entry(key: str, text: str, url: str | None = None, link_text: str | None = None) -> Reference:
    """A Sources-list entry: a link with optional publisher and date ("[Title](url), Publisher, Date";
    Wikipedia's '"Title". Publisher. Date.'), or "Publisher, Title, Date." (ours)."""
    text = prose(_MARKED.sub("", text)).strip().lstrip("-*•").strip()
    text = _ENTRY_LABEL.sub("", text)
    url = url or (m.group(0) if (m := _URL.search(text)) else None)
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
    return Reference(key=key, url=url, publisher=publisher or None, title=title or None, cited_date=cited)


def entry_number(text: str) -> str | None:
    """The number an entry is labelled with ("[2] ...", "2. ..."), if any."""
    match = _ENTRY_LABEL.match(_MARKED.sub("", text))
    return (match.group(1) or match.group(2)) if match else None


def _parses(text: str) -> bool:
    try:
        parse_cited_date(text)
    except ValueError:
        return False
    return True


# -- Markdown ------------------------------------------------------------------------------------------------
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_ITEM = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+(.*)$")
_MD_LINK_DEF = re.compile(r"^\s{0,3}\[([^\]^][^\]]*)\]:\s*<?(\S+?)>?(?:\s+[\"'(](.*)[\"')])?\s*$")
_MD_FOOTNOTE_DEF = re.compile(r"^\s{0,3}\[\^([^\]]+)\]:\s*(.*)$")
_MD_INLINE = re.compile(r"(?<!!)\[([^\]]+)\]\((\S+?)(?:\s+\"[^\"]*\")?\)")
_MD_REF_LINK = re.compile(r"\[([^\]]+)\]\[([^\]]*)\]")
_MD_SHORTCUT = re.compile(r"\[([^\]^\x00][^\]\x00]*)\](?![(\[:])")
_MD_FOOTNOTE = re.compile(r"\[\^([^\]]+)\]")
_MD_AUTOLINK = re.compile(r"<(https?://[^>]+)>")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


def _markdown(path: Path, text: str) -> ParsedArticle:
    lines = text.splitlines()
    definitions: dict[str, tuple[str, str | None]] = {}
    footnotes: dict[str, str] = {}
    body: list[str] = []
    for line in lines:
        if m := _MD_FOOTNOTE_DEF.match(line):
            footnotes[m.group(1)] = m.group(2)
        elif m := _MD_LINK_DEF.match(line):
            definitions[m.group(1).lower()] = (m.group(2), m.group(3))
        else:
            body.append(line)
    references: dict[str, Reference] = {}

    def inline(segment: str) -> str:
        def link(m: re.Match[str]) -> str:
            references.setdefault(m.group(2), Reference(key=m.group(2), url=m.group(2), title=m.group(1)))
            return m.group(1) + _marker(m.group(2))

        def ref_link(m: re.Match[str]) -> str:
            label = (m.group(2) or m.group(1)).lower()
            if label not in definitions:
                return m.group(0)
            url, title = definitions[label]
            references.setdefault(f"ref:{label}", Reference(key=f"ref:{label}", url=url, title=title or m.group(1)))
            return m.group(1) + _marker(f"ref:{label}")

        def footnote(m: re.Match[str]) -> str:
            return _marker(f"fn:{m.group(1)}")

        def shortcut(m: re.Match[str]) -> str:
            label = m.group(1).lower()
            if label not in definitions:
                return m.group(0)
            url, title = definitions[label]
            references.setdefault(f"ref:{label}", Reference(key=f"ref:{label}", url=url, title=title or m.group(1)))
            # "[1]" is a citation number, not words of the sentence.
            return ("" if label.isdigit() else m.group(1)) + _marker(f"ref:{label}")

        segment = _MD_INLINE.sub(link, segment)
        segment = _MD_REF_LINK.sub(ref_link, segment)
        segment = _MD_SHORTCUT.sub(shortcut, segment)
        segment = _MD_FOOTNOTE.sub(footnote, segment)
        segment = _MD_AUTOLINK.sub(lambda m: _link_key(references, m.group(1)), segment)
        return _MD_EMPHASIS.sub(r"\2", segment)

    for label, note in footnotes.items():
        inner = inline(note)
        url, link_text = _first_link(references, inner)
        references[f"fn:{label}"] = parse_reference_entry(f"fn:{label}", inner, url, link_text)
    blocks: list[Block] = []
    section: str | None = None
    in_references = False
    title = ""
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Block("paragraph", inline(" ".join(paragraph)), section, in_references))
            paragraph.clear()

    for line in body:
        if not line.strip():
            flush()
        elif m := _MD_HEADING.match(line):
            flush()
            heading = _MD_EMPHASIS.sub(r"\2", m.group(2))
            if not title and m.group(1) == "#":
                title = heading
            section = heading
            in_references = bool(_REFERENCE_HEADINGS.match(heading))
            blocks.append(Block("heading", heading, section))
        elif m := _MD_ITEM.match(line):
            flush()
            blocks.append(Block("item", inline(m.group(1)), section, in_references))
        else:
            paragraph.append(line.strip())
    flush()
    numbered = _read_reference_blocks(blocks, references)
    return ParsedArticle(path, title or path.stem, blocks, references, numbered)


def _link_key(references: dict[str, Reference], url: str) -> str:
    references.setdefault(url, Reference(key=url, url=url))
    return url + _marker(url)


def _first_link(references: dict[str, Reference], text: str) -> tuple[str | None, str | None]:
    """The URL of the first link in marked text, and the words it links."""
    for key in _MARKED.findall(text):
        ref = references.get(key)
        if ref is not None and ref.url:
            return ref.url, ref.title
    return None, None


def _read_reference_blocks(blocks: list[Block], references: dict[str, Reference]) -> dict[str, str]:
    """Entries of a Sources/References section become references of their own; an entry that is a link keeps
    that link's key, so a sentence linking the same URL cites the same work. Returns number -> key, for
    "[2]" markers in the text: an entry's own label ("[2]", "2.") or its place in the list."""
    numbered: dict[str, str] = {}
    number = 0
    for block in blocks:
        if not block.in_references or block.kind == "heading":
            continue
        number += 1
        url, link_text = _first_link(references, block.text)
        key = url or f"source:{number}"
        entry = parse_reference_entry(key, block.text, url, link_text)
        if entry.title or entry.url:
            references[key] = entry
            numbered.setdefault(entry_number(block.text) or str(number), key)
    return numbered


# -- HTML ----------------------------------------------------------------------------------------------------
_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dd", "blockquote")


def _html(path: Path, text: str) -> ParsedArticle:
    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript", "template"]):
        tag.decompose()
    title_tag = soup.find("h1") or soup.find("title")
    title = prose(title_tag.get_text(" ")) if title_tag else path.stem
    references: dict[str, Reference] = {}
    ids_cited: set[str] = set()
    for a in soup.find_all("a", href=True):
        href = str(a["href"])
        if href.startswith("#") and len(href) > 1:
            ids_cited.add(href[1:])
    blocks: list[Block] = []
    section: str | None = None
    in_references = False
    target_entries: dict[str, Tag] = {}
    for element in soup.find_all(_BLOCKS):
        if element.find(_BLOCKS):
            continue  # an outer block: its inner blocks are read one by one
        name = element.name
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            section = prose(element.get_text(" "))
            in_references = bool(_REFERENCE_HEADINGS.match(section))
            blocks.append(Block("heading", section, section))
            continue
        anchor = _id_of(element, ids_cited)
        if anchor is not None:
            target_entries[anchor] = element
            continue
        blocks.append(Block("item" if name == "li" else "paragraph", _html_inline(element, references), section,
                            in_references))
    for anchor, element in target_entries.items():
        inner = _html_inline(element, references)
        url, link_text = _first_link(references, inner)
        references[f"id:{anchor}"] = parse_reference_entry(f"id:{anchor}", inner, url, link_text)
    numbered = _read_reference_blocks(blocks, references)
    return ParsedArticle(path, title, blocks, references, numbered)


def _id_of(element: Tag, ids_cited: set[str]) -> str | None:
    """The id a citation marker points to, when this block (or its parent list entry) is one."""
    for candidate in (element, element.parent):
        if isinstance(candidate, Tag) and candidate.get("id") in ids_cited:
            return str(candidate["id"])
    return None


def _html_inline(element: Tag, references: dict[str, Reference]) -> str:
    return " ".join(_render(element, references).split())


def _render(node: object, references: dict[str, Reference]) -> str:
    if not isinstance(node, Tag):
        return str(node)
    if node.name == "a" and node.get("href"):
        href = str(node["href"])
        words = node.get_text(" ")
        if href.startswith("#"):
            return _marker(f"id:{href[1:]}")  # a footnote marker: its text ("[1]") is not prose
        references.setdefault(href, Reference(key=href, url=href, title=prose(words) or None))
        return words + _marker(href)
    if node.name == "sup" and node.find("a", href=re.compile("^#")):
        return "".join(_render(child, references) for child in node.find_all("a"))
    if node.name in ("br",):
        return " "
    return "".join(_render(child, references) for child in node.children)


# -- plain text ----------------------------------------------------------------------------------------------
_TEXT_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+(.*)$")


def _is_text_heading(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= 8 and not line.rstrip("\"')]").endswith((".", "!", "?", ":", ";", ","))


def _text(path: Path, text: str) -> ParsedArticle:
    lines = [line.rstrip() for line in text.splitlines()]
    title = next((line.strip() for line in lines if line.strip()), path.stem)
    references: dict[str, Reference] = {}
    blocks: list[Block] = []
    section: str | None = None
    in_references = False
    first = True
    for line in lines:
        if not line.strip():
            continue
        if first:
            first = False
            blocks.append(Block("heading", line.strip(), None))
            continue
        if m := _TEXT_ITEM.match(line):
            item = _URL.sub(lambda u: _link_key(references, u.group(0)), m.group(1))
            blocks.append(Block("item", item, section, in_references))
        elif _is_text_heading(line):
            section = line.strip()
            in_references = bool(_REFERENCE_HEADINGS.match(section))
            blocks.append(Block("heading", section, section))
        else:
            body = _URL.sub(lambda u: _link_key(references, u.group(0)), line.strip())
            blocks.append(Block("paragraph", body, section, in_references))
    numbered = _read_reference_blocks(blocks, references)
    return ParsedArticle(path, title, blocks, references, numbered)


def read_article(path: str | Path) -> ParsedArticle:
    """Parse an article by its suffix: .md/.markdown, .html/.htm, anything else as plain text."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    return parse_article(path, text)


def parse_article(path: Path, text: str) -> ParsedArticle:
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown"):
        return _markdown(path, text)
    if suffix in (".html", ".htm"):
        return _html(path, text)
    return _text(path, text)


def readable_text(path: Path, text: str) -> str:
    """What a reader of the article sees, for checking that claims quote it verbatim."""
    if path.suffix.lower() in (".md", ".markdown", ".html", ".htm"):
        return parse_article(path, text).readable()
    return text
