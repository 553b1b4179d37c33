"""The judging stage: from the store's latest captures to a verdict for every (claim, cited source) pair.

The verdict rules are pure (rules.py); this module gathers their facts from the store, computing the
expensive ones (where an evidence passage is, how a text changed) only when a payload is new, and caching
them. Archived copies (Memento) for what is gone are looked up after judging, by capture's `mementos` step.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from claimcheck.claims.load import Claim, ClaimsFile, Source
from claimcheck.core import clock
from claimcheck.core.dates import FuzzyDate
from claimcheck.core.outcomes import OK, Classified, Outcome
from claimcheck.core.text import normalize
from claimcheck.core.verdicts import Verdict
from claimcheck.judge.rules import (
    Attempt,
    EvidenceFinding,
    FailureStreak,
    Judgement,
    Page,
    TextChange,
    compare_texts,
    judge_content,
    judge_failure,
)
from claimcheck.reading.evidence import evidence_key, evidence_match_row
from claimcheck.reading.match import Match, as_written, fragment_matches, in_sentences
from claimcheck.reading.stage import ensure_extraction
from claimcheck.settings import Policy, RunSettings
from claimcheck.store import Store, chunks
from claimcheck.store.rows import CaptureRow, ExtractionRow
from claimcheck.entail import compare, touched


def _page(capture: CaptureRow, extraction: ExtractionRow) -> Page:
    published = FuzzyDate.from_iso(iso) if (iso := extraction["published"]) else None
    return Page(title=extraction["title"], published=published, canonical=extraction["canonical"],
                final_url=capture["final_url"], permanent_redirect=bool(capture["permanent_redirect"]),
                published_from=extraction.get("published_from"))


class _Reads:
    """What judging reads from the store for a chunk of sources: extractions and evidence matches of their
    newest payloads are loaded in a few queries (a query each per source was most of judging's time at
    thousands of sources); anything else, and texts, are read one by one when a fact is not cached already."""

    def __init__(self, store: Store, digests: set[str]) -> None:
        self.store = store
        self.extractions = store.extractions.of_payloads(digests)
        self.matches = store.extractions.evidence_matches_of(digests)
        self.changes: dict[tuple[str, str], TextChange] = {}

    def extraction(self, digest: str, url: str) -> ExtractionRow | None:
        return ensure_extraction(self.store, digest, url, stored=self.extractions)

    def evidence_match(self, digest: str, key: str) -> dict[str, Any] | None:
        return self.matches.get((digest, key)) or self.store.extractions.evidence_match(digest, key)

    def change(self, base: ExtractionRow, latest: ExtractionRow, policy: Policy) -> TextChange:
        """How the main text moved from one payload to another, computed once per pair: a URL many articles
        cite is compared once, whichever of them asks."""
        key = (base["payload_digest"], latest["payload_digest"])
        if key not in self.changes:
            self.changes[key] = compare_texts(self.texts(base)[0], self.texts(latest)[0], policy)
        return self.changes[key]

    def texts(self, extraction: ExtractionRow) -> tuple[str, str]:
        return (self.store.extractions.text(extraction["text_digest"]) or "",
                self.store.extractions.text(extraction["full_text_digest"]) or "")


def _match_in(store: Store, reads: _Reads, evidence: str, extraction: ExtractionRow) -> tuple[Match, bool]:
    """Where the evidence is in a payload: computed once per (payload, passage), then read from the store."""
    key = evidence_key(evidence)
    cached = reads.evidence_match(extraction["payload_digest"], key)
    if not cached or cached["extractor"] != extraction["extractor"]:
        text, full_text = reads.texts(extraction)
        cached = evidence_match_row(extraction["payload_digest"], extraction["extractor"], evidence, text, full_text)
        store.extractions.add_evidence_match(cached)
        reads.matches[extraction["payload_digest"], key] = cached
    return (Match(cached["score"], cached["start"], cached["end"], cached["passage"], bool(cached["exact"])),
            bool(cached["in_main_text"]))


@dataclass(frozen=True)
class SourceState:
    """Everything judged about one source in this run."""

    source: Source
    capture: CaptureRow | None
    failure: Judgement | None
    page: Page | None
    baseline: Page | None
    unchecked_reason: str | None = None
    extraction: ExtractionRow | None = None
    baseline_extraction: ExtractionRow | None = None
    change: TextChange | None = None
    baseline_capture_id: int | None = None  # the capture the latest was compared with (the accepted baseline)


Attempts = dict[str, list[tuple[str, str, str, str | None]]]  # source key -> (URL, fetched at, outcome, reason)


def _source_state(store: Store, source: Source, settings: RunSettings, network_down: bool,
                  latest_rows: dict[tuple[str, str], CaptureRow], baselines: dict[str, dict[str, Any]],
                  reads: _Reads, attempts: Attempts) -> SourceState:
    if not source.url:
        return SourceState(source, None, None, None, None, "no URL is known for this source yet")
    latest = latest_rows.get((source.key, source.url))
    if latest is None:
        if settings.offline:
            reason = "offline, and nothing is archived for this source"
        elif network_down:
            reason = "the network is down, and nothing is archived for this source"
        else:
            reason = "not captured yet"
        return SourceState(source, None, None, None, None, reason)
    if latest["outcome"] != OK:
        history = [attempt for attempt in attempts.get(source.key, ()) if attempt[0] == source.url]
        # From the last success on: a streak starts again at each one (only its dates are read, not all of them).
        since = max((i for i, (_, _, outcome, _) in enumerate(history) if outcome == OK), default=0)
        streak = FailureStreak.from_history(Attempt(clock.parse_instant(at), Outcome(outcome), reason or "")
                                            for _, at, outcome, reason in history[since:])
        classified = Classified(Outcome(latest["outcome"]), latest["reason"] or f"HTTP {latest['http_status']}")
        # A connection that could not be made at all (refused, no route), unlike one reset mid-answer, says the
        # address is wrong. (Older captures kept aiohttp's own words for it.)
        error = latest["error"] or ""
        refused = latest["error_kind"] == "connect" and (
            error.startswith(("cannot connect to", "ClientConnectorError")) or "refused" in error.lower())
        failure = judge_failure(classified, streak, settings.policy, refused=refused)
        return SourceState(source, latest, failure, None, None)
    digest = latest["payload_digest"]
    extraction = reads.extraction(digest, latest["final_url"]) if digest else None
    if extraction is None:
        return SourceState(source, latest, None, None, None, "the archived capture cannot be read")
    page = _page(latest, extraction)
    baseline_row = baselines.get(source.key)
    if baseline_row is None or baseline_row["capture_payload_digest"] == latest["payload_digest"]:
        # The same payload as the baseline, or no baseline yet (set_initial_baselines has not run): nothing
        # changed, and no text needs reading.
        return SourceState(source, latest, None, page, page, extraction=extraction, baseline_extraction=extraction,
                           change=None, baseline_capture_id=baseline_row["capture_id"] if baseline_row else None)
    base_capture = store.captures.get(baseline_row["capture_id"])
    base_digest = base_capture["payload_digest"]
    base_extraction = ensure_extraction(store, base_digest, base_capture["final_url"]) if base_digest else None
    if base_extraction is None:
        return SourceState(source, latest, None, page, None, extraction=extraction)
    change = reads.change(base_extraction, extraction, settings.policy)
    return SourceState(source, latest, None, page, _page(base_capture, base_extraction), extraction=extraction,
                       baseline_extraction=base_extraction, change=change, baseline_capture_id=base_capture["id"])


def _finding(claim: Claim, article: str, state: SourceState, judgement: Judgement, *, run_id: int | None,
             not_fetched_because: str, has_evidence: bool) -> dict[str, Any]:
    capture = state.capture
    source = state.source
    # A capture from an earlier run (network down, offline) is judged as it was: the pair says so, so that a
    # scheduled job never reads a stale `verified` as fresh.
    checked = capture is not None and (run_id is None or capture["run_id"] == run_id)
    detail = judgement.detail
    if capture is not None and not checked:
        stale = f"not re-checked: {not_fetched_because}; as captured at {capture['fetched_at']}"
        detail = f"{detail}; {stale}" if detail else stale
    return {
        "claim_id": claim.id, "claim_text": claim.text, "article": claim.article or article,
        "source_id": source.id, "verdict": judgement.verdict.value,
        "level": judgement.verdict.level.value, "detail": detail, "url": source.url,
        "checked": int(checked), "has_evidence": int(has_evidence),
        "final_url": capture["final_url"] if capture else None,
        "http_status": capture["http_status"] if capture else None,
        "capture_id": capture["id"] if capture else None, "captured_at": capture["fetched_at"] if capture else None,
        "evidence_score": judgement.evidence_score, "evidence_text": judgement.evidence_text,
        "page_date": judgement.page_date.iso() if judgement.page_date else None,
        "cited_date": source.cited_date.iso() if source.cited_date else None,
        "suggested_url": judgement.suggested_url, "source_key": source.key,
        # The pair this finding compared, so that a report of this run shows its diff as it was, whatever is
        # accepted or captured later.
        "baseline_capture_id": state.baseline_capture_id,
        "support": json.dumps(judgement.support.as_dict()) if judgement.support else None,
        "touches_claim": None if judgement.touches_claim is None else int(judgement.touches_claim),
    }


def _as_found(written: str, evidence: str) -> str:
    """The passage as found in a capture's text: fragment by fragment (text between an elided passage's
    fragments does not count), each widened to its sentence."""
    haystack = normalize(written)
    return " ... ".join(in_sentences(m, haystack) for m in fragment_matches(evidence, haystack))


def _evidence_finding(store: Store, reads: _Reads, state: SourceState, evidence: str,
                      claim: Claim) -> EvidenceFinding:
    assert state.extraction is not None
    match, in_main = _match_in(store, reads, evidence, state.extraction)
    if match.exact:
        return EvidenceFinding(match, in_main)
    # Not found word for word: does what stands in its place still say what the claim rests on? Read in the
    # baseline as in the latest capture (each text once), so that both are read alike.
    page = reads.texts(state.extraction)[0 if in_main else 1]
    baseline_passage = was_page = None
    if state.baseline_extraction is not None:
        baseline_passage = _match_in(store, reads, evidence, state.baseline_extraction)[0].passage
        was_page = reads.texts(state.baseline_extraction)[0 if in_main else 1]
    support = compare(claim.text, (_as_found(was_page, evidence) if was_page is not None else "") or evidence,
                      _as_found(page, evidence), page=page)
    written = None
    if baseline_passage is not None and was_page is not None:
        # The rewording in the pages' own words (case, quotes, dashes), where both can be found as written.
        before, after = as_written(baseline_passage, was_page), as_written(match.passage, page)
        written = (before, after) if before and after else None
    return EvidenceFinding(match, in_main, baseline_passage, support, written)


def _states(store: Store, sources: list[Source], settings: RunSettings,
            network_down: bool) -> tuple[dict[str, SourceState], _Reads]:
    """The states of some sources, from a few queries for all of them, and what was read for them."""
    latest_rows = store.captures.latest_usable(source.key for source in sources)
    reads = _Reads(store, {row["payload_digest"] for row in latest_rows.values() if row["payload_digest"]})
    baselines = store.reviews.latest_baselines_of([source.key for source in sources])
    # The histories of the sources whose newest capture failed, for their failure streaks: a few queries.
    failing = {source.key for source in sources if source.url and (row := latest_rows.get((source.key, source.url)))
               is not None and row["outcome"] != OK}
    attempts = store.captures.attempts_of(failing) if failing else {}
    return {source.id: _source_state(store, source, settings, network_down, latest_rows, baselines, reads, attempts)
            for source in sources}, reads


JUDGE_CHUNK = 500  # sources whose state is held at once: the memory of judging does not grow with the file


def judge_in_chunks(claims: ClaimsFile, store: Store, settings: RunSettings, *,
                    network_down: bool, run_id: int | None = None) -> Iterator[list[dict[str, Any]]]:
    """The findings of every (claim, cited source) pair, in the claims file's order, a chunk of claims at a time.

    A source's state is gathered once, with those of up to JUDGE_CHUNK other sources, and let go after the
    last claim that cites it, so a run over tens of thousands of sources holds a chunk's worth, not the run's.
    A finding is `checked` when it judged a capture of run `run_id` (None: whatever capture is newest)."""
    accepted = store.reviews.accepted_evidence()
    not_fetched_because = ("the run was offline" if settings.offline else "the network was down" if network_down
                           else "not fetched in this run")
    # When each source is cited last. Over several claims files a source is cited only by its own file's
    # claims (its id is `LABEL:ID`), so its state goes when the next file begins: no map of every citation.
    several = bool(claims.articles)
    last_use: dict[str, int] = {}
    if not several:
        for index, claim in enumerate(claims.claims):
            for cite in claim.cites:
                last_use[cite.source] = index
    states: dict[str, SourceState] = {}
    wanted: dict[str, None] = {}  # sources cited by the claims waiting, whose state is not held yet
    waiting: list[tuple[int, Claim]] = []

    def judged() -> list[dict[str, Any]]:
        # A state kept from an earlier chunk reads its evidence matches one by one (reads falls back to the store).
        new_states, reads = _states(store, [claims.sources[sid] for sid in wanted], settings, network_down)
        states.update(new_states)
        wanted.clear()
        findings = []
        with store.transaction():  # the evidence-match cache rows of a chunk, in one transaction
            for _, claim in waiting:
                for cite in claim.cites:
                    finding = _judged_cite(store, reads, claim, cite.source, cite.evidence,
                                           states[cite.source], accepted, settings)
                    findings.append(_finding(claim, str(claims.path), states[cite.source], finding.judgement,
                                             run_id=run_id, not_fetched_because=not_fetched_because,
                                             has_evidence=finding.has_evidence))
        done, article = waiting[-1][0], waiting[-1][1].article
        for sid in [sid for sid in states
                    if (sid.rpartition(":")[0] != article if several else last_use[sid] <= done)]:
            del states[sid]
        waiting.clear()
        return findings

    for index, claim in enumerate(claims.claims):
        waiting.append((index, claim))
        wanted.update((cite.source, None) for cite in claim.cites if cite.source not in states)
        if len(wanted) >= JUDGE_CHUNK:
            yield judged()
    if waiting:
        yield judged()


_BASELINE_BY = "claimcheck"
_BASELINE_NOTE = "first successful capture"


def set_initial_baselines(claims: ClaimsFile, store: Store) -> None:
    """Give every source first captured well and readably its first successful capture as its baseline,
    a chunk of sources per transaction (a first check of thousands of sources sets thousands). Sources no
    claim cites get theirs too, so that citing them later compares with what was first seen."""
    # Each key with the URL of the last source citing it: keys and URLs, not sources (read per file).
    urls = {source.key: source.url for source in claims.sources.values() if source.url}
    for chunk in chunks(list(urls.items()), JUDGE_CHUNK):
        keys = [key for key, _ in chunk]
        baselines = store.reviews.with_baselines(keys)
        latest_rows = store.captures.latest_usable(key for key in keys if key not in baselines)
        candidates = [(key, latest_rows.get((key, url or ""))) for key, url in chunk if key not in baselines]
        ok = [(key, row, digest) for key, row in candidates
              if row is not None and row["outcome"] == OK and (digest := row["payload_digest"])]
        readable = {digest for _, _, digest in ok}
        if not readable:
            continue
        stored = store.extractions.of_payloads(readable)
        unset = [(key, row["url"]) for key, row, digest in ok
                 if ensure_extraction(store, digest, row["final_url"], stored=stored) is not None]
        if unset:
            store.reviews.set_initial_baselines(unset, by=_BASELINE_BY, note=_BASELINE_NOTE)


@dataclass(frozen=True)
class _Judged:
    judgement: Judgement
    has_evidence: bool


def _judged_cite(store: Store, reads: _Reads, claim: Claim, source_id: str, cited_evidence: str | None,
                 state: SourceState, accepted: dict[tuple[str, str], str], settings: RunSettings) -> _Judged:
    evidence = claim.accepted(accepted, state.source) or cited_evidence
    if state.unchecked_reason:
        judgement = Judgement(Verdict.UNCHECKED, state.unchecked_reason)
    elif state.failure:
        judgement = state.failure
    else:
        assert state.page is not None and state.extraction is not None
        found = _evidence_finding(store, reads, state, evidence, claim) if evidence else None
        touches = None
        if not evidence and state.change is not None and state.change.significant(settings.policy):
            touches = touched(claim.text, list(state.change.changed))
        judgement = judge_content(state.source, state.page, state.baseline, settings.policy,
                                  evidence=evidence, found=found, change=state.change, touches=touches)
    return _Judged(judgement, bool(evidence))
