"""Where an evidence passage is in a page's text: the best match in the main text, else in the whole page, and
the row the store caches for it (a payload never changes, so a passage is located in it once)."""

from __future__ import annotations

import hashlib
from typing import Any

from claimcheck.core.text import normalize
from claimcheck.reading.match import Match, find_evidence


def holds_evidence(line: str, passages: list[str]) -> bool:
    """Whether a line of a page holds (part of) one of the evidence passages: how diffs mark those lines."""
    return any(passage and find_evidence(passage, line).score >= 0.9 for passage in passages)


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
