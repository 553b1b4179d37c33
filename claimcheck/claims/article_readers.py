"""The readers of an article's formats: Markdown, HTML and plain text, each reduced to the blocks and
references of `article.ParsedArticle`; `read_article` chooses one by the file's suffix."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from claimcheck.claims.article import (
    REFERENCE_HEADINGS,
    URL,
    Block,
    ParsedArticle,
    Reference,
    first_link,
    link_key,
    marker,
    parse_reference_entry,
    read_reference_blocks,
)
from claimcheck.core.errors import ClaimcheckError
from claimcheck.core.text import prose

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
            return m.group(1) + marker(m.group(2))

        def ref_link(m: re.Match[str]) -> str:
            label = (m.group(2) or m.group(1)).lower()
            if label not in definitions:
                return m.group(0)
            url, title = definitions[label]
            references.setdefault(f"ref:{label}", Reference(key=f"ref:{label}", url=url, title=title or m.group(1)))
            return m.group(1) + marker(f"ref:{label}")

        def footnote(m: re.Match[str]) -> str:
            return marker(f"fn:{m.group(1)}")

        def shortcut(m: re.Match[str]) -> str:
            label = m.group(1).lower()
            if label not in definitions:
                return m.group(0)
            url, title = definitions[label]
            references.setdefault(f"ref:{label}", Reference(key=f"ref:{label}", url=url, title=title or m.group(1)))
            # "[1]" is a citation number, not words of the sentence.
            return ("" if label.isdigit() else m.group(1)) + marker(f"ref:{label}")

        segment = _MD_INLINE.sub(link, segment)
        segment = _MD_REF_LINK.sub(ref_link, segment)
        segment = _MD_SHORTCUT.sub(shortcut, segment)
        segment = _MD_FOOTNOTE.sub(footnote, segment)
        segment = _MD_AUTOLINK.sub(lambda m: link_key(references, m.group(1)), segment)
        return _MD_EMPHASIS.sub(r"\2", segment)

    for label, note in footnotes.items():
        inner = inline(note)
        url, link_text = first_link(references, inner)
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
            # The article's own title never opens its list of sources, whatever it is called.
            in_references = m.group(1) != "#" and bool(REFERENCE_HEADINGS.match(heading))
            blocks.append(Block("heading", heading, section))
        elif m := _MD_ITEM.match(line):
            flush()
            blocks.append(Block("item", inline(m.group(1)), section, in_references))
        else:
            paragraph.append(line.strip())
    flush()
    numbered = read_reference_blocks(blocks, references)
    return ParsedArticle(path, title or path.stem, blocks, references, numbered)


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
            in_references = name != "h1" and bool(REFERENCE_HEADINGS.match(section))
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
        url, link_text = first_link(references, inner)
        references[f"id:{anchor}"] = parse_reference_entry(f"id:{anchor}", inner, url, link_text)
    numbered = read_reference_blocks(blocks, references)
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
            return marker(f"id:{href[1:]}")  # a footnote marker: its text ("[1]") is not prose
        references.setdefault(href, Reference(key=href, url=href, title=prose(words) or None))
        return words + marker(href)
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
            item = URL.sub(lambda u: link_key(references, u.group(0)), m.group(1))
            blocks.append(Block("item", item, section, in_references))
        elif _is_text_heading(line):
            section = line.strip()
            in_references = bool(REFERENCE_HEADINGS.match(section))
            blocks.append(Block("heading", section, section))
        else:
            body = URL.sub(lambda u: link_key(references, u.group(0)), line.strip())
            blocks.append(Block("paragraph", body, section, in_references))
    numbered = read_reference_blocks(blocks, references)
    return ParsedArticle(path, title, blocks, references, numbered)


def read_article(path: str | Path) -> ParsedArticle:
    """Parse an article by its suffix: .md/.markdown, .html/.htm, anything else as plain text."""
    path = Path(path)
    raw = path.read_bytes()
    if raw.startswith(b"%PDF-") or path.suffix.lower() in _UNREADABLE:
        kind = "PDF" if raw.startswith(b"%PDF-") else path.suffix.lower().lstrip(".").upper()
        raise ClaimcheckError(f"{path}: claimcheck cannot read {kind} articles; give it the article as Markdown "
                              "(.md), HTML (.html) or text (.txt)")
    if b"\0" in raw[:4096]:
        raise ClaimcheckError(f"{path}: not a text file (Markdown, HTML or text)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ClaimcheckError(f"{path}: not UTF-8 text (byte {exc.start}): save it as UTF-8") from None
    return parse_article(path, text)


# Article formats that are not text: reading them as text would draft an empty claims file.
_UNREADABLE = frozenset({".pdf", ".doc", ".docx", ".odt", ".rtf", ".epub", ".pages"})


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
