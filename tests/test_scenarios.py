"""Scenarios of link rot and drift in a local world of publisher sites, changed between runs while
CLAIMCHECK_NOW moves the clock, including the traps a careless checker falls into and must not."""

from __future__ import annotations

import json
from pathlib import Path

from claimcheck import RunSettings, Store, check_claims, load_claims
from claimcheck.settings import Policy
from claimcheck.net.fetch import FetchOptions
from claimcheck.net.guard import static_resolver
from conftest import WORLD_PATHS, Runner, by_source, stop_judging_at, write_claims
from world import PAGES, Route, Site

INTEL_PATH = WORLD_PATHS["intel-2023-packaging"][0]
INTEL = (PAGES / "intel-packaging.html").read_text()
HOME = ("<html><head><title>Intel Newsroom</title></head><body><h1>Newsroom</h1>"
        "<p>The latest news, stories and media resources from Intel, updated every day for the press.</p>"
        "<p>Explore our product announcements, company news and events from around the world.</p></body></html>")
DAYS = ["2026-11-20T12:00:00Z", "2026-11-21T12:00:00Z", "2026-11-22T12:00:00Z", "2026-11-24T13:00:00Z"]


def intel_verdicts(run: Runner, days: list[str] = DAYS[1:]) -> list[str]:
    out = []
    for day in days:
        _, doc = run.json(now=day)
        out.append(by_source(doc, "intel-2023-packaging")[0]["verdict"])
    return out


def test_soft_404_the_site_answers_made_up_urls_with_its_home_page(run: Runner, world: Site) -> None:
    world.fallback = Route(body=HOME.encode())  # every unknown URL: 200 and the home page
    run("check", now=DAYS[0])
    world.page(INTEL_PATH, HOME)  # the article is deleted; its URL now serves the home page
    assert intel_verdicts(run) == ["unreachable", "unreachable", "gone"]
    _, doc = run.json(now="2026-11-25T12:00:00Z")
    assert "soft-404" in by_source(doc, "intel-2023-packaging")[0]["detail"]


def test_trap_a_site_that_answers_everything_with_its_home_page_keeps_its_articles(run: Runner, world: Site) -> None:
    world.fallback = Route(body=HOME.encode())
    for day in DAYS:
        _, doc = run.json(now=day)
    assert {s["verdict"] for s in by_source(doc, "intel-2023-packaging")} == {"verified"}


def test_soft_404_by_its_own_words(run: Runner, world: Site) -> None:
    run("check", now=DAYS[0])
    world.page(INTEL_PATH, "<html><head><title>Page Not Found | Intel</title></head><body><h1>Sorry, we can't find "
                           "that page</h1><p>Try the search box.</p></body></html>")
    assert intel_verdicts(run) == ["unreachable", "unreachable", "gone"]


def test_redirect_to_the_home_page_is_rot(run: Runner, world: Site) -> None:
    run("check", now=DAYS[0])
    world.page("/", HOME)
    world.redirect(INTEL_PATH, world.url("/"), 301)
    assert intel_verdicts(run) == ["unreachable", "unreachable", "gone"]


def test_redirect_to_a_section_index_is_rot(run: Runner, world: Site) -> None:
    run("check", now=DAYS[0])
    world.page("/content/www/us/en/newsroom/", HOME)
    world.redirect(INTEL_PATH, world.url("/content/www/us/en/newsroom/"), 302)
    assert intel_verdicts(run)[-1] == "gone"


def test_trap_trailing_slash_and_scheme_redirects_are_not_moves(run: Runner, world: Site) -> None:
    run("check", now=DAYS[0])
    world.fixture(INTEL_PATH + "/", "intel-packaging.html")
    world.redirect(INTEL_PATH, world.url(INTEL_PATH + "/"), 301)
    assert intel_verdicts(run, DAYS[1:2]) == ["verified"]


def test_canonical_change_is_a_move(run: Runner, world: Site) -> None:
    run("check", now=DAYS[0])
    world.page(INTEL_PATH, INTEL.replace(
        "https://www.intel.com/content/www/us/en/newsroom/news/intel-leads-the-way-with-advanced-packaging.html",
        "https://newsroom.intel.com/manufacturing/intel-leads-the-way-with-advanced-packaging"))
    _, doc = run.json(now=DAYS[1])
    intel = by_source(doc, "intel-2023-packaging")[0]
    assert intel["verdict"] == "moved"
    assert intel["suggested_url"] == "https://newsroom.intel.com/manufacturing/intel-leads-the-way-with-advanced-packaging"


def test_trap_rate_limits_are_never_rot(run: Runner, world: Site) -> None:
    run("check", now=DAYS[0])
    world.status(INTEL_PATH, 429, headers={"Retry-After": "3600"})
    assert intel_verdicts(run) == ["unreachable"] * 3
    _, doc = run.json(now="2026-12-20T12:00:00Z")
    intel = by_source(doc, "intel-2023-packaging")[0]
    assert intel["verdict"] == "unreachable" and "429" in intel["detail"]


def test_retry_after_is_honoured_within_the_run(run: Runner, world: Site) -> None:
    run("check", now=DAYS[0])
    world.status(INTEL_PATH, 429, headers={"Retry-After": "1"})
    answers = iter([None])

    original = world.routes[INTEL_PATH]

    class FlipAfterFirst(dict):  # the second request, after the wait, gets the page back
        def get(self, key, default=None):  # type: ignore[no-untyped-def]
            if key == INTEL_PATH and next(answers, "done") == "done":
                return Route(body=INTEL.encode())
            return super().get(key, default)

    world.routes = FlipAfterFirst(world.routes)
    world.routes[INTEL_PATH] = original
    _, doc = run.json(now=DAYS[1])
    assert by_source(doc, "intel-2023-packaging")[0]["verdict"] == "verified"
    assert [p for p, _ in world.requests].count(INTEL_PATH) >= 3  # the first check, the 429, the retry


def test_trap_bot_challenges_are_blocked_not_gone(run: Runner, world: Site) -> None:
    run("check", now=DAYS[0])
    world.status(INTEL_PATH, 403, b"<html><head><title>Just a moment...</title></head><body>Checking your browser"
                                  b"</body></html>", headers={"cf-mitigated": "challenge"})
    assert intel_verdicts(run) == ["blocked"] * 3
    world.routes[INTEL_PATH] = Route(body=b"<html><head><title>Just a moment...</title></head><body><p>Enable "
                                          b"JavaScript and cookies to continue</p></body></html>")
    assert intel_verdicts(run, ["2026-11-30T12:00:00Z"]) == ["blocked"]


def test_persistent_server_errors_become_gone_and_recovery_resets(run: Runner, world: Site) -> None:
    run("check", now=DAYS[0])
    world.status(INTEL_PATH, 500)
    assert intel_verdicts(run) == ["unreachable", "unreachable", "gone"]
    world.fixture(INTEL_PATH, "intel-packaging.html")
    assert intel_verdicts(run, ["2026-11-25T12:00:00Z"]) == ["verified"]


def test_confirmation_is_configurable(run: Runner, world: Site) -> None:
    world.remove(INTEL_PATH)
    result = run("check", "--format", "json", "--confirm-checks", "1", "--confirm-days", "0")
    assert by_source(json.loads(result.stdout), "intel-2023-packaging")[0]["verdict"] == "gone"


def test_checks_too_close_in_time_do_not_confirm(run: Runner, world: Site) -> None:
    run("check", now="2026-11-19T12:00:00Z")  # the citation worked once
    world.remove(INTEL_PATH)
    hours = [f"2026-11-20T{h:02d}:00:00Z" for h in (1, 2, 3, 4, 5, 6)]
    assert intel_verdicts(run, hours) == ["unreachable"] * 6


def test_dead_dns_becomes_gone(tmp_path: Path, world: Site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    port = world.server.server_address[1]
    claims = write_claims(tmp_path, world, overrides={
        "intel-2023-packaging": {"url": f"http://newsroom.example:{port}{INTEL_PATH}"}})
    loaded = load_claims(claims)
    alive = static_resolver({"newsroom.example": ["127.0.0.1"]})
    dead = static_resolver({})
    settings = RunSettings(fetch=FetchOptions(allow_private=True, host_request_interval=0), timegate=None,
                           policy=Policy())
    verdicts = []
    with Store(tmp_path / "store") as store:
        for day, resolver in zip(DAYS, [alive, dead, dead, dead], strict=True):
            monkeypatch.setenv("CLAIMCHECK_NOW", day)
            settings.resolver = resolver
            outcome = check_claims(loaded, store, settings)
            verdicts.append(next(f["verdict"] for f in outcome.findings if f["source_id"] == "intel-2023-packaging"))
            assert not outcome.network_down
    assert verdicts == ["verified", "unreachable", "unreachable", "gone"]


def test_a_failing_canary_means_the_network_is_down(run: Runner, world: Site) -> None:
    run("check", now=DAYS[0])
    closed = Site()
    canary = closed.url("/")
    closed.close()
    world.remove(INTEL_PATH)
    for day in DAYS[1:]:
        result = run("check", "--canary", canary, now=day)
        assert result.exit_code == 3
    _, doc = run.json("--offline", now="2026-11-25T12:00:00Z")
    assert by_source(doc, "intel-2023-packaging")[0]["verdict"] == "verified"  # nothing was counted


def test_archived_copy_is_suggested_for_what_is_gone(run: Runner, world: Site) -> None:
    gate = Site()
    original = world.url(INTEL_PATH)
    memento = gate.url("/web/20230907000000/" + original)
    gate.routes["/web/" + original] = Route(status=302, etag=False, headers={
        "Location": memento, "Link": f'<{original}>; rel="original", <{memento}>; rel="memento"; '
                                     f'datetime="Thu, 07 Sep 2023 00:00:00 GMT"'})
    run.timegate = gate.url("/web/")
    try:
        run("check", now=DAYS[0])
        world.remove(INTEL_PATH)
        for day in DAYS[1:]:
            _, doc = run.json(now=day)
        intel = by_source(doc, "intel-2023-packaging")[0]
        assert intel["verdict"] == "gone"
        assert intel["suggested_url"] == memento
        assert "archived copy" in intel["detail"]
        asked = [headers for path, headers in gate.requests if path == "/web/" + original]
        assert len(asked) == 1  # asked once, then remembered
        assert asked[0]["accept-datetime"] == "Wed, 06 Sep 2023 23:59:59 GMT"
        exported = run("export", "--robust-links").stdout
        assert f'data-versionurl="{memento}"' in exported
    finally:
        gate.close()


def test_judging_a_chunk_at_a_time_gives_the_same_findings(tmp_path: Path, world: Site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Sources judged one at a time (states let go after their last citing claim, sources cited far apart
    gathered again) give the findings of sources judged all at once; sources no claim cites still get a baseline."""
    import yaml

    from claimcheck.judge import stage as judge

    claims_path = write_claims(tmp_path, world)
    data = yaml.safe_load(claims_path.read_text())
    world.fixture("/uncited.html", "intel-packaging.html")
    data["sources"]["uncited"] = {"publisher": "Intel", "title": "Nobody cites this", "url": world.url("/uncited.html")}
    claims_path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    loaded = load_claims(claims_path)
    settings = RunSettings(fetch=FetchOptions(allow_private=True, host_request_interval=0), timegate=None)

    def findings(store: Store) -> list[tuple[str, ...]]:
        outcome = check_claims(loaded, store, settings)
        return [(f["claim_id"], f["source_id"], f["verdict"], f["detail"], f["evidence_text"] or "")
                for f in outcome.findings]

    with Store(tmp_path / "whole") as whole, Store(tmp_path / "chunked") as chunked:
        runs: dict[str, list[list[tuple[str, ...]]]] = {"whole": [], "chunked": []}
        for day, change in zip(DAYS[:3], [None, "edit", "remove"], strict=True):
            monkeypatch.setenv("CLAIMCHECK_NOW", day)
            if change == "edit":
                world.page(INTEL_PATH, INTEL.replace("Foveros", "Stacking"))
            elif change == "remove":
                world.remove(WORLD_PATHS["synopsys-tsmc-2026-ai-systems"][0])
            runs["whole"].append(findings(whole))
            monkeypatch.setattr(judge, "JUDGE_CHUNK", 1)
            runs["chunked"].append(findings(chunked))
            monkeypatch.setattr(judge, "JUDGE_CHUNK", 500)
        assert runs["chunked"] == runs["whole"]
        assert len(runs["whole"][0]) == sum(len(c.cites) for c in loaded.claims)
        assert {f[2] for f in runs["whole"][1]} > {"verified"}  # the edit was seen, in both
        uncited = loaded.sources["uncited"].key  # a source's history is kept under its URL
        assert chunked.reviews.latest_baselines_of([uncited])[uncited]["kind"] == "initial"
        summary = json.loads(chunked.runs.get(chunked.runs.last_check()["id"])["summary"])
        assert sum(summary.values()) == len(runs["chunked"][-1])


def test_a_run_interrupted_while_judging_leaves_no_findings(tmp_path: Path, world: Site, monkeypatch,  # type: ignore[no-untyped-def]
                                                            database: str | None) -> None:
    """Findings are written a chunk at a time, but in one transaction: a run that stops half-way through
    judging leaves none of its findings, and the next run completes."""
    from claimcheck.judge import stage as judge

    loaded = load_claims(write_claims(tmp_path, world))
    settings = RunSettings(fetch=FetchOptions(allow_private=True, host_request_interval=0), timegate=None)
    judged = judge._judged_cite
    monkeypatch.setattr(judge, "JUDGE_CHUNK", 1)
    calls = stop_judging_at(monkeypatch, 6)
    with Store(database or tmp_path / "store", archive=tmp_path / "store") as store:
        try:
            check_claims(loaded, store, settings)
        except KeyboardInterrupt:
            pass
        assert calls == [6]
        assert store.tables.scalar("select count(*) from findings") == 0
        assert store.tables.scalar("select count(*) from baselines") == 0
        monkeypatch.setattr(judge, "_judged_cite", judged)
        outcome = check_claims(loaded, store, settings)
        assert store.tables.rows("select status from runs order by id") == [("interrupted",), ("complete",)]
        assert len(outcome.findings) == sum(len(c.cites) for c in loaded.claims)
