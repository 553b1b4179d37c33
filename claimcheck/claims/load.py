"""Load and validate a claims file into frozen records (`model`), re-exported here.

The loader walks the YAML node tree (not the plain data) so that every problem names the file, the line and
the field, and it collects every problem before it raises, so `lint` can show them all at once.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from claimcheck.claims import cache as claims_cache
from claimcheck.claims.article import MARKED_UP, article_text
from claimcheck.claims.model import Article, Cite, Claim, ClaimsFile, Source
from claimcheck.claims.sourcekinds import why_invalid
from claimcheck.claims.yaml_reader import ItemComposer, NodeReader, compose, kind_of, read_text, yaml_problems
from claimcheck.core.dates import parse_cited_date
from claimcheck.core.errors import ClaimsFileError
from claimcheck.core.text import prose

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def load_claims(path: str | Path = "claims.yaml", *, check_article: bool = True,
                cache_dir: str | Path | None = None) -> ClaimsFile:
    """Load, validate and return a claims file; raise ClaimsFileError listing every problem.

    With `cache_dir`, a file already validated (same bytes, same article bytes) is read back from a JSON
    digest of it: YAML composing is most of a scheduled re-check's start-up (~0.2 ms a source).
    """
    path = Path(path)
    if cache_dir is not None and not Path(cache_dir).is_dir():
        cache_dir = None  # never create a store just to cache in it
    if cache_dir is not None and check_article:
        cached = claims_cache.cached(path, Path(cache_dir), article_as_read)
        if cached is not None:
            return cached
    claims = _load_and_validate(path, check_article)
    if cache_dir is not None and check_article:
        claims_cache.remember(claims, Path(cache_dir))
    return claims


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Composing a whole file allocates a node per scalar, and the cyclic garbage collector kept re-scanning
    the growing tree: 5,000 sources composed whole loaded in 1.0 s with it, 0.5 s without. The tree holds no
    cycles, so reference counting frees it all the same. (Streamed, one item at a time, it makes no
    difference: 0.5 s either way.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_and_validate(path: Path, check_article: bool) -> ClaimsFile:
    text = read_text(path)
    with yaml_problems(path, text):
        streamed = _stream_validate(path, text, check_article)
    if streamed is not None:
        return streamed
    with _collector_paused():
        return _validate_tree(path, text, check_article)


def _validate_tree(path: Path, text: str, check_article: bool) -> ClaimsFile:
    reader = NodeReader(path)
    root = compose(path, text)
    top = reader.fields(root, "file", {"article", "sources", "claims"}, {"sources", "claims"})
    if top is None:
        raise ClaimsFileError(reader.problems)

    article, article_text = _article(reader, top.get("article"), path, check_article)
    sources = _sources(reader, top.get("sources"))
    claims = _claims(reader, top.get("claims"), sources, article_text)
    if reader.problems:
        raise ClaimsFileError(reader.problems)
    return ClaimsFile(path, article, sources, tuple(claims), article_text)


_SECTIONS = ("article", "sources", "claims")


def _stream_validate(path: Path, text: str, check_article: bool) -> ClaimsFile | None:
    """Validate a claims file in its usual shape (article, sources and claims in that order, each once)
    while it is read, so that no more than one source or claim is composed at a time. Any other shape
    returns None, and the whole file is composed and validated as a tree instead."""
    composer = ItemComposer(text)
    try:
        composer.get_event()  # the stream's start
        if not composer.check_event(yaml.DocumentStartEvent):
            return None
        composer.get_event()
        if not composer.plain_start(yaml.MappingStartEvent):
            return None
        composer.get_event()
        reader = NodeReader(path)
        article, article_text = Article(title=""), None
        sources: dict[str, Source] | None = None
        claims: list[Claim] | None = None
        seen: list[str] = []
        while not composer.check_event(yaml.MappingEndEvent):
            key = composer.next_node()
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name not in _SECTIONS or name in seen or any(_SECTIONS.index(s) > _SECTIONS.index(name) for s in seen):
                return None  # out of order, repeated or unknown: the tree walk reports it as it always has
            seen.append(name)
            if name == "article":
                article, article_text = _article(reader, composer.next_node(), path, check_article)
            elif name == "sources":
                if not composer.plain_start(yaml.MappingStartEvent):
                    return None
                sources = _sources_from(reader, reader.scalar_keyed(composer.items(), "sources"))
            else:
                if sources is None or not composer.plain_start(yaml.SequenceStartEvent):
                    return None
                claims = _claims_from(reader, composer.entries(), sources, article_text)
        if sources is None or claims is None:
            return None
        composer.get_event()  # the mapping's end
        composer.get_event()  # the document's end
        if not composer.check_event(yaml.StreamEndEvent):
            return None  # a second document: the tree walk says so
        if reader.problems:
            raise ClaimsFileError(reader.problems)
        return ClaimsFile(path, article, sources, tuple(claims), article_text)
    finally:
        composer.dispose()


def article_as_read(path: Path) -> str:
    """The article as its reader sees it: Markdown, HTML and reStructuredText without their markup, so that
    claims quote prose (`lint`, and the review app's paragraph around a claim)."""
    text = article_text(path, path.read_bytes())
    if path.suffix.lower() not in MARKED_UP:
        return text
    # Imported here: reading markup imports bs4, a tenth of a second of start-up.
    from claimcheck.claims.article_readers import readable_text

    return readable_text(path, text)


def _article(reader: NodeReader, node: yaml.Node | None, path: Path,
             check_article: bool) -> tuple[Article, str | None]:
    if node is None:
        return Article(title=""), None
    found = reader.fields(node, "article", {"title", "path", "url"}, {"title"})
    if found is None:
        return Article(title=""), None
    title = reader.text(found.get("title"), "article.title") or ""
    article_path = reader.text(found.get("path"), "article.path", optional=True)
    url = reader.text(found.get("url"), "article.url", optional=True)
    if url and (why := why_invalid(url)):
        reader.problem(found["url"], "article.url", why)
    text = None
    resolved = None
    if article_path:
        resolved = (path.parent / article_path)
        if check_article:
            try:
                text = article_as_read(resolved)
            except (OSError, UnicodeDecodeError) as exc:
                reader.problem(found["path"], "article.path", f"cannot read {resolved}: {exc}")
    return Article(title=title, path=resolved, url=url), text


def _sources(reader: NodeReader, node: yaml.Node | None) -> dict[str, Source]:
    if node is None:
        return {}
    return _sources_from(reader, reader.mapping(node, "sources") or [])


def _sources_from(reader: NodeReader, items: Iterable[tuple[yaml.ScalarNode, yaml.Node]]) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    for key, value in items:
        source_id = key.value
        where = f"sources.{source_id}"
        if source_id in sources:
            reader.problem(key, where, "duplicate source id")
            continue
        if not _ID.match(source_id):
            reader.problem(key, where, "ids are letters, digits, '.', '_' and '-', starting with a letter or digit")
        found = reader.fields(value, where, {"publisher", "title", "url", "cited_date", "note"},
                              {"publisher", "title"})
        if found is None:
            continue
        url = reader.text(found.get("url"), f"{where}.url", optional=True)
        if url and (why := why_invalid(url)):
            reader.problem(found["url"], f"{where}.url", why)
        cited_text = reader.text(found.get("cited_date"), f"{where}.cited_date", optional=True)
        cited = None
        if cited_text:
            try:
                cited = parse_cited_date(cited_text)
            except ValueError:
                reader.problem(found["cited_date"], f"{where}.cited_date",
                               f"cannot parse {cited_text!r} as a date (e.g. 'September 6, 2023', "
                               "'November 2025', '2024')")
        sources[source_id] = Source(
            id=source_id,
            publisher=reader.text(found.get("publisher"), f"{where}.publisher") or "",
            title=reader.text(found.get("title"), f"{where}.title") or "",
            url=url,
            cited_date=cited,
            cited_date_text=cited_text,
            note=reader.text(found.get("note"), f"{where}.note", optional=True),
            line=key.start_mark.line + 1,
        )
    return sources


def _claims(reader: NodeReader, node: yaml.Node | None, sources: dict[str, Source],
            article_text: str | None) -> list[Claim]:
    claims: list[Claim] = []
    if node is None:
        return claims
    if not isinstance(node, yaml.SequenceNode):
        reader.problem(node, "claims", f"must be a list, not {kind_of(node)}")
        return claims
    return _claims_from(reader, node.value, sources, article_text)


def _claims_from(reader: NodeReader, items: Iterable[yaml.Node], sources: dict[str, Source],
                 article_text: str | None) -> list[Claim]:
    claims: list[Claim] = []
    article = prose(article_text) if article_text is not None else None
    seen: set[str] = set()
    for index, item in enumerate(items):
        where = f"claims[{index}]"
        found = reader.fields(item, where, {"id", "text", "section", "cites"}, {"id", "text", "cites"})
        if found is None:
            continue
        claim_id = reader.text(found.get("id"), f"{where}.id") or ""
        if claim_id:
            where = f"claims.{claim_id}"
            if claim_id in seen:
                reader.problem(found["id"], f"{where}.id", "duplicate claim id")
            elif not _ID.match(claim_id):
                reader.problem(found["id"], f"{where}.id",
                               "ids are letters, digits, '.', '_' and '-', starting with a letter or digit")
            seen.add(claim_id)
        text = reader.text(found.get("text"), f"{where}.text") or ""
        if text and article is not None and prose(text) not in article:
            reader.problem(found["text"], f"{where}.text", "is not found verbatim in the article")
        cites = list(_cites(reader, found.get("cites"), where, sources))
        claims.append(Claim(claim_id, text, tuple(cites),
                            reader.text(found.get("section"), f"{where}.section", optional=True),
                            item.start_mark.line + 1))
    return claims


def _cites(reader: NodeReader, node: yaml.Node | None, where: str, sources: dict[str, Source]) -> Iterator[Cite]:
    if node is None:
        return
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        reader.problem(node, f"{where}.cites", "must be a non-empty list of {source, evidence}")
        return
    for index, item in enumerate(node.value):
        at = f"{where}.cites[{index}]"
        source_node: yaml.Node | None
        evidence_node: yaml.Node | None
        if isinstance(item, yaml.ScalarNode):  # shorthand: a bare source id
            source_node, evidence_node = item, None
        else:
            found = reader.fields(item, at, {"source", "evidence"}, {"source"})
            if found is None:
                continue
            source_node, evidence_node = found.get("source"), found.get("evidence")
        source_id = reader.text(source_node, f"{at}.source")
        if source_id is None:
            continue
        if source_id not in sources:
            reader.problem(source_node, f"{at}.source", f"unknown source id {source_id!r}")
        evidence = reader.text(evidence_node, f"{at}.evidence", optional=True)
        yield Cite(source_id, evidence)


__all__ = ["Article", "Cite", "Claim", "ClaimsFile", "Source", "load_claims", "ClaimsFileError"]
