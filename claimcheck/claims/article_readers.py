"""The readers of an article's formats: Markdown, HTML, reStructuredText (docutils' HTML, read as a web
page's) and plain text, each reduced to the blocks and references of `article.ParsedArticle`;
`read_article` chooses one by the file's suffix."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml
from bs4 import BeautifulSoup, Comment, Declaration, ProcessingInstruction, Tag

from claimcheck.claims.article import (
    MARKED,
    MARKED_UP,
    REFERENCE_HEADINGS,
    URL,
    Block,
    ParsedArticle,
    Reference,
    article_text,
    entry_reference,
    link_key,
    marker,
    read_reference_blocks,
)
from claimcheck.core.chrome import chrome_link, is_chrome, label_tokens
from claimcheck.core.errors import ClaimcheckError
from claimcheck.core.text import prose
from claimcheck.core.urls import same_site

# -- Markdown ------------------------------------------------------------------------------------------------
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_ITEM = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+(.*)$")
_MD_LINK_DEF = re.compile(r"^\s{0,3}\[([^\]^][^\]]*)\]:\s*<?(\S+?)>?(?:\s+[\"'(](.*)[\"')])?\s*$")
_MD_FOOTNOTE_DEF = re.compile(r"^\s{0,3}\[\^([^\]]+)\]:\s*(.*)$")
# A link's destination may hold balanced parentheses: (https://en.wikipedia.org/wiki/Name_(logic)).
_MD_INLINE = re.compile(r"(?<!!)\[([^\]]+)\]\(((?:[^\s()]|\([^\s()]*\))+?)(?:\s+\"[^\"]*\")?\)")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\((?:[^\s()]|\([^\s()]*\))*(?:\s+\"[^\"]*\")?\)")
_MD_EMPTY_LINK = re.compile(r"\[\s*\]\((?:[^\s()]|\([^\s()]*\))*(?:\s+\"[^\"]*\")?\)")
_MD_TABLE_ROW = re.compile(r"^\s{0,3}\|.*\|\s*$")
_MD_TABLE_RULE = re.compile(r"^\s{0,3}\|?(?:\s*:?-+:?\s*\|)+\s*:?-*:?\s*\|?\s*$")
_MD_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_MD_REF_LINK = re.compile(r"\[([^\]]+)\]\[([^\]]*)\]")
_MD_SHORTCUT = re.compile(r"\[([^\]^\x00][^\]\x00]*)\](?![(\[:])")
_MD_FOOTNOTE = re.compile(r"\[\^([^\]]+)\]")
_MD_AUTOLINK = re.compile(r"<(https?://[^>]+)>")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_CONTINUATION = re.compile(r"^(?: {2,}|\t)\S")


def _front_matter(text: str) -> tuple[str | None, str]:
    """YAML front matter's title, and the text after it (Jekyll, Hugo, MkDocs and Pandoc write it)."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return None, text
    title = None
    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("title"), str | int | float):
        title = prose(str(data["title"])) or None
    # Blank lines keep the body's line numbers where the file has them.
    return title, "\n" * m.group(0).count("\n") + text[m.end():]


def _markdown(path: Path, text: str) -> ParsedArticle:
    front_title, text = _front_matter(text)
    lines = _without_comments(_without_code(text.splitlines()))
    definitions: dict[str, tuple[str, str | None]] = {}
    footnotes: dict[str, str] = {}
    body: list[str] = []
    note: str | None = None
    for line in lines:
        line = _MD_QUOTE.sub("", line)  # a quotation's text is read as the article's
        if m := _MD_FOOTNOTE_DEF.match(line):
            note = m.group(1)
            footnotes[note] = m.group(2)
        elif note is not None and _CONTINUATION.match(line):
            footnotes[note] += " " + line.strip()  # a footnote's text goes on on indented lines
        elif m := _MD_LINK_DEF.match(line):
            note = None
            definitions.setdefault(_label(m.group(1)), (m.group(2), m.group(3)))  # the first one counts
        else:
            note = None if line.strip() else note
            body.append(line)
    references: dict[str, Reference] = {}

    def inline(segment: str) -> str:
        def link(m: re.Match[str]) -> str:
            words = _MD_EMPHASIS.sub(r"\2", m.group(1))
            if not words.strip() or chrome_link(m.group(2)):
                return m.group(1)  # a link around a picture only (a badge), or a share button, cites nothing
            references.setdefault(m.group(2), Reference(key=m.group(2), url=m.group(2), title=words))
            return m.group(1) + marker(m.group(2))

        def defined(words: str, label: str) -> str | None:
            key = _label(label)
            if key not in definitions:
                return None
            url, title = definitions[key]
            if chrome_link(url):
                return words
            references.setdefault(f"ref:{key}", Reference(key=f"ref:{key}", url=url,
                                                         title=title or _MD_EMPHASIS.sub(r"\2", words)))
            # "[1]" is a citation number, not words of the sentence; "[RFC 587][587]" keeps its words.
            return ("" if key.isdigit() and _label(words) == key else words) + marker(f"ref:{key}")

        def ref_link(m: re.Match[str]) -> str:
            return defined(m.group(1), m.group(2) or m.group(1)) or m.group(0)

        def shortcut(m: re.Match[str]) -> str:
            return defined(m.group(1), m.group(1)) or m.group(0)

        def footnote(m: re.Match[str]) -> str:
            return marker(f"fn:{m.group(1)}")

        # A picture is not words, nor its URL a cited work; nor a link around a picture alone (a badge).
        segment = _MD_EMPTY_LINK.sub("", _MD_IMAGE.sub("", segment))
        segment = _MD_INLINE.sub(link, segment)
        segment = _MD_REF_LINK.sub(ref_link, segment)
        segment = _MD_SHORTCUT.sub(shortcut, segment)
        segment = _MD_FOOTNOTE.sub(footnote, segment)
        segment = _MD_AUTOLINK.sub(lambda m: link_key(references, m.group(1)), segment)
        return _without_emphasis(segment, lambda plain: URL.sub(lambda u: link_key(references, u.group(0)), plain))

    also: dict[str, tuple[str, ...]] = {}
    for label, note_text in footnotes.items():
        if not note_text.strip():
            continue  # a note with no words (all of it code): its markers cite nothing
        key = f"fn:{label}"
        references[key], further = entry_reference(key, inline(note_text), references)
        if further:
            also[key] = further
    blocks: list[Block] = []
    section: str | None = None
    in_references = False
    title = ""
    paragraph: list[str] = []
    item: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Block("paragraph", inline(" ".join(paragraph)), section, in_references))
            paragraph.clear()
        if item:
            blocks.append(Block("item", inline(" ".join(item)), section, in_references))
            item.clear()

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
        elif _MD_TABLE_ROW.match(line):
            flush()
            if not _MD_TABLE_RULE.match(line):
                # A table's cells are read one by one, as list entries: a long one may state something.
                for cell in re.split(r"(?<!\\)\|", line.strip().strip("|")):
                    if cell.strip():
                        blocks.append(Block("item", inline(cell.strip()), section, in_references))
        elif m := _MD_ITEM.match(line):
            flush()
            item.append(m.group(1))
        elif item:
            item.append(line.strip())  # a list entry wrapped onto the next line goes on
        else:
            paragraph.append(line.strip())
    flush()
    numbered = read_reference_blocks(blocks, references)
    return ParsedArticle(path, front_title or title or path.stem, blocks, references, numbered, also)


def _without_emphasis(segment: str, linkify: Callable[[str], str]) -> str:
    """Emphasis and code marks gone from the words, never from the markers' keys (a URL's "_" or "*"); bare
    URLs in the words made links, as GitHub's Markdown makes them."""
    keys: list[str] = []

    def hold(m: re.Match[str]) -> str:
        keys.append(m.group(0))
        return f"\x01{len(keys) - 1}\x01"

    plain = MARKED.sub(hold, linkify(MARKED.sub(hold, segment)))  # before emphasis: "a_b_c.pdf" is a URL
    plain = _MD_EMPHASIS.sub(r"\2", plain)
    return re.sub("\x01(\\d+)\x01", lambda m: keys[int(m.group(1))], plain)


_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_NESTED_FENCE = re.compile(r"^\s+(`{3,}|~{3,})")


def _without_code(lines: list[str]) -> list[str]:
    """Lines of fenced and indented code blanked: an example's links and "[x]: y" lines cite nothing. But a
    footnote written as CSL-JSON (```csl-json, the citation format EIP-1 asks for) is the note's reference:
    it becomes one line of citation, "Author (date). "Title". Container. URL"."""
    out: list[str] = []
    fence: str | None = None
    fence_indent = 0
    previous_blank, in_item, in_note = True, False, False
    csl: list[str] | None = None
    for line in lines:
        if fence is not None:
            if re.match(rf"^\s{{0,{fence_indent + 3}}}{re.escape(fence[0])}{{{len(fence)},}}\s*$", line):
                fence = None
                if csl is not None and (citation := csl_citation("\n".join(csl))):
                    out[-len(csl) - 1] = "    " + citation  # on the fence's first line, in the note
                csl = None
            elif csl is not None:
                csl.append(line)
            out.append("")
            continue
        # A fence inside a list entry or a footnote is indented as its text is ("[^1]:" then "    ```json").
        if (m := _FENCE.match(line)) or (in_item and (m := _NESTED_FENCE.match(line))):
            fence, fence_indent = m.group(1), len(line) - len(line.lstrip())
            csl = [] if in_note and line.strip()[len(fence):].strip().lower() == "csl-json" else None
            out.append("")
            continue
        indented = line.startswith(("    ", "\t")) and bool(line.strip())
        if indented and previous_blank and not in_item and not _MD_ITEM.match(line):
            out.append("")  # an indented code block; after a list entry the same indent goes on with it
            continue
        note_start = bool(_MD_FOOTNOTE_DEF.match(line))
        if note_start or _MD_ITEM.match(line):
            in_item, in_note = True, note_start
        elif line.strip() and not line.startswith((" ", "\t")) and previous_blank:
            in_item = in_note = False
        previous_blank = not line.strip()
        out.append(line)
    return out


def csl_citation(text: str) -> str | None:
    """A CSL-JSON item (Zotero's and pandoc's citation data) as one citation line; None if it is not one."""
    try:
        item = json.loads(text)
    except ValueError:
        return None
    if isinstance(item, list) and len(item) == 1:
        item = item[0]
    if not isinstance(item, dict):
        return None

    def words(name: str) -> str:
        value = item.get(name)
        return " ".join(str(value).split()).rstrip(".") if isinstance(value, (str, int)) else ""

    authors = [a for a in item.get("author") or [] if isinstance(a, dict)]
    names = [", ".join(str(a[k]) for k in ("family", "given") if a.get(k)) or str(a.get("literal") or "")
             for a in authors[:3]]
    author = "; ".join(n for n in names if n) + (" et al." if len(authors) > 3 else "")
    date = ""
    for field_name in ("issued", "original-date"):
        parts = (item.get(field_name) or {}).get("date-parts") if isinstance(item.get(field_name), dict) else None
        if parts and isinstance(parts[0], list) and parts[0] and all(isinstance(p, int) for p in parts[0]):
            date = "-".join(f"{p:02d}" if n else str(p) for n, p in enumerate(parts[0][:3]))
            break
    url = words("URL") or (f"https://doi.org/{words('DOI')}" if words("DOI") else "")
    if not (words("title") or url):
        return None
    if author and date:
        head = f"{author} ({date})."
    else:  # "et al." and "J." end with a full stop of their own
        head = (author or date) + ("" if (author or date).endswith(".") or not (author or date) else ".")
    parts_out = [head, f'"{words("title")}".' if words("title") else "",
                 f"{words('container-title') or words('publisher')}." if words("container-title") or
                 words("publisher") else "", url]
    return " ".join(p for p in parts_out if p)


_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


def _without_comments(lines: list[str]) -> list[str]:
    """HTML comments taken out, as a renderer hides them: the KEP template's guidance, drafts' notes, and the
    links and "[x]: y" definitions inside them (a comment left open hides the rest, as in CommonMark). A
    comment spanning lines leaves them blank, so paragraphs around it stay apart; one inside a code span
    (`<!-- more -->`) is words. Code blocks are blanked before."""
    text = "\n".join(lines)
    if "<!--" not in text:
        return lines

    def hide(m: re.Match[str]) -> str:
        line_start = text.rfind("\n", 0, m.start()) + 1
        if text.count("`", line_start, m.start()) % 2:
            return m.group(0)
        return "\n" * m.group(0).count("\n")

    return _COMMENT.sub(hide, text).split("\n")


def _label(label: str) -> str:
    """A reference label as Markdown matches it: case and white space folded (a code span's backticks stay
    part of it: [`git-node`][] finds [`git-node`]: ..., and emphasis is never taken off a marker's key)."""
    return " ".join(label.lower().split())


# -- HTML ----------------------------------------------------------------------------------------------------
_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dd", "blockquote")
_MAIN = ({"itemprop": "articleBody"}, {"name": "article"}, {"name": "main"}, {"role": "main"})
# Chrome an article page has besides what a source page has: letters boxes, story and topic lists.
_ARTICLE_CHROME = re.compile(r"^(?:letters|stories|topics|keywords|byline|author-bio|share-tools)$")
# Headings of a page's boxes of links to other pages (never an article's own sections: "In popular culture").
_BOX_HEADINGS = re.compile(
    r"^(?:more\s+(?:related\s+)?(?:stories|news|articles|coverage|from|on|in)\b|related(?:\s+(?:stories|articles|"
    r"content|coverage|reading|links|posts))?$|recommended(?:\s+for\s+you)?$|trending(?:\s+now)?$|"
    r"most\s+(?:read|popular|viewed|shared|emailed)\b|top\s+stories$|you\s+(?:may|might)\s+also\s+like|"
    r"read\s+(?:more|next)$|latest\s+(?:news|stories)$|(?:sign\s+up\s+for\s+)?(?:our\s+)?newsletters?\b|"
    r"editor'?s\s+picks$|popular\s+(?:now|stories|articles)$)", re.IGNORECASE)
# The words of a footnote marker: "[1]", "1", "[note 2]", "a", "*", "†".
_MARKER_WORDS = re.compile(r"^\[?\s*(?:\d{1,4}|[a-z]{1,2}|[ivx]{1,5}|note\s+\w+|[*\u2020\u2021\u00a7])\s*\]?$",
                           re.IGNORECASE)


def _attribute(tag: Tag, name: str) -> str | None:
    value = tag.get(name)
    if value is None:
        return None
    return " ".join(value) if isinstance(value, list) else str(value)


def _named_by_its_heading(tag: Tag) -> bool:
    """Whether an element's id is its own heading's words ("advanced-topics" on a section headed "Advanced
    topics", as docutils and many generators write sections): the article's section, whatever the id says."""
    identifier = _attribute(tag, "id")
    heading = tag.find(("h1", "h2", "h3", "h4", "h5", "h6")) if identifier else None
    if not identifier or not isinstance(heading, Tag):
        return False
    slug = "-".join(re.findall(r"\w+", heading.get_text(" ").lower()))
    return bool(slug) and re.sub(r"[\W_]+", "-", identifier.lower()).strip("-") == slug


def _is_article_chrome(tag: Tag) -> bool:
    if _named_by_its_heading(tag):
        return False

    def inside_article() -> bool:
        return any(parent.name in ("article", "main") for parent in tag.parents)

    if is_chrome(tag.name, lambda name: _attribute(tag, name), bool(tag.attrs), inside_article=inside_article):
        return True
    label = f"{_attribute(tag, 'class') or ''} {_attribute(tag, 'id') or ''}"
    return any(_ARTICLE_CHROME.match(token) for token in label_tokens(label)) if tag.attrs else False


_CONTAINERS = ("div", "section", "article", "main", "td")
_NESTED = frozenset((*_BLOCKS, *_CONTAINERS, "ul", "ol", "dl", "table", "figure", "header", "aside"))


def _plain_words(marked: str) -> bool:
    return bool(re.search(r"\w", MARKED.sub("", marked)))


def _paragraph_text(tag: Tag) -> int:
    return sum(len(p.get_text()) for p in tag.find_all("p"))


def _is_main(tag: Tag) -> bool:
    return tag.name in ("article", "main") or tag.get("role") == "main" or tag.get("itemprop") == "articleBody"


def _main_of(soup: BeautifulSoup) -> Tag:
    """The article's body, as the reading stage finds a source's: the element publishers mark it with
    (itemprop=articleBody, <article>, <main>, role=main; among several, the one with most paragraph text),
    unless it holds less than half the paragraph text of the densest block of paragraphs (a teaser marked
    <article> beside an unmarked story)."""
    marked = [tag for tag in soup.find_all(_is_main) if isinstance(tag, Tag)]
    best = max(marked, key=_paragraph_text, default=None)
    dense = _densest(soup)
    if best is not None and (dense is None or _paragraph_text(best) * 2 >= _paragraph_text(dense)):
        return best
    return dense or soup.body or soup


def _densest(soup: BeautifulSoup) -> Tag | None:
    """The element whose paragraphs (and its children's, at half weight) hold the most text."""
    scores: dict[int, float] = {}
    tags: dict[int, Tag] = {}
    for paragraph in soup.find_all("p"):
        length = len(prose(paragraph.get_text(" ")))
        if length < 25 or not isinstance(paragraph.parent, Tag):
            continue
        for tag, weight in ((paragraph.parent, 1.0), (paragraph.parent.parent, 0.5)):
            if isinstance(tag, Tag):
                tags[id(tag)] = tag
                scores[id(tag)] = scores.get(id(tag), 0) + length * weight
    return tags[max(scores, key=scores.__getitem__)] if scores else None


def _base(soup: BeautifulSoup) -> str | None:
    """The article's own URL when the saved page names it (<base>, canonical link, og:url)."""
    for tag, attribute, value in (("base", "href", None), ("link", "href", "canonical"),
                                  ("meta", "content", "og:url")):
        for found in soup.find_all(tag):
            if not isinstance(found, Tag):
                continue
            if value and value not in (_attribute(found, "rel") or "").split() \
                    and _attribute(found, "property") != value:
                continue
            url = _attribute(found, attribute) or ""
            if re.match(r"https?://", url):
                return url
    return None


def _html(path: Path, text: str) -> ParsedArticle:
    soup = BeautifulSoup(text, "html.parser")
    base = _base(soup)
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    for hidden in soup.find_all(string=lambda text: isinstance(text, (Comment, Declaration, ProcessingInstruction))):
        hidden.extract()  # "<!-- TODO: verify -->" is the author's note, never the article's words
    for tag in soup.select(".mw-cite-backlink, .mw-editsection, .noprint.Inline-Template"):
        tag.decompose()
    # The body is found first, and chrome pruned inside it: the body itself stays, whatever its wrapper's
    # classes say ("feature-footer-v2" on Wikipedia's <body>, "l-sidebar-fixed" on a story's).
    main = _main_of(soup)
    total = _paragraph_text(main)
    # Notes the body cites are the article's, whatever holds them (docutils puts them in an <aside>).
    noted = _note_ids(main)
    for tag in list(main.find_all(True)):
        if isinstance(tag, Tag) and not tag.decomposed and _is_article_chrome(tag) \
                and not _paragraph_text(tag) * 2 > total and not _holds(tag, noted):
            tag.decompose()
    # The first heading that has words (a logo's <h1> has none), else the page's <title>, else the file's name.
    candidates = [*main.find_all("h1"), *soup.find_all("h1"), *soup.find_all("title")]
    title = next((words for tag in candidates if (words := prose(tag.get_text(" ")))), path.stem)
    links = _Links(base or _wiki_url(soup))
    ids_cited = _note_ids(main)  # again: markers in the chrome just pruned cite nothing
    links.notes = ids_cited
    blocks: list[Block] = []
    section: str | None = None
    in_references = False
    target_entries: dict[str, Tag] = {}
    boxed = False
    for element in main.find_all((*_BLOCKS, *_CONTAINERS)):
        name = element.name
        if boxed and name not in ("h1", "h2", "h3", "h4", "h5", "h6"):
            continue
        if name in _CONTAINERS:
            # Text written straight into a <div> between <br>s (Blogger and older sites): its own words.
            own = links.inline(element, skip=_NESTED)
            if len(MARKED.sub("", own).split()) >= 6:
                blocks.append(Block("paragraph", own, section, in_references))
            continue
        if element.find(_BLOCKS):
            # An outer block: its inner blocks are read one by one, and its own words ("We've landed Bug 1",
            # then a list) as a block of their own.
            own = links.inline(element, skip=_NESTED)
            if name not in ("h1", "h2", "h3", "h4", "h5", "h6") and _plain_words(own):
                blocks.append(Block("item" if name == "li" else "paragraph", own, section, in_references))
            continue
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            section = prose(element.get_text(" "))
            in_references = name != "h1" and bool(REFERENCE_HEADINGS.match(section))
            # "More Related Stories", "Most popular", "Newsletter": a box of the page, unlabelled but headed.
            boxed = name != "h1" and bool(_BOX_HEADINGS.match(section))
            blocks.append(Block("heading", section, section))
            continue
        anchor = _id_of(element, ids_cited)
        if anchor is not None:
            target_entries[anchor] = element
            continue
        blocks.append(Block("item" if name == "li" else "paragraph", links.inline(element), section,
                            in_references))
    for anchor in ids_cited - set(target_entries):
        # A note the body cites that sits outside it (footnotes after the <article>).
        found = soup.find(id=anchor)
        if isinstance(found, Tag) and found.name in _BLOCKS:
            target_entries[anchor] = found
    also: dict[str, tuple[str, ...]] = {}
    for anchor, element in target_entries.items():
        key = f"id:{anchor}"
        links.references[key], further = entry_reference(key, links.inline(element), links.references,
                                                         _italics(element))
        if further:
            also[key] = further
    numbered = read_reference_blocks(blocks, links.references)
    return ParsedArticle(path, title, blocks, links.references, numbered, also, authored=False)


def _note_ids(element: Tag) -> set[str]:
    """The ids of the notes an element's citation markers point to ("#cite_note-1")."""
    return {href[1:] for a in element.find_all("a", href=True) if isinstance(a, Tag)
            and (href := str(a["href"])).startswith("#") and len(href) > 1 and _is_marker(a)}


def _holds(tag: Tag, ids: set[str]) -> bool:
    """Whether an element is, or holds, one of the elements with these ids."""
    return bool(ids) and (tag.get("id") in ids or any(t.get("id") in ids for t in tag.find_all(id=True)))


def _is_marker(a: Tag) -> bool:
    """Whether an in-page link is a citation marker ("[1]" in a <sup>), not words ("see below")."""
    return a.find_parent("sup") is not None or bool(_MARKER_WORDS.match(a.get_text(" ").strip()))


def _italics(element: Tag) -> tuple[str, ...]:
    return tuple(words for i in element.find_all(["i", "em"]) if (words := _unquote(prose(i.get_text(" ")))))


def _unquote(text: str) -> str:
    return text.strip("\"'\u201c\u201d ")


def _id_of(element: Tag, ids_cited: set[str]) -> str | None:
    """The id a citation marker points to, when this block (or its parent list entry) is one."""
    for candidate in (element, element.parent):
        if isinstance(candidate, Tag) and candidate.get("id") in ids_cited:
            return str(candidate["id"])
    return None


def _wiki_url(soup: BeautifulSoup) -> str | None:
    """A saved wiki page that does not name its URL still names its wiki: the host most of its /wiki/ links
    go to (a MediaWiki page, known by its cite notes or parser output)."""
    if soup.find(class_="mw-parser-output") is None and soup.find(id=re.compile(r"^cite_note-")) is None:
        return None
    hosts: dict[str, int] = {}
    for a in soup.find_all("a", href=re.compile(r"^(?:https?:)?//[^/]+/wiki/")):
        host = str(a["href"]).split("/")[2].lower()
        hosts[host] = hosts.get(host, 0) + 1
    return f"https://{max(hosts, key=hosts.__getitem__)}/" if hosts else None


class _Links:
    """An HTML article's links as references: links to other sites are works; a protocol-relative link
    (//doi.org/...) takes the article's scheme; a link within the article's own site (/wiki/Author, or the
    same written in full when the saved page names its URL, with "www." or without: `core.urls.same_site`)
    is navigation, kept as words, except an ISBN lookup, which names a book. A link with no words (a picture,
    a badge) cites nothing, nor does the page's furniture whatever its site (`core.chrome.chrome_link`: share
    buttons, subscription offers)."""

    def __init__(self, base: str | None) -> None:
        self.base = base
        self.scheme = base.split(":", 1)[0].lower() if base else "https"
        self.host = (urlsplit(base).hostname or "").lower() if base else ""
        self.references: dict[str, Reference] = {}
        self.notes: set[str] = set()

    def url(self, href: str) -> str | None:
        href = href.strip()
        if "Special:BookSources" in href and self.base:
            return urljoin(self.base, href)
        if href.startswith("//"):
            href = f"{self.scheme}:{href}"
        if not re.match(r"https?://", href, re.IGNORECASE):
            return None
        try:
            host = (urlsplit(href).hostname or "").lower()
        except ValueError:
            return None
        if chrome_link(href):
            return None  # share buttons and subscription offers: the page's furniture
        return None if self.host and same_site(host, self.host) else href

    def inline(self, element: Tag, skip: frozenset[str] = frozenset()) -> str:
        """An element's words with its links as markers; `skip`: inner elements left out."""
        return " ".join(self._render(element, skip, top=True).split())

    def _render(self, node: object, skip: frozenset[str] = frozenset(), top: bool = False) -> str:
        if not isinstance(node, Tag):
            return str(node)
        if not top and node.name in skip:
            return " "
        if node.name == "a" and node.get("href"):
            href = str(node["href"])
            words = node.get_text(" ")
            if href.startswith("#"):
                # A footnote marker's text ("[1]") is not prose; "(see below)" is.
                return marker(f"id:{href[1:]}") if href[1:] in self.notes else words
            url = self.url(href)
            if url is None or not words.strip():
                return words
            self.references.setdefault(url, Reference(key=url, url=url, title=prose(words) or None))
            return words + marker(url)
        if node.name == "sup" and node.find("a", href=re.compile("^#")):
            return "".join(self._render(child, skip) for child in node.find_all("a"))
        if node.name in ("br",):
            return " "
        return "".join(self._render(child, skip) for child in node.children)


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
        text = article_text(path, raw)
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
    if suffix in (".rst", ".rest"):
        try:
            page = rst_to_html(text, path.stem)
        except Exception as exc:  # docutils raises many kinds of error on a document it cannot take
            raise ClaimcheckError(f"{path}: docutils cannot read this reStructuredText: "
                                  f"{' '.join(str(exc).split())[:200]}") from None
        return _html(path, page)
    return _text(path, text)


# Never read a file or a URL an article names (".. include::", ".. raw:: :url:"), never stop on an error: an
# unknown Sphinx role or directive is left as the words it was written with.
_RST_SETTINGS = {"file_insertion_enabled": False, "raw_enabled": False, "report_level": 5, "halt_level": 5,
                 "input_encoding": "unicode", "output_encoding": "unicode", "syntax_highlight": "none",
                 "embed_stylesheet": False, "stylesheet_path": "", "_disable_config": True,
                 "math_output": "HTML", "traceback": True}


def rst_to_html(text: str, untitled: str) -> str:
    """A reStructuredText article as docutils writes it in HTML, which the HTML reader then reads (a PEP's
    "PEP: 8 / Title: ..." header as the PEP reader takes it: its fields, not a paragraph, its title the
    article's). `untitled`: the title of a document that has none of its own (docutils would say "<string>")."""
    import io  # docutils: imported here, only an .rst article needs it

    from docutils.core import publish_string

    pep = re.match(r"PEP:\s*\d+\s*\n", text.lstrip("\ufeff"))
    title = re.search(r"^Title:\s*(.+)$", text.split("\n\n", 1)[0], re.MULTILINE) if pep else None
    reader = "pep" if pep else "standalone"
    settings = {**_RST_SETTINGS, "warning_stream": io.StringIO()}
    try:
        page = str(publish_string(text, reader=reader, writer="html5", settings_overrides=settings))
    except Exception:  # a header the PEP reader refuses ("field body may only contain a single paragraph")
        if reader == "standalone":
            raise
        body = text.lstrip("\ufeff").split("\n\n", 1)[-1]  # the header left out: its title is known
        page = str(publish_string(body, reader="standalone", writer="html5", settings_overrides=settings))
    # A document docutils finds no title in is named after its source, "<string>": name it as said above.
    named = html.escape(title.group(1).strip() if title else untitled)
    page = page.replace("<title>&lt;string&gt;</title>", f"<title>{named}</title>", 1)
    # A PEP's header fields (status, dates, the discussions' links) describe it; they state nothing.
    return re.sub(r'<dl class="rfc2822\b.*?</dl>', "", page, count=1, flags=re.DOTALL)


def readable_text(path: Path, text: str) -> str:
    """What a reader of the article sees, for checking that claims quote it verbatim."""
    if path.suffix.lower() in MARKED_UP:
        return parse_article(path, text).readable()
    return text
