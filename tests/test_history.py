"""A source's past belongs to its URL: adding a second claims file, regrouping files into a folder or renaming a
source id keeps every baseline, failure streak and acceptance (issue: history that survives real use)."""

from __future__ import annotations

import json
import tarfile
import sqlite3
from pathlib import Path

import yaml
from conftest import WORLD_PATHS, Runner, write_claims
from world import PAGES, Site

INTEL_PATH = WORLD_PATHS["intel-2023-packaging"][0]
AMD_PATH = WORLD_PATHS["amd-2025-engineering-ai"][0]
DAY1, DAY2, DAY3 = "2026-11-25T12:00:00Z", "2026-11-26T12:00:00Z", "2026-11-27T12:00:00Z"


def _second(tmp_path: Path, first: Path) -> Path:
    """Another article citing the same Intel and AMD pages, under its own ids."""
    data = yaml.safe_load(first.read_text())
    sources = {"intel-news": data["sources"]["intel-2023-packaging"],
               "amd-blog": data["sources"]["amd-2025-engineering-ai"]}
    data.pop("article")
    data["sources"] = sources
    data["claims"] = [{"id": "intel-emib", "text": "Intel's innovations include EMIB and Foveros.",
                       "cites": ["intel-news"]},
                      {"id": "amd-chiplets", "text": "AMD combines advanced chiplet packaging.", "cites": ["amd-blog"]}]
    path = tmp_path / "second.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _sources(document: dict[str, object], ending: str) -> list[dict[str, object]]:
    return [s for c in document["claims"] for s in c["sources"]  # type: ignore[attr-defined]
            if str(s["source"]).endswith(ending)]


def _changed_world(run: Runner, world: Site) -> None:
    run("check", now=DAY1)
    world.page(INTEL_PATH, (PAGES / "intel-packaging.html").read_text().replace(
        "</body>", "<p>Intel also announced a new packaging plant in Malaysia, its first outside the United States "
        "to assemble Foveros products, with production starting next year.</p></body>"))
    world.status(AMD_PATH, 404)
    code, document = run.json(now=DAY2)
    assert {s["verdict"] for s in _sources(document, "intel-2023-packaging")} == {"changed"}
    assert {s["verdict"] for s in _sources(document, "amd-2025-engineering-ai")} == {"unreachable"}


def test_adding_a_second_claims_file_keeps_the_first_articles_history(tmp_path: Path, world: Site) -> None:
    first = write_claims(tmp_path, world)
    run = Runner(first, tmp_path / "store")
    _changed_world(run, world)
    both = Runner(first, tmp_path / "store")
    result = both.cli.invoke(both_cli(), ["--claims", str(first), "--claims", str(_second(tmp_path, first)),
                                          "--store", str(tmp_path / "store"), "check", "--format", "json",
                                          "--host-request-interval", "0"],
                             env={"CLAIMCHECK_NOW": DAY3, "CLAIMCHECK_ALLOW_PRIVATE": "1",
                                  "CLAIMCHECK_TIMEGATE": "none"})
    document = json.loads(result.stdout)
    # Intel's change is still a change, for both articles (before: `verified`, its history lost)...
    assert {s["verdict"] for s in _sources(document, "intel-2023-packaging")} == {"changed"}
    assert {s["verdict"] for s in _sources(document, "intel-news")} == {"changed"}
    # ...and AMD's 404 streak goes on: its third check over three days confirms it (before: "1 of 3").
    amd = _sources(document, "amd-2025-engineering-ai") + _sources(document, "amd-blog")
    assert {s["verdict"] for s in amd} == {"unreachable"}
    assert all("seen on 2 of 3 checks" in str(s["detail"]) for s in amd)
    db = sqlite3.connect(tmp_path / "store" / "claimcheck.db")
    sources_with_urls = sum(1 for s in yaml.safe_load(first.read_text())["sources"].values() if s.get("url"))
    assert db.execute("select count(*) from baselines").fetchone()[0] == sources_with_urls  # none new: they hold


def test_renaming_a_source_and_regrouping_files_keep_its_baseline_and_accepted_evidence(tmp_path: Path,
                                                                                         world: Site) -> None:
    claims = write_claims(tmp_path, world)
    run = Runner(claims, tmp_path / "store")
    _changed_world(run, world)
    accepted = run("accept", "intel-2023-packaging", "--note", "wording reviewed", now=DAY2)
    assert accepted.exit_code == 0
    evidence = run("accept", "tsmc-cowos-best-known", "--source", "synopsys-tsmc-2026-ai-systems", "--suggestion",
                   "1", "--note", "supports it", now=DAY2)
    assert evidence.exit_code == 0, evidence.output
    # The editor renames Intel's and Synopsys' source ids, and moves the file into a folder of articles.
    text = claims.read_text().replace("intel-2023-packaging", "intel-packaging-2023").replace(
        "synopsys-tsmc-2026-ai-systems", "synopsys-ai-2026")
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "packaging.yaml").write_text(text)
    regrouped = Runner(folder, tmp_path / "store")
    code, document = regrouped.json(now=DAY3)
    intel = _sources(document, "intel-packaging-2023")
    assert intel and {s["verdict"] for s in intel} == {"verified"}  # the accepted wording is the baseline
    synopsys = next(s for c in document["claims"] if c["id"].endswith("tsmc-cowos-best-known")
                    for s in c["sources"] if s["source"].endswith("synopsys-ai-2026"))
    assert synopsys["verdict"] == "verified" and synopsys["evidence_score"] == 1.0  # the accepted passage
    shown = regrouped("history", "intel-packaging-2023", now=DAY3)
    history = shown.stdout
    assert shown.exit_code == 0, shown.output
    assert "wording reviewed" in history and history.count(" capture ") >= 3


def both_cli():  # type: ignore[no-untyped-def]
    from claimcheck.cli.main import cli
    return cli


def test_a_store_made_before_history_by_resource_migrates_with_its_history(tmp_path: Path, world: Site) -> None:
    """tests/fixtures/store-m009.tar.gz was made by the claimcheck before m010 (tests/fixtures/make_store.py):
    two checks (Intel changed, AMD's blog 404), initial baselines and an evidence passage accepted."""
    with tarfile.open(Path(__file__).parent / "fixtures" / "store-m009.tar.gz") as archive:
        archive.extractall(tmp_path, filter="data")
    old_origin = (tmp_path / "origin.txt").read_text().strip()
    store = tmp_path / "store"
    warcs = {p.name: p.read_bytes() for p in (store / "warc").iterdir()}
    # The publisher's site kept its address: this test's local site stands where the old one stood.
    db = sqlite3.connect(store / "claimcheck.db")
    for table, columns in (("captures", ("url", "final_url")), ("sources", ("url",)),
                           ("findings", ("url", "final_url"))):
        for column in columns:
            db.execute(f"update {table} set {column} = replace({column}, ?, ?)", [old_origin, world.origin])
    db.commit()
    db.close()
    claims = tmp_path / "claims.yaml"
    claims.write_text(claims.read_text().replace(old_origin, world.origin))
    world.page(INTEL_PATH, (PAGES / "intel-packaging.html").read_text().replace(
        "</body>", "<p>Intel also announced a new packaging plant in Malaysia, its first outside the United States "
        "to assemble Foveros products, with production starting next year.</p></body>"))
    world.status(AMD_PATH, 404)
    # Checked again, from a folder of articles (ids become LABEL:ID): the old history still applies.
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "packaging.yaml").write_text(claims.read_text())
    run = Runner(folder, store)
    code, document = run.json(now=DAY3)
    assert {s["verdict"] for s in _sources(document, "intel-2023-packaging")} == {"changed"}
    amd = _sources(document, "amd-2025-engineering-ai")
    assert amd and all(s["verdict"] == "unreachable" and "seen on 2 of 3 checks" in str(s["detail"]) for s in amd)
    cowos = next(s for c in document["claims"] if c["id"].endswith("tsmc-cowos-best-known")
                 for s in c["sources"] if s["source"].endswith("synopsys-tsmc-2026-ai-systems"))
    assert cowos["evidence_score"] == 1.0  # the passage accepted before the migration
    history = run("history", "synopsys-tsmc-2025-a16-n2p", now=DAY3).stdout
    assert "capture #2 accepted by claimcheck (initial)" in history  # its baseline, from before
    assert {p.name: p.read_bytes() for p in (store / "warc").iterdir() if p.name in warcs} == warcs  # untouched


def test_a_past_runs_report_is_what_that_run_said(tmp_path: Path, world: Site) -> None:
    """`report --run N` renders run N as it was: its diffs from the capture pair each finding compared, the
    same bytes after later acceptances and checks (before: the diff was recomputed against today's baseline)."""
    run = Runner(write_claims(tmp_path, world), tmp_path / "store")
    _changed_world(run, world)
    before = {fmt: run("report", "--run", "2", "--format", fmt, now=DAY2).stdout
              for fmt in ("html", "markdown", "text", "json")}
    assert "Malaysia" in before["markdown"] and "Malaysia" in before["html"]  # the run's "what changed"
    assert run("accept", "intel-2023-packaging", "--note", "reviewed", now=DAY2).exit_code == 0
    world.page(INTEL_PATH, (PAGES / "intel-packaging.html").read_text().replace(
        "</body>", "<p>A third version of the page, about something else again entirely, with new words.</p></body>"))
    run("check", now=DAY3)
    after = {fmt: run("report", "--run", "2", "--format", fmt, now=DAY3).stdout for fmt in before}
    assert after == before


def test_a_re_check_answered_304_keeps_the_archive_readable(tmp_path: Path, world: Site) -> None:
    """After a re-check where every page answers 304 Not Modified, coverage, suggest and diff read the same
    texts as before: a 304 names the payload it revalidated (before: coverage listed no candidate at all)."""
    run = Runner(write_claims(tmp_path, world), tmp_path / "store")
    run("check", now=DAY1)

    def candidates() -> int:
        document = json.loads(run("coverage", "--format", "json", now=DAY2).stdout)
        return sum(len(sentence["candidates"]) for sentence in document["sentences"])

    first = candidates()
    suggested = run("suggest", "tsmc-cowos-best-known", now=DAY2).stdout
    assert first > 0
    requests = len(world.requests)
    run("fetch", now=DAY2)
    revalidated = sqlite3.connect(tmp_path / "store" / "claimcheck.db").execute(
        "select count(*) from captures where run_id = 2 and http_status = 304").fetchone()[0]
    assert revalidated >= 3 and len(world.requests) > requests
    assert candidates() == first
    assert run("suggest", "tsmc-cowos-best-known", now=DAY2).stdout == suggested


def test_the_store_follows_the_claims_file(tmp_path: Path, world: Site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The default store is cache/ beside the claims file, wherever the command runs from; a command that
    fails before it has anything to store creates nothing; --store still wins."""
    from click.testing import CliRunner

    from claimcheck.cli.main import cli

    site = tmp_path / "site"
    site.mkdir()
    claims = write_claims(site, world)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    env = {"CLAIMCHECK_ALLOW_PRIVATE": "1", "CLAIMCHECK_TIMEGATE": "none", "CLAIMCHECK_NOW": DAY1}
    invoke = CliRunner().invoke
    assert invoke(cli, ["--claims", str(claims), "check", "--host-request-interval", "0"], env=env).exit_code == 0
    assert (site / "cache" / "claimcheck.db").is_file() and not (elsewhere / "cache").exists()
    offline = invoke(cli, ["--claims", "../site/claims.yaml", "check", "--offline", "--format", "json"], env=env)
    assert offline.exit_code == 0
    assert {s["verdict"] for c in json.loads(offline.stdout)["claims"] for s in c["sources"]} > {"unchecked"}
    assert not (elsewhere / "cache").exists()
    failed = invoke(cli, ["check"], env=env)  # no claims.yaml here
    assert failed.exit_code == 2 and not (elsewhere / "cache").exists()
    explicit = invoke(cli, ["--claims", str(claims), "--store", str(tmp_path / "mine"), "fetch",
                            "--host-request-interval", "0"], env=env)
    assert explicit.exit_code == 0 and (tmp_path / "mine" / "claimcheck.db").is_file()


def test_history_lists_a_capture_before_the_check_that_judged_it(tmp_path: Path, world: Site,
                                                                 monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A run's captures come after its start and its verdicts at its end: history lists capture, then check
    (before: a check was dated at its run's start, before the capture it judged)."""
    from datetime import datetime, timedelta, timezone

    from click.testing import CliRunner

    from claimcheck.cli.main import cli
    from claimcheck.core import clock

    ticks = iter(range(100_000))
    start = datetime(2026, 12, 1, tzinfo=timezone.utc)
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=next(ticks)))  # each reading a second on
    claims = write_claims(tmp_path, world)
    env = {"CLAIMCHECK_NOW": None, "CLAIMCHECK_ALLOW_PRIVATE": "1", "CLAIMCHECK_TIMEGATE": "none"}
    base = ["--claims", str(claims), "--store", str(tmp_path / "store")]
    for _ in range(2):
        assert CliRunner().invoke(cli, [*base, "check", "--host-request-interval", "0"], env=env).exit_code == 0
    lines = CliRunner().invoke(cli, [*base, "history", "intel-2023-packaging"], env=env).stdout.splitlines()
    kinds = [line.split()[1] for line in lines if len(line.split()) > 1 and line.split()[1] in ("capture", "check")]
    runs = [kind for i, kind in enumerate(kinds) if i == 0 or kinds[i - 1] != kind]  # a run's checks as one
    assert runs == ["capture", "check", "capture", "check"], lines  # before: each run's checks came first
