"""Load and validate a claims file into frozen dataclasses.

The loader walks the YAML node tree (not the plain data) so that every problem names the file, the line and
the field, and it collects every problem before it raises, so `lint` can show them all at once.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .article import readable_text
from .dates import FuzzyDate, parse_cited_date
from .errors import ClaimsFileError, NotFound, Problem
from .match import prose
from .urls import valid_http_url

try:  # libyaml's parser is an order of magnitude faster on large files
    _Loader: type = yaml.CSafeLoader
    from yaml._yaml import CParser as _Events
except (AttributeError, ImportError):  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader
    _Events = yaml.SafeLoader  # type: ignore[assignment, misc]


class _ItemComposer(yaml.composer.Composer, _Events, yaml.resolver.Resolver):
    """libyaml's events, composed into nodes by PyYAML's composer one source or claim at a time: a file of
    10,000 sources composed whole peaked 63 MB higher (153 MB against 90 MB), and loaded no faster."""

    def __init__(self, text: str) -> None:
        _Events.__init__(self, text)
        yaml.composer.Composer.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    def next_node(self) -> yaml.Node:
        node = self.compose_node(None, None)  # type: ignore[arg-type]
        assert node is not None  # only an empty document composes to nothing
        return node

    def items(self) -> Iterator[tuple[yaml.Node, yaml.Node]]:
        """The pairs of the mapping that starts here, composed as they are read."""
        self.get_event()
        while not self.check_event(yaml.MappingEndEvent):
            key = self.next_node()
            yield key, self.next_node()
        self.get_event()

    def entries(self) -> Iterator[yaml.Node]:
        """The entries of the list that starts here, composed as they are read."""
        self.get_event()
        while not self.check_event(yaml.SequenceEndEvent):
            yield self.next_node()
        self.get_event()

    def plain_start(self, kind: type) -> bool:
        """The next event starts a collection of `kind` with no anchor or tag (an alias could point to one)."""
        event = self.peek_event()
        return isinstance(event, kind) and getattr(event, "anchor", None) is None \
            and bool(getattr(event, "implicit", False))


_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True, slots=True)  # tens of thousands of them in a large run
class Source:
    id: str
    publisher: str
    title: str
    url: str | None
    cited_date: FuzzyDate | None
    cited_date_text: str | None
    note: str | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Cite:
    source: str
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    text: str
    cites: tuple[Cite, ...]
    section: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Article:
    title: str
    path: Path | None = None
    url: str | None = None


@dataclass(frozen=True)
class ClaimsFile:
    path: Path
    article: Article
    sources: dict[str, Source]
    claims: tuple[Claim, ...]
    article_text: str | None = field(default=None, repr=False)

    def source_rows(self) -> Iterator[dict[str, str | None]]:
        """The sources as the store records them."""
        for s in self.sources.values():
            yield {"id": s.id, "url": s.url, "publisher": s.publisher, "title": s.title,
                   "cited_date": s.cited_date.iso() if s.cited_date else None}

    def claim(self, claim_id: str) -> Claim | None:
        return next((c for c in self.claims if c.id == claim_id), None)

    def claim_named(self, claim_id: str) -> Claim:
        """The claim with this id, or NotFound naming the file."""
        if (claim := self.claim(claim_id)) is None:
            raise NotFound(f"no claim {claim_id!r} in {self.path}")
        return claim

    def source_named(self, source_id: str) -> Source:
        """The source with this id, or NotFound naming the file and the ids it has."""
        if source_id not in self.sources:
            raise NotFound(f"no source {source_id!r} in {self.path} (known: {', '.join(sorted(self.sources))})")
        return self.sources[source_id]

    def claims_citing(self, source_id: str) -> list[Claim]:
        return [c for c in self.claims if any(cite.source == source_id for cite in c.cites)]


class _Reader:
    """Walks YAML nodes, recording problems instead of stopping at the first."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node | None, where: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(Problem(str(self.path), line, where, message))

    def mapping(self, node: yaml.Node, where: str) -> list[tuple[yaml.ScalarNode, yaml.Node]] | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, where, f"must be a mapping, not {_kind(node)}")
            return None
        return list(self.scalar_keyed(node.value, where))

    def scalar_keyed(self, pairs: Iterable[tuple[yaml.Node, yaml.Node]],
                     where: str) -> Iterator[tuple[yaml.ScalarNode, yaml.Node]]:
        for key, value in pairs:
            if not isinstance(key, yaml.ScalarNode):
                self.problem(key, where, "keys must be plain strings")
                continue
            yield key, value

    def fields(self, node: yaml.Node, where: str, allowed: set[str],
               required: set[str]) -> dict[str, yaml.Node] | None:
        items = self.mapping(node, where)
        if items is None:
            return None
        found: dict[str, yaml.Node] = {}
        for key, value in items:
            name = key.value
            if name in found:
                self.problem(key, f"{where}.{name}", "appears twice")
            elif name not in allowed:
                self.problem(key, f"{where}.{name}", f"unknown field (expected one of: {', '.join(sorted(allowed))})")
            found[name] = value
        for name in sorted(required - found.keys()):
            self.problem(node, f"{where}.{name}", "is required")
        return found

    def text(self, node: yaml.Node | None, where: str, *, optional: bool = False) -> str | None:
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode):
            if node.tag == "tag:yaml.org,2002:null" or (node.style is None and node.value in ("", "~", "null")):
                if not optional:
                    self.problem(node, where, "must not be empty")
                return None
            value = str(node.value).strip()
            if not value and not optional:
                self.problem(node, where, "must not be empty")
                return None
            return value or None
        self.problem(node, where, f"must be a string, not {_kind(node)}")
        return None


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "a scalar"


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ClaimsFileError([Problem(str(path), 1, "file", "no such file")]) from None
    except OSError as exc:
        raise ClaimsFileError([Problem(str(path), 1, "file", f"cannot be read: {exc.strerror}")]) from None
    if b"\x00" in raw:
        raise ClaimsFileError([Problem(str(path), 1, "file", "is binary, not a YAML text file")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ClaimsFileError([Problem(str(path), line, "file", "is not valid UTF-8")]) from None
    return text


@contextmanager
def _yaml_problems(path: Path, text: str) -> Iterator[None]:
    """A YAML error as the one problem of the file, at its line."""
    try:
        yield
    except yaml.MarkedYAMLError as exc:
        problem = " ".join(str(exc.problem or "invalid YAML").split())
        if isinstance(exc, yaml.scanner.ScannerError) and exc.context and exc.context_mark is not None:
            # A token that runs on (an unclosed quote) is at fault where it starts, not where the file ends.
            line = exc.context_mark.line + 1
            where = f" (line {exc.problem_mark.line + 1})" if exc.problem_mark is not None else ""
            reason = f"{exc.context}, {problem}{where}"
        else:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            reason = problem
        raise ClaimsFileError([Problem(str(path), line, "yaml", f"invalid YAML: {reason}")]) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise ClaimsFileError([Problem(str(path), line, "yaml",
                                       f"invalid YAML: character {exc.character!r} is not allowed")]) from None
    except yaml.YAMLError as exc:
        reason = " ".join(str(exc).split())
        raise ClaimsFileError([Problem(str(path), 1, "yaml", f"invalid YAML: {reason}")]) from None


def _compose(path: Path, text: str) -> yaml.Node:
    with _yaml_problems(path, text):
        node = yaml.compose(text, Loader=_Loader)
    if node is None:
        raise ClaimsFileError([Problem(str(path), 1, "file", "is empty: expected article, sources and claims")])
    return node


_CACHE_FORMAT = 2  # 2: JSON lines, read and written an item at a time


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
        cached = _cached(path, Path(cache_dir))
        if cached is not None:
            return cached
    claims = _load_and_validate(path, check_article)
    if cache_dir is not None and check_article:
        _remember(claims, Path(cache_dir))
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


def _fingerprint(path: Path, article: Path | None) -> str | None:
    digest = hashlib.sha256(f"{_CACHE_FORMAT}:{path.resolve()}".encode())
    try:
        digest.update(path.read_bytes())
        if article is not None:
            digest.update(b"\0" + article.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


def _cache_file(cache_dir: Path, fingerprint: str) -> Path:
    return cache_dir / "claims" / f"{fingerprint}.jsonl"


def _cached(path: Path, cache_dir: Path) -> ClaimsFile | None:
    index = cache_dir / "claims" / (hashlib.sha256(str(path.resolve()).encode()).hexdigest() + ".article")
    try:
        article = index.read_text() or None
    except OSError:
        return None
    fingerprint = _fingerprint(path, Path(article) if article else None)
    if fingerprint is None:
        return None
    sources: dict[str, Source] = {}
    claims: list[Claim] = []
    complete = False
    try:
        with _cache_file(cache_dir, fingerprint).open(encoding="utf-8") as lines:
            head = json.loads(next(lines))
            for line in lines:
                kind, item = json.loads(line)
                if kind == "end":  # written last: a file cut short is never taken for a whole one
                    complete = item == [len(sources), len(claims)]
                elif kind == "s":
                    sid, publisher, title, url, cited, cited_text, note, number = item
                    sources[sid] = Source(sid, publisher, title, url, FuzzyDate.from_iso(cited) if cited else None,
                                          cited_text, note, number)
                elif kind == "c":
                    cid, text, cites, section, number = item
                    claims.append(Claim(cid, text, tuple(Cite(source, evidence) for source, evidence in cites),
                                        section, number))
    except (OSError, ValueError, StopIteration, TypeError):
        return None
    if not complete:
        return None
    article_text = _article_text(Path(article)) if article else None
    return ClaimsFile(path=path, article=Article(head["title"], Path(article) if article else None, head["url"]),
                      sources=sources, claims=tuple(claims), article_text=article_text)


def _remember(claims: ClaimsFile, cache_dir: Path) -> None:
    article = claims.article.path
    fingerprint = _fingerprint(claims.path, article)
    if fingerprint is None:
        return
    try:
        folder = cache_dir / "claims"
        folder.mkdir(parents=True, exist_ok=True)
        target = _cache_file(cache_dir, fingerprint)
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        # A line per item: neither writing nor reading it back holds the whole file as one JSON tree.
        with temporary.open("w", encoding="utf-8") as out:
            out.write(json.dumps({"title": claims.article.title, "url": claims.article.url}) + "\n")
            out.writelines(json.dumps(["s", [s.id, s.publisher, s.title, s.url, s.cited_date.iso() if s.cited_date
                                             else None, s.cited_date_text, s.note, s.line]]) + "\n"
                           for s in claims.sources.values())
            out.writelines(json.dumps(["c", [c.id, c.text, [[cite.source, cite.evidence] for cite in c.cites],
                                             c.section, c.line]]) + "\n" for c in claims.claims)
            out.write(json.dumps(["end", [len(claims.sources), len(claims.claims)]]) + "\n")
        os.replace(temporary, target)
        index = folder / (hashlib.sha256(str(claims.path.resolve()).encode()).hexdigest() + ".article")
        index.write_text(str(article.resolve()) if article else "")
    except OSError:
        pass  # a cache that cannot be written only costs time


def _load_and_validate(path: Path, check_article: bool) -> ClaimsFile:
    text = _read_text(path)
    with _yaml_problems(path, text):
        streamed = _stream_validate(path, text, check_article)
    if streamed is not None:
        return streamed
    with _collector_paused():
        return _validate_tree(path, text, check_article)


def _validate_tree(path: Path, text: str, check_article: bool) -> ClaimsFile:
    reader = _Reader(path)
    root = _compose(path, text)
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
    composer = _ItemComposer(text)
    try:
        composer.get_event()  # the stream's start
        if not composer.check_event(yaml.DocumentStartEvent):
            return None
        composer.get_event()
        if not composer.plain_start(yaml.MappingStartEvent):
            return None
        composer.get_event()
        reader = _Reader(path)
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


def _article_text(path: Path) -> str:
    """The article as its reader sees it: Markdown and HTML without their markup, so that claims quote prose."""
    return readable_text(path, path.read_text(encoding="utf-8"))


def _article(reader: _Reader, node: yaml.Node | None, path: Path,
             check_article: bool) -> tuple[Article, str | None]:
    if node is None:
        return Article(title=""), None
    found = reader.fields(node, "article", {"title", "path", "url"}, {"title"})
    if found is None:
        return Article(title=""), None
    title = reader.text(found.get("title"), "article.title") or ""
    article_path = reader.text(found.get("path"), "article.path", optional=True)
    url = reader.text(found.get("url"), "article.url", optional=True)
    if url and (why := valid_http_url(url)):
        reader.problem(found["url"], "article.url", why)
    text = None
    resolved = None
    if article_path:
        resolved = (path.parent / article_path)
        if check_article:
            try:
                text = _article_text(resolved)
            except (OSError, UnicodeDecodeError) as exc:
                reader.problem(found["path"], "article.path", f"cannot read {resolved}: {exc}")
    return Article(title=title, path=resolved, url=url), text


def _sources(reader: _Reader, node: yaml.Node | None) -> dict[str, Source]:
    if node is None:
        return {}
    return _sources_from(reader, reader.mapping(node, "sources") or [])


def _sources_from(reader: _Reader, items: Iterable[tuple[yaml.ScalarNode, yaml.Node]]) -> dict[str, Source]:
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
        if url and (why := valid_http_url(url)):
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


def _claims(reader: _Reader, node: yaml.Node | None, sources: dict[str, Source],
            article_text: str | None) -> list[Claim]:
    claims: list[Claim] = []
    if node is None:
        return claims
    if not isinstance(node, yaml.SequenceNode):
        reader.problem(node, "claims", f"must be a list, not {_kind(node)}")
        return claims
    return _claims_from(reader, node.value, sources, article_text)


def _claims_from(reader: _Reader, items: Iterable[yaml.Node], sources: dict[str, Source],
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


def _cites(reader: _Reader, node: yaml.Node | None, where: str, sources: dict[str, Source]) -> Iterator[Cite]:
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
