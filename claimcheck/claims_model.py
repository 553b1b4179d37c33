"""The claims file as the rest of claimcheck sees it: frozen records of the article, its sources and claims."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .dates import FuzzyDate
from .errors import NotFound


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
