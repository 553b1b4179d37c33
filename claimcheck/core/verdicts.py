"""The vocabulary of verdicts, their levels, and exit codes: in one place, as lychee keeps its outcomes."""

from __future__ import annotations

from enum import Enum


class Verdict(str, Enum):
    VERIFIED = "verified"
    CHANGED = "changed"
    MOVED = "moved"
    DATE_DRIFT = "date-drift"
    EVIDENCE_MISSING = "evidence-missing"
    GONE = "gone"
    UNREACHABLE = "unreachable"
    BLOCKED = "blocked"
    UNCHECKED = "unchecked"

    @property
    def level(self) -> Level:
        return LEVELS[self]


class Level(str, Enum):
    OK = "ok"
    NOTICE = "notice"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]


_LEVEL_RANK = {Level.OK: 0, Level.NOTICE: 1, Level.WARNING: 2, Level.ERROR: 3}

LEVELS = {
    Verdict.VERIFIED: Level.OK,
    Verdict.CHANGED: Level.WARNING,
    Verdict.MOVED: Level.WARNING,
    Verdict.DATE_DRIFT: Level.WARNING,
    Verdict.EVIDENCE_MISSING: Level.ERROR,
    Verdict.GONE: Level.ERROR,
    Verdict.UNREACHABLE: Level.NOTICE,
    Verdict.BLOCKED: Level.NOTICE,
    Verdict.UNCHECKED: Level.NOTICE,
}

# Worst first: a claim's status is the first of these among its sources' verdicts.
SEVERITY = [
    Verdict.GONE, Verdict.EVIDENCE_MISSING, Verdict.MOVED, Verdict.DATE_DRIFT, Verdict.CHANGED,
    Verdict.UNREACHABLE, Verdict.BLOCKED, Verdict.UNCHECKED, Verdict.VERIFIED,
]


def worst(verdicts: list[Verdict]) -> Verdict:
    if not verdicts:
        return Verdict.UNCHECKED
    return min(verdicts, key=SEVERITY.index)


class ExitCode:
    """The process exit codes, documented in the README."""

    OK = 0  # nothing at or above --fail-on
    FINDINGS = 1  # findings at or above --fail-on
    BAD_INPUT = 2  # bad input or usage
    NETWORK_DOWN = 3  # nothing could be checked: the network is down


FAIL_ON_CHOICES = ("error", "warning", "notice", "never")


def present(counts: dict[str, int]) -> list[Verdict]:
    """The verdicts given at least once, from counts by verdict (a run's summary)."""
    return [Verdict(verdict) for verdict, count in counts.items() if count]


def exit_code_for(verdicts: list[Verdict], fail_on: str, network_down: bool) -> int:
    if network_down:
        return ExitCode.NETWORK_DOWN
    if fail_on == "never":
        return ExitCode.OK
    threshold = Level(fail_on).rank
    return ExitCode.FINDINGS if any(v.level.rank >= threshold for v in verdicts) else ExitCode.OK
