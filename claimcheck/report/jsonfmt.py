"""`--format json`: the versioned document scheduled jobs and scripts read (schema 1, see README)."""

from __future__ import annotations

import json
from typing import Any

from . import SCHEMA_VERSION, ReportData

SOURCE_FIELDS = ("source", "url", "final_url", "verdict", "http_status", "captured_at", "evidence_score",
                 "page_date", "cited_date", "detail")


def document(data: ReportData) -> dict[str, Any]:
    run = data.run
    return {
        "schema": SCHEMA_VERSION,
        "run": {"id": run["id"], "started_at": run["started_at"], "finished_at": run["finished_at"],
                "network": run["network"], "offline": run["network"] == "offline",
                "claims_file": run["claims_file"], "status": run["status"]},
        "summary": data.summary,
        "claims": [
            {"id": claim.id, "status": claim.status.value, "text": claim.text,
             "sources": [{"source": s["source_id"], "url": s["url"], "final_url": s["final_url"],
                          "verdict": s["verdict"], "http_status": s["http_status"], "captured_at": s["captured_at"],
                          "evidence_score": s["evidence_score"], "page_date": s["page_date"],
                          "cited_date": s["cited_date"], "detail": s["detail"],
                          "suggested_url": s["suggested_url"]} for s in claim.sources]}
            for claim in data.claims],
    }


def render(data: ReportData) -> str:
    return json.dumps(document(data), indent=2, ensure_ascii=False) + "\n"
