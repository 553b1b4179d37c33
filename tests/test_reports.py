"""Reports are written a claim at a time from the store: the pieces add up to the documents they stand for,
and a report cut short leaves nothing behind."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from claimcheck.report import ClaimReport, ClaimReports, ReportData, build_report, jsonfmt
from claimcheck.store import Store
from claimcheck.core.verdicts import Verdict
from conftest import WORLD_PATHS, Runner
from world import PAGES, Site

RUN = {"id": 7, "started_at": "2026-11-25T12:00:00Z", "finished_at": "2026-11-25T12:00:05Z", "network": "ok",
       "claims_file": "claims.yaml", "status": "complete"}


def _finding(source: str, verdict: str, detail: str) -> dict[str, object]:
    return {"source_id": source, "url": f"https://example.org/{source}", "final_url": None, "verdict": verdict,
            "http_status": 200, "captured_at": None, "evidence_score": 0.5, "page_date": None,
            "cited_date": "2025-11-01", "detail": detail, "suggested_url": None}


@pytest.mark.parametrize("count", [0, 1, 3])
def test_json_stream_is_the_document_dumped_whole(count: int) -> None:
    claims = [ClaimReport(f"c{i}", f"Claim «{i}»\nover two lines", Verdict.CHANGED,
                          [_finding("a", "changed", 'said "x"'), _finding("b", "verified", "")] if i else [])
              for i in range(count)]
    data = ReportData(run=RUN, claims=claims, summary={"changed": count, "verified": 0})  # type: ignore[arg-type]
    streamed = "".join(jsonfmt.render(data))
    assert streamed == json.dumps(jsonfmt.document(data), indent=2, ensure_ascii=False) + "\n"


@pytest.fixture
def checked(run: Runner, world: Site) -> Runner:
    """Two checks: the second sees an edited page, a removed one and a changed date."""
    run("check", now="2026-11-20T12:00:00Z")
    intel = (PAGES / "intel-packaging.html").read_text().replace("Foveros", "Stacking").replace("2023", "2021")
    world.page(WORLD_PATHS["intel-2023-packaging"][0], intel)
    world.remove(WORLD_PATHS["synopsys-tsmc-2026-ai-systems"][0])
    run("check", now="2026-11-21T12:00:00Z")
    return run


def test_claims_are_read_back_grouped_in_the_files_order(checked: Runner) -> None:
    with Store(checked.store) as store:
        run_id = int(store.runs.last_check()["id"])
        findings = store.findings.of_run(run_id)
        reports = ClaimReports(store, run_id)
        claims = list(reports)
        assert list(reports) == claims  # iterable again
    assert len(reports) == len(claims) == len({f["claim_id"] for f in findings})
    assert [c.id for c in claims] == list(dict.fromkeys(f["claim_id"] for f in findings))
    assert [s for c in claims for s in c.sources] == findings
    assert {c.status for c in claims} > {Verdict.VERIFIED}


def test_every_format_written_to_a_file_is_what_stdout_gets(checked: Runner, tmp_path: Path) -> None:
    for fmt in ("text", "json", "markdown", "html", "junit"):
        out = tmp_path / f"report.{fmt}"
        assert checked("report", "--format", fmt, "--output", str(out)).exit_code in (0, 1)
        assert out.read_text() == checked("report", "--format", fmt).stdout
    assert not list(tmp_path.glob(".report.*"))  # no temporary file left


def test_markdown_has_the_diffs_of_changed_sources(checked: Runner) -> None:
    text = checked("report", "--format", "markdown").stdout
    assert text.count("### Changes since the accepted baselines") == 1
    assert "<summary>intel-2023-packaging</summary>" in text
    assert "+" in text.split("```diff", 1)[1]


def test_junit_counts_match_its_testcases(checked: Runner) -> None:
    suite = ET.fromstring(checked("report", "--format", "junit").stdout)
    cases = suite.findall("testcase")
    assert int(suite.get("tests", -1)) == len(cases) > 0
    assert int(suite.get("failures", -1)) == sum(1 for c in cases if c.find("failure") is not None) > 0
    assert int(suite.get("skipped", -1)) == sum(1 for c in cases if c.find("skipped") is not None)


def test_a_report_cut_short_leaves_no_file(checked: Runner, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "report.json"
    out.write_text("the previous report")

    def broken(data: ReportData):  # type: ignore[no-untyped-def]
        yield "{"
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jsonfmt, "render", broken)
    result = checked("report", "--format", "json", "--output", str(out))
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert out.read_text() == "the previous report"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def test_the_summary_counts_every_finding(checked: Runner) -> None:
    with Store(checked.store) as store:
        run_id = int(store.runs.last_check()["id"])
        data = build_report(store, run_id)
        assert list(data.summary) == [v.value for v in Verdict]
        assert sum(data.summary.values()) == len(store.findings.of_run(run_id))


@pytest.mark.parametrize("value", [
    None, True, False, 0, -5, 10**30, 0.1, 1e-05, 1e20, -0.0, float("inf"), float("-inf"), float("nan"), "",
    "é\u2028\"\\\n\t\x00 𝄞", [], {}, [[]], {"a": {}}, {"k": [1, {"x": None}], "": [0.5, "s"]}, (1, 2),
])
def test_the_json_report_is_laid_out_as_json_dumps_would(value: object) -> None:
    """`--format json` is written by claimcheck's own indenting (the standard library's is pure Python and
    was half of a large report's time): byte for byte what `json.dumps(indent=2, ensure_ascii=False)` gives."""
    from claimcheck.report.jsonfmt import indented
    assert indented(value) == json.dumps(value, indent=2, ensure_ascii=False)
    assert indented([value], "\n    ") == json.dumps([value], indent=2, ensure_ascii=False).replace("\n", "\n    ")


def test_the_json_layout_matches_json_dumps_on_random_documents() -> None:
    import random

    from claimcheck.report.jsonfmt import indented
    rng = random.Random(7)

    def value(depth: int = 0) -> object:
        roll = rng.random()
        if depth > 3 or roll < 0.4:
            return rng.choice([None, True, False, rng.randint(-10**9, 10**9), rng.random() * 10 ** rng.randint(-9, 9),
                               "".join(chr(rng.randint(0, 0x2FFF)) for _ in range(rng.randint(0, 8)))])
        if roll < 0.7:
            return [value(depth + 1) for _ in range(rng.randint(0, 4))]
        return {"".join(chr(rng.randint(32, 0x2FFF)) for _ in range(rng.randint(0, 5))): value(depth + 1)
                for _ in range(rng.randint(0, 4))}

    for _ in range(3000):
        document = value()
        assert indented(document) == json.dumps(document, indent=2, ensure_ascii=False)
    with pytest.raises(TypeError):
        indented({"a": object()})
