"""The report model every renderer is fed: a run's findings grouped into claims and articles, worst first, with
the counts, headings and hints all formats share (`build_report` makes it from the store)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from claimcheck.core.text import counted
from claimcheck.core.verdicts import SEVERITY, Verdict, worst
from claimcheck.store import Store
from claimcheck.store.rows import FindingRow

SCHEMA_VERSION = 1
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: Any) -> str:
    """Page-derived text made safe for a terminal: control characters and bidi overrides removed."""
    return _CONTROL.sub("", str(text)) if text is not None else ""


@dataclass
class ClaimReport:
    id: str
    text: str
    status: Verdict
    sources: list[FindingRow]
    article: str | None = None  # the label of its claims file


@dataclass(frozen=True)
class ArticleReport:
    """One claims file of the run, with its counts."""

    label: str | None
    file: str | None
    title: str | None
    claims: int
    summary: dict[str, int]  # verdict -> (claim, source) pairs
    status: Verdict
    claim_summary: dict[str, int] = field(default_factory=dict)  # status -> claims


class ClaimReports:
    """A run's claims with their findings, read from the store a claim at a time as they are iterated (a report
    on tens of thousands of sources never holds them all). Iterable more than once; `len` is the claim count."""

    def __init__(self, store: Store, run_id: int, *, worst_first: bool = False) -> None:
        self.store = store
        self.run_id = run_id
        self.worst_first = worst_first
        self.count = store.findings.claim_count(run_id)

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[ClaimReport]:
        # Findings are stored in the claims file's order, a claim's citations together; people read the
        # worst claims first, machines (JSON, JUnit) in the claims file's order.
        claim: ClaimReport | None = None
        findings = (self.store.findings.iter_worst_first(self.run_id) if self.worst_first
                    else self.store.findings.iter_run(self.run_id))
        for finding in findings:
            if claim is None or finding["claim_id"] != claim.id:
                if claim is not None:
                    yield _with_status(claim)
                claim = ClaimReport(finding["claim_id"], finding["claim_text"] or "", Verdict.UNCHECKED, [],
                                    finding.get("article"))
            claim.sources.append(finding)
        if claim is not None:
            yield _with_status(claim)


def _with_status(claim: ClaimReport) -> ClaimReport:
    claim.status = worst([Verdict(s["verdict"]) for s in claim.sources])
    return claim


DIFF_VERDICTS = ("changed", "evidence-missing", "moved", "date-drift")


class Diffs:
    """Source id -> its main text's diff from the accepted baseline, for the sources of a run whose verdict
    says something changed; each computed when a renderer asks for it, none held after."""

    _KEPT = 16  # the last few asked for: a source cited by several claims in a row is diffed once

    def __init__(self, store: Store, sources: dict[str, tuple[str, int | None, int | None]],
                 evidence: dict[str, list[str]] | None = None) -> None:
        self.store = store
        self.evidence = evidence or {}  # label -> the evidence passages found in it, for marking the diff
        self.keys = sources  # label -> (key, the baseline capture its finding compared, the capture compared)
        self.source_ids = set(sources)
        self.order = list(sources)
        self.recent: dict[str, list[tuple[str, str]]] = {}

    def get(self, source_id: str) -> list[tuple[str, str]]:
        if source_id not in self.source_ids:
            return []
        if source_id not in self.recent:
            from claimcheck.review.actions import captures_diff, text_diff
            if len(self.recent) >= self._KEPT:
                del self.recent[next(iter(self.recent))]
            key, baseline, capture = self.keys[source_id]
            # The pair the run's finding compared (a past run's report shows what it showed then); findings
            # from before pairs were kept: today's baseline against the latest capture.
            self.recent[source_id] = (captures_diff(self.store, baseline, capture) if baseline and capture
                                      else text_diff(self.store, key))
        return self.recent[source_id]

    def items(self) -> Iterator[tuple[str, list[tuple[str, str]]]]:
        for source_id in self.order:
            if diff := self.get(source_id):
                yield source_id, diff


SHOW_CHOICES = ("all", "problems")


@dataclass(frozen=True)
class Listed:
    """A claim as the human formats list it, with where their sections start."""

    claim: ClaimReport
    opens: ArticleReport | None  # the article whose section starts here (runs over several articles)
    first_verified: bool  # the first verified claim (of its article): the folded section starts here
    verified: int  # how many verified claims that folded section holds


@dataclass
class ReportData:
    run: dict[str, Any]
    claims: ClaimReports
    summary: dict[str, int]  # verdict -> (claim, source) pairs
    claim_summary: dict[str, int] = field(default_factory=dict)  # status -> claims
    without_evidence: int = 0  # pairs with no evidence passage to look for
    diffs: Diffs | None = None  # with_diffs only
    show: str = "all"  # "problems": verified claims are left out of human formats (counted, not listed)
    articles: list[ArticleReport] = field(default_factory=list)  # in the claims files' order

    @property
    def several(self) -> bool:
        """Whether the run checked several articles (human formats then group claims by article)."""
        return len(self.articles) > 1

    @property
    def title(self) -> str:
        """What the report is about: the article's title, or how many articles."""
        if len(self.articles) == 1 and self.articles[0].title:
            return self.articles[0].title
        return f"{len(self.articles)} articles" if self.articles else "claimcheck report"

    def article(self, label: str | None) -> ArticleReport | None:
        return self._by_label.get(label)

    @cached_property
    def _by_label(self) -> dict[str | None, ArticleReport]:
        return {article.label: article for article in self.articles}

    @property
    def network_down(self) -> bool:
        return self.run.get("network") == "down"

    @property
    def pairs(self) -> int:
        return sum(self.summary.values())

    def shown(self, claim: ClaimReport) -> bool:
        return self.show == "all" or claim.status is not Verdict.VERIFIED

    @property
    def hidden(self) -> int:
        """Claims left out by `--show problems`: the verified ones."""
        return self.claim_summary.get(Verdict.VERIFIED.value, 0) if self.show == "problems" else 0

    def listed(self) -> Iterator[Listed]:
        """The claims to list, worst first, verified claims last (human formats fold them from the first);
        over several articles, article by article, worst article first, each its own section."""
        folding = False
        article: object = _BEFORE_ANY
        for claim in self.claims:
            if not self.shown(claim):
                continue
            opens = None
            if claim.article != article:
                article, folding = claim.article, False
                opens = self.article(claim.article) if self.several else None
            first_verified = claim.status is Verdict.VERIFIED and not folding
            folding = folding or first_verified
            own = self.article(claim.article) if self.several else None
            statuses = own.claim_summary if own else self.claim_summary
            yield Listed(claim, opens, first_verified, statuses.get(Verdict.VERIFIED.value, 0))


_BEFORE_ANY = object()  # the article "before" the first claim's


def build_report(store: Store, run_id: int, *, with_diffs: bool = False, worst_first: bool = False,
                 show: str = "all") -> ReportData:
    run = store.runs.get(run_id)
    summary = {v.value: 0 for v in Verdict}
    summary.update(store.findings.verdict_counts(run_id))
    diffs = (Diffs(store, store.findings.sources_with(run_id, DIFF_VERDICTS), store.findings.evidence_passages(run_id))
             if with_diffs else None)
    return ReportData(run=run, claims=ClaimReports(store, run_id, worst_first=worst_first), summary=summary,
                      claim_summary=store.findings.claim_status_counts(run_id),
                      without_evidence=store.findings.without_evidence_count(run_id), diffs=diffs, show=show,
                      articles=_articles(store, run_id))


def _articles(store: Store, run_id: int) -> list[ArticleReport]:
    counts = store.findings.article_counts(run_id)
    statuses = store.findings.claim_status_counts_by_article(run_id)
    listed = store.runs.articles(run_id) or [{"article": label, "file": label, "title": None} for label in counts]
    found = []
    for row in listed:
        claims, pairs = counts.get(row["article"], (0, {}))
        found.append(ArticleReport(row["article"], row["file"], row["title"], claims, pairs,
                                   worst([Verdict(v) for v in pairs]), statuses.get(row["article"], {})))
    return found


_RANK = {v.value: i for i, v in enumerate(SEVERITY)}


def worst_first(counts: dict[str, int]) -> list[tuple[str, int]]:
    """The non-zero counts, worst verdict first, as people read them."""
    return sorted(((v, n) for v, n in counts.items() if n), key=lambda item: _RANK.get(item[0], len(_RANK)))


def article_heading(article: ArticleReport) -> str:
    """"Article: TITLE (FILE): 2 changed, 5 verified (7 claims)", for grouping a run over several files: the
    counts are of its claims by status, as the count in brackets is (pairs are counted in the run's summary)."""
    name = f"{article.title} ({article.file})" if article.title else str(article.file)
    statuses = article.claim_summary or article.summary
    return f"Article: {name}: {counts_line(statuses) or 'nothing judged'} ({counted(article.claims, 'claim')})"


def counts_line(counts: dict[str, int]) -> str:
    """"2 changed, 5 verified": the non-zero counts, worst first."""
    return ", ".join(f"{count} {verdict}" for verdict, count in worst_first(counts))


ADD_EVIDENCE_HINT = ("have no evidence passage recorded: `claimcheck suggest CLAIM` ranks the source's passages, "
                     "`claimcheck accept CLAIM --suggestion N --note TEXT` records one")
