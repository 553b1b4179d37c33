"""The review workflow: what changed, what happened, and accepting a change or an evidence passage.

Every answer is about the source's latest capture, as judging sees it: a diff against a page that is gone
says so, and an acceptance checks what it accepts before it writes anything.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, replace

from claimcheck.claims.load import ClaimsFile, Source
from claimcheck.core.errors import NotFound, Refused
from claimcheck.reading.evidence import locate_evidence
from claimcheck.reading.match import DEFAULT_THRESHOLD
from claimcheck.reading.match import suggest as rank_passages
from claimcheck.reading.latest import latest_good_capture, main_text_of, read_the_page, texts_of
from claimcheck.reading.textdiff import line_diff
from claimcheck.store import Store
from claimcheck.store.rows import CaptureRow
from claimcheck.entail import Candidate, Support, rank, support
from claimcheck.entail import compare as compare_support


def current_user() -> str:
    try:
        return os.environ.get("CLAIMCHECK_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def latest_capture(store: Store, source: Source) -> CaptureRow | None:
    """The newest capture of the source's URL that says something about it (a run whose network was down
    says nothing), whatever it found: as judging sees the source."""
    if not source.url:
        return None
    return store.captures.latest_usable([source.key]).get((source.key, source.url))


def describe(capture: CaptureRow) -> str:
    """'#12 at 2026-11-26T12:00:00Z, HTTP 404' (or the failure, where no answer came)."""
    status = f"HTTP {capture['http_status']}" if capture["http_status"] is not None else capture["error_kind"]
    reason = capture["reason"] or ""
    if reason and reason != status and not reason.startswith(f"{status};"):
        status = f"{status}: {reason}" if status else reason
    return f"#{capture['id']} at {capture['fetched_at']}, {status}"


def captures_diff(store: Store, baseline_id: int, capture_id: int) -> list[tuple[str, str]]:
    """(op, line) from one capture's main text to another's: the pair a finding compared."""
    old = main_text_of(store, store.captures.get(baseline_id)) or ""
    new = main_text_of(store, store.captures.get(capture_id)) or ""
    return [] if old == new else line_diff(old, new)


def text_diff(store: Store, source_key: str) -> list[tuple[str, str]]:
    """(op, line) from the accepted baseline's main text to the latest good capture's: ' ', '-' or '+'."""
    baseline = store.reviews.baseline(source_key)
    latest = latest_good_capture(store, source_key)
    if baseline is None or latest is None:
        return []
    return captures_diff(store, baseline["capture_id"], latest["id"])


@dataclass(frozen=True)
class Comparison:
    """A source's accepted baseline against its latest capture, or why there is nothing to compare."""

    source_id: str
    baseline: CaptureRow | None
    latest: CaptureRow | None
    rows: list[tuple[str, str]]
    nothing_because: str | None = None


def compare(store: Store, source: Source) -> Comparison:
    if not source.url:
        return Comparison(source.id, None, None, [], "it has no URL, so it was never captured")
    latest = latest_capture(store, source)
    if latest is None:
        return Comparison(source.id, None, None, [], "it has not been captured yet (run `claimcheck check`)")
    if not read_the_page(latest):
        return Comparison(source.id, None, latest, [], f"the latest capture, {describe(latest)}, did not read the "
                                                       "page: there is no text to compare")
    baseline = store.reviews.baseline(source.key)
    if baseline is None:
        return Comparison(source.id, None, latest, [], "it has no accepted baseline yet")
    base_capture = store.captures.get(baseline["capture_id"])
    old, new = main_text_of(store, base_capture), main_text_of(store, latest)
    if old is None or new is None:
        return Comparison(source.id, base_capture, latest, [], "an archived capture cannot be read back")
    return Comparison(source.id, base_capture, latest, [] if old == new else line_diff(old, new))


@dataclass(frozen=True)
class Event:
    at: str
    kind: str  # capture, check, baseline, evidence, snooze
    summary: str


def history(store: Store, source_key: str) -> list[Event]:
    """Every capture, check verdict and acceptance (of a baseline or of an evidence passage) of a source (by
    key: under whatever label or in whichever article it was cited), in time order."""
    # Sorted by instant, then by run (instants are kept to the second, and a run can start in the second the
    # one before it finished), then captures before acceptances before the verdicts that judged them.
    events: list[tuple[tuple[str, int, int], Event]] = []
    run_of_capture: dict[int, int] = {}
    for c in store.captures.of_source(source_key):
        run_of_capture[c["id"]] = c["run_id"]
        status = c["http_status"] if c["http_status"] is not None else c["error_kind"]
        digest = (c["payload_digest"] or "-")[:17]
        extraction = store.extractions.get(c["payload_digest"]) if c["payload_digest"] else None
        dated = f" page date {extraction['published']}" if extraction and extraction["published"] else ""
        events.append(((c["fetched_at"], c["run_id"], 0), Event(
            c["fetched_at"], "capture",
            f"#{c['id']} {status} {c['outcome']}{' (not modified)' if c['not_modified'] else ''} "
            f"{c['final_url']} payload {digest}{dated}"
            + (f" — {c['reason']}" if c["outcome"] != "ok" and c["reason"] else ""))))
    last_run = max(run_of_capture.values(), default=0)
    for f in store.findings.of_source(source_key):
        # A run judges after it captures: its verdicts are dated when it finished, after what they judged.
        at = f["finished_at"] or f["started_at"]
        events.append(((at, f["run_id"], 2), Event(at, "check", f"run {f['run_id']}: {f['claim_id']}: {f['verdict']}"
                                                   + (f" — {f['detail']}" if f["detail"] else ""))))
    for b in store.reviews.baselines_of(source_key):
        run = run_of_capture.get(b["capture_id"], last_run) if b["kind"] == "initial" else last_run
        events.append(((b["accepted_at"], run, 1), Event(
            b["accepted_at"], "baseline",
            f"capture #{b['capture_id']} accepted by {b['accepted_by']} ({b['kind']}): {b['note']}")))
    for e in store.reviews.evidence_of(source_key):
        events.append(((e["accepted_at"], last_run, 1), Event(
            e["accepted_at"], "evidence",
            f"{e['claim_id']}: evidence accepted by {e['accepted_by']}: {e['note']} — \u201c{e['text']}\u201d")))
    for z in store.reviews.snoozes_of(source_key):
        events.append(((z["snoozed_at"], last_run, 1), Event(
            z["snoozed_at"], "snooze",
            f"capture #{z['capture_id']} snoozed by {z['snoozed_by']} until the page changes: {z['note']}")))
    events.sort(key=lambda pair: pair[0])
    return [event for _, event in events]


def snooze(store: Store, claims: ClaimsFile, source_name: str, note: str, *, by: str | None = None,
           capture_id: int | None = None) -> CaptureRow:
    """Snooze a source's findings until its page changes again: recorded against the capture's payload (the
    latest one, or the one named), so a capture that reads otherwise wakes it. Refused for a capture that
    did not read the page."""
    source = claims.source_named(source_name)
    capture = _chosen_capture(store, source, capture_id)
    if capture is None:
        raise NotFound(f"nothing to snooze for {source_name!r}: no capture yet (run `claimcheck check`)")
    store.reviews.snooze(source.key, capture["id"], capture["payload_digest"] or "", by=by or current_user(),
                         note=note, label=source.id)
    return capture


@dataclass(frozen=True)
class Accepted:
    source_id: str
    capture_id: int
    already: int | None = None  # the capture that was already the baseline, with this content: nothing written


def _sources_of(claims: ClaimsFile, target: str) -> list[Source]:
    """The sources an acceptance applies to: a source (and, across several articles, every source citing its
    URL, since they are one page), or every source a claim cites."""
    try:
        source = claims.source_named(target)
    except NotFound:
        source = None
    if source is not None:
        return claims.sources_at(source.url) if source.article and source.url else [source]
    try:
        claim = claims.claim_named(target)
    except NotFound:
        raise NotFound(f"{target!r} is neither a source id nor a claim id in {claims.path}") from None
    return [claims.sources[sid] for sid in dict.fromkeys(c.source for c in claim.cites)]


def _chosen_capture(store: Store, source: Source, capture_id: int | None) -> CaptureRow | None:
    """The capture to accept for a source: the one named, or its latest; refused unless it read the page."""
    if capture_id is not None:
        capture = store.captures.get(capture_id)
        if capture["source_key"] != source.key:
            raise Refused(f"capture #{capture_id} is a capture of {capture['source_id']}, not of {source.id}")
        if not read_the_page(capture):
            raise Refused(f"{source.id}: capture {describe(capture)}, did not read the page: it cannot be a baseline")
        return capture
    latest = latest_capture(store, source)
    if latest is None:
        return None
    if not read_the_page(latest):
        raise Refused(f"{source.id}: the latest capture, {describe(latest)}, did not read the page: not accepted as "
                      f"the baseline. To accept an earlier capture, name it with --capture N "
                      f"(`claimcheck history {source.id}` lists them)")
    return latest


def accept(store: Store, claims: ClaimsFile, target: str, note: str, *, by: str | None = None,
           capture_id: int | None = None) -> list[Accepted]:
    """Make the latest capture (or the one named) the baseline of a source, or of every source a claim cites.

    Nothing is written unless every source can be accepted; a capture whose content already is the baseline
    is reported as such and not written again."""
    by = by or current_user()
    sources = _sources_of(claims, target)
    if capture_id is not None and len(sources) != 1:
        raise Refused(f"{target!r} cites {len(sources)} sources: --capture names the capture of one source")
    chosen = [(source, capture) for source in sources
              if (capture := _chosen_capture(store, source, capture_id)) is not None]
    if not chosen:
        raise NotFound(f"nothing to accept for {target!r}: no capture yet (run `claimcheck check`)")
    baselines = store.reviews.latest_baselines_of([source.key for source, _ in chosen])
    done = []
    for source, capture in chosen:
        current = baselines.get(source.key)
        if current is not None and (current["capture_id"] == capture["id"]
                                    or current["capture_payload_digest"] == capture["payload_digest"]):
            done.append(Accepted(source.id, capture["id"], already=current["capture_id"]))
            continue
        store.reviews.set_baseline(source.key, capture["id"], by=by, note=note, kind="accepted", label=source.id)
        done.append(Accepted(source.id, capture["id"]))
    return done


SUGGESTED = 10  # passages ranked by BM25 before support re-ranks them and the first few are shown


def suggestions(store: Store, claims: ClaimsFile, claim_id: str, limit: int = 5) -> dict[str, list[Candidate]]:
    """For each source the claim cites, the archived passages that best support it: ranked by BM25, then
    those that carry the claim's terms first (`support.rank`), each with its support judgement."""
    claim = claims.claim_named(claim_id)
    found: dict[str, list[Candidate]] = {}
    for cite in claim.cites:
        text = main_text_of(store, latest_good_capture(store, claims.sources[cite.source].key))
        ranked = rank_passages(claim.text, text, max(limit, SUGGESTED)) if text else []
        # Shown as `accept` would judge each: against the claim's current evidence passage too.
        current = _current_passage(claims, store, claim_id, cite.source)
        found[cite.source] = [replace(c, support=_against(claim.text, current, c.passage, c.support))
                              for c in rank(claim.text, ranked)[:limit]]
    return found


@dataclass(frozen=True)
class EvidenceAccepted:
    score: float | None  # the passage's best match in the latest capture (None: nothing readable to look in)
    forced: bool = False
    already: bool = False
    support: Support | None = None  # how the passage bears on the claim


def support_of(claims: ClaimsFile, store: Store, claim_id: str, source_id: str, text: str) -> Support:
    """Whether a passage supports a claim: on its own, and, where the claim already has an evidence passage
    from this source, against it too (a passage that lost a number or name the old one had is refused even
    where it still reads as support on its own, as "glass substrates" for "EMIB" does beside "(EMIB)")."""
    claim = claims.claim_named(claim_id)
    current = _current_passage(claims, store, claim_id, source_id)
    return _against(claim.text, current, text, support(claim.text, text))


def _current_passage(claims: ClaimsFile, store: Store, claim_id: str, source_id: str) -> str | None:
    """The passage a claim now rests on from a source: accepted in review, else cited in the claims file;
    None where there is none, or where it does not support the claim itself (a forced passage is no
    yardstick)."""
    claim = claims.claim_named(claim_id)
    cited = next((c.evidence for c in claim.cites if c.source == source_id and c.evidence), None)
    current = claim.accepted(store.reviews.accepted_evidence(), claims.sources[source_id]) or cited
    return current if current and support(claim.text, current).holds else None


def _against(claim: str, current: str | None, text: str, alone: Support) -> Support:
    """A passage's support (`alone`, judged on its own), and, where it holds and the claim has a current
    passage, judged against that one too."""
    if current and alone.holds:
        against = compare_support(claim, current, text)
        if not against.holds:
            return against
    return alone


def accept_evidence(store: Store, claims: ClaimsFile, claim_id: str, source_id: str, text: str, note: str,
                    *, by: str | None = None, force: bool = False,
                    threshold: float = DEFAULT_THRESHOLD) -> EvidenceAccepted:
    """Accept a passage as the evidence a source gives for a claim, once it is found in the source's latest
    capture as judging would find it; with `force`, record it anyway, and say so in the audit log."""
    claim = claims.claim_named(claim_id)
    if source_id not in {c.source for c in claim.cites}:
        raise NotFound(f"claim {claim_id!r} does not cite {source_id!r}")
    source = claims.sources[source_id]
    latest = latest_capture(store, source)
    texts = texts_of(store, latest) if latest is not None and read_the_page(latest) else None
    score = None
    if texts is None:
        where = (f"its latest capture, {describe(latest)}, did not read the page" if latest is not None
                 else "it has not been captured" if source.url else "it has no URL")
        if not force:
            raise Refused(f"cannot check the passage against {source_id}: {where} (--force records it unchecked)")
    else:
        assert latest is not None
        match, _ = locate_evidence(text, *texts)
        score = round(match.score, 3)
        if score < threshold and not force:
            # The closest whole sentence, in the page's words (the aligned stretch can be a few letters).
            closest = next(iter(rank_passages(text, texts[1] or texts[0], 1)), None)
            shown = closest.passage if closest else match.passage
            raise Refused(f"the passage is not in {source_id}'s latest capture (#{latest['id']}): its best match "
                          f"scores {score:.2f} < {threshold:.2f}; the closest sentence is \u201c{shown}\u201d "
                          "(--force records it anyway)")
    if claim.accepted(store.reviews.accepted_evidence(), source) == text:
        return EvidenceAccepted(score, already=True)
    judged = support_of(claims, store, claim_id, source_id, text)
    if not judged.holds and not force:
        raise Refused(f"the passage does not support {claim_id}: {judged.label}: {'; '.join(judged.reasons)} "
                      "(--force records it anyway)")
    forced = force and (score is None or score < threshold or not judged.holds)
    store.reviews.accept_evidence(claim_id, source_id, text, by=by or current_user(), note=note,
                                  claim_key=claim.key, source_key=source.key,
                                  checked={"score": score, "capture_id": latest["id"] if latest else None,
                                           "forced": forced, "support": judged.as_dict()})
    return EvidenceAccepted(score, forced=forced, support=judged)
