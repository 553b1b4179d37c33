"""`--format markdown`: fits a GitHub issue or pull-request comment."""

from __future__ import annotations

import html
from collections.abc import Iterator

from ..verdicts import Level, Verdict
from . import ReportData, clean

ICONS = {Level.OK: "✅", Level.NOTICE: "ℹ️", Level.WARNING: "⚠️", Level.ERROR: "❌"}


def _cell(text: object) -> str:
    # Escaped, so page content cannot inject markup or break the table.
    return html.escape(clean(text)).replace("|", "\\|").replace("\n", " ")


def render(data: ReportData) -> Iterator[str]:
    run = data.run
    lines = [f"## claimcheck: {len(data.claims)} claims", "",
             f"Run {run['id']} at {run['started_at']}, network: {run['network']}.", ""]
    if data.network_down:
        lines += ["> **The network was down**: nothing was fetched and no source is flagged.", ""]
    counts = " · ".join(f"{ICONS[Verdict(v).level]} {v}: {n}" for v, n in data.summary.items() if n)
    lines += [counts or "No claims.", "", "| Claim | Status | Source | Verdict | Detail |",
              "|---|---|---|---|---|"]
    yield "\n".join(lines) + "\n"
    for claim in data.claims:
        lines = []
        for index, source in enumerate(claim.sources):
            verdict = Verdict(source["verdict"])
            first = index == 0
            link = f"[{_cell(source['source_id'])}]({_cell(source['url'])})" if source["url"] else _cell(
                source["source_id"])
            detail = _cell(source["detail"])
            if source["suggested_url"]:
                detail += f" Suggested URL: <{_cell(source['suggested_url'])}>"
            lines.append(f"| {('`' + _cell(claim.id) + '`') if first else ''} | "
                         f"{(ICONS[claim.status.level] + ' ' + claim.status.value) if first else ''} | {link} | "
                         f"{ICONS[verdict.level]} {verdict.value} | {detail} |")
        if lines:
            yield "\n".join(lines) + "\n"
    heading = ["", "### Changes since the accepted baselines"]
    for source_id, diff in (data.diffs.items() if data.diffs else ()):
        lines = [*heading, "", f"<details><summary>{_cell(source_id)}</summary>", "", "```diff"]
        lines += [f"{op}{line}".replace("```", "ˋˋˋ") for op, line in diff if op in "+-"][:200]
        lines += ["```", "", "</details>"]
        heading = []
        yield "\n".join(lines) + "\n"
