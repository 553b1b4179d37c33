"""The verdict rules: pure functions from what was seen to a verdict. No I/O happens here.

A fetch is first classified into an outcome (capture's `classify`); failures become `gone` only when confirmed over
several checks spread in time (`FailureStreak`), as InternetArchiveBot does; content is judged for evidence,
moves, dates and drift against the source's accepted baseline (`judge`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import fuzz

from claimcheck.claims.load import Source
from claimcheck.core.dates import GUESSED_DATE_SIGNAL, MACHINE_SIGNALS, FuzzyDate, Precision
from claimcheck.core.outcomes import BLOCKED, OK, ROT, THROTTLED, TRANSIENT, Classified, Outcome
from claimcheck.core.text import normalize
from claimcheck.core.urls import same_resource
from claimcheck.core.verdicts import Verdict
from claimcheck.reading.match import Match
from claimcheck.reading.textdiff import runs, word_changes
from claimcheck.settings import Policy
from claimcheck.entail import Support

# Under this fuzzy score the best match is too far from the accepted passage to be called a rewording of it, even
# where the claim's terms happen to be in it.
REWORDED_FLOOR = 0.55  # chosen on WiCE's tune half: benign rewordings there scored 0.59 and up

NO_EVIDENCE_DETAIL = "reachable and dated as cited; no evidence passage recorded"


@dataclass(frozen=True)
class Attempt:
    """One past check of a source, for confirmation over time."""

    at: datetime
    outcome: Outcome
    reason: str


@dataclass(frozen=True)
class FailureStreak:
    """The failures since the last success, newest last, and whether the source ever answered with its page."""

    failures: tuple[Attempt, ...] = ()
    ever_worked: bool = True  # (the default: a streak built by hand stands for a citation that once worked)

    @classmethod
    def from_history(cls, attempts: Iterable[Attempt]) -> FailureStreak:
        """`attempts` oldest first; blocked, throttled and network-down checks neither count nor reset."""
        streak: list[Attempt] = []
        worked = False
        for attempt in attempts:
            if attempt.outcome == OK:
                streak = []
                worked = True
            elif attempt.outcome in (ROT, TRANSIENT):
                streak.append(attempt)
        return cls(tuple(streak), worked)

    @property
    def count(self) -> int:
        return len(self.failures)

    @property
    def span_days(self) -> float:
        if len(self.failures) < 2:
            return 0.0
        return (self.failures[-1].at - self.failures[0].at).total_seconds() / 86400

    def confirmed(self, policy: Policy) -> bool:
        return self.count >= policy.confirm_checks and self.span_days >= policy.confirm_days


@dataclass(frozen=True)
class Page:
    """What a capture's content says about itself, as `judge_content` needs it (the texts stay in the
    store: the pipeline computes the expensive facts from them, and caches them)."""

    title: str | None
    published: FuzzyDate | None
    canonical: str | None
    final_url: str
    permanent_redirect: bool
    published_from: str | None = None  # which signal gave the date (json-ld, meta, time, dateline, url, ...)


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    detail: str
    evidence_score: float | None = None
    evidence_text: str | None = None
    page_date: FuzzyDate | None = None
    suggested_url: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    support: Support | None = None  # how the evidence passage, as found now, bears on the claim
    touches_claim: bool | None = None  # for a changed page: whether the change holds the claim's terms


def judge_failure(classified: Classified, streak: FailureStreak, policy: Policy, *,
                  refused: bool = False) -> Judgement:
    """Verdict for a fetch that brought no usable content. `refused`: the connection itself was refused (a
    wrong port), which, like rot, says the URL is wrong rather than that its server has a bad day."""
    if classified.outcome == BLOCKED:
        return Judgement(Verdict.BLOCKED, f"{classified.reason}; cannot be verified from here")
    if classified.outcome == THROTTLED:
        return Judgement(Verdict.UNREACHABLE, f"{classified.reason}; will retry on the next check")
    if streak.confirmed(policy):
        return Judgement(Verdict.GONE, f"{classified.reason}; confirmed on {streak.count} checks over "
                                       f"{streak.span_days:.1f} days")
    if not streak.ever_worked and streak.count and (classified.outcome == ROT or refused):
        # Confirmation over time protects a citation that worked from a bad day; a URL that never once answered
        # with its page is an authoring error (a typo'd host, path or port), so it is an error at once.
        return Judgement(Verdict.GONE, f"{classified.reason}; this URL has never worked (on {streak.count} "
                                       f"check{'s' if streak.count != 1 else ''}): check it for a typo")
    return Judgement(Verdict.UNREACHABLE, f"{classified.reason}; seen on {streak.count} of "
                                          f"{policy.confirm_checks} checks needed over {policy.confirm_days:g} "
                                          "days to confirm")


@dataclass(frozen=True)
class TextChange:
    similarity: float
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...] = ()  # every paragraph the change touched, as it was and as it is

    def significant(self, policy: Policy) -> bool:
        return bool(self.added or self.removed) or self.similarity < policy.change_threshold


def compare_texts(old: str, new: str, policy: Policy) -> TextChange:
    """How the main text moved: overall similarity and the substantial paragraphs added or removed."""
    if old == new:
        return TextChange(1.0, (), ())
    old_lines = [normalize(line) for line in old.splitlines() if line.strip()]
    new_lines = [normalize(line) for line in new.splitlines() if line.strip()]
    if old_lines == new_lines:
        return TextChange(1.0, (), ())
    similarity = fuzz.ratio("\n".join(old_lines), "\n".join(new_lines)) / 100
    added: list[str] = []
    removed: list[str] = []
    touched: list[str] = []
    for changed, was, now in runs(old_lines, new_lines):
        if not changed:
            continue
        touched.extend(was)
        touched.extend(now)
        dropped = [line for line in was if len(line) >= policy.min_paragraph]
        inserted = [line for line in now if len(line) >= policy.min_paragraph]
        # A paragraph edited in place (high similarity to a counterpart) is an edit, not an addition.
        for line in list(dropped):
            twin = max(inserted, key=lambda other: fuzz.ratio(line, other), default=None)
            if twin is not None and fuzz.ratio(line, twin) >= 90:
                dropped.remove(line)
                inserted.remove(twin)
        removed.extend(dropped)
        added.extend(inserted)
    return TextChange(round(similarity, 4), tuple(added), tuple(removed), tuple(touched))


@dataclass(frozen=True)
class EvidenceFinding:
    """Where a claim's evidence passage was found in a capture, and in its baseline."""

    match: Match
    in_main_text: bool
    baseline_passage: str | None = None  # the passage matched in the baseline; None without a baseline
    support: Support | None = None  # the passage as found now, against the claim and the accepted passage
    written: tuple[str, str] | None = None  # (baseline passage, passage now) as the pages write them


def judge_content(source: Source, page: Page, baseline: Page | None, policy: Policy, *, evidence: str | None,
                  found: EvidenceFinding | None, change: TextChange | None,
                  touches: tuple[str, ...] | None = None) -> Judgement:
    """Verdict for a source whose content was read (now or from the archive). `touches`: for a claim with no
    evidence passage, the claim's terms that the changed paragraphs hold (None: not asked)."""
    notes: list[str] = []
    score = None
    found_text = None
    missing = False
    unsupported = None
    reworded = None
    support = found.support if evidence and found else None
    if evidence and found:
        best = found.match
        if not found.in_main_text and best.score >= policy.evidence_threshold:
            notes.append("the evidence is outside the main text")
        score, found_text = round(best.score, 3), best.passage
        missing = best.score < policy.evidence_threshold
        if missing and support is not None and support.holds and best.score >= REWORDED_FLOOR:
            # Far from word for word (a clause dropped, a name the claim does not use replaced), yet the terms
            # of the claim the accepted passage carried are still in it: a rewording for a person to look at.
            missing = False
        if not missing and not best.exact and found.baseline_passage != best.passage:
            # An approximate match is fine only if the source read the same way when it was accepted, and
            # only if it still says what the claim rests on: a changed number or name is not a rewording.
            if support is not None and not support.holds:
                unsupported = support
            else:
                before, now = found.written or (found.baseline_passage or normalize(evidence), best.passage)
                reworded = word_changes(before, now)
                words = f"; {'; '.join(support.reasons)}" if support is not None else ""
                notes.append(f"the evidence passage was reworded (score {best.score:.2f}): {reworded}{words}")

    moved_to = None
    if page.permanent_redirect and source.url and not same_resource(source.url, page.final_url):
        moved_to = page.final_url
    elif (baseline and page.canonical and baseline.canonical
          and not same_resource(page.canonical, baseline.canonical)):
        moved_to = page.canonical
    if moved_to:
        notes.append(f"moved permanently to {moved_to}")

    drift = None
    if page.published and source.cited_date and not page.published.agrees_with(source.cited_date) \
            and not _time_zone_slip(page.published, page.published_from, source.cited_date, None):
        drift = f"the page is dated {page.published.iso()}, the article cites {source.cited_date.iso()}"
    elif baseline and baseline.published and page.published and baseline.published != page.published \
            and not _time_zone_slip(page.published, page.published_from, baseline.published,
                                    baseline.published_from):
        drift = f"the page's date changed from {baseline.published.iso()} to {page.published.iso()}"
    if drift and page.published_from == GUESSED_DATE_SIGNAL:
        # A date only htmldate's reading gave was right 84% of the time on its evaluation pages: shown, not flagged.
        notes.append(f"{drift} (a date only htmldate read, not enough to flag)")
        drift = None
    if drift:
        notes.append(drift)

    touches_claim = None
    if change and change.significant(policy):
        notes.append(f"the main text changed since the baseline (similarity {change.similarity:.3f}, "
                     f"{len(change.added)} paragraphs added, {len(change.removed)} removed)")
        if touches is not None and not evidence:
            touches_claim = bool(touches)
            notes.append(f"the change touches {', '.join(touches)}" if touches
                         else "the change is elsewhere on the page: none of the claim's terms are in it")

    if source.title and page.title and fuzz.token_set_ratio(normalize(source.title), normalize(page.title)) < 60:
        notes.append(f"the page's title {page.title!r} differs from the cited title")

    def judgement(verdict: Verdict, head: str) -> Judgement:
        return Judgement(verdict, _join(head, notes), evidence_score=score, evidence_text=found_text,
                         page_date=page.published, suggested_url=moved_to, notes=tuple(notes), support=support,
                         touches_claim=touches_claim)

    if missing:
        why = f": {'; '.join(support.reasons)}" if support is not None and not support.holds else ""
        return judgement(Verdict.EVIDENCE_MISSING, f"the evidence passage is not in the source (best match "
                                                   f"{score:.2f} < {policy.evidence_threshold:.2f}){why}")
    if unsupported is not None:
        return judgement(Verdict.EVIDENCE_MISSING, f"the evidence passage no longer supports the claim: "
                                                   f"{'; '.join(unsupported.reasons)} (best match {score:.2f})")
    if moved_to:
        return judgement(Verdict.MOVED, "")
    if drift:
        return judgement(Verdict.DATE_DRIFT, "")
    if reworded or (change and change.significant(policy)):
        return judgement(Verdict.CHANGED, "the evidence is still there" if evidence and not reworded else "")
    if not evidence:
        # DESIGN's `unchecked` is for sources never read; this one was read and is dated as cited.
        # Short: a report lists it once per pair, and says once, under its summary, how to add evidence.
        return judgement(Verdict.VERIFIED, NO_EVIDENCE_DETAIL)
    return judgement(Verdict.VERIFIED, "evidence found" + (" exactly" if score == 1.0 else f" (score {score:.2f})"))


# Machine timestamps are often a day off the date a reader sees (UTC against the newsroom's zone): on htmldate's
# evaluation pages a quarter of the wrong dates from JSON-LD, meta tags and <time> were exactly one day off.


def _time_zone_slip(one: FuzzyDate, one_from: str | None, other: FuzzyDate, other_from: str | None) -> bool:
    """Whether two day dates one day apart can name the same instant: at least one of them is a machine
    timestamp (whose zone may be UTC while the other is the newsroom's, or the reader's citation)."""
    if one_from not in MACHINE_SIGNALS and other_from not in MACHINE_SIGNALS:
        return False
    if one.precision is not Precision.DAY or other.precision is not Precision.DAY:
        return False
    return abs((one.value - other.value).days) == 1


def _join(head: str, notes: list[str]) -> str:
    parts = [head] if head else []
    parts.extend(n for n in notes if n not in parts)
    return "; ".join(parts)
