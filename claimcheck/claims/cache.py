"""A validated claims file kept in the store as JSON lines, read back while neither the file nor its article
changed: YAML composing is most of a scheduled re-check's start-up (~0.2 ms a source)."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import cast

from claimcheck.claims.model import Article, Cite, Claim, ClaimsFile, Source
from claimcheck.core.dates import FuzzyDate

_CACHE_FORMAT = 2  # 2: JSON lines, read and written an item at a time


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


def location(path: Path, cache_dir: Path) -> tuple[Path, Path | None] | None:
    """Where the file's validated copy is kept (and its article), if it is there and neither changed since."""
    index = cache_dir / "claims" / (hashlib.sha256(str(path.resolve()).encode()).hexdigest() + ".article")
    try:
        article = index.read_text() or None
    except OSError:
        return None
    fingerprint = _fingerprint(path, Path(article) if article else None)
    if fingerprint is None:
        return None
    found = _cache_file(cache_dir, fingerprint)
    return (found, Path(article) if article else None) if found.exists() else None


Items = tuple[dict[str, object], dict[str, Source], list[Claim]]


def read_items(cache_file: Path) -> Items | None:
    """A validated copy's head (title, url), sources and claims, or None if it cannot be read whole."""
    try:
        return parse_items(cache_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def parse_items(text: str, label: str | None = None) -> Items | None:
    """`read_items` of a copy's text. `label`: ids become `LABEL:ID` and each item names its article, as
    `files.merge` relabels them (built so at once: `dataclasses.replace` costs more than the parsing)."""
    sources: dict[str, Source] = {}
    claims: list[Claim] = []
    prefix = f"{label}:" if label is not None else ""
    try:
        lines = json.loads("[" + ",".join(text.splitlines()) + "]")  # one parse, not one per line
        head = lines[0]
        complete = False
        for kind, item in lines[1:]:
            if kind == "end":  # written last: a file cut short is never taken for a whole one
                complete = item == [len(sources), len(claims)]
            elif kind == "s":
                sid, publisher, title, url, cited, cited_text, note, number = item
                sources[prefix + sid] = Source(prefix + sid, publisher, title, url,
                                               FuzzyDate.from_iso(cited) if cited else None, cited_text, note,
                                               number, label)
            elif kind == "c":
                cid, text_, cites, section, number = item
                claims.append(Claim(prefix + cid, text_, tuple(Cite(prefix + source, evidence)
                                                               for source, evidence in cites), section, number,
                                    label))
    except (ValueError, TypeError, IndexError):
        return None
    return (head, sources, claims) if complete else None


def cached(path: Path, cache_dir: Path, article_text: Callable[[Path], str]) -> ClaimsFile | None:
    """The file as validated before, if neither it nor its article changed since (`article_text` reads the
    article as validation does)."""
    found = location(path, cache_dir)
    if found is None:
        return None
    cache_file, article = found
    items = read_items(cache_file)
    if items is None:
        return None
    head, sources, claims = items
    text = article_text(article) if article else None
    return ClaimsFile(path=path, article=Article(str(head["title"]), article, cast("str | None", head["url"])),
                      sources=sources, claims=tuple(claims), article_text=text)


def remember(claims: ClaimsFile, cache_dir: Path) -> None:
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
