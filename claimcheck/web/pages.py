"""What a maintainer reads: what needs them (the latest run's claims, worst first), a claim with its sources,
a source's captures (timeline, a side-by-side word diff of any two, the archived page as it was) and runs."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from claimcheck.claims.load import article_as_read
from claimcheck.core.errors import ClaimcheckError, NotFound
from claimcheck.core.verdicts import LEVELS, SEVERITY, Level, Verdict
from claimcheck.reading.evidence import holds_evidence
from claimcheck.reading.latest import main_text_of, read_the_page
from claimcheck.reading.textdiff import Change, line_diff, paired, word_spans
from claimcheck.report import FORMATS, ClaimReports, build_report, clean, renderers
from claimcheck.report.model import worst_first
from claimcheck.review.actions import suggestions
from claimcheck.web.app import App
from claimcheck.web.archived import ARCHIVED_CSP, harmless_html, payload_of

Handler = Callable[[Request], Awaitable[Response]]
_TYPES = {"text": "text/plain", "json": "application/json", "markdown": "text/markdown", "html": "text/html",
          "junit": "application/xml"}


@dataclass(frozen=True)
class Row:
    """A claim on the "what needs me" page, with why in one line."""

    id: str
    text: str
    status: str
    level: str
    article: str | None
    why: str


def _why(sources: list[Any], status: str) -> str:
    worst = next((s for s in sources if s["verdict"] == status), sources[0])
    detail = f": {worst['detail']}" if worst["detail"] else ""
    return clean(f"{worst['source_id']} {worst['verdict']}{detail}")


def needs(app: App) -> Handler:
    async def handler(request: Request) -> Response:
        store = app.store
        run = store.runs.last_check()
        if run is None:
            return app.page("empty.html", request)
        wanted = {name: request.query_params.get(name) or None for name in ("verdict", "level", "article",
                                                                             "publisher")}
        try:
            page = max(1, int(request.query_params.get("page", "1")))
        except ValueError:
            page = 1
        publisher_of = {sid: s.publisher for sid, s in app.claims.sources.items()}
        size = app.settings.page_size
        asleep = store.reviews.asleep_captures()
        show_snoozed = request.query_params.get("snoozed") == "1"
        rows: list[Row] = []
        matched = snoozed = 0
        for claim in ClaimReports(store, run["id"], worst_first=True):
            status = claim.status.value
            flagged = [s for s in claim.sources if LEVELS[Verdict(s["verdict"])] is not Level.OK]
            if flagged and all(s["capture_id"] in asleep for s in flagged):
                snoozed += 1  # every finding of it waits for its page to change
                if not show_snoozed:
                    continue
            if wanted["verdict"] and status != wanted["verdict"]:
                continue
            if wanted["level"] and LEVELS[claim.status].value != wanted["level"]:
                continue
            if wanted["article"] and claim.article != wanted["article"]:
                continue
            if wanted["publisher"] and not any(publisher_of.get(s["source_id"]) == wanted["publisher"]
                                               for s in claim.sources):
                continue
            matched += 1
            if (page - 1) * size < matched <= page * size:
                rows.append(Row(claim.id, clean(claim.text), status, LEVELS[claim.status].value, claim.article,
                                _why(claim.sources, status)))
        groups: dict[str | None, list[Row]] = {}
        for row in rows:
            groups.setdefault(row.article, []).append(row)
        counts = store.findings.claim_status_counts(run["id"])
        return app.page("needs.html", request, run=run, groups=groups, matched=matched, page=page,
                        snoozed=snoozed, show_snoozed=show_snoozed,
                        pages=max(1, -(-matched // size)), wanted=wanted,
                        counts=worst_first(counts),
                        verdicts=[v.value for v in SEVERITY], level_names=[lv.value for lv in Level],
                        articles=sorted({a["article"] for a in store.runs.articles(run["id"]) if a["article"]}),
                        publishers=sorted({s.publisher for s in app.claims.sources.values() if s.publisher}))
    return handler


def claim(app: App) -> Handler:
    async def handler(request: Request) -> Response:
        claim_id = request.query_params.get("id", "")
        try:
            known = app.claims.claim_named(claim_id)
        except NotFound as exc:
            return app.page("message.html", request, 404, title="No such claim", message=str(exc))
        run = app.store.runs.last_check()
        findings = app.store.findings.of_claim(run["id"], known.id) if run else []
        accepted = app.store.reviews.accepted_evidence()
        cited = []
        for cite in known.cites:
            source = app.claims.sources[cite.source]
            finding = next((f for f in findings if f["source_id"] == cite.source), None)
            support = json.loads(finding["support"]) if finding and finding["support"] else None
            memento = app.store.mementos.latest(source.url) if source.url else None
            cited.append({"source": source, "finding": finding, "support": support, "memento": memento,
                          "evidence": known.accepted(accepted, source) or cite.evidence,
                          "level": LEVELS[Verdict(finding["verdict"])].value if finding else "notice"})
        try:
            suggested = suggestions(app.store, app.claims, known.id, limit=3)
        except ClaimcheckError:
            suggested = {}
        return app.page("claim.html", request, claim=known, cited=cited, suggested=suggested, run=run,
                        context=_in_context(app, known.text))
    return handler


def _in_context(app: App, text: str) -> tuple[str, str, str] | None:
    """The paragraph of the article that quotes the claim, as (before, the claim, after); None where the
    article is not at hand (several claims files, no article path) or does not quote it word for word."""
    path = app.claims.article.path
    if path is None or app.claims.articles:
        return None
    # The claims file's loader keeps the article as a reader sees it (markup read already): reading that as
    # HTML again would find no paragraph at all.
    readable = app.claims.article_text
    if readable is None:
        try:
            readable = article_as_read(path)
        except (OSError, UnicodeDecodeError, ClaimcheckError):
            return None
    for paragraph in readable.split("\n"):
        at = paragraph.find(text)
        if at >= 0:
            return clean(paragraph[:at]), clean(text), clean(paragraph[at + len(text):])
    return None


def source(app: App) -> Handler:
    async def handler(request: Request) -> Response:
        key = request.query_params.get("key", "")
        captures = app.store.captures.of_source(key)
        if not captures:
            return app.page("message.html", request, 404, title="No such source",
                            message=f"no capture of {key!r} in this store")
        readable = [c for c in captures if read_the_page(c)]
        baseline = app.store.reviews.baseline(key)
        by_id = {c["id"]: c for c in captures}
        new_id = _int(request.query_params.get("b")) or (readable[-1]["id"] if readable else None)
        old_id = _int(request.query_params.get("a"))
        if old_id is None and new_id is not None:
            earlier = [c["id"] for c in readable if c["id"] < new_id]
            old_id = (baseline["capture_id"] if baseline and baseline["capture_id"] < new_id
                      else earlier[-1] if earlier else None)
        if (new_id is not None and new_id not in by_id) or (old_id is not None and old_id not in by_id):
            return app.page("message.html", request, 404, title="No such capture",
                            message="that capture is not one of this source's")
        ids = [c["id"] for c in readable]
        position = ids.index(new_id) if new_id in ids else None
        step = {"previous": (ids[position - 2], ids[position - 1]) if position is not None and position >= 2 else None,
                "next": (ids[position], ids[position + 1]) if position is not None and position + 1 < len(ids)
                else None}
        sources = [s for s in app.claims.sources.values() if s.key == key]
        accepted = app.store.reviews.accepted_evidence()
        evidence = [e for s in sources for c in app.claims.claims for cite in c.cites if cite.source == s.id
                    for e in [c.accepted(accepted, s) or cite.evidence] if e]
        # Each capture's text read once: for the diff, and to tell "the same" from "could not be read".
        old_text = main_text_of(app.store, by_id[old_id]) if old_id is not None else None
        new_text = main_text_of(app.store, by_id[new_id]) if new_id is not None else None
        changed = old_text is not None and new_text is not None and old_text != new_text
        rows = _side_by_side(line_diff(old_text or "", new_text or "") if changed else [], evidence)
        unchanged = old_text is not None and old_text == new_text
        url = sources[0].url if sources else captures[-1]["url"]
        memento = app.store.mementos.latest(url) if url else None
        return app.page("source.html", request, key=key, sources=sources, captures=captures, old_id=old_id,
                        new_id=new_id, rows=rows, unchanged=unchanged, baseline=baseline, step=step, url=url,
                        memento=memento, live_url=captures[-1]["final_url"] or url)
    return handler


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _side_by_side(rows: list[tuple[str, str]], evidence: list[str]) -> list[dict[str, Any]]:
    """Rows of a two-column diff: each side's words with the changed ones marked, and whether it holds an
    evidence passage. Unchanged stretches are shown as one row a line."""
    out: list[dict[str, Any]] = []
    for item in paired(rows):
        if isinstance(item, str):
            out.append({"old": [(item, False)], "new": [(item, False)], "kind": "same",
                        "evidence": holds_evidence(item, evidence)})
            continue
        assert isinstance(item, Change)
        if item.old is not None and item.new is not None:
            old, new = word_spans(item.old, item.new)
        else:
            old = [(item.old, True)] if item.old is not None else []
            new = [(item.new, True)] if item.new is not None else []
        out.append({"old": old, "new": new, "kind": "changed",
                    "evidence": holds_evidence(item.old or "", evidence) or holds_evidence(item.new or "", evidence)})
    return out


def archived(app: App) -> Handler:
    async def handler(request: Request) -> Response:
        try:
            capture = app.store.captures.get(int(request.path_params["capture_id"]))
            body, content_type = payload_of(app.store, capture)
        except ClaimcheckError as exc:
            return PlainTextResponse(str(exc), 404)
        headers = {"Content-Security-Policy": ARCHIVED_CSP, "X-Content-Type-Options": "nosniff"}
        if "html" in content_type.lower() or body.lstrip()[:1] == b"<":
            return Response(harmless_html(body), media_type="text/html", headers=headers)
        # PDFs and the rest: their text as archived, never the file itself (a PDF viewer runs its own code).
        text = main_text_of(app.store, capture) or "(no text could be read from this capture)"
        return PlainTextResponse(text, headers=headers)
    return handler


async def no_icon(request: Request) -> Response:
    return Response(status_code=204)  # browsers ask for one; a 404 would be noise in every console


def runs(app: App) -> Handler:
    async def handler(request: Request) -> Response:
        shown = []
        for run in app.store.runs.recent(200):
            # A check's summary counts (claim, source) pairs by verdict; a fetch's says what it fetched.
            summary = json.loads(run["summary"]) if run.get("summary") else {}
            counts = {k: v for k, v in summary.items() if isinstance(v, int)} if isinstance(summary, dict) else {}
            shown.append({**run, "counts": worst_first(counts)})
        return app.page("runs.html", request, runs=shown, formats=FORMATS)
    return handler


def report(app: App) -> Handler:
    async def handler(request: Request) -> Response:
        run_id = int(request.path_params["run_id"])
        fmt = request.path_params["fmt"]
        if fmt not in FORMATS:
            return PlainTextResponse(f"no report format {fmt!r}: {', '.join(FORMATS)}", 404)
        try:
            data = build_report(app.store, run_id, with_diffs=fmt in ("html", "markdown"),
                                worst_first=fmt in ("text", "markdown", "html"))
        except NotFound as exc:
            return PlainTextResponse(str(exc), 404)
        body = "".join(renderers()[fmt](data))
        suffix = {"markdown": "md", "junit": "xml", "text": "txt"}.get(fmt, fmt)
        return Response(body, media_type=_TYPES[fmt], headers={
            "Content-Disposition": f'attachment; filename="claimcheck-run-{run_id}.{suffix}"'})
    return handler
