"""Many articles, one store: several claims files checked together, a shared URL fetched once."""

from __future__ import annotations

import json
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import WORLD_PATHS, Runner, write_claims
from world import Site

from claimcheck.cli.main import cli
from claimcheck.core.errors import ClaimsFileError
from claimcheck.store import Store

INTEL_PATH = WORLD_PATHS["intel-2023-packaging"][0]


def newsroom(tmp_path: Path, world: Site) -> Path:
    """Two articles below news/: both cite Intel's page (b with a #fragment); b cites only Intel and AMD's blog."""
    folder = tmp_path / "news"
    (folder / "tech").mkdir(parents=True)
    a = write_claims(tmp_path, world)
    a.rename(folder / "a.yaml")
    data = yaml.safe_load((folder / "a.yaml").read_text())
    data["article"]["title"] = "Second article"
    data["sources"] = {k: v for k, v in data["sources"].items()
                       if k in ("intel-2023-packaging", "amd-2025-engineering-ai")}
    data["claims"] = [c for c in data["claims"]
                      if all(cite["source"] in data["sources"] for cite in c["cites"])]
    # The same page as a.yaml's, written with a fragment: one resource, as `same_resource` compares URLs.
    data["sources"]["intel-2023-packaging"]["url"] += "#emib"
    (folder / "tech" / "b.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    (folder / "notes.yaml").write_text("not: a claims file\n")  # no top-level claims: not taken
    return folder


def test_a_folder_of_claims_files_is_checked_as_one_and_a_shared_url_fetched_once(tmp_path: Path,
                                                                                   world: Site) -> None:
    run = Runner(newsroom(tmp_path, world), tmp_path / "store")
    code, doc = run.json()
    assert code == 0
    assert [intel for intel, _ in world.requests].count(INTEL_PATH) == 1  # cited by both: one request
    assert [(a["file"].split("news/")[1], a["title"], a["claims"]) for a in doc["articles"]] == [
        ("a.yaml", "Advanced Semiconductor Packaging", 8), ("tech/b.yaml", "Second article", 3)]
    assert all(set(a["summary"]) == set(doc["summary"]) for a in doc["articles"])
    labels = {c["article"]["title"] for c in doc["claims"]}
    assert labels == {"Advanced Semiconductor Packaging", "Second article"}
    intel = {(c["id"], s["source"]): s["verdict"] for c in doc["claims"] for s in c["sources"]
             if s["source"].endswith(":intel-2023-packaging")}
    assert set(intel.values()) == {"verified"}
    assert {key[1] for key in intel} == {"a:intel-2023-packaging", "tech/b:intel-2023-packaging"}
    db = sqlite3.connect(tmp_path / "store" / "claimcheck.db")
    warc_records = db.execute("select count(distinct warc_offset || warc_file) from captures "
                              "where url like ?", [f"%{INTEL_PATH}"]).fetchone()[0]
    assert warc_records == 1  # archived once, indexed under each citing source


def test_reports_group_by_article_and_junit_has_a_suite_each(tmp_path: Path, world: Site) -> None:
    run = Runner(newsroom(tmp_path, world), tmp_path / "store")
    text = run("check").stdout
    assert text.count("== Article: ") == 2
    assert text.index("== Article: Advanced Semiconductor Packaging") < text.index("== Article: Second article")
    # A heading counts its article's claims by status, as its "(N claims)" says (before: its pairs).
    heading = next(line for line in text.splitlines() if "== Article: Second article" in line)
    assert heading.endswith("(3 claims) ==") or "(3 claims)" in heading, heading
    counts = heading.split(": ", 2)[2].split(" (")[0]
    assert sum(int(part.split()[0]) for part in counts.split(", ")) == 3, heading
    junit = ET.fromstring(run("report", "--format", "junit").stdout)
    assert junit.tag == "testsuites"
    assert [(s.get("name"), s.get("tests")) for s in junit] == [("Advanced Semiconductor Packaging", "8"),
                                                                ("Second article", "3")]
    markdown = run("report", "--format", "markdown").stdout
    assert markdown.count("### Article: ") == 2
    assert markdown.count("<details>") == markdown.count("</details>")
    html = run("report", "--format", "html").stdout
    assert html.count('<h2 class="article">') == 2


def test_repeated_and_glob_claims_options_and_lint_naming_each_file(tmp_path: Path, world: Site) -> None:
    folder = newsroom(tmp_path, world)
    runner = CliRunner()
    repeated = runner.invoke(cli, ["--claims", str(folder / "a.yaml"), "--claims", str(folder / "tech" / "b.yaml"),
                                   "lint"])
    assert repeated.exit_code == 0
    assert "2 claims files: 11 claims, 8 sources citing 5 distinct URLs: OK" in repeated.output
    globbed = runner.invoke(cli, ["--claims", str(folder / "**" / "*.yaml"), "lint"])
    assert globbed.exit_code == 2 and "notes.yaml" in globbed.output  # a glob takes what it matches
    (folder / "tech" / "b.yaml").write_text((folder / "tech" / "b.yaml").read_text().replace("title:", "titel:", 1))
    broken = runner.invoke(cli, ["--claims", str(folder), "lint"])
    assert broken.exit_code == 2
    assert "b.yaml" in broken.output and "a.yaml" not in broken.output


def test_review_commands_name_a_source_by_file_or_url_and_accept_applies_to_every_citing_article(
        tmp_path: Path, world: Site) -> None:
    run = Runner(newsroom(tmp_path, world), tmp_path / "store")
    run("check")
    ambiguous = run("history", "intel-2023-packaging")
    assert ambiguous.exit_code == 2 and "several claims files" in ambiguous.output
    only_a = run("history", "synopsys-tsmc-2025-a16-n2p")  # in one file only: unambiguous
    assert only_a.exit_code == 0
    named = run("history", "tech/b:intel-2023-packaging")
    assert named.exit_code == 0 and "is cited by 2 articles" in named.stdout
    world.page(INTEL_PATH, (Path(__file__).parent / "fixtures" / "pages" / "intel-packaging.html").read_text()
               .replace("Its innovations include EMIB", "Its innovations, long in the making, include EMIB"))
    run("check", now="2026-11-26T12:00:00Z")
    accepted = run("accept", world.url(INTEL_PATH), "--note", "reviewed")
    assert accepted.exit_code == 0
    assert "a:intel-2023-packaging: capture" in accepted.stdout
    assert "tech/b:intel-2023-packaging: capture" in accepted.stdout


def test_an_older_single_article_store_is_migrated_in_place(tmp_path: Path, world: Site) -> None:
    single = Runner(write_claims(tmp_path, world), tmp_path / "store")
    single("check")
    with Store(tmp_path / "store") as store:  # as a store made before m008 left it
        store.db.execute("ALTER TABLE findings DROP COLUMN article")
        store.db.execute("DROP TABLE run_articles")
        store.db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm008_articles'")
        store.db.conn.commit()
        findings = store.db.execute("select count(*) from findings").fetchone()[0]
    with Store(tmp_path / "store") as store:
        rows = store.db.execute("select distinct article from findings").fetchall()
        assert rows == [(str(tmp_path / "claims.yaml"),)]
        assert store.db.execute("select count(*) from findings").fetchone()[0] == findings
    report = single("report", "--format", "json")
    assert report.exit_code == 0 and json.loads(report.stdout)["claims"]


def test_a_folder_without_claims_files_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "notes.yaml").write_text("not: a claims file\n")
    result = CliRunner().invoke(cli, ["--claims", str(tmp_path), "lint"])
    assert result.exit_code == 2 and "no *.yaml claims files below this folder" in result.output


def test_many_claims_files_read_per_file_give_the_merged_claims(tmp_path: Path, world: Site,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """With a store to keep validated copies in, a set of claims files is read back per file as it is used
    (a few files held at a time), and reads exactly as the files merged whole; a first run makes the store
    with the copies, and a set with a problem makes nothing."""
    from claimcheck.claims.files import expand, load_claims_set, merge
    from claimcheck.claims.load import load_claims

    from claimcheck.claims import files

    monkeypatch.setattr(files._Files, "KEEP", 1)  # a file at a time, as in a set past the budget
    monkeypatch.setattr(files._Files, "BUDGET", 0)
    folder = newsroom(tmp_path, world)
    paths = expand([str(folder)])
    whole = merge([load_claims(path) for path in paths])
    store = tmp_path / "store"
    per_file = load_claims_set(paths, cache_dir=store, create_cache=True)
    assert (store / "claims").is_dir()
    assert not isinstance(per_file.claims, tuple)  # read per file, not held
    assert list(per_file.claims) == list(whole.claims) and len(per_file.claims) == len(whole.claims)
    assert dict(per_file.sources) == dict(whole.sources) and list(per_file.sources) == list(whole.sources)
    assert per_file.claims[-1] == whole.claims[-1] and list(per_file.claims[2:5]) == list(whole.claims[2:5])
    assert per_file.articles == whole.articles
    assert "tech/b:intel-2023-packaging" in per_file.sources and "tech/b:nope" not in per_file.sources
    assert per_file.source_named("tech/b:intel-2023-packaging") == whole.sources["tech/b:intel-2023-packaging"]
    # A set with a problem creates no store.
    (folder / "broken.yaml").write_text("claims:\n  - id: [\n")
    elsewhere = tmp_path / "other-store"
    with pytest.raises(ClaimsFileError, match="broken.yaml"):
        load_claims_set(expand([str(folder)]), cache_dir=elsewhere, create_cache=True)
    assert not elsewhere.exists()
