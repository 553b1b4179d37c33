"""`--format markdown`: fits a GitHub issue or pull-request comment."""

from __future__ import annotations

import html
from collections.abc import Iterator

from claimcheck.core.verdicts import Level, Verdict
from claimcheck.report.model import ADD_EVIDENCE_HINT, ReportData, article_heading, clean, worst_first

ICONS = {Level.OK: "✅", Level.NOTICE: "ℹ️", Level.WARNING: "⚠️", Level.ERROR: "❌"}


def _cell(text: object) -> str:
    # Escaped, so page content cannot inject markup or break the table.
    return html.escape(clean(text)).replace("|", "\\|").replace("\n", " ")


_TABLE_HEAD = ["| Claim | Status | Source | Verdict | Detail |", "|---|---|---|---|---|"]


def _counts(counts: dict[str, int]) -> str:
    return " · ".join(f"{ICONS[Verdict(v).level]} {v}: {n}" for v, n in worst_first(counts))


def render(data: ReportData) -> Iterator[str]:
    run = data.run
    lines = [f"## claimcheck: {len(data.claims)} claims", "",
             f"Run {run['id']} at {run['started_at']}, network: {run['network']}.", ""]
    if data.network_down:
        lines += ["> **The network was down**: nothing was fetched and no source is flagged.", ""]
    lines += [f"**Claims** ({len(data.claims)}): {_counts(data.claim_summary) or 'none'}  ",
              f"**Claim-source pairs** ({data.pairs}): {_counts(data.summary) or 'none'}"]
    if data.without_evidence:
        lines.append(f"<br>{data.without_evidence} pairs {_cell(ADD_EVIDENCE_HINT)}")
    lines += ["", *_TABLE_HEAD]
    yield "\n".join(lines) + "\n"
    # Claims come worst first: problems in the open table, verified ones folded away below it (per article,
    # when several are checked: articles worst first, each with its own table).
    folded = False
    for item in data.listed():
        claim = item.claim
        if item.opens is not None:
            if folded:
                yield "\n</details>\n"
                folded = False
            yield "\n".join(["", f"### {_cell(article_heading(item.opens))}", "", *_TABLE_HEAD]) + "\n"
        if item.first_verified:
            folded = True
            summary = f"<details><summary>{item.verified} verified claims</summary>"
            yield "\n".join(["", summary, "", *_TABLE_HEAD]) + "\n"
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
    if folded:
        yield "\n</details>\n"
    if data.hidden:
        yield f"\n{data.hidden} verified claims not shown (`--show all` lists them).\n"
    heading = ["", "### Changes since the accepted baselines"]
    for source_id, diff in (data.diffs.items() if data.diffs else ()):
        lines = [*heading, "", f"<details><summary>{_cell(source_id)}</summary>", "", "```diff"]
        lines += [f"{op}{line}".replace("```", "ˋˋˋ") for op, line in diff if op in "+-"][:200]
        lines += ["```", "", "</details>"]
        heading = []
        yield "\n".join(lines) + "\n"
