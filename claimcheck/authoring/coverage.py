"""`claimcheck coverage`: every sentence of the article, whether a claim covers it, whether it is
check-worthy, and for check-worthy sentences no claim covers, the archived passages that could support them."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from claimcheck.authoring.checkworthy import judge, vocabulary
from claimcheck.claims.article_readers import read_article
from claimcheck.claims.load import Claim, ClaimsFile
from claimcheck.core.errors import ClaimcheckError
from claimcheck.core.text import prose
from claimcheck.reading.latest import main_text_of, read_the_page
from claimcheck.reading.match import Passages
from claimcheck.store import Store

CANDIDATES = 3  # passages shown per uncovered sentence


@dataclass(frozen=True)
class Candidate:
    source: str
    passage: str
    score: float


@dataclass(frozen=True)
class SentenceCoverage:
    text: str
    section: str | None
    covered_by: tuple[str, ...]
    checkworthy: bool
    reason: str
    candidates: tuple[Candidate, ...] = ()


@dataclass
class Coverage:
    claims: ClaimsFile
    sentences: list[SentenceCoverage] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        return {"sentences": len(self.sentences),
                "covered": sum(1 for s in self.sentences if s.covered_by),
                "checkworthy_uncovered": len(self.uncovered())}

    def uncovered(self) -> list[SentenceCoverage]:
        return [s for s in self.sentences if s.checkworthy and not s.covered_by]


def covering_claims(sentence: str, claims: Sequence[Claim],
                    quoted: list[str] | None = None) -> tuple[str, ...]:
    """Ids of the claims that quote the sentence, at least half of it, or a passage that holds it (a claim
    quoting two words of a sentence does not cover what the rest of it says). `quoted`: the claims' texts
    already through `prose`, when many sentences are asked about."""
    wanted = prose(sentence)
    texts = quoted if quoted is not None else [prose(claim.text) for claim in claims]
    return tuple(claim.id for claim, text in zip(claims, texts, strict=True)
                 if text and ((text in wanted and 2 * len(text) >= len(wanted)) or wanted in text))


class _ArchivedTexts:
    """The main text of each source's latest readable capture, read once and indexed for ranking."""

    def __init__(self, store: Store | None, claims: ClaimsFile) -> None:
        self.passages: dict[str, Passages] = {}
        if store is None:
            return
        latest_rows = store.captures.latest_usable([s.key for s in claims.sources.values() if s.url])
        for source in claims.sources.values():
            latest = latest_rows.get((source.key, source.url or ""))
            # Read as every reader of a source's latest text reads it: a 304 names the payload it revalidated.
            text = main_text_of(store, latest) if latest is not None and read_the_page(latest) else None
            if text:
                self.passages[source.id] = Passages(text)

    def candidates(self, sentence: str) -> tuple[Candidate, ...]:
        scored = [Candidate(source, s.passage, s.score)
                  for source, passages in self.passages.items() for s in passages.rank(sentence, CANDIDATES)]
        scored.sort(key=lambda c: (-c.score, c.source))
        return tuple(scored[:CANDIDATES])


def measure(claims: ClaimsFile, store: Store | None) -> Coverage:
    if claims.article.path is None:
        raise ClaimcheckError(f"{claims.path}: article.path is not set: coverage reads the article itself")
    article = read_article(claims.article.path)
    sentences = article.sentences()
    subject = vocabulary([s.text for s in sentences if s.kind == "sentence"])
    archived = _ArchivedTexts(store, claims)
    quoted = [prose(claim.text) for claim in claims.claims]
    coverage = Coverage(claims)
    for sentence in sentences:
        covered = covering_claims(sentence.text, claims.claims, quoted) if sentence.kind == "sentence" else ()
        verdict = judge(sentence.text, sentence.kind, subject)
        candidates = archived.candidates(sentence.text) if verdict.checkworthy and not covered else ()
        coverage.sentences.append(SentenceCoverage(sentence.text, sentence.section, covered, verdict.checkworthy,
                                                   verdict.reason, candidates))
    return coverage


def as_json(coverage: Coverage) -> str:
    claims = coverage.claims
    document: dict[str, Any] = {
        "schema": 1,
        "article": {"title": claims.article.title,
                    "path": str(claims.article.path.resolve()) if claims.article.path else None,
                    "url": claims.article.url, "claims_file": str(claims.path)},
        "summary": coverage.summary,
        "sentences": [{"text": s.text, "section": s.section, "covered_by": list(s.covered_by),
                       "checkworthy": s.checkworthy, "reason": s.reason,
                       "candidates": [{"source": c.source, "passage": c.passage, "score": c.score}
                                      for c in s.candidates]}
                      for s in coverage.sentences],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def summary_line(coverage: Coverage) -> str:
    counts = coverage.summary
    return (f"{counts['sentences']} sentences: {counts['covered']} covered by a claim, "
            f"{counts['checkworthy_uncovered']} check-worthy and uncovered")


def as_text(coverage: Coverage) -> Iterator[str]:
    yield f"Coverage of {coverage.claims.article.title} ({coverage.claims.path})\n"
    yield summary_line(coverage) + "\n\n"
    section: str | None = None
    for s in coverage.sentences:
        if s.section != section:
            section = s.section
            yield f"\n## {section}\n" if section else ""
        if s.covered_by:
            mark = f"covered   [{', '.join(s.covered_by)}]"
        elif s.checkworthy:
            mark = f"UNCOVERED ({s.reason})"
        else:
            mark = f"-         ({s.reason})"
        yield f"  {mark}\n      {s.text}\n"
        for c in s.candidates:
            yield f"      candidate {c.score:.2f} {c.source}: {c.passage[:200]}\n"


def as_markdown(coverage: Coverage) -> Iterator[str]:
    yield f"# Coverage of {coverage.claims.article.title}\n\n{summary_line(coverage)}\n\n"
    yield "| | Sentence | Claims or reason |\n|---|---|---|\n"
    for s in coverage.sentences:
        status = "covered" if s.covered_by else ("**uncovered**" if s.checkworthy else "-")
        why = ", ".join(f"`{c}`" for c in s.covered_by) if s.covered_by else s.reason
        text = _cell(s.text)
        if s.candidates:
            best = s.candidates[0]
            text += f"<br>candidate ({best.score:.2f}, `{best.source}`): {_cell(best.passage[:160])}"
        yield f"| {status} | {text} | {why} |\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
