"""`--format html`: one self-contained file (no network requests), safe against hostile page content.

Every piece of page-derived text goes through `html.escape`; the page carries a Content-Security-Policy that
forbids any script but its own inline filter (by hash) and any request at all, so even an escaping bug could
not run a page's script or call home.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Iterator

from claimcheck.core.text import counted
from claimcheck.core.verdicts import Level, Verdict
from claimcheck.reading.evidence import holds_evidence
from claimcheck.reading.match import DEFAULT_THRESHOLD
from claimcheck.reading.textdiff import Span, paired, word_spans
from claimcheck.report.model import (
    ADD_EVIDENCE_HINT,
    ClaimReport,
    Diffs,
    ReportData,
    article_heading,
    clean,
    counts_line,
)

_SCRIPT = """
document.querySelectorAll('input[name=verdict]').forEach(function (box) {
  box.addEventListener('change', function () {
    var shown = {};
    document.querySelectorAll('input[name=verdict]').forEach(function (b) { shown[b.value] = b.checked; });
    document.querySelectorAll('.claim').forEach(function (row) {
      var any = false;
      row.getAttribute('data-verdicts').split(' ').forEach(function (v) { if (shown[v]) { any = true; } });
      row.hidden = !any;
    });
  });
});
""".strip()
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()

_STYLE = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:72rem;color:#1b1f24;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .25rem} .meta{color:#57606a;margin-bottom:1rem}
.summary{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0}
.summary label{border:1px solid #d0d7de;border-radius:2rem;padding:.2rem .7rem;cursor:pointer;user-select:none}
.claim{border:1px solid #d0d7de;border-radius:.5rem;padding:.75rem 1rem;margin:.75rem 0}
.claim h2{font-size:1rem;margin:0;display:flex;gap:.5rem;align-items:center}
.text{margin:.4rem 0 .6rem;color:#24292f}
table{border-collapse:collapse;width:100%} td,th{border-top:1px solid #eaeef2;padding:.35rem .4rem;text-align:left;vertical-align:top}
.badge{display:inline-block;border-radius:.3rem;padding:0 .45rem;font-size:.85rem;font-weight:600;color:#fff}
.ok{background:#1a7f37}.notice{background:#0969da}.warning{background:#9a6700}.error{background:#cf222e}
.detail{color:#57606a;font-size:.9rem} .url{word-break:break-all;font-size:.85rem}
.diff{display:grid;grid-template-columns:1fr 1fr;gap:0;font:12px/1.4 ui-monospace,monospace;margin:.5rem 0;border:1px solid #d0d7de}
.diff div{padding:.1rem .4rem;white-space:pre-wrap;word-break:break-word;border-bottom:1px solid #f0f2f4}
.del{background:#ffebe9}.add{background:#e6ffec}.del mark{background:#ffc1bd}.add mark{background:#abf2bc}.same{color:#57606a}
.evidence{box-shadow:inset 4px 0 #8250df}.evidence::after{content:" \\2190  evidence passage";color:#8250df;font-size:.8em}
.banner{background:#fff8c5;border:1px solid #d4a72c;padding:.6rem 1rem;border-radius:.4rem}
"""


def _code_spans(text: str) -> str:
    """Escaped text whose `backquoted` parts are shown as code, as Markdown would."""
    return re.sub(r"`([^`]+)`", lambda m: f"<code>{m.group(1)}</code>", _e(text))


def _e(value: object) -> str:
    return html.escape(clean(value), quote=True)


def _badge(verdict: Verdict) -> str:
    return f'<span class="badge {verdict.level.value}">{_e(verdict.value)}</span>'


def _marked(spans: list[Span]) -> str:
    """A line's words, escaped, with the stretches that changed wrapped in <mark>."""
    return " ".join(f"<mark>{_e(text)}</mark>" if changed else _e(text) for text, changed in spans)


def _diff(rows: list[tuple[str, str]], evidence: list[str] | None = None) -> str:
    """Side by side: removed lines left, added lines right, context across both; changed words marked, and
    the lines that hold a claim's evidence passage marked as such (as the terminal's `diff` marks them)."""
    cells: list[str] = []
    passages = evidence or []

    def cell(kind: str, text: str | None, html: str) -> str:
        if text is None:
            return "<div></div>"
        if passages and holds_evidence(text, passages):
            return f'<div class="{kind} evidence" title="holds the evidence passage">{html}</div>'
        return f'<div class="{kind}">{html}</div>'

    for item in paired(rows):
        if isinstance(item, str):
            cells.append(cell("same", item, _e(item)) * 2)
            continue
        if item.old is not None and item.new is not None:
            old_spans, new_spans = word_spans(item.old, item.new)
            old_html, new_html = _marked(old_spans), _marked(new_spans)
        else:
            old_html, new_html = _e(item.old), _e(item.new)
        cells.append(cell("del", item.old, old_html))
        cells.append(cell("add", item.new, new_html))
    return ('<div class="diff" role="table" aria-label="baseline and latest main text">'
            '<div><b>accepted baseline</b></div><div><b>latest capture</b></div>' + "".join(cells) + "</div>")


def render(data: ReportData) -> Iterator[str]:
    run = data.run
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{_SCRIPT_HASH}'; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(data.title)}: claimcheck, run {_e(run['id'])}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{_e(data.title)}</h1>",
        f'<div class="meta">Run {_e(run["id"])} at {_e(run["started_at"])} · network: {_e(run["network"])} · '
        f'{_e(run["claims_file"])}</div>',
    ]
    if data.network_down:
        parts.append('<p class="banner">The network was down: nothing was fetched and no source is flagged.</p>')
    parts.append(f'<p class="counts"><b>{_e(counted(len(data.claims), "claim"))}</b>: '
                 f'{_e(counts_line(data.claim_summary))}</p>')
    parts.append(f'<form class="summary" aria-label="filter by verdict"><b>'
                 f'{_e(counted(data.pairs, "claim-source pair"))}</b>')
    for verdict in Verdict:
        count = data.summary.get(verdict.value, 0)
        if count:  # a chip for every verdict the run gave; none for those it did not
            parts.append(f'<label><input type="checkbox" name="verdict" value="{verdict.value}" checked> '
                         f'{_badge(verdict)} {count}</label>')
    parts.append("</form>")
    parts.append('<p class="detail">Evidence: how closely the page still holds the claim\'s recorded passage, '
                 f"from 1.00 (word for word) down; under {DEFAULT_THRESHOLD:.2f} the passage is missing.</p>")
    if data.without_evidence:
        parts.append(f'<p class="detail">{data.without_evidence} pairs {_code_spans(ADD_EVIDENCE_HINT)}</p>')
    yield "\n".join(parts) + "\n"
    # Claims come worst first: problems open, verified claims folded into one closed section at the end.
    folded = False
    for item in data.listed():
        if item.opens is not None:  # several articles: each its own section, worst first
            if folded:
                yield "</details>\n"
                folded = False
            yield f'<h2 class="article">{_e(article_heading(item.opens))}</h2>\n'
        if item.first_verified:
            folded = True
            yield f'<details class="verified"><summary>{item.verified} verified claims</summary>\n'
        yield _claim(item.claim, data.diffs)
    if folded:
        yield "</details>\n"
    if data.hidden:
        yield (f'<p class="detail">{data.hidden} verified claims not shown (<code>--show all</code> lists them).'
               "</p>\n")
    heading = '<h2 id="changes">What changed since the accepted baselines</h2>'
    for source_id, diff in (data.diffs.items() if data.diffs else ()):
        passages = data.diffs.evidence.get(source_id) if data.diffs else None
        yield (f'{heading}<details open id="diff-{_e(source_id)}"><summary>{_e(source_id)}</summary>'
               f"{_diff(diff, passages)}</details>\n")
        heading = ""
    yield f"<script>{_SCRIPT}</script></body></html>\n"


def _claim(claim: ClaimReport, diffs: Diffs | None) -> str:
    parts = []
    verdicts = " ".join(sorted({s["verdict"] for s in claim.sources}))
    parts.append(f'<section class="claim" id="claim-{_e(claim.id)}" data-status="{claim.status.value}" '
                 f'data-verdicts="{_e(verdicts)}">')
    parts.append(f"<h2>{_badge(claim.status)} <code>{_e(claim.id)}</code></h2>")
    parts.append(f'<p class="text">{_e(claim.text)}</p><table><tr><th>source</th><th>verdict</th>'
                 "<th>dates (page / cited)</th><th>evidence</th><th>detail</th></tr>")
    for source in claim.sources:
        verdict = Verdict(source["verdict"])
        score = "" if source["evidence_score"] is None else f"{source['evidence_score']:.2f}"
        suggested = (f'<div class="url">suggested: {_e(source["suggested_url"])}</div>'
                     if source["suggested_url"] else "")
        # A source's diff is shown once, after the claims; each claim citing it links there.
        changes = (f' <a href="#diff-{_e(source["source_id"])}">what changed</a>'
                   if diffs and diffs.get(source["source_id"]) else "")
        parts.append(
            f'<tr><td>{_e(source["source_id"])}<div class="url">{_e(source["url"] or "no URL")}</div></td>'
            f"<td>{_badge(verdict)}</td><td>{_e(source['page_date'] or '—')} / {_e(source['cited_date'] or '—')}"
            f'</td><td>{score}</td><td class="detail">{_e(source["detail"])}{changes}{suggested}</td></tr>')
    parts.append("</table></section>")
    return "\n".join(parts) + "\n"


__all__ = ["Level", "render"]
