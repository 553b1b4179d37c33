"""An article as blocks, sentences and the works it cites (the readers of each format: article_readers.py).

Every format is reduced to the same blocks: headings, paragraphs and list items, whose text is the readable
text (markup gone) with the places where a citation sits (an inline link, a reference link, a footnote
marker, `<sup><a href="#cite-1">`) kept as marker keys. A Sources/References section is read into
References: a link, or a "Publisher, Title, Date." line as our article lists its sources.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from claimcheck.core.dates import parse_cited_date
from claimcheck.core.text import prose

# Headings that open the list of cited works.
REFERENCE_HEADINGS = re.compile(r"^\s*(sources|references|bibliography|citations|notes|works cited|"
                                 r"notes and references|footnotes)\s*:?\s*$", re.IGNORECASE)
_MARKER = "\x00"  # wraps a citation marker's key inside block text until sentences are split
MARKED = re.compile(f"{_MARKER}([^{_MARKER}]*){_MARKER}")
# A sentence ends at . ! ? before one that starts with a capital, a digit, a quote or an @handle.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*(?:\x00[^\x00]*\x00)*\s+(?=[A-Z0-9\"'(\u201c@])")
# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|vs|Mr|Ms|Mrs|Dr|Prof|Inc|Ltd|Corp|Co|No|Fig|U\.S|approx)\.$")
URL = re.compile(r"https?://[^\s<>()\[\]\"'\x00\x01`]+[^\s<>()\[\]\"'\x00\x01`.,;:!?]")


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
    also: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a note's key -> further works it links
    # Every list of a Markdown or text file is the author's; a web page's lists of headline links are often the
    # site's (chrome that no class name marks), so there a cited list entry needs words of its own besides its
    # link's to be a claim.
    authored: bool = True

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
                numbered = [self.numbered[n] for n in _markers_cited(MARKED.sub("", piece)) if n in self.numbered]
                keys = tuple(dict.fromkeys(k for key in marked + numbered for k in (key, *self.also.get(key, ()))))
                plain = _plain(piece)
                previous = found[-1] if found and found[-1].paragraph == number else None
                if keys and previous is not None and self._unlinked(plain, keys) == 0 and len(plain.split()) <= 4:
                    # "... for the engine. (Bug 1681512)": a citation after the full stop is the sentence's.
                    found[-1] = replace(previous, cites=tuple(dict.fromkeys(previous.cites + keys)))
                    continue
                kind = "item" if block.kind == "item" and not _reads_as_sentence(plain, self._unlinked(plain, keys)) \
                    else "sentence"
                found.append(Sentence(plain, block.section, kind, keys, number))
        return [s for s in found if s.text]

    def _unlinked(self, text: str, keys: tuple[str, ...]) -> int:
        """How many of a cited sentence's words are not the words of its links: a list of headlines linking
        their stories has none to speak of. (In an authored file, every word counts.)"""
        if not keys:
            return 0
        if self.authored:
            return len(re.findall(r"\w+", text))
        for key in keys:
            title = self.references[key].title if key in self.references else None
            if title and not self.references[key].listed:
                text = text.replace(title, " ")
        return len(re.findall(r"\w+", text))

    def readable(self) -> str:
        """The article's text as a reader sees it: what claims quote verbatim."""
        return "\n".join(_plain(block.text) for block in self.blocks)


_NUMBER_MARKER = re.compile(r"\[(\d+(?:\s*[,\u2013-]\s*\d+)*)\]")


# A named label, as standards and papers cite: "RFC2119", "RFC 2119", "NIST-SP800-38D", "Knu84"; in the text
# in brackets, never a link ("[x](url)", "[x][y]", a definition "[x]: url").
_LABEL_NAME = r"[A-Za-z][\w.+/-]*(?: \d[\w.-]*)?"
_NAME_MARKER = re.compile(rf"\[({_LABEL_NAME})\](?![(\[:])")


def _markers_cited(text: str) -> list[str]:
    """The reference numbers of "[2]", "[1, 3]" and "[2-4]" markers, and the names of "[RFC2119]" ones (cited
    only where the Sources list has an entry so named: "[sic]" is no citation)."""
    found: list[str] = _NAME_MARKER.findall(text)
    for group in _NUMBER_MARKER.findall(text):
        for part in re.split(r"\s*,\s*", group):
            ends = re.split(r"\s*[\u2013-]\s*", part)
            if len(ends) == 2 and int(ends[1]) - int(ends[0]) < 50:
                found += [str(n) for n in range(int(ends[0]), int(ends[1]) + 1)]
            else:
                found.append(ends[0])
    return found


# A marker written after a space and before the sentence's stop ("the style guide [2]_." in reStructuredText,
# "the guide [^2]." in Markdown): the space goes with it, or the claim would read "the style guide ."
_SPACED_MARKERS = re.compile(f"\\s+((?:{_MARKER}[^{_MARKER}]*{_MARKER})+)(?=[.,;:!?])")


def _plain(text: str) -> str:
    return prose(MARKED.sub("", _SPACED_MARKERS.sub(r"\1", text)))


def _reads_as_sentence(text: str, unlinked: int = 0) -> bool:
    """A list entry that is a statement, not a bare name ("- AI Compute" under Related Pages) or a headline
    linking its story: six words or more, ending as a sentence does, or citing a work with words of its own
    besides the link's, at least a subject and a verb ("bigiri has [a patch to move X off Y]")."""
    return len(text.split()) >= 6 and (unlinked >= 2 or text.rstrip("\"')]").endswith((".", "!", "?")))


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


_ENTRY_LABEL = re.compile(rf"^\s*(?:\[(\d+)\]|(\d+)[.)]|(?:\*\*|__)?\[({_LABEL_NAME})\](?:\*\*|__)?"
                          r"(?:\s*:)?(?=\s))\s*")
_QUOTES = "\"'\u201c\u201d\u2018\u2019"
# Back-links before a note's text: "^", "↑", "↩", and Wikipedia's "^ a b" for a note cited three times.
_BACKLINKS = re.compile(r"^\s*[\^\u2191\u21a9](?:\s+[a-z]{1,2}(?=\s))*\s*")
# When the work was looked at, not when it was published: never the cited date.
_ACCESS = re.compile(r"\b(?:retrieved|accessed|archived(?:\s+from\s+the\s+original)?|last\s+visited|"
                     r"viewed)(?:\s+on)?\s*:?\s*[^;()]*?(?:\d{4}|(?=[;)]))(?:\s*\.)?", re.IGNORECASE)
_MONTHS = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?")
_FULL_DATE = re.compile(
    rf"\b(?:\d{{1,2}}\s+{_MONTHS}\s+\d{{4}}|{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}}|{_MONTHS}\s+\d{{4}}|"
    r"\d{4}-\d{2}-\d{2}|\d{4}-\d{2}(?![\d-]))\b", re.IGNORECASE)
_IN_PARENTHESES = re.compile(r"\(([^()]{0,40}?\b\d{4})[a-z]?\)")
# A bare year stands as a part of the entry of its own (", 1987." ". 2011."), not as pages ("9: 2579-2605",
# "pp. 1999-2001"), an issue "(7196)" or a part of a range or an identifier.
_BARE_YEAR = re.compile(r"(?:^|(?<=[.,;]\s))(\d{4})(?=\s*(?:[.,;]|$))")
_NOT_A_YEAR_BEFORE = re.compile(r"(?:\bpp?\.|\bno\.|\bvol\.|:|[\u2013-])\s*$", re.IGNORECASE)


_QUOTED = re.compile(r"[\"\u201c]([^\"\u201c\u201d]{3,}?)[\"\u201d]")


def _plausible_year(text: str) -> bool:
    years = re.findall(r"\d{4}", text)
    return bool(years) and all(1400 <= int(year) <= 2100 for year in years)


def reference_date(text: str) -> tuple[str | None, tuple[int, int] | None]:
    """The date a reference entry gives its work, and where it stands in the text: a date in parentheses
    after the authors ("(Nov 2008)"), else a date with a month, else a bare year where a citation puts one.
    Page numbers, issue numbers and the date it was retrieved or archived are not its date."""
    # Neither an access date nor a year in the work's own title ("The Girl Who Leapt Through Time (2006)").
    access = [m.span() for m in _ACCESS.finditer(text)] + [m.span() for m in _QUOTED.finditer(text)]

    def outside(span: tuple[int, int]) -> bool:
        return not any(a <= span[0] < b for a, b in access)

    for pattern, group in ((_IN_PARENTHESES, 1), (_FULL_DATE, 0), (_BARE_YEAR, 1)):
        for m in pattern.finditer(text):
            candidate = m.group(group).strip()
            if not outside(m.span()) or not _plausible_year(candidate):
                continue
            if pattern is _BARE_YEAR and (_NOT_A_YEAR_BEFORE.search(text[:m.start()])
                                          or re.match(r"\s*[\u2013-]\s*\d", text[m.end():])):
                continue
            if _parses(candidate):
                return candidate, m.span()
    return None, None


def _unquoted(text: str) -> str:
    return text.strip().strip(_QUOTES + " .,;:").strip()


def _first_quoted(text: str) -> str | None:
    """A title in quotation marks, as citation styles write an article's title."""
    m = _QUOTED.search(text)
    return _unquoted(m.group(1)) or None if m else None


# Words a publisher's or journal's name may hold besides capitalised ones ("Journal of X", "p. 12").
_NAME_JOINERS = frozenset("of the and for in on at de des du la le van von der und y e & p pp vol no ed eds".split())


def names_a_publisher(text: str) -> bool:
    """Whether a part of an entry reads as a name (Intel Newsroom, Addison-Wesley, BrendanEich.com, 9: 88-90),
    not prose ("See for context", "gives an overview")."""
    words = re.findall(r"[^\s]+", text)
    if not words or len(words) > 8:
        return False
    for word in words:
        bare = word.strip(_QUOTES + ".,;:()[]")
        if not bare or not bare[0].isalpha() or bare[0].isupper() or "." in bare or bare.lower() in _NAME_JOINERS:
            continue
        return False
    return True


def parse_reference_entry(key: str, text: str, url: str | None = None, link_text: str | None = None,
                          italics: tuple[str, ...] = ()) -> Reference:
    """A Sources-list entry: a link with optional publisher and date ("[Title](url), Publisher, Date";
    Wikipedia's 'Authors (Date). "Title". Work. Retrieved ...'), or "Publisher, Title, Date." (ours).
    `link_text`: the words of the entry's title link (None when its link is an identifier, a DOI say);
    `italics`: its italic runs, a book's title or a journal's name."""
    text = prose(MARKED.sub("", text)).strip().lstrip("-*\u2022").strip()
    text = _BACKLINKS.sub("", text)
    text = _ENTRY_LABEL.sub("", text)
    url = url or (m.group(0) if (m := URL.search(text)) else None)
    if url:
        text = text.replace(url, "").strip(" <>,.")
    cited, span = reference_date(text)
    if span:
        text = (text[:span[0]].rstrip(" (,") + " " + text[span[1]:].lstrip(" ).,")).strip(" ,.")
    text = _ACCESS.sub("", text).strip(" ,.")
    quoted = _first_quoted(text)
    title = _unquoted(link_text) if link_text else None
    title = title or quoted or next((t for t in italics if t), None)
    publisher = None
    if title:
        at = text.find(title)
        before, after = (text[:at], text[at + len(title):]) if at >= 0 else ("", text.replace(link_text or "", "", 1))
        # The work's name follows its title ('Authors (Date). "Title". Work.'), or, where nothing does,
        # comes first ("Publisher, Title, Date").
        parts = [_unquoted(part) for part in re.split(r"\.\s+|,\s+|\s[-\u2013\u2014]\s", after)]
        work = next((t for t in italics if t and t != title), None)
        publisher = work or next((part for part in parts if part), None) \
            or next((p for part in re.split(r"\.\s+|,\s+", before) if (p := _unquoted(part))), None)
        if publisher and not names_a_publisher(publisher):
            publisher = None  # a note in prose around its link: the link's host names it (draft.py)
    elif ", " in text:
        publisher, title = (_unquoted(part) for part in text.split(", ", 1))
    elif text:
        title = _unquoted(text)
    return Reference(key=key, url=url, publisher=publisher or None, title=title or None, cited_date=cited,
                     listed=True)


def entry_number(text: str) -> str | None:
    """The number or name an entry is labelled with ("[2] ...", "2. ...", "[RFC2119] ..."), if any."""
    match = _ENTRY_LABEL.match(MARKED.sub("", text))
    return (match.group(1) or match.group(2) or match.group(3)) if match else None


def _parses(text: str) -> bool:
    try:
        parse_cited_date(text)
    except ValueError:
        return False
    return True


def link_key(references: dict[str, Reference], url: str) -> str:
    references.setdefault(url, Reference(key=url, url=url))
    return url + marker(url)


# Links that name a work by an identifier (a DOI, arXiv, PubMed, a handle, an ISBN lookup): the work's link
# when its entry has no title link. Links to a web archive are a copy of the work, never another work.
_IDENTIFIER_HOSTS = re.compile(
    r"^(?:(?:dx\.)?doi\.org|(?:export\.)?arxiv\.org|pubmed\.ncbi\.nlm\.nih\.gov|(?:www\.)?ncbi\.nlm\.nih\.gov|"
    r"hdl\.handle\.net|(?:www\.)?jstor\.org|(?:api\.|www\.)?semanticscholar\.org|ui\.adsabs\.harvard\.edu|"
    r"(?:www\.)?osti\.gov|(?:search\.|www\.)?worldcat\.org|zbmath\.org|europepmc\.org|openlibrary\.org|"
    r"citeseerx?\.ist\.psu\.edu|(?:www\.)?ams\.org|(?:www\.)?biodiversitylibrary\.org)$")
_ARCHIVE_HOSTS = re.compile(r"^(?:(?:web\.)?archive\.org|archive\.(?:today|ph|is|li|md|vn|fo)|"
                            r"(?:www\.)?webcitation\.org|wayback\.[\w.-]+)$")


def _host_and_path(url: str) -> tuple[str, str]:
    try:
        parts = urlsplit(url)
    except ValueError:
        return "", ""
    return (parts.hostname or "", parts.path) if parts.scheme in ("http", "https") else ("", "")


def is_identifier_link(url: str) -> bool:
    host, path = _host_and_path(url)
    return bool(_IDENTIFIER_HOSTS.search(host)) or "Special:BookSources" in path


def is_archive_link(url: str) -> bool:
    return bool(_ARCHIVE_HOSTS.search(_host_and_path(url)[0]))


@dataclass(frozen=True)
class EntryLinks:
    """The links of one entry or note: the work's link, the words of its title link (None when the work is
    named by an identifier only), and the other works a note in prose links."""

    url: str | None = None
    link_text: str | None = None
    others: tuple[str, ...] = ()


def entry_links(references: dict[str, Reference], text: str) -> EntryLinks:
    """The work an entry cites: its title link, else its first identifier link; internal links (an author's
    wiki page, a back-link) and archive copies are never it. Further titled links are kept as `others`."""
    titled: list[Reference] = []
    identified: list[Reference] = []
    for key in MARKED.findall(text):
        ref = references.get(key)
        if ref is None or not ref.url or not re.match(r"https?://", ref.url) or is_archive_link(ref.url):
            continue
        (identified if is_identifier_link(ref.url) else titled).append(ref)
    if titled:
        # A link whose words are its own address ("<a href=URL>URL</a>") has no title to give.
        words = titled[0].title if titled[0].title and not URL.fullmatch(titled[0].title.strip()) else None
        return EntryLinks(titled[0].url, words,
                          tuple(dict.fromkeys(r.key for r in titled[1:] if r.url != titled[0].url)))
    if identified:
        return EntryLinks(identified[0].url)
    return EntryLinks()


def entry_reference(key: str, text: str, references: dict[str, Reference],
                    italics: tuple[str, ...] = ()) -> tuple[Reference, tuple[str, ...]]:
    """A list entry or note as the reference it names, and the keys of further works a note in prose cites
    (a footnote linking two repositories cites both; an entry with a title link and a DOI cites one)."""
    links = entry_links(references, text)
    entry = parse_reference_entry(key, text, links.url, links.link_text, italics)
    return entry, (links.others if links.others and entry.publisher is None else ())


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
        links = entry_links(references, block.text)
        key = links.url or f"source:{number}"
        entry = parse_reference_entry(key, block.text, links.url, links.link_text)
        if entry.title or entry.url:
            references[key] = entry
            numbered.setdefault(entry_number(block.text) or str(number), key)
    return numbered


# Formats whose markup a reader does not see: claims quote their text without it.
MARKED_UP = (".md", ".markdown", ".html", ".htm", ".rst", ".rest")


# Labels a page declares that the web reads as windows-1252 (WHATWG Encoding): pages declaring ISO-8859-1
# write their curly quotes and dashes in its 0x80-0x9F range.
_AS_WINDOWS_1252 = frozenset({"iso8859-1", "ascii"})


def article_text(path: Path, raw: bytes) -> str:
    """An article file's text: UTF-8, a byte-order mark left out. A web page saved in its own encoding is read
    in the one it declares (`<meta charset>`, an XML declaration), else windows-1252, as browsers read
    undeclared Western pages; a Markdown or text file declares none, so it must be UTF-8 (UnicodeDecodeError).
    `init`, `lint` and the review app all read an article through here, so claims quote what they read."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        if path.suffix.lower() not in (".html", ".htm"):
            raise
    from bs4.dammit import EncodingDetector  # here: only a page that is not UTF-8 needs bs4 to be read

    declared = EncodingDetector.find_declared_encoding(raw, is_html=True)
    try:
        encoding = codecs.lookup(declared).name if declared else "cp1252"
    except LookupError:
        encoding = "cp1252"  # a label Python does not know ("x-user-defined")
    if encoding in _AS_WINDOWS_1252:
        encoding = "cp1252"
    # cp1252 leaves five bytes undefined, and a page may lie about its encoding: a stray byte is shown as
    # U+FFFD, never a reason to refuse the article.
    return raw.decode(encoding, errors="replace")
