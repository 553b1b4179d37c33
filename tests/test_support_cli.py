"""Support through the CLI: an edit that takes away what a claim rests on is an error with the change named, an
edit elsewhere stays quiet, accept refuses a passage that does not support its claim, and a changed page says
whether the change touches a claim's terms (those that do are listed first)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import yaml
from conftest import WORLD_PATHS, Runner, by_source
from world import PAGES, Site

INTEL_PATH = WORLD_PATHS["intel-2023-packaging"][0]
INTEL_PAGE = (PAGES / "intel-packaging.html").read_text()
DAY2 = "2026-11-26T12:00:00Z"


def _emib(document: dict[str, object]) -> dict[str, object]:
    return next(s for c in document["claims"] for s in c["sources"]  # type: ignore[attr-defined]
                if c["id"] == "intel-emib-foveros" and s["source"] == "intel-2023-packaging")


@pytest.mark.parametrize(("edit", "named"), [
    (("Its innovations include EMIB", "Its innovations include glass substrates"),
     "the passage no longer names EMIB where it did (now: 'glass substrates')"),
    (("include EMIB (embedded multi-die interconnect bridge) and Foveros",
      "include EMIB (embedded multi-die interconnect bridge) and Aurora"),
     "the passage no longer names Foveros where it did (now: 'Aurora')"),
    (("technologies that allow multiple chips", "technologies that do not allow multiple chips"),
     "the passage now says 'not'"),
])
def test_an_edit_to_the_claims_terms_is_an_error_naming_it(run: Runner, world: Site, edit: tuple[str, str],
                                                          named: str) -> None:
    run("check")
    world.page(INTEL_PATH, INTEL_PAGE.replace(*edit))
    code, document = run.json(now=DAY2)
    finding = _emib(document)
    assert code == 1
    assert finding["verdict"] == "evidence-missing"
    assert "the evidence passage no longer supports the claim" in str(finding["detail"])
    assert named in str(finding["detail"])
    support = finding["support"]
    assert isinstance(support, dict) and support["label"] in ("unsupported", "contradicted")


@pytest.mark.parametrize("edit", [
    ("Its innovations include EMIB", "Its innovations include\u00a0EMIB"),  # typography
    ("in a 3D fashion (Foveros).", "in a 3D fashion (Foveros).[3]"),  # a reference marker
    ("Intel has been developing packaging technologies for decades",
     "Intel, based in Santa Clara, has been developing packaging technologies for decades"),  # elsewhere
])
def test_an_edit_elsewhere_stays_quiet(run: Runner, world: Site, edit: tuple[str, str]) -> None:
    run("check")
    world.page(INTEL_PATH, INTEL_PAGE.replace(*edit))
    code, document = run.json(now=DAY2)
    finding = _emib(document)
    assert finding["verdict"] in ("verified", "changed"), finding["detail"]
    assert code == 0


def test_a_reworded_passage_that_keeps_the_claims_terms_says_so(run: Runner, world: Site) -> None:
    run("check")
    world.page(INTEL_PATH, INTEL_PAGE.replace("on top of one another", "one above the other"))
    _, document = run.json(now=DAY2)
    finding = _emib(document)
    assert finding["verdict"] == "changed"
    assert "the claim's terms are all still there" in str(finding["detail"])
    assert finding["support"] == {"label": "supported", "score": 1.0,
                                  "reasons": ["the claim's terms are all still there"]}


def test_accept_refuses_a_passage_that_lost_what_the_claim_rests_on(run: Runner, world: Site) -> None:
    run("check")
    world.page(INTEL_PATH, INTEL_PAGE.replace("Its innovations include EMIB",
                                              "Its innovations include glass substrates"))
    run("check", now=DAY2)
    suggested = run("suggest", "intel-emib-foveros")
    walkthrough = run("accept", "intel-emib-foveros", "--suggestion", "1", "--source", "intel-2023-packaging",
                      "--note", "supports the claim")  # the README's walkthrough: refused, with the reason
    assert walkthrough.exit_code == 2 and "no longer names EMIB" in walkthrough.stderr
    assert suggested.exit_code == 0
    first = suggested.stdout.split("  1. ")[1].splitlines()
    assert "unsupported] Its innovations include glass substrates" in first[0]  # judged against the old passage
    assert "no longer names EMIB where it did" in first[1]
    corrupted = ("Its innovations include glass substrates (embedded multi-die interconnect bridge) and Foveros, "
                 "technologies that allow multiple chips on a package to be connected side by side (EMIB) or "
                 "stacked on top of one another in a 3D fashion (Foveros).")
    refused = run("accept", "intel-emib-foveros", "--source", "intel-2023-packaging", "--evidence", corrupted,
                  "--note", "looks fine")
    assert refused.exit_code == 2
    assert "does not support intel-emib-foveros" in refused.stderr
    assert "no longer names EMIB" in refused.stderr
    forced = run("accept", "intel-emib-foveros", "--source", "intel-2023-packaging", "--evidence", corrupted,
                 "--note", "reviewed: Intel renamed it", "--force")
    assert forced.exit_code == 0 and "forced" in forced.stdout
    checked = sqlite3.connect(run.store / "claimcheck.db").execute(
        "select data from audit where action = 'evidence-accepted' order by id desc").fetchone()[0]
    assert json.loads(checked)["forced"] is True
    assert json.loads(checked)["support"]["label"] == "unsupported"


def test_a_changed_page_says_whether_the_change_touches_the_claim(tmp_path: Path, world: Site) -> None:
    intel_path, _ = WORLD_PATHS["intel-2023-packaging"]
    synopsys_path, fixture = WORLD_PATHS["synopsys-tsmc-2026-ai-systems"]
    claims = tmp_path / "claims.yaml"
    claims.write_text(yaml.safe_dump({
        "sources": {"intel": {"publisher": "Intel", "title": "Intel Leads the Way with Advanced Packaging",
                              "url": world.url(intel_path)},
                    "synopsys": {"publisher": "Synopsys", "title": "Synopsys Partners with TSMC",
                                 "url": world.url(synopsys_path)}},
        "claims": [{"id": "intel-decades", "text": "Intel has developed packaging technologies for decades.",
                    "cites": ["intel"]},
                   {"id": "tsmc-cowos", "text": "TSMC's CoWoS family is one of the best-known examples.",
                    "cites": ["synopsys"]}]}))
    run = Runner(claims, tmp_path / "store")
    run("check")
    # Synopsys rewrites its CoWoS paragraph; Intel's page gains a paragraph about something else.
    world.page(synopsys_path, (PAGES / fixture).read_text().replace(
        "The collaboration covers TSMC's 3DFabric technologies, CoWoS and SoIC, and CoWoS work for larger "
        "interposers that package next-generation AI chips with more high-bandwidth memory.",
        "The collaboration now centres on InFO for mobile chips; the interposer work ended last year."))
    world.page(intel_path, INTEL_PAGE.replace("</body>", "<p>" + "Our cafeteria menu changes every week, and "
                                              "visitors are welcome on the museum tour on Fridays. " * 2
                                              + "</p></body>"))
    _, document = run.json(now=DAY2)
    touching, = by_source(document, "synopsys")
    elsewhere, = by_source(document, "intel")
    assert touching["verdict"] == elsewhere["verdict"] == "changed"
    assert touching["touches_claim"] is True and "the change touches TSMC, CoWoS" in touching["detail"]
    assert elsewhere["touches_claim"] is False and "the change is elsewhere on the page" in elsewhere["detail"]
    # The claims file lists the Intel claim first; every human format lists the claim the change touches first.
    for fmt in ("text", "markdown", "html"):
        report = run("report", "--format", fmt).stdout
        assert report.index("tsmc-cowos") < report.index("intel-decades"), fmt
