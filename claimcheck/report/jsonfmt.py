"""`--format json`: the versioned document scheduled jobs and scripts read (schema 1, see README)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from json.encoder import encode_basestring
from typing import Any

from claimcheck.report.model import SCHEMA_VERSION, ClaimReport, ReportData
from claimcheck.store.rows import FindingRow


def _article(data: ReportData, label: str | None) -> dict[str, Any]:
    article = data.article(label)
    return {"file": article.file if article else label, "title": article.title if article else None}


def _claim(data: ReportData, claim: ClaimReport) -> dict[str, Any]:
    # A run over several claims files says which each claim is from; one file's document is as it always was.
    article = {"article": _article(data, claim.article)} if data.several else {}
    return {"id": claim.id, "status": claim.status.value, "text": claim.text, **article,
            "sources": [{"source": s["source_id"], "url": s["url"], "final_url": s["final_url"],
                         "verdict": s["verdict"], "http_status": s["http_status"], "captured_at": s["captured_at"],
                         "evidence_score": s["evidence_score"], "page_date": s["page_date"],
                         "cited_date": s["cited_date"], "detail": s["detail"],
                         "suggested_url": s["suggested_url"], "checked": _checked(s),
                         "support": _support(s),
                         "touches_claim": None if s.get("touches_claim") is None else bool(s["touches_claim"])}
                        for s in claim.sources]}


def _support(finding: FindingRow) -> dict[str, Any] | None:
    """How the evidence passage as found bears on the claim; null where it was found word for word, where
    the claim has none, or for findings stored before claimcheck judged it."""
    stored = finding.get("support")
    return json.loads(stored) if stored else None


def _checked(finding: FindingRow) -> bool | None:
    """Whether this run fetched what it judged (false: judged from an earlier capture); null for findings
    stored before claimcheck recorded it."""
    return None if finding.get("checked") is None else bool(finding["checked"])


def _head(data: ReportData) -> dict[str, Any]:
    run = data.run
    head: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "run": {"id": run["id"], "started_at": run["started_at"], "finished_at": run["finished_at"],
                "network": run["network"], "offline": run["network"] == "offline",
                "claims_file": run["claims_file"], "status": run["status"]},
        "summary": data.summary,
    }
    if data.several:
        head["articles"] = [{"file": a.file, "title": a.title, "status": a.status.value, "claims": a.claims,
                             "summary": {v: a.summary.get(v, 0) for v in data.summary}} for a in data.articles]
    return head


def document(data: ReportData) -> dict[str, Any]:
    """The whole document as one value (the stream `render` writes parses to this)."""
    return {**_head(data), "claims": [_claim(data, claim) for claim in data.claims]}


_INFINITY = float("inf")


def indented(value: Any, newline: str = "\n") -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, with each line after the first starting with
    `newline`'s indentation. The standard library's indenting encoder is pure Python, and was half of writing
    a 10,000-claim report; this one hands strings and numbers to its C parts (`encode_basestring`, the
    same float repr) and does only the layout here. Values are what JSON holds (dict keys are strings)."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value or value in (_INFINITY, -_INFINITY):
            return "NaN" if value != value else "Infinity" if value > 0 else "-Infinity"  # as json.dumps
        return float.__repr__(value)
    inner = newline + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        return ("{" + inner + ("," + inner).join(f"{encode_basestring(key)}: {indented(item, inner)}"
                                                 for key, item in value.items()) + newline + "}")
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return "[" + inner + ("," + inner).join(indented(item, inner) for item in value) + newline + "]"
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def render(data: ReportData) -> Iterator[str]:
    """The text of `json.dumps(document(data), indent=2, ensure_ascii=False)`, a claim at a time."""
    head = indented({**_head(data), "claims": []})
    assert head.endswith("[]\n}")  # "claims" is the last key
    yield head[:-len("[]\n}")]
    separator = "[\n    "
    for claim in data.claims:
        yield separator + indented(_claim(data, claim), "\n    ")
        separator = ",\n    "
    yield "[]\n}\n" if separator.startswith("[") else "\n  ]\n}\n"
