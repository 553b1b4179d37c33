"""The claims file as the rest of claimcheck sees it: frozen records of the article, its sources and claims."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from claimcheck.core.dates import FuzzyDate
from claimcheck.core.errors import NotFound
from claimcheck.core.text import prose
from claimcheck.core.urls import history_key, same_resource


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
    article: str | None = None  # the label of the claims file it comes from, when several are checked
    # What the store keeps this source's history under: its URL, normalised (a source without one, its id):
    # captures, baselines, failure streaks and accepted evidence follow the resource, not the label. Worked out
    # once: a run asks it about ten times a source (a re-check of 5,000 sources parsed 55,000 URLs for it).
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", history_key(self.url) if self.url else self.id)


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
    article: str | None = None  # the label of the claims file it comes from, when several are checked

    @property
    def key(self) -> str:
        """What accepted evidence is kept under: the claim's sentence (typography folded), so that renaming
        its id or regrouping claims files keeps it; an edited sentence has its evidence accepted anew."""
        return prose(self.text)

    def accepted(self, accepted: Mapping[tuple[str, str], str], source: Source) -> str | None:
        """The evidence passage accepted in review for this claim from `source`, if any (`accepted`: the
        store's accepted evidence, by claim key and source key)."""
        return accepted.get((self.key, source.key)) or accepted.get((f"id:{self.id}", source.key))


@dataclass(frozen=True)
class Article:
    title: str
    path: Path | None = None
    url: str | None = None


@dataclass(frozen=True)
class ArticleInfo:
    """One claims file of a run over several: its label (the prefix of its ids), file and article title."""

    label: str
    file: Path
    title: str


@dataclass(frozen=True)
class ClaimsFile:
    path: Path
    article: Article
    sources: Mapping[str, Source]
    claims: Sequence[Claim]
    article_text: str | None = field(default=None, repr=False)
    articles: tuple[ArticleInfo, ...] = ()  # set when several claims files are checked together

    def article_infos(self) -> tuple[ArticleInfo, ...]:
        """The articles checked: several, or this file's own."""
        return self.articles or (ArticleInfo(str(self.path), self.path, self.article.title),)

    def source_rows(self) -> Iterator[dict[str, str | None]]:
        """The sources as the store records them."""
        for s in self.sources.values():
            yield {"id": s.id, "url": s.url, "publisher": s.publisher, "title": s.title,
                   "cited_date": s.cited_date.iso() if s.cited_date else None}

    def claim(self, claim_id: str) -> Claim | None:
        return next((c for c in self.claims if c.id == claim_id), None)

    def claim_named(self, claim_id: str) -> Claim:
        """The claim with this id (with several files, also `FILE:CLAIM` or an id only one file has), or
        NotFound naming the file."""
        if (claim := self.claim(claim_id)) is not None:
            return claim
        local = [c for c in self.claims if c.article and c.id == f"{c.article}:{claim_id}"]
        if len(local) > 1:
            raise NotFound(f"claim {claim_id!r} is in several claims files: say which "
                           f"({', '.join(c.id for c in local[:10])})")
        if not local:
            raise NotFound(f"no claim {claim_id!r} in {self.path}")
        return local[0]

    def source_named(self, name: str) -> Source:
        """The source `name` names: its id; with several files, `FILE:SOURCE` or a SOURCE id only one file
        has; or its URL. NotFound (naming the file) otherwise, or when it is ambiguous."""
        if name in self.sources:
            return self.sources[name]
        local = [s for s in self.sources.values() if s.article and s.id == f"{s.article}:{name}"]
        at_url = self.sources_at(name) if "://" in name else []
        found = local or at_url
        if len(local) > 1:
            files = ", ".join(s.id for s in local[:10])
            raise NotFound(f"source {name!r} is in several claims files: say which ({files})")
        if found:
            return found[0]
        known = sorted(self.sources)
        listed = ", ".join(known[:20]) + (f", ... ({len(known)} in all)" if len(known) > 20 else "")
        raise NotFound(f"no source {name!r} in {self.path} (known: {listed})")

    def sources_at(self, url: str | None) -> list[Source]:
        """Every source citing this URL, as `same_resource` compares them (one per claims file citing it)."""
        return [s for s in self.sources.values() if url and s.url and same_resource(s.url, url)]

    def claims_citing(self, source_id: str) -> list[Claim]:
        return [c for c in self.claims if any(cite.source == source_id for cite in c.cites)]
