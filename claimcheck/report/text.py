"""`--format text`: for a person at a terminal (colour only when the output is one)."""

from __future__ import annotations

from collections.abc import Iterator

from claimcheck.core.text import counted
from claimcheck.core.verdicts import Level, Verdict
from claimcheck.report.model import ADD_EVIDENCE_HINT, ReportData, article_heading, clean, counts_line

SYMBOLS = {Level.OK: "✓", Level.NOTICE: "·", Level.WARNING: "!", Level.ERROR: "✗"}
COLOURS = {Level.OK: "green", Level.NOTICE: "blue", Level.WARNING: "yellow", Level.ERROR: "red"}


def render(data: ReportData, *, colour: bool = False) -> Iterator[str]:
    import click

    def style(text: str, level: Level, bold: bool = False) -> str:
        return click.style(text, fg=COLOURS[level], bold=bold) if colour else text

    run = data.run
    lines = [f"claimcheck run {run['id']} at {run['started_at']} ({_network(run['network'])})", ""]
    if data.network_down:
        lines += ["The network is down: nothing was fetched and no source is flagged. "
                  "Verdicts below come from the archive.", ""]
    yield "\n".join(lines) + "\n"
    for item in data.listed():
        claim = item.claim
        lines = []
        if item.opens is not None:
            lines += [style(f"== {article_heading(item.opens)}", item.opens.status.level, bold=True), ""]
        level = claim.status.level
        lines.append(style(f"{SYMBOLS[level]} {claim.status.value:<16} {claim.id}", level, bold=True))
        lines.append(f"    {clean(claim.text)}")
        for source in claim.sources:
            verdict = Verdict(source["verdict"])
            lines.append("    " + style(f"{verdict.value:<16}", verdict.level) + f" {source['source_id']}"
                         + (f"  {clean(source['url'])}" if source["url"] else ""))
            if source["detail"]:
                lines.append(f"        {clean(source['detail'])}")
            if source["suggested_url"]:
                lines.append(f"        suggested URL: {clean(source['suggested_url'])}")
        lines.append("")
        yield "\n".join(lines) + "\n"
    if data.hidden:
        yield f"({data.hidden} verified claims not shown: --show all lists them)\n\n"
    yield (f"Claims: {counts_line(data.claim_summary) or 'none'} ({counted(len(data.claims), 'claim')})\n"
           f"Pairs:  {counts_line(data.summary) or 'none'} ({counted(data.pairs, 'claim-source pair')})\n")
    if data.without_evidence:
        yield f"{data.without_evidence} pairs {ADD_EVIDENCE_HINT}\n"


def _network(network: str | None) -> str:
    return {"ok": "online", "down": "network down", "offline": "offline, from the archive"}.get(network or "",
                                                                                               network or "?")
