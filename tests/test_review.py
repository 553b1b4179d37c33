"""The review workflow: diff, history, accept (with an audit trail), suggest, export."""

from __future__ import annotations


import pytest
from conftest import WORLD_PATHS, Runner, by_source
from world import PAGES, Site

INTEL_PATH = WORLD_PATHS["intel-2023-packaging"][0]
ADDED = ("Intel also announced a new packaging plant in Malaysia that will triple its capacity for Foveros by the end "
         "of the decade.")


def change_intel(world: Site) -> None:
    page = (PAGES / "intel-packaging.html").read_text()
    world.page(INTEL_PATH, page.replace("</div>\n  <div class=\"related-content\">",
                                        f"<p>{ADDED}</p></div>\n  <div class=\"related-content\">"))


def test_accept_turns_changed_back_into_verified(run: Runner, world: Site) -> None:
    run("check")
    change_intel(world)
    _, doc = run.json(now="2026-11-26T12:00:00Z")
    assert by_source(doc, "intel-2023-packaging")[0]["verdict"] == "changed"
    diff = run("diff", "intel-2023-packaging")
    assert diff.exit_code == 0
    assert f"+ {ADDED}" in diff.stdout
    accepted = run("accept", "intel-2023-packaging", "--note", "new plant paragraph is fine",
                   now="2026-11-26T13:00:00Z")
    assert accepted.exit_code == 0, accepted.output
    _, doc = run.json(now="2026-11-27T12:00:00Z")
    assert {s["verdict"] for s in by_source(doc, "intel-2023-packaging")} == {"verified"}
    assert "no change" in run("diff", "intel-2023-packaging").stdout
    history = run("history", "intel-2023-packaging").stdout
    assert "accepted by editor (accepted): new plant paragraph is fine" in history
    assert "changed" in history and "capture" in history


def test_accept_a_claim_id_accepts_its_sources(run: Runner, world: Site) -> None:
    run("check")
    change_intel(world)
    run("check", now="2026-11-26T12:00:00Z")
    result = run("accept", "intel-emib-foveros", "--note", "reviewed")
    assert "intel-2023-packaging: capture" in result.stdout


def test_audit_log_is_append_only(run: Runner, world: Site) -> None:
    run("check")
    change_intel(world)
    run("check", now="2026-11-26T12:00:00Z")
    run("accept", "intel-2023-packaging", "--note", "first review")
    assert run.sql("select count(*) from audit where action = 'baseline-accepted'") == [(1,)]
    for attack in ("update audit set note = 'rewritten'", "delete from audit"):
        with pytest.raises(Exception, match="append-only"):  # sqlite3's or psycopg's error
            run.sql(attack)
    assert run.sql("select count(*) from audit where note = 'rewritten'") == [(0,)]


def test_accept_needs_a_note_and_a_known_id(run: Runner) -> None:
    run("check")
    assert run("accept", "intel-2023-packaging").exit_code == 2
    unknown = run("accept", "nope", "--note", "x")
    assert unknown.exit_code == 2 and "neither a source id nor a claim id" in unknown.stderr


def test_suggest_and_accept_evidence(run: Runner) -> None:
    run("check")
    result = run("suggest", "tsmc-3dfabric-cowos-soic")
    assert result.exit_code == 0
    assert "synopsys-tsmc-2025-a16-n2p:\n  1. [" in result.stdout
    first = result.stdout.split("synopsys-tsmc-2025-a16-n2p:\n  1. ")[1].splitlines()[0]
    assert "3DFabric" in first
    accepted = run("accept", "tsmc-3dfabric-cowos-soic", "--suggestion", "1", "--source",
                   "synopsys-tsmc-2025-a16-n2p", "--note", "supports the 3DFabric sentence")
    assert accepted.exit_code == 0, accepted.output
    _, doc = run.json(now="2026-11-26T12:00:00Z")
    source = [s for c in doc["claims"] if c["id"] == "tsmc-3dfabric-cowos-soic" for s in c["sources"]
              if s["source"] == "synopsys-tsmc-2025-a16-n2p"][0]
    assert source["verdict"] == "verified" and source["evidence_score"] == 1.0
    assert ("evidence-accepted",) in run.sql("select action from audit")


def test_export_robust_links(run: Runner) -> None:
    run("check")
    html = run("export", "--robust-links").stdout
    assert 'data-originalurl="http://127.0.0.1:' in html
    assert 'data-versiondate="2023-09-06"' in html
    assert "<li>ASE, ASE&#x27;s VIPack" in html


def test_diff_marks_the_lines_that_hold_the_evidence(run: Runner, world: Site) -> None:
    run("check")
    page = (PAGES / "intel-packaging.html").read_text()
    world.page(INTEL_PATH, page.replace("Its innovations include EMIB", "Its innovations include glass substrates"))
    run("check", now="2026-11-26T12:00:00Z")
    plain = run("diff", "intel-2023-packaging", "--no-color").stdout
    marked = [line for line in plain.splitlines() if line.endswith("<== evidence passage")]
    assert marked and all(line.startswith(("- ", "+ ")) for line in marked)
    coloured = run("diff", "intel-2023-packaging", "--color").stdout
    assert "\x1b[" in coloured  # colour, bold and underline on the evidence lines
    assert coloured.count("<== evidence passage") == len(marked)  # the marker survives colour
