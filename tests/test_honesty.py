"""Honest answers through the CLI: diff and accept say what they cannot do, reports put problems first and
label pairs as pairs, a run judged from the archive says so per pair, and set-up errors point at the fix."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from conftest import WORLD_PATHS, Runner, by_source
from test_review import change_intel
from world import Site

INTEL_PATH = WORLD_PATHS["intel-2023-packaging"][0]


def audit_rows(run: Runner) -> list[tuple[str, str, str]]:
    db = sqlite3.connect(run.store / "claimcheck.db")
    return db.execute("select action, target, note from audit order by id").fetchall()


# -- diff ---------------------------------------------------------------------------------------------------

def test_diff_says_why_there_is_nothing_to_compare(run: Runner, world: Site) -> None:
    run("check", "--offline")  # a store, and nothing captured
    never = run("diff", "intel-2023-packaging")
    assert never.exit_code == 1
    assert "nothing to compare: it has not been captured yet" in never.stdout
    run("check")
    world.status(INTEL_PATH, 404)
    run("check", now="2026-11-26T12:00:00Z")
    gone = run("diff", "intel-2023-packaging")
    assert gone.exit_code == 1 and "no change" not in gone.stdout
    assert "nothing to compare: the latest capture, #" in gone.stdout and "HTTP 404" in gone.stdout
    no_url = run("diff", "ase-2024-vipack")
    assert no_url.exit_code == 1 and "it has no URL" in no_url.stdout
    unchanged = run("diff", "synopsys-tsmc-2025-a16-n2p")
    assert unchanged.exit_code == 0 and "no change in the main text" in unchanged.stdout


def test_diff_marks_changed_words_without_colour(run: Runner, world: Site) -> None:
    run("check")
    page = (Path(__file__).parent / "fixtures" / "pages" / "intel-packaging.html")
    world.page(INTEL_PATH, page.read_text().replace("Its innovations include EMIB",
                                                    "Its innovations include glass substrates"))
    run("check", now="2026-11-26T12:00:00Z")
    diff = run("diff", "intel-2023-packaging").stdout
    assert "[-EMIB-]" in diff and "{+glass substrates+}" in diff
    assert "<== evidence passage" in diff


# -- accept -------------------------------------------------------------------------------------------------

def test_accept_refuses_a_failed_latest_capture_unless_one_is_named(run: Runner, world: Site) -> None:
    run("check")
    world.status(INTEL_PATH, 404)
    run("check", now="2026-11-26T12:00:00Z")
    before = audit_rows(run)
    refused = run("accept", "intel-2023-packaging", "--note", "fine")
    assert refused.exit_code == 2
    assert "the latest capture, #" in refused.stderr and "HTTP 404" in refused.stderr
    assert "--capture N" in refused.stderr
    assert audit_rows(run) == before
    db = sqlite3.connect(run.store / "claimcheck.db")
    failed, = db.execute("select max(id) from captures where source_id = 'intel-2023-packaging'").fetchone()
    first_synopsys, = db.execute("select min(id) from captures where source_id like 'synopsys%'").fetchone()
    # Sources are fetched concurrently, so capture ids are looked up, never assumed.
    baseline, = db.execute("select min(id) from captures where source_id = 'intel-2023-packaging'").fetchone()
    named_failed = run("accept", "intel-2023-packaging", "--capture", str(failed), "--note", "fine")
    assert named_failed.exit_code == 2 and "cannot be a baseline" in named_failed.stderr
    other = run("accept", "intel-2023-packaging", "--capture", str(first_synopsys), "--note", "fine")
    assert other.exit_code == 2 and "not of intel-2023-packaging" in other.stderr
    already = run("accept", "intel-2023-packaging", "--capture", str(baseline), "--note", "the first one")
    assert already.exit_code == 0
    assert f"capture #{baseline} is already the baseline; nothing recorded" in already.stdout
    assert audit_rows(run) == before


def test_accept_a_named_capture(run: Runner, world: Site) -> None:
    run("check")
    change_intel(world)
    run("check", now="2026-11-26T12:00:00Z")
    db = sqlite3.connect(run.store / "claimcheck.db")
    changed, = db.execute("select max(id) from captures where source_id = 'intel-2023-packaging'").fetchone()
    world.status(INTEL_PATH, 404)
    run("check", now="2026-11-27T12:00:00Z")
    accepted = run("accept", "intel-2023-packaging", "--capture", str(changed), "--note", "the new plant paragraph")
    assert accepted.exit_code == 0, accepted.output
    assert f"capture #{changed} is now the baseline" in accepted.stdout
    assert audit_rows(run)[-1] == ("baseline-accepted", "intel-2023-packaging", "the new plant paragraph")
    again = run("accept", "intel-2023-packaging", "--capture", str(changed), "--note", "twice")
    assert "already the baseline" in again.stdout and audit_rows(run)[-1][2] == "the new plant paragraph"


def test_accept_evidence_is_checked_against_the_latest_capture(run: Runner) -> None:
    run("check")
    wrong = "Intel will ship quantum packaging on the moon by 2027, replacing every interposer in existence."
    refused = run("accept", "intel-emib-foveros", "--evidence", wrong, "--note", "typo")
    assert refused.exit_code == 2
    assert "the passage is not in intel-2023-packaging's latest capture" in refused.stderr
    assert "best match scores" in refused.stderr and "--force" in refused.stderr
    forced = run("accept", "intel-emib-foveros", "--evidence", wrong, "--force", "--note", "from the print edition")
    assert forced.exit_code == 0 and "forced" in forced.stdout
    action, target, note = audit_rows(run)[-1]
    assert action == "evidence-accepted" and target == "intel-emib-foveros/intel-2023-packaging"
    assert "[forced: best match" in note
    right = ("Its innovations include EMIB (embedded multi-die interconnect bridge) and Foveros, technologies that "
             "allow multiple chips on a package to be connected side by side (EMIB) or stacked on top of one "
             "another in a 3D fashion (Foveros).")
    accepted = run("accept", "intel-emib-foveros", "--evidence", right, "--note", "the sentence")
    assert accepted.exit_code == 0 and "evidence accepted:" in accepted.stdout
    again = run("accept", "intel-emib-foveros", "--evidence", right, "--note", "twice")
    assert "already the accepted evidence; nothing recorded" in again.stdout
    assert audit_rows(run)[-1][2] == "the sentence"
    history = run("history", "intel-2023-packaging").stdout
    assert "evidence  intel-emib-foveros: evidence accepted by editor: the sentence" in history


def test_accept_usage_errors(run: Runner) -> None:
    run("check")
    both = run("accept", "intel-emib-foveros", "--evidence", "x", "--suggestion", "1", "--note", "n")
    assert both.exit_code == 2 and "not both" in both.output
    capture = run("accept", "intel-emib-foveros", "--evidence", "x", "--capture", "1", "--note", "n")
    assert capture.exit_code == 2 and "--capture chooses a baseline" in capture.output
    force = run("accept", "intel-2023-packaging", "--force", "--note", "n")
    assert force.exit_code == 2 and "--force goes with --evidence" in force.output


def test_the_lock_message_names_options_of_the_command_at_hand(run: Runner) -> None:
    run("check")
    db_dir = run.store
    import fcntl
    with open(db_dir / "claimcheck.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        accept = run("accept", "intel-2023-packaging", "--note", "n")
        check = run("check", "--offline")
    assert accept.exit_code == 2 and "another claimcheck run is writing" in accept.stderr
    assert "--wait" not in accept.stderr
    assert check.exit_code == 2 and "or pass --wait SECONDS" in check.stderr


# -- reports ------------------------------------------------------------------------------------------------

def test_reports_put_problems_first_and_count_claims_and_pairs(run: Runner, world: Site) -> None:
    run("check")
    world.status(WORLD_PATHS["amd-2025-engineering-ai"][0], 403)
    text = run("check", now="2026-11-26T12:00:00Z").stdout
    order = [line.split()[-1] for line in text.splitlines() if line[:1] in "✓·!✗" and len(line.split()) == 3]
    assert order[0] == "ai-accelerator-chiplets-interconnect"  # blocked: the only problem besides unchecked
    assert order.index("ase-interconnect-chiplets") < order.index("tsmc-cowos-best-known")
    assert all(line.startswith("✓") for line in text.splitlines()
               if line.split()[-1:] and line.split()[-1] in order[2:] and line[:1] in "✓·!✗")
    assert "Claims: 1 blocked, 1 unchecked, 6 verified (8 claims)" in text
    assert "Pairs:  1 blocked, 1 unchecked, 9 verified (11 claim-source pairs)" in text
    # One short detail per pair, and how to add evidence once, under the summary.
    assert text.count("no evidence passage recorded\n") == 7
    assert text.count("claimcheck suggest CLAIM") == 1
    problems = run("report", "--show", "problems").stdout
    assert "tsmc-cowos-best-known" not in problems and "(6 verified claims not shown" in problems
    assert "ai-accelerator-chiplets-interconnect" in problems
    markdown = run("report", "--format", "markdown").stdout
    assert "**Claims** (8): ℹ️ blocked: 1 · ℹ️ unchecked: 1 · ✅ verified: 6" in markdown
    assert "**Claim-source pairs** (11): ℹ️ blocked: 1 · ℹ️ unchecked: 1 · ✅ verified: 9" in markdown
    assert markdown.index("ai-accelerator-chiplets-interconnect") < markdown.index("<details><summary>6 verified")
    assert markdown.index("<details><summary>6 verified") < markdown.index("tsmc-cowos-best-known")
    html = run("report", "--format", "html").stdout
    assert "<b>8 claims</b>: 1 blocked, 1 unchecked, 6 verified" in html and "<b>11 claim-source pairs</b>" in html
    # Machines read the claims file's order.
    _, doc = run.json("--offline", now="2026-11-27T12:00:00Z")
    assert [c["id"] for c in doc["claims"]][:2] == ["tsmc-cowos-best-known", "tsmc-3dfabric-cowos-soic"]


def test_a_network_down_run_says_each_pair_was_not_rechecked(run: Runner, world: Site) -> None:
    code, fresh = run.json()
    assert code == 0
    assert all(s["checked"] for c in fresh["claims"] for s in c["sources"] if s["source"] != "ase-2024-vipack")
    world.close()  # every source now refuses the connection: the network is down
    down = run("check", "--format", "json", "--quiet", now="2026-11-26T12:00:00Z")
    assert down.exit_code == 3 and down.stderr == ""
    doc = json.loads(down.stdout)
    intel = by_source(doc, "intel-2023-packaging")[0]
    assert intel["verdict"] == "verified" and intel["checked"] is False
    assert "not re-checked: the network was down; as captured at 2026-11-25T12:00:00Z" in intel["detail"]
    loud = run("check", now="2026-11-27T12:00:00Z")
    assert loud.exit_code == 3 and "network is unreachable" in loud.stderr
    assert "not re-checked: the network was down" in loud.stdout
    _, offline = run.json("--offline", now="2026-11-28T12:00:00Z")
    assert "not re-checked: the run was offline" in by_source(offline, "intel-2023-packaging")[0]["detail"]


# -- set-up and errors --------------------------------------------------------------------------------------

def test_global_options_after_the_command_are_explained(run: Runner) -> None:
    from claimcheck.cli.main import cli
    result = run.cli.invoke(cli, ["lint", "--claims", str(run.claims)])
    assert result.exit_code == 2
    assert "--claims is a global option: put it before the command" in result.output
    assert "claimcheck --claims FILE lint" in result.output


def test_yaml_errors_name_the_line_where_the_problem_starts(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from claimcheck.cli.main import cli
    (tmp_path / "a.txt").write_text("An article.\n")
    claims = tmp_path / "claims.yaml"
    claims.write_text("article:\n  title: T\n  path: a.txt\nsources:\n  s:\n"
                      "    publisher: \"P, unclosed\n    title: T\nclaims: []\n\n\n")
    result = CliRunner().invoke(cli, ["--claims", str(claims), "lint"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{claims}:6:")  # the unclosed quote, not the end of the file
    empty = tmp_path / "empty.yaml"
    empty.write_text("article:\n  title: T\n  path: a.txt\nsources: {}\nclaims: []\n")
    warned = CliRunner().invoke(cli, ["--claims", str(empty), "lint"])
    assert warned.exit_code == 0
    assert "warning: valid, but it has no sources and claims: nothing would be checked" in warned.stderr


def test_an_unwritable_output_fails_before_anything_is_fetched(run: Runner, tmp_path: Path) -> None:
    result = run("check", "--output", str(tmp_path / "missing" / "report.txt"))
    assert result.exit_code == 2 and "No such file or directory" in result.stderr
    assert not (run.store / "claimcheck.db").exists()


def test_a_refused_passage_is_shown_its_closest_whole_sentence(run: Runner) -> None:
    run("check")
    refused = run("accept", "intel-emib-foveros", "--evidence", "Intel makes bananas", "--note", "typo")
    assert refused.exit_code == 2
    closest = refused.stderr.split("the closest sentence is \u201c")[1].split("\u201d")[0]
    assert closest.startswith("Intel") and closest.endswith(".") and len(closest.split()) > 5, closest
