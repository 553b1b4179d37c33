"""The contracts scripts rely on: JSON fields, formats, exit codes, options, and documented commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, WORLD_PATHS, Runner
from world import PAGES, Site

from claimcheck.cli.main import cli

VERDICTS = ["verified", "changed", "moved", "date-drift", "evidence-missing", "gone", "unreachable", "blocked",
            "unchecked"]
SOURCE_FIELDS = {"source", "url", "final_url", "verdict", "http_status", "captured_at", "evidence_score",
                 "page_date", "cited_date", "detail"}


def test_json_document_shape(run: Runner) -> None:
    code, doc = run.json()
    assert code == 0
    assert doc["schema"] == 1
    assert set(doc) == {"schema", "run", "summary", "claims"}
    assert {"id", "started_at", "finished_at"} <= set(doc["run"])
    assert list(doc["summary"]) == VERDICTS
    for claim in doc["claims"]:
        assert {"id", "status", "text", "sources"} <= set(claim)
        assert claim["status"] in VERDICTS
        for source in claim["sources"]:
            assert SOURCE_FIELDS <= set(source)
            assert source["verdict"] in VERDICTS


def test_output_file_and_report_renders_the_same_check(run: Runner, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = run("check", "--format", "json", "--output", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    again = run("report", "--format", "json")
    assert json.loads(again.stdout) == json.loads(out.read_text())


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "junit"])
def test_every_format_renders(run: Runner, fmt: str) -> None:
    run("check")
    result = run("report", "--format", fmt)
    assert result.exit_code == 0
    assert "intel-emib-foveros" in result.stdout


def test_junit_has_one_testcase_per_claim(run: Runner, world: Site) -> None:
    world.status(WORLD_PATHS["intel-2023-packaging"][0], 403)
    run("check")
    suite = ET.fromstring(run("report", "--format", "junit").stdout)
    cases = suite.findall("testcase")
    assert len(cases) == 8
    skipped = [c.get("name") for c in cases if c.find("skipped") is not None]
    assert "intel-emib-foveros" in skipped and "ase-interconnect-chiplets" in skipped


def test_markdown_escapes_page_content(run: Runner, world: Site) -> None:
    hostile = (PAGES / "amd-engineering-ai.html").read_text().replace("Nov 11, 2025", "Oct 1, 2025").replace(
        "<h1 class=\"cmp-title__text\">Engineering",
        "<h1 class=\"cmp-title__text\">| <img src=x onerror=alert(1)> Engineering")
    world.page(WORLD_PATHS["amd-2025-engineering-ai"][0], hostile)
    run("check")
    text = run("report", "--format", "markdown").stdout
    assert "<img" not in text
    assert "date-drift" in text


def test_fail_on_levels(run: Runner, world: Site) -> None:
    world.status(WORLD_PATHS["intel-2023-packaging"][0], 403)  # blocked: a notice
    assert run("check").exit_code == 0
    assert run("report", "--fail-on", "notice").exit_code == 1
    assert run("report", "--fail-on", "never").exit_code == 0


def test_report_before_any_check(tmp_path: Path, site: Site) -> None:
    from conftest import write_claims
    runner = Runner(write_claims(tmp_path, site), tmp_path / "store")
    result = runner("report")
    assert result.exit_code == 2
    assert "no store" in result.stderr or "no check" in result.stderr


def test_bad_clock_is_bad_input(run: Runner) -> None:
    result = run("check", now="yesterday-ish")
    assert result.exit_code == 2
    assert "CLAIMCHECK_NOW" in result.stderr


def test_usage_error_exits_2(run: Runner) -> None:
    assert run("check", "--format", "pdf").exit_code == 2
    assert run("check", "--max-concurrency", "0").exit_code == 2


def test_bad_claims_file_exits_2_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text("sources:\n  a:\n    publisher: p\n    title: t\n    url: gopher://x\nclaims: []\n")
    result = CliRunner().invoke(cli, ["--claims", str(path), "--store", str(tmp_path / "s"), "check"])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{path}:5: sources.a.url: only http and https URLs can be checked, not 'gopher'"


def test_text_report_strips_control_characters(run: Runner, world: Site) -> None:
    path = WORLD_PATHS["amd-2025-engineering-ai"][0]
    page = (PAGES / "amd-engineering-ai.html").read_text().replace("Nov 11, 2025", "Oct 1, 2025")
    world.page(path, page.replace("AMD's architecture-first", "\x1b[2J\x1b]0;pwned\x07AMD's architecture-first"))
    run("check")
    text = run("report").stdout
    assert "\x1b" not in text and "\x07" not in text


def test_fetch_archives_without_judging(run: Runner) -> None:
    import sqlite3
    result = run("fetch")
    assert result.exit_code == 0, result.output
    assert "fetched 5 URLs" in result.stderr
    db = sqlite3.connect(run.store / "claimcheck.db")
    assert db.execute("select count(*) from captures").fetchone()[0] == 5
    assert db.execute("select count(*) from findings").fetchone()[0] == 0
    # A later offline check judges what fetch archived.
    code, doc = run.json("--offline")
    assert code == 0 and doc["summary"]["verified"] == 10


def test_unusable_paths_are_one_line_errors(run: Runner, tmp_path: Path) -> None:
    result = run("check", "--offline", "--output", str(tmp_path / "missing" / "report.txt"))
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"claimcheck: cannot write the report to {tmp_path / 'missing' / 'report.txt'}: "
                                     "No such file or directory")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    store = Runner(run.claims, blocker / "store")("check", "--offline")
    assert store.exit_code == 2
    assert store.stderr.startswith(f"claimcheck: cannot create the store {blocker / 'store'}:")
    assert "Traceback" not in store.output + result.output


def test_the_demo_runs_after_the_main_install_and_cleans_up(tmp_path: Path) -> None:
    """bench/demo_world.py needs no test dependency (pytest made unimportable here), leaves no temporary folder,
    and passes claimcheck's own word on an option it does not know."""
    demo = str(REPO / "bench" / "demo_world.py")
    script = ("import runpy, sys; sys.modules['pytest'] = None; sys.argv = [sys.argv[0], *sys.argv[1:]]; "
              f"runpy.run_path({demo!r}, run_name='__main__')")
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    ran = subprocess.run([sys.executable, "-c", script, "--changed"], env=env, capture_output=True, text=True,
                         timeout=120)
    assert ran.returncode == 1, ran.stderr  # the EMIB edit is an error
    assert "evidence-missing intel-emib-foveros" in ran.stdout
    bogus = subprocess.run([sys.executable, "-c", script, "--bogus-option"], env=env, capture_output=True,
                           text=True, timeout=120)
    assert bogus.returncode == 2 and "No such option '--bogus-option'" in bogus.stderr
    assert "claimcheck check" in bogus.stderr
    assert list(tmp_path.glob("claimcheck-demo-*")) == []
