"""A run's findings as one message for the people who act on them, sent through apprise (e-mail, Slack,
Matrix, webhooks, ...: the notification library changedetection.io and others use).

`message` is pure: a title with the counts, the worst claims with why, a link to the review app when one is
given; nothing when no finding is at or above `--fail-on` or the network was down (no false alarms).
`send` delivers it to every URL and returns what failed: a failing notifier is a warning, never a lost run."""

from __future__ import annotations

from dataclasses import dataclass

from claimcheck.core.verdicts import Level, Verdict
from claimcheck.report.model import ReportData, clean, worst_first

WORST_SHOWN = 10


@dataclass(frozen=True)
class Message:
    title: str
    body: str


def message(data: ReportData, fail_on: str, review_url: str | None = None) -> Message | None:
    """The message for a run, or None when it has nothing to say at `fail_on` or above."""
    if data.network_down or fail_on == "never":
        return None
    threshold = Level(fail_on).rank
    counts = {verdict: n for verdict, n in data.claim_summary.items() if n}
    flagged = {v: n for v, n in counts.items() if _level(v).rank >= threshold}
    if not flagged:
        return None
    by_level: dict[str, int] = {}
    for verdict, n in flagged.items():
        by_level[_level(verdict).value] = by_level.get(_level(verdict).value, 0) + n
    shown = ", ".join(f"{n} {level}{'s' if n != 1 else ''}" for level, n in
                      sorted(by_level.items(), key=lambda item: -Level(item[0]).rank))
    title = f"claimcheck: {shown} in {clean(data.title)}"
    lines: list[str] = []
    for claim in data.claims:
        if len(lines) == WORST_SHOWN:
            break
        if _level(claim.status.value).rank < threshold:
            break  # worst first: the rest are below the threshold
        worst = next(s for s in claim.sources if s["verdict"] == claim.status.value)
        why = f": {clean(worst['detail'])[:200]}" if worst["detail"] else ""
        lines.append(f"- {claim.id}: {claim.status.value} ({worst['source_id']}){why}")
    total = sum(flagged.values())
    if total > len(lines):
        lines.append(f"... and {total - len(lines)} more")
    if review_url:
        lines.append(f"Review: {review_url}")
    run = data.run
    lines.append(f"Run {run['id']}, {run['started_at']}, {', '.join(f'{v}: {n}' for v, n in worst_first(counts))}")
    return Message(title, "\n".join(lines))


def _level(verdict: str) -> Level:
    return Verdict(verdict).level


def send(urls: list[str], note: Message) -> list[str]:
    """Deliver to every URL; the reasons of those that failed (an unknown scheme, a refused connection)."""
    import apprise  # here: only a run asked to notify pays for importing it

    failed = []
    for url in urls:
        sender = apprise.Apprise()
        if not sender.add(url):
            failed.append(f"{_redacted(url)}: not a notification URL apprise knows")
            continue
        if not sender.notify(title=note.title, body=note.body):
            failed.append(f"{_redacted(url)}: the notification was not delivered")
    return failed


def _redacted(url: str) -> str:
    """A notification URL without its secrets (tokens and passwords sit in its path and user part)."""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].rsplit("@", 1)[-1]
    return f"{scheme}://{host}/..."
