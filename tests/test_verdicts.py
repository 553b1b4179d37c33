"""Every verdict, produced by a scenario that sets up its situation, driven through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import WORLD_PATHS, Runner, by_source, verdicts, write_claims
from world import PAGES, Site

INTEL_PATH = WORLD_PATHS["intel-2023-packaging"][0]
AMD_BLOG_PATH = WORLD_PATHS["amd-2025-engineering-ai"][0]
INTEL = (PAGES / "intel-packaging.html").read_text()
EMIB = ("Its innovations include EMIB (embedded multi-die interconnect bridge) and Foveros, technologies that allow "
        "multiple chips on a package to be connected side by side (EMIB) or stacked on top of one another in a 3D "
        "fashion (Foveros).")


def test_first_check_of_the_real_claims(run: Runner) -> None:
    code, doc = run.json()
    assert code == 0
    found = verdicts(doc)
    assert found[("intel-emib-foveros", "intel-2023-packaging")] == "verified"
    assert found[("intel-heterogeneous-integration", "intel-2023-packaging")] == "verified"
    assert found[("ai-accelerator-chiplets-interconnect", "amd-2025-engineering-ai")] == "verified"
    assert found[("amd-chiplet-white-paper", "amd-2024-chiplet-white-paper")] == "verified"
    assert found[("ase-interconnect-chiplets", "ase-2024-vipack")] == "unchecked"
    intel = by_source(doc, "intel-2023-packaging")[0]
    assert intel["evidence_score"] == 1.0
    assert intel["page_date"] == "2023-09-06" and intel["cited_date"] == "2023-09-06"
    amd = by_source(doc, "amd-2025-engineering-ai")[0]
    assert amd["page_date"] == "2025-11-11" and amd["cited_date"] == "2025-11"
    assert amd["evidence_score"] == 1.0  # "Infinity Fabric™" on the page, "(TM)" in the evidence: still exact
    pdf = by_source(doc, "amd-2024-chiplet-white-paper")[0]
    assert pdf["page_date"] == "2024-12" and pdf["cited_date"] == "2024-12"
    assert doc["summary"]["unchecked"] == 1
    assert sum(doc["summary"].values()) == 11


def test_first_check_of_the_repository_claims_file(tmp_path: Path, world: Site) -> None:
    """The real claims.yaml, whatever claims an editor has added since: every pair is judged, the sources'
    known evidence is found, and only the URL-less source is unchecked."""
    import yaml
    from conftest import REPO
    claims = write_claims(tmp_path, world, claims=REPO / "claims.yaml")
    run = Runner(claims, tmp_path / "store")
    code, doc = run.json()
    assert code == 0
    ours = yaml.safe_load((REPO / "claims.yaml").read_text())
    pairs = [(c["id"], cite["source"]) for c in ours["claims"] for cite in c["cites"]]
    found = verdicts(doc)
    assert sorted(found) == sorted(pairs)
    for pair, verdict in found.items():
        expected = {"unchecked"} if pair[1] == "ase-2024-vipack" else {"verified", "evidence-missing"}
        assert verdict in expected, pair
    assert found[("three-d-stacks-vertically", "intel-2023-packaging")] == "verified"
    assert found[("two-point-five-d-side-by-side", "intel-2023-packaging")] == "verified"


def test_changed_when_a_paragraph_is_added_and_verified_when_only_boilerplate_churns(run: Runner, world: Site) -> None:
    run("check")
    churned = INTEL.replace("Intel Unveils New Glass Substrates", "Intel Ships Something Else Entirely") \
                   .replace("We use cookies", "We and our 812 partners use cookies")
    world.page(INTEL_PATH, churned)
    _, doc = run.json(now="2026-11-26T12:00:00Z")
    assert by_source(doc, "intel-2023-packaging")[0]["verdict"] == "verified"
    added = INTEL.replace("</div>\n  <div class=\"related-content\">",
                          "<p>Intel also announced a new packaging plant in Malaysia that will triple its capacity "
                          "for Foveros by the end of the decade.</p></div>\n  <div class=\"related-content\">")
    assert added != INTEL
    world.page(INTEL_PATH, added)
    code, doc = run.json(now="2026-11-27T12:00:00Z")
    intel = by_source(doc, "intel-2023-packaging")[0]
    assert intel["verdict"] == "changed"
    assert "1 paragraphs added" in intel["detail"]
    assert intel["evidence_score"] == 1.0
    assert code == 0  # a warning is below the default --fail-on error
    assert run("report", "--fail-on", "warning").exit_code == 1


def test_moved_on_a_permanent_redirect_to_a_page_with_the_evidence(run: Runner, world: Site) -> None:
    run("check")
    new_path = "/manufacturing/intel-leads-the-way-with-advanced-packaging"
    world.fixture(new_path, "intel-packaging.html")
    world.redirect(INTEL_PATH, world.url(new_path), 301)
    _, doc = run.json(now="2026-11-26T12:00:00Z")
    intel = by_source(doc, "intel-2023-packaging")[0]
    assert intel["verdict"] == "moved"
    assert intel["final_url"] == world.url(new_path)
    assert intel["suggested_url"] == world.url(new_path)


def test_a_temporary_redirect_is_not_a_move(run: Runner, world: Site) -> None:
    run("check")
    world.fixture("/tmp-home-of-the-page", "intel-packaging.html")
    world.redirect(INTEL_PATH, world.url("/tmp-home-of-the-page"), 302)
    _, doc = run.json(now="2026-11-26T12:00:00Z")
    assert by_source(doc, "intel-2023-packaging")[0]["verdict"] == "verified"


def test_date_drift_against_the_cited_date(run: Runner, world: Site) -> None:
    world.page(AMD_BLOG_PATH, (PAGES / "amd-engineering-ai.html").read_text().replace("Nov 11, 2025", "Oct 2, 2025"))
    _, doc = run.json()
    amd = by_source(doc, "amd-2025-engineering-ai")[0]
    assert amd["verdict"] == "date-drift"
    assert amd["page_date"] == "2025-10-02"
    assert "cites 2025-11" in amd["detail"]


def test_date_drift_when_the_date_changes_between_captures(run: Runner, world: Site) -> None:
    run("check")
    world.page(AMD_BLOG_PATH, (PAGES / "amd-engineering-ai.html").read_text().replace("Nov 11, 2025", "Nov 20, 2025"))
    _, doc = run.json(now="2026-11-26T12:00:00Z")
    amd = by_source(doc, "amd-2025-engineering-ai")[0]
    assert amd["verdict"] == "date-drift"
    assert "changed from 2025-11-11 to 2025-11-20" in amd["detail"]


def test_evidence_missing_when_the_passage_is_removed(run: Runner, world: Site) -> None:
    run("check")
    world.page(INTEL_PATH, INTEL.replace(EMIB, "Intel keeps investing in packaging."))
    code, doc = run.json(now="2026-11-26T12:00:00Z")
    found = verdicts(doc)
    assert found[("intel-emib-foveros", "intel-2023-packaging")] == "evidence-missing"
    assert found[("intel-heterogeneous-integration", "intel-2023-packaging")] == "changed"
    emib = by_source(doc, "intel-2023-packaging")[0]
    assert emib["evidence_score"] < 0.85
    assert code == 1


def test_gone_only_after_confirmation_over_time(run: Runner, world: Site) -> None:
    run("check", now="2026-11-20T12:00:00Z")
    world.remove(INTEL_PATH)
    seen = []
    for when in ("2026-11-21T12:00:00Z", "2026-11-22T12:00:00Z", "2026-11-24T13:00:00Z"):
        code, doc = run.json(now=when)
        intel = by_source(doc, "intel-2023-packaging")[0]
        seen.append((intel["verdict"], code))
        assert intel["http_status"] == 404
    assert seen == [("unreachable", 0), ("unreachable", 0), ("gone", 1)]
    assert "confirmed on 3 checks" in intel["detail"]


def test_a_success_resets_the_confirmation(run: Runner, world: Site) -> None:
    world.remove(INTEL_PATH)
    run("check", now="2026-11-20T12:00:00Z")
    run("check", now="2026-11-22T12:00:00Z")
    world.fixture(INTEL_PATH, "intel-packaging.html")
    run("check", now="2026-11-23T12:00:00Z")
    world.remove(INTEL_PATH)
    _, doc = run.json(now="2026-11-25T12:00:00Z")
    intel = by_source(doc, "intel-2023-packaging")[0]
    assert intel["verdict"] == "unreachable"
    assert "seen on 1 of 3" in intel["detail"]


def test_a_blocked_check_neither_counts_nor_resets_the_confirmation(run: Runner, world: Site) -> None:
    run("check", now="2026-11-19T12:00:00Z")  # it worked once
    world.remove(INTEL_PATH)
    run("check", now="2026-11-20T12:00:00Z")
    world.status(INTEL_PATH, 403, b"<h1>Forbidden</h1>")
    run("check", now="2026-11-21T12:00:00Z")  # a bot wall for a day: says nothing of the page
    world.remove(INTEL_PATH)
    run("check", now="2026-11-22T12:00:00Z")
    _, doc = run.json(now="2026-11-24T13:00:00Z")
    intel = by_source(doc, "intel-2023-packaging")[0]
    assert intel["verdict"] == "gone", intel
    assert "confirmed on 3 checks" in intel["detail"]


def test_unreachable_on_a_server_error(run: Runner, world: Site) -> None:
    world.status(INTEL_PATH, 503, b"<h1>Service Unavailable</h1>")
    code, doc = run.json()
    intel = by_source(doc, "intel-2023-packaging")[0]
    assert intel["verdict"] == "unreachable" and intel["http_status"] == 503
    assert code == 0


def test_blocked_on_403_never_becomes_gone(run: Runner, world: Site) -> None:
    world.status(INTEL_PATH, 403, b"<h1>Forbidden</h1>")
    for day in range(20, 26):
        _, doc = run.json(now=f"2026-11-{day}T12:00:00Z")
    intel = by_source(doc, "intel-2023-packaging")[0]
    assert intel["verdict"] == "blocked" and intel["http_status"] == 403


def test_unchecked_without_url(run: Runner) -> None:
    _, doc = run.json()
    ase = by_source(doc, "ase-2024-vipack")[0]
    assert ase["verdict"] == "unchecked"
    assert ase["url"] is None and ase["http_status"] is None
    assert "no URL" in ase["detail"]


def test_unchecked_offline_with_nothing_archived(run: Runner) -> None:
    code, doc = run.json("--offline")
    assert set(verdicts(doc).values()) == {"unchecked"}
    assert doc["run"]["network"] == "offline"
    assert code == 0


def test_offline_check_uses_the_archive(run: Runner, world: Site) -> None:
    run("check")
    world.remove(INTEL_PATH)  # the site is gone, but offline nothing is fetched
    code, doc = run.json("--offline", now="2026-11-26T12:00:00Z")
    assert by_source(doc, "intel-2023-packaging")[0]["verdict"] == "verified"
    assert not any(path == INTEL_PATH for path, _ in world.requests[-3:])


def test_network_down_flags_nothing_and_exits_3(tmp_path: Path, world: Site) -> None:
    claims = write_claims(tmp_path, world)
    runner = Runner(claims, tmp_path / "store")
    runner("check", now="2026-11-20T12:00:00Z")
    dead = world.origin
    world.close()  # every host now refuses connections
    for day in (21, 23, 25, 27):
        result = runner("check", "--format", "json", now=f"2026-11-{day}T12:00:00Z")
        assert result.exit_code == 3, result.output
        assert "network is unreachable" in result.stderr
    import json
    doc = json.loads(result.stdout)
    assert doc["run"]["network"] == "down"
    assert "gone" not in verdicts(doc).values() and "unreachable" not in verdicts(doc).values()
    assert by_source(doc, "intel-2023-packaging")[0]["verdict"] == "verified"  # from the archive
    assert dead.startswith("http://127.0.0.1:")


def test_network_down_on_a_fresh_store_is_unchecked(tmp_path: Path, site: Site) -> None:
    claims = write_claims(tmp_path, site)
    site.close()
    result = Runner(claims, tmp_path / "store")("check")
    assert result.exit_code == 3
    assert "network is unreachable" in result.stderr


def test_a_reworded_evidence_passage_is_changed_until_accepted(run: Runner, world: Site) -> None:
    run("check")
    world.page(INTEL_PATH, INTEL.replace("on top of one another", "one above the other"))
    _, doc = run.json(now="2026-11-26T12:00:00Z")
    emib = by_source(doc, "intel-2023-packaging")[0]
    assert emib["verdict"] == "changed"
    assert "reworded" in emib["detail"] and "the claim's terms are all still there" in emib["detail"]
    assert 0.85 <= emib["evidence_score"] < 1.0
    run("accept", "intel-2023-packaging", "--note", "wording change reviewed", now="2026-11-26T13:00:00Z")
    _, doc = run.json(now="2026-11-27T12:00:00Z")
    assert by_source(doc, "intel-2023-packaging")[0]["verdict"] == "verified"


def test_a_passage_that_lost_the_claims_name_is_an_error_until_accepted(run: Runner, world: Site) -> None:
    run("check")
    world.page(INTEL_PATH, INTEL.replace("Its innovations include EMIB", "Its innovations include glass substrates"))
    code, doc = run.json(now="2026-11-26T12:00:00Z")
    emib = by_source(doc, "intel-2023-packaging")[0]
    assert code == 1 and emib["verdict"] == "evidence-missing"
    assert "no longer names EMIB where it did (now: 'glass substrates')" in emib["detail"]
    run("accept", "intel-2023-packaging", "--note", "Intel confirmed the new wording", now="2026-11-26T13:00:00Z")
    _, doc = run.json(now="2026-11-27T12:00:00Z")
    assert by_source(doc, "intel-2023-packaging")[0]["verdict"] == "verified"


def test_a_machine_timestamp_one_day_off_is_a_time_zone_not_a_drift(run: Runner, world: Site) -> None:
    meta = '<meta property="article:published_time" content="2023-09-07T01:30:00Z">'
    world.page(INTEL_PATH, INTEL.replace("<meta charset=\"utf-8\">", "<meta charset=\"utf-8\">" + meta))
    _, doc = run.json()
    assert by_source(doc, "intel-2023-packaging")[0]["verdict"] == "verified"
    # Two days off is a contradiction, timestamp or not.
    world.page(INTEL_PATH, INTEL.replace("<meta charset=\"utf-8\">",
                                         "<meta charset=\"utf-8\">" + meta.replace("09-07", "09-08")))
    run("accept", "intel-2023-packaging", "--note", "reset the baseline")
    _, doc = run.json(now="2026-11-26T12:00:00Z")
    assert by_source(doc, "intel-2023-packaging")[0]["verdict"] == "date-drift"


@pytest.mark.parametrize("broken", ["host", "path", "port"])
def test_a_url_that_never_worked_is_an_error_from_its_first_check(tmp_path: Path, world: Site, broken: str) -> None:
    """A typo in a new citation is an authoring error, not link rot to confirm over three days."""
    good = world.url(INTEL_PATH)
    port = world.server.server_address[1]
    url = {"host": good.replace("127.0.0.1", "newsroom.invalid"),
           "path": good.replace("advanced-packaging", "advanced-packagin"),
           "port": good.replace(f":{port}/", ":9/")}[broken]
    run = Runner(write_claims(tmp_path, world, overrides={"intel-2023-packaging": {"url": url}}), tmp_path / "s")
    code, doc = run.json()
    intel = by_source(doc, "intel-2023-packaging")[0]
    assert intel["verdict"] == "gone", intel
    assert "has never worked" in intel["detail"] and "typo" in intel["detail"]
    assert code == 1
    if broken == "port":  # in words, not aiohttp's "ClientConnectorError: ... ssl:default [Connect call failed]"
        assert "cannot connect to 127.0.0.1:9: connection refused" in intel["detail"], intel["detail"]
        assert "ssl:default" not in intel["detail"] and "ClientConnectorError" not in intel["detail"]
