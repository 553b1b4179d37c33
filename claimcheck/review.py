"""The review workflow: what changed, what happened, and accepting a change or an evidence passage."""

from __future__ import annotations

import difflib
import getpass
import os
from dataclasses import dataclass
from typing import Any

from .claims import ClaimsFile
from .errors import NotFound
from .match import Suggestion
from .match import suggest as rank_passages
from .pipeline import ensure_extraction
from .store import Store


def current_user() -> str:
    try:
        return os.environ.get("CLAIMCHECK_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _main_text(store: Store, capture: dict[str, Any] | None) -> str | None:
    if not capture or not capture.get("payload_digest"):
        return None
    extraction = ensure_extraction(store, capture["payload_digest"], capture["final_url"])
    return store.text(extraction["text_digest"]) if extraction else None


def latest_good_capture(store: Store, source_id: str) -> dict[str, Any] | None:
    rows = [c for c in store.captures_of(source_id) if c["outcome"] == "ok" and c["payload_digest"]]
    return rows[-1] if rows else None


def text_diff(store: Store, source_id: str) -> list[tuple[str, str]]:
    """(op, line) from the accepted baseline's main text to the latest capture's: ' ', '-' or '+'."""
    baseline = store.baseline(source_id)
    latest = latest_good_capture(store, source_id)
    if baseline is None or latest is None:
        return []
    old = _main_text(store, store.capture(baseline["capture_id"])) or ""
    new = _main_text(store, latest) or ""
    if old == new:
        return []
    out: list[tuple[str, str]] = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        op, text = line[:1], line[2:]
        if op in (" ", "-", "+"):
            out.append((op, text))
    return out


@dataclass(frozen=True)
class Event:
    at: str
    kind: str  # capture, check, accept
    summary: str


def history(store: Store, source_id: str) -> list[Event]:
    """Every capture, check verdict and acceptance of a source, in time order."""
    events: list[Event] = []
    for c in store.captures_of(source_id):
        status = c["http_status"] if c["http_status"] is not None else c["error_kind"]
        digest = (c["payload_digest"] or "-")[:17]
        extraction = store.extraction(c["payload_digest"]) if c["payload_digest"] else None
        dated = f" page date {extraction['published']}" if extraction and extraction["published"] else ""
        events.append(Event(c["fetched_at"], "capture",
                            f"#{c['id']} {status} {c['outcome']}{' (not modified)' if c['not_modified'] else ''} "
                            f"{c['final_url']} payload {digest}{dated}"
                            + (f" — {c['reason']}" if c["outcome"] != "ok" and c["reason"] else "")))
    for f in store.findings_of(source_id):
        events.append(Event(f["started_at"], "check", f"run {f['run_id']}: {f['claim_id']}: {f['verdict']}"
                                                      + (f" — {f['detail']}" if f["detail"] else "")))
    for b in store.baselines_of(source_id):
        events.append(Event(b["accepted_at"], "baseline",
                            f"capture #{b['capture_id']} accepted by {b['accepted_by']} ({b['kind']}): {b['note']}"))
    for a in store.audit_log(source_id):
        if a["action"] == "evidence-accepted":
            events.append(Event(a["at"], "evidence", f"{a['target']} accepted by {a['actor']}: {a['note']}"))
    order = {"capture": 0, "baseline": 1, "evidence": 1, "check": 2}
    events.sort(key=lambda e: (e.at, order.get(e.kind, 3)))
    return events


@dataclass(frozen=True)
class Accepted:
    source_id: str
    capture_id: int


def accept(store: Store, claims: ClaimsFile, target: str, note: str, *, by: str | None = None) -> list[Accepted]:
    """Make the latest capture the baseline of a source, or of every source a claim cites."""
    by = by or current_user()
    if target in claims.sources:
        source_ids = [target]
    elif (claim := claims.claim(target)) is not None:
        source_ids = list(dict.fromkeys(c.source for c in claim.cites))
    else:
        raise NotFound(f"{target!r} is neither a source id nor a claim id in {claims.path}")
    done = []
    for source_id in source_ids:
        latest = latest_good_capture(store, source_id)
        if latest is None:
            continue
        store.set_baseline(source_id, latest["id"], by=by, note=note, kind="accepted")
        done.append(Accepted(source_id, latest["id"]))
    if not done:
        raise NotFound(f"nothing to accept for {target!r}: no successful capture yet (run `claimcheck fetch`)")
    return done


def suggestions(store: Store, claims: ClaimsFile, claim_id: str, limit: int = 5) -> dict[str, list[Suggestion]]:
    """For each source the claim cites, the archived passages that best support it."""
    claim = claims.claim(claim_id)
    if claim is None:
        raise NotFound(f"no claim {claim_id!r} in {claims.path}")
    found: dict[str, list[Suggestion]] = {}
    for cite in claim.cites:
        text = _main_text(store, latest_good_capture(store, cite.source))
        found[cite.source] = rank_passages(claim.text, text, limit) if text else []
    return found


def accept_evidence(store: Store, claims: ClaimsFile, claim_id: str, source_id: str, text: str, note: str,
                    *, by: str | None = None) -> None:
    claim = claims.claim(claim_id)
    if claim is None:
        raise NotFound(f"no claim {claim_id!r} in {claims.path}")
    if source_id not in {c.source for c in claim.cites}:
        raise NotFound(f"claim {claim_id!r} does not cite {source_id!r}")
    store.accept_evidence(claim_id, source_id, text, by=by or current_user(), note=note)
