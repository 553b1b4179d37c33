"""Renderers: one module per format, chosen from `FORMATS`, all fed the same `ReportData`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..store import Store
from ..verdicts import Verdict, worst

SCHEMA_VERSION = 1
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: Any) -> str:
    """Page-derived text made safe for a terminal: control characters and bidi overrides removed."""
    return _CONTROL.sub("", str(text)) if text is not None else ""


@dataclass
class ClaimReport:
    id: str
    text: str
    status: Verdict
    sources: list[dict[str, Any]]


@dataclass
class ReportData:
    run: dict[str, Any]
    claims: list[ClaimReport]
    summary: dict[str, int]
    diffs: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # source id -> [(op, line)]

    @property
    def network_down(self) -> bool:
        return self.run.get("network") == "down"


def build_report(store: Store, run_id: int, *, with_diffs: bool = False) -> ReportData:
    run = store.run(run_id)
    findings = store.findings(run_id)
    claims: dict[str, ClaimReport] = {}
    for finding in findings:
        report = claims.get(finding["claim_id"])
        if report is None:
            report = claims[finding["claim_id"]] = ClaimReport(finding["claim_id"], finding["claim_text"] or "",
                                                               Verdict.UNCHECKED, [])
        report.sources.append(finding)
    for report in claims.values():
        report.status = worst([Verdict(s["verdict"]) for s in report.sources])
    summary = {v.value: 0 for v in Verdict}
    for finding in findings:
        summary[finding["verdict"]] += 1
    diffs: dict[str, list[tuple[str, str]]] = {}
    if with_diffs:
        from ..review import text_diff
        for finding in findings:
            if finding["verdict"] in ("changed", "evidence-missing", "moved", "date-drift") \
                    and finding["source_id"] not in diffs:
                diff = text_diff(store, finding["source_id"])
                if diff:
                    diffs[finding["source_id"]] = diff
    return ReportData(run=run, claims=list(claims.values()), summary=summary, diffs=diffs)


Renderer = Callable[[ReportData], str]


def renderers() -> dict[str, Renderer]:
    from . import html, jsonfmt, junit, markdown, text
    return {"text": text.render, "json": jsonfmt.render, "markdown": markdown.render, "html": html.render,
            "junit": junit.render}


FORMATS = ("text", "json", "markdown", "html", "junit")
