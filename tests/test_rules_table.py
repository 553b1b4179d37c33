"""Table tests of the pure verdict rules, as urlwatch tables its filters: a fetch classified, failures
confirmed over time, content judged."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from claimcheck.core import outcomes
from claimcheck.claims.load import Source
from claimcheck.core.dates import GUESSED_DATE_SIGNAL, FuzzyDate
from claimcheck.reading.match import Match
from claimcheck.core.outcomes import Classified, Outcome
from claimcheck.judge.rules import (
    Attempt,
    EvidenceFinding,
    FailureStreak,
    Page,
    TextChange,
    judge_content,
    judge_failure,
)
from claimcheck.capture.classify import classify
from claimcheck.settings import Policy
from claimcheck.core.verdicts import Verdict

PAGE = "https://example.org/news/2024/a-release.html"

CASES: list[tuple[str, dict[str, Any], str]] = [
    ("200 page", {"status": 200}, outcomes.OK),
    ("404", {"status": 404}, outcomes.ROT),
    ("410", {"status": 410}, outcomes.ROT),
    ("403 is a wall, not rot", {"status": 403}, outcomes.BLOCKED),
    ("429 is never rot by itself", {"status": 429}, outcomes.THROTTLED),
    ("503 may pass", {"status": 503}, outcomes.TRANSIENT),
    ("dead DNS", {"status": None, "error_kind": "dns", "error": "no such host"}, outcomes.ROT),
    ("timeout", {"status": None, "error_kind": "timeout", "error": "too slow"}, outcomes.TRANSIENT),
    ("private address refused", {"status": None, "error_kind": "refused-private", "error": "private"},
     outcomes.BLOCKED),
    ("redirected to the home page", {"status": 200, "redirected": True, "final_url": "https://example.org/"},
     outcomes.ROT),
]


@pytest.mark.parametrize(("name", "seen", "expected"), CASES, ids=[case[0] for case in CASES])
def test_classify(name: str, seen: dict[str, Any], expected: str) -> None:
    facts: dict[str, Any] = {"url": PAGE, "status": 200, "error_kind": None, "error": None, "final_url": PAGE,
                             "redirected": False, "headers": {"content-type": "text/html"}, "page_kind": "html",
                             "signals": {}}
    facts.update(seen)
    assert classify(**facts).outcome == expected


# -- the failure streak: rot is confirmed over checks spread in time ------------------------------------------

def _attempts(*spec: tuple[float, str]) -> list[Attempt]:
    start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    return [Attempt(start + timedelta(days=day), outcome, outcome) for day, outcome in spec]


STREAKS: list[tuple[str, list[tuple[float, str]], int, float, bool]] = [
    # name, attempts (day, outcome) oldest first, streak count, span in days, confirmed (3 checks, 3 days)
    ("no failures", [(0, outcomes.OK)], 0, 0.0, False),
    ("one 404", [(0, outcomes.ROT)], 1, 0.0, False),
    ("three 404s in a day", [(0, outcomes.ROT), (0.3, outcomes.ROT), (0.6, outcomes.ROT)], 3, 0.6, False),
    ("three 404s over four days", [(0, outcomes.ROT), (2, outcomes.ROT), (4, outcomes.ROT)], 3, 4.0, True),
    ("a success resets", [(0, outcomes.ROT), (2, outcomes.ROT), (3, outcomes.OK), (4, outcomes.ROT)], 1, 0.0,
     False),
    ("timeouts count too", [(0, outcomes.TRANSIENT), (2, outcomes.ROT), (5, outcomes.TRANSIENT)], 3, 5.0, True),
    ("blocked neither counts nor resets", [(0, outcomes.ROT), (1, outcomes.BLOCKED), (2, outcomes.ROT),
                                           (4, outcomes.ROT)], 3, 4.0, True),
    ("network-down neither counts nor resets", [(0, outcomes.ROT), (1, outcomes.NETWORK), (3, outcomes.ROT),
                                                (3.5, outcomes.ROT)], 3, 3.5, True),
    ("throttled neither counts nor resets", [(0, outcomes.ROT), (1, outcomes.THROTTLED), (2, outcomes.ROT)], 2,
     2.0, False),
]


@pytest.mark.parametrize(("name", "spec", "count", "span", "confirmed"), STREAKS, ids=[s[0] for s in STREAKS])
def test_failure_streak(name: str, spec: list[tuple[float, str]], count: int, span: float, confirmed: bool) -> None:
    streak = FailureStreak.from_history(_attempts(*spec))
    assert (streak.count, round(streak.span_days, 3), streak.confirmed(Policy())) == (count, span, confirmed)


# -- content judgement: one verdict per situation, the worst first -------------------------------------------

SOURCE = Source("s", "Intel Newsroom", "Intel Leads the Way with Advanced Packaging", PAGE,
                FuzzyDate(date(2023, 9, 6)), "September 6, 2023")
EVIDENCE = "EMIB and Foveros allow multiple chips on a package to be connected side by side or stacked."


def _page(**changes: Any) -> Page:
    fields: dict[str, Any] = {"title": SOURCE.title, "published": FuzzyDate(date(2023, 9, 6)), "canonical": PAGE,
                              "final_url": PAGE, "permanent_redirect": False, "published_from": "json-ld"}
    fields.update(changes)
    return Page(**fields)


def _found(score: float, *, exact: bool | None = None, baseline: str | None = None) -> EvidenceFinding:
    passage = EVIDENCE.lower() if score == 1.0 else "emib and foveros let chips be joined side by side."
    match = Match(score, 0, len(passage), passage, exact=score == 1.0 if exact is None else exact)
    return EvidenceFinding(match, in_main_text=True, baseline_passage=passage if baseline is None else baseline)


SAME = TextChange(1.0, (), ())
CONTENT: list[tuple[str, dict[str, Any], Verdict]] = [
    ("evidence found, nothing moved", {}, Verdict.VERIFIED),
    ("no evidence to look for, dated as cited", {"evidence": None, "found": None}, Verdict.VERIFIED),
    ("evidence below the threshold", {"found": _found(0.5)}, Verdict.EVIDENCE_MISSING),
    ("missing evidence outranks a move", {"found": _found(0.5),
                                          "page": _page(permanent_redirect=True, final_url=PAGE + "?moved")},
     Verdict.EVIDENCE_MISSING),
    ("permanent redirect to another resource", {"page": _page(permanent_redirect=True,
                                                              final_url="https://newsroom.example.org/a")},
     Verdict.MOVED),
    ("canonical changed since the baseline", {"page": _page(canonical="https://example.org/new-home.html")},
     Verdict.MOVED),
    ("dated a month away from the citation", {"page": _page(published=FuzzyDate(date(2023, 10, 6)))},
     Verdict.DATE_DRIFT),
    ("one day off from a machine timestamp is a time-zone slip", {"page": _page(published=FuzzyDate(
        date(2023, 9, 7)))}, Verdict.VERIFIED),
    ("a date only htmldate guessed is shown, not flagged", {"page": _page(
        published=FuzzyDate(date(2024, 1, 1)), published_from=GUESSED_DATE_SIGNAL)}, Verdict.VERIFIED),
    ("a paragraph added", {"change": TextChange(0.995, ("a new paragraph long enough to count as one",), ())},
     Verdict.CHANGED),
    ("similarity under the threshold", {"change": TextChange(0.9, (), ())}, Verdict.CHANGED),
    ("evidence reworded since the baseline", {"found": _found(0.9, baseline="emib and foveros join chips.")},
     Verdict.CHANGED),
]


@pytest.mark.parametrize(("name", "changes", "expected"), CONTENT, ids=[c[0] for c in CONTENT])
def test_judge_content(name: str, changes: dict[str, Any], expected: Verdict) -> None:
    facts: dict[str, Any] = {"page": _page(), "baseline": _page(), "evidence": EVIDENCE, "found": _found(1.0),
                             "change": SAME}
    facts.update(changes)
    judged = judge_content(SOURCE, facts.pop("page"), facts.pop("baseline"), Policy(), **facts)
    assert judged.verdict is expected, judged.detail


NEVER_WORKED: list[tuple[str, list[tuple[float, str]], Outcome, bool, str]] = [
    # name, attempts oldest first, this check's outcome, refused connection, verdict
    ("a new URL answering 404", [(0, outcomes.ROT)], outcomes.ROT, False, "gone"),
    ("a new URL whose port refuses", [(0, outcomes.TRANSIENT)], outcomes.TRANSIENT, True, "gone"),
    ("a new URL whose server has a bad day (503)", [(0, outcomes.TRANSIENT)], outcomes.TRANSIENT, False,
     "unreachable"),
    ("a citation that worked, now 404", [(0, outcomes.OK), (1, outcomes.ROT)], outcomes.ROT, False, "unreachable"),
    ("a citation that worked, now refusing", [(0, outcomes.OK), (1, outcomes.TRANSIENT)], outcomes.TRANSIENT, True,
     "unreachable"),
]


@pytest.mark.parametrize(("name", "spec", "outcome", "refused", "verdict"), NEVER_WORKED,
                         ids=[s[0] for s in NEVER_WORKED])
def test_a_url_that_never_worked(name: str, spec: list[tuple[float, str]], outcome: Outcome, refused: bool,
                                 verdict: str) -> None:
    judged = judge_failure(Classified(outcome, "HTTP 404"), FailureStreak.from_history(_attempts(*spec)), Policy(),
                           refused=refused)
    assert judged.verdict.value == verdict
    assert ("has never worked" in judged.detail) == (verdict == "gone")
