"""The verdict rules: pure functions from what was seen to a verdict. No I/O happens here.

A fetch is first classified into an outcome (`classify`); failures become `gone` only when confirmed over
several checks spread in time (`FailureStreak`), as InternetArchiveBot does; content is judged for evidence,
moves, dates and drift against the source's accepted baseline (`judge`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz

from .claims import Source
from .dates import GUESSED_DATE_SIGNAL, MACHINE_SIGNALS, FuzzyDate, Precision
from .match import DEFAULT_THRESHOLD, Match, find_evidence, normalize
from .textdiff import runs, word_changes
from .outcomes import BLOCKED, OK, ROT, SOFT404_BY_PROBE, THROTTLED, TRANSIENT, Outcome
from .urls import is_home_or_section, same_resource
from .verdicts import Verdict


@dataclass(frozen=True)
class Policy:
    evidence_threshold: float = DEFAULT_THRESHOLD
    change_threshold: float = 0.99  # main-text similarity under which a source has changed
    min_paragraph: int = 40  # an added or removed paragraph this long is a change whatever the similarity
    confirm_checks: int = 3
    confirm_days: float = 3.0


CLASSIFY_HEADERS = ("cf-mitigated",)  # the response headers `classify` reads

NO_EVIDENCE_DETAIL = "reachable and dated as cited; no evidence passage recorded"

_BLOCKED_STATUSES = {401, 402, 403, 407, 451}
_ROT_STATUSES = {404, 410}


@dataclass(frozen=True)
class Classified:
    outcome: Outcome
    reason: str


def classify(*, url: str, status: int | None, error_kind: str | None, error: str | None, final_url: str,
             redirected: bool, headers: dict[str, str], page_kind: str | None,
             signals: dict[str, Any], soft404_by_probe: bool = False) -> Classified:
    """What one fetch says about a source, before any history is considered. `headers`: those named in
    CLASSIFY_HEADERS are all it reads; `soft404_by_probe`: the page read like the site's answer to a made-up
    URL in the same folder."""
    if error_kind:
        if error_kind == "dns":
            return Classified(ROT, f"the host does not resolve: {error}")
        if error_kind == "refused-private":
            return Classified(BLOCKED, str(error))
        if error_kind in ("redirect-loop", "bad-url"):
            return Classified(ROT, str(error))
        return Classified(TRANSIENT, str(error))
    assert status is not None
    if status in _BLOCKED_STATUSES:
        return Classified(BLOCKED, f"HTTP {status}: the server refuses automated access")
    if headers.get("cf-mitigated", "").lower() == "challenge" or signals.get("challenge"):
        return Classified(BLOCKED, f"a bot challenge page ({signals.get('challenge') or 'cf-mitigated'})")
    if status in _ROT_STATUSES:
        return Classified(ROT, f"HTTP {status}")
    if status == 429:
        return Classified(THROTTLED, "HTTP 429: rate limited")
    if status >= 400:  # 5xx, and the 4xx that say nothing about the page's existence
        return Classified(TRANSIENT, f"HTTP {status}")
    if 300 <= status < 400 and status != 304:  # a 304 is judged by the stored payload, like a 200
        return Classified(ROT, f"HTTP {status} without a usable Location")
    if redirected and is_home_or_section(url, final_url):
        return Classified(ROT, f"redirected to a home or section page: {final_url}")
    if signals.get("not_found_heading"):
        return Classified(ROT, f"soft-404: the page says {signals['not_found_heading']!r}")
    if soft404_by_probe:
        return Classified(ROT, SOFT404_BY_PROBE)
    if page_kind in ("empty", "binary") or signals.get("reason"):
        return Classified(TRANSIENT, f"unreadable body: {signals.get('reason') or page_kind}")
    return Classified(OK, "not modified" if status == 304 else f"HTTP {status}")


@dataclass(frozen=True)
class Attempt:
    """One past check of a source, for confirmation over time."""

    at: datetime
    outcome: Outcome
    reason: str


@dataclass(frozen=True)
class FailureStreak:
    """The failures since the last success, newest last."""

    failures: tuple[Attempt, ...] = ()

    @classmethod
    def from_history(cls, attempts: Iterable[Attempt]) -> FailureStreak:
        """`attempts` oldest first; blocked, throttled and network-down checks neither count nor reset."""
        streak: list[Attempt] = []
        for attempt in attempts:
            if attempt.outcome == OK:
                streak = []
            elif attempt.outcome in (ROT, TRANSIENT):
                streak.append(attempt)
        return cls(tuple(streak))

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


def judge_failure(classified: Classified, streak: FailureStreak, policy: Policy) -> Judgement:
    """Verdict for a fetch that brought no usable content."""
    if classified.outcome == BLOCKED:
        return Judgement(Verdict.BLOCKED, f"{classified.reason}; cannot be verified from here")
    if classified.outcome == THROTTLED:
        return Judgement(Verdict.UNREACHABLE, f"{classified.reason}; will retry on the next check")
    if streak.confirmed(policy):
        return Judgement(Verdict.GONE, f"{classified.reason}; confirmed on {streak.count} checks over "
                                       f"{streak.span_days:.1f} days")
    return Judgement(Verdict.UNREACHABLE, f"{classified.reason}; seen on {streak.count} of "
                                          f"{policy.confirm_checks} checks needed over {policy.confirm_days:g} "
                                          "days to confirm")


@dataclass(frozen=True)
class TextChange:
    similarity: float
    added: tuple[str, ...]
    removed: tuple[str, ...]

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
    for changed, was, now in runs(old_lines, new_lines):
        if not changed:
            continue
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
    return TextChange(round(similarity, 4), tuple(added), tuple(removed))


@dataclass(frozen=True)
class EvidenceFinding:
    """Where a claim's evidence passage was found in a capture, and in its baseline."""

    match: Match
    in_main_text: bool
    baseline_passage: str | None = None  # the passage matched in the baseline; None without a baseline


def judge_content(source: Source, page: Page, baseline: Page | None, policy: Policy, *, evidence: str | None,
                  found: EvidenceFinding | None, change: TextChange | None) -> Judgement:
    """Verdict for a source whose content was read (now or from the archive)."""
    notes: list[str] = []
    score = None
    found_text = None
    missing = False
    reworded = None
    if evidence and found:
        best = found.match
        if not found.in_main_text and best.score >= policy.evidence_threshold:
            notes.append("the evidence is outside the main text")
        score, found_text = round(best.score, 3), best.passage
        missing = best.score < policy.evidence_threshold
        if not missing and not best.exact and found.baseline_passage != best.passage:
            # An approximate match is fine only if the source read the same way when it was accepted.
            reworded = word_changes(found.baseline_passage or normalize(evidence), best.passage)
            notes.append(f"the evidence passage was reworded (score {best.score:.2f}): {reworded}")

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

    if change and change.significant(policy):
        notes.append(f"the main text changed since the baseline (similarity {change.similarity:.3f}, "
                     f"{len(change.added)} paragraphs added, {len(change.removed)} removed)")

    if source.title and page.title and fuzz.token_set_ratio(normalize(source.title), normalize(page.title)) < 60:
        notes.append(f"the page's title {page.title!r} differs from the cited title")

    def judgement(verdict: Verdict, head: str) -> Judgement:
        return Judgement(verdict, _join(head, notes), evidence_score=score, evidence_text=found_text,
                         page_date=page.published, suggested_url=moved_to, notes=tuple(notes))

    if missing:
        return judgement(Verdict.EVIDENCE_MISSING, f"the evidence passage is not in the source (best match "
                                                   f"{score:.2f} < {policy.evidence_threshold:.2f})")
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


def locate_evidence(evidence: str, text: str, full_text: str) -> tuple[Match, bool]:
    """The best match, and whether it is in the main text (else in the whole page: the main-text guess
    can be too narrow, and a passage in a deck or caption is still on the page)."""
    best = find_evidence(evidence, text)
    if not best.exact and full_text:
        wider = find_evidence(evidence, full_text)
        if wider.score > best.score:
            return wider, False
    return best, True


def evidence_key(evidence: str) -> str:
    return hashlib.sha256(normalize(evidence).encode("utf-8")).hexdigest()[:32]


def evidence_match_row(payload_digest: str, extractor: str, evidence: str, text: str,
                       full_text: str) -> dict[str, Any]:
    """Where an evidence passage is in a payload, as the store caches it: a payload never changes, so the
    match is computed once, where the payload's text is at hand (a worker process, on a first capture)."""
    match, in_main = locate_evidence(evidence, text, full_text)
    return {"payload_digest": payload_digest, "evidence_key": evidence_key(evidence), "extractor": extractor,
            "score": match.score, "start": match.start, "end": match.end, "passage": match.passage,
            "exact": int(match.exact), "in_main_text": int(in_main)}


def _join(head: str, notes: list[str]) -> str:
    parts = [head] if head else []
    parts.extend(n for n in notes if n not in parts)
    return "; ".join(parts)
