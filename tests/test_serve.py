"""`claimcheck serve`: the review app on a real store made by real checks. Its guard (Host, token, CSRF,
read-only, the store's lock, escaping, sandboxed archived pages) through Starlette's test client; the
walkthrough a maintainer makes, and a hostile archived page, in Debian's Chromium (test_serve_browser.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import WORLD_PATHS, Runner
from world import PAGES, Site

from claimcheck.claims.files import load_claims_set
from claimcheck.store import Store

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from claimcheck.web.app import ServeSettings, create_app  # noqa: E402
from claimcheck.web.guard import COOKIE, csrf_token  # noqa: E402

SECRET = "test-secret-token"
ORIGIN = "http://127.0.0.1:8000"
HOSTILE = '<script>alert("pwned")</script><img src=x onerror="alert(2)">'
INTEL = "intel-2023-packaging"


def hostile_intel(world: Site, extra: str = "") -> None:
    """Intel's page reworded (`changed`), with a hostile paragraph: markup as text, and live markup too."""
    page = (PAGES / "intel-packaging.html").read_text()
    page = page.replace("</div>\n  <div class=\"related-content\">",
                        f"<p>New paragraph: {HOSTILE.replace('<', '&lt;')} and more words to count.{extra}</p>"
                        f"{HOSTILE}<a href=\"javascript:alert(3)\">click</a>"
                        "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">"
                        "</div>\n  <div class=\"related-content\">")
    world.page(WORLD_PATHS[INTEL][0], page.replace("on top of one another", "one above the other"))


@pytest.fixture
def checked(run: Runner, world: Site) -> Runner:
    run("check")
    hostile_intel(world)
    run("check", now="2026-11-26T12:00:00Z")
    return run


def settings_for(run: Runner, *, read_only: bool = False) -> ServeSettings:
    return ServeSettings(store=run.store, load_claims=lambda: load_claims_set([run.claims]),
                         read_only=read_only, secret=SECRET)


@pytest.fixture
def client(checked: Runner) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(checked)), base_url=ORIGIN) as test_client:
        test_client.cookies.set(COOKIE, SECRET)
        yield test_client


def test_the_secret_is_asked_for_and_moves_from_the_address_to_a_strict_cookie(checked: Runner) -> None:
    with TestClient(create_app(settings_for(checked)), base_url=ORIGIN) as anonymous:
        assert anonymous.get("/").status_code == 401
        assert anonymous.get("/?token=wrong").status_code == 403
        entered = anonymous.get(f"/?token={SECRET}", follow_redirects=False)
        assert entered.status_code == 303 and entered.headers["location"] == f"{ORIGIN}/"
        cookie = entered.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        page = anonymous.get("/")
        assert page.status_code == 200 and "What needs me" in page.text


def test_a_foreign_host_is_refused_even_with_the_secret(client: TestClient) -> None:
    for host in ("evil.example", "evil.example:8000", "127.0.0.1:9999", "127.0.0.1.nip.io:8000"):
        response = client.get("/", headers={"host": host})
        assert response.status_code == 421, host
    assert client.get("/", headers={"host": "localhost:8000"}).status_code == 200


def test_what_needs_me_lists_claims_worst_first_with_why_and_filters(client: TestClient) -> None:
    page = client.get("/").text
    assert "intel-emib-foveros" in page
    verdicts = _verdicts(page)
    order = ["gone", "evidence-missing", "moved", "date-drift", "changed", "unreachable", "blocked", "unchecked",
             "verified"]
    assert verdicts == sorted(verdicts, key=order.index) and {"changed", "verified"} <= set(verdicts)
    only_changed = client.get("/?verdict=changed").text
    assert "intel-emib-foveros" in only_changed and set(_verdicts(only_changed)) == {"changed"}
    assert set(_verdicts(client.get("/?level=ok").text)) == {"verified"}
    by_publisher = client.get("/?publisher=AMD").text
    assert "intel-emib-foveros" not in by_publisher and _verdicts(by_publisher)
    headers = client.get("/").headers
    assert "script-src 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "SAMEORIGIN" and headers["x-content-type-options"] == "nosniff"


def client_rows(test_client: TestClient, verdict: str) -> str:
    return test_client.get(f"/?verdict={verdict}").text.split("<h1>What needs me</h1>")[1]


def _verdicts(page: str) -> list[str]:
    rows = page.split('class="claim-row"')[1:]
    return [row.split('class="verdict ')[1].split("</td>")[0].split(">")[1] for row in rows]


def test_page_text_is_escaped_everywhere(client: TestClient) -> None:
    source = client.get(f"/source?key={_key(client)}").text
    assert "&lt;script&gt;" in source  # the hostile paragraph, as text, in the diff
    for body in (client.get("/").text, source, client.get("/claim?id=intel-emib-foveros").text):
        assert not _active(body)


def _active(body: str) -> list[str]:
    """Markup that would run: a script element, an event handler attribute, a javascript: or refresh."""
    return re.findall(r"(?i)<script|<[^>]*\son\w+\s*=|<[^>]*javascript:|<meta[^>]*refresh", body)


def _key(client: TestClient) -> str:
    page = client.get("/claim?id=intel-emib-foveros").text
    return page.split('class="source-link" href="/source?key=')[1].split('"')[0]


def test_archived_pages_are_served_without_scripts_in_a_sandbox(client: TestClient, checked: Runner) -> None:
    with Store(checked.store) as store:
        capture = next(c for c in reversed(store.captures.of_source(_key_of(store))) if c["payload_digest"])
    response = client.get(f"/captures/{capture['id']}/archived")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert policy.startswith("sandbox;") and "allow-scripts" not in policy and "default-src 'none'" in policy
    assert not _active(response.text) and "New paragraph" in response.text
    assert _active(HOSTILE)  # (what the check looks for is what the page had)


def _key_of(store: Store) -> str:
    return next(f["source_key"] for f in store.findings.of_run(store.runs.last_check()["id"])  # type: ignore[index]
                if f["source_id"] == INTEL)


def _accept_form(**overrides: str) -> dict[str, str]:
    form = {"csrf": csrf_token(SECRET), "source": INTEL, "note": "the new paragraph is fine", "by": "Ada"}
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


@pytest.mark.parametrize(("form", "headers", "status"), [
    ({"csrf": ""}, {}, 403),
    ({"csrf": "0" * 64}, {}, 403),
    ({}, {"origin": "https://evil.example"}, 403),
    ({}, {"host": "evil.example"}, 421),
    ({"note": ""}, {}, 400),
    ({"by": ""}, {}, 400),
])
def test_a_write_without_the_right_tokens_is_refused_and_writes_nothing(
        client: TestClient, checked: Runner, form: dict[str, str], headers: dict[str, str], status: int) -> None:
    response = client.post("/decisions/baseline", data=_accept_form(**form), headers=headers, follow_redirects=False)
    assert response.status_code == status
    assert "accepted by Ada" not in checked("history", INTEL).stdout


def test_a_write_without_the_cookie_is_refused(checked: Runner) -> None:
    with TestClient(create_app(settings_for(checked)), base_url=ORIGIN) as anonymous:
        response = anonymous.post("/decisions/baseline", data=_accept_form(), follow_redirects=False)
        assert response.status_code == 401


def test_accepting_a_baseline_in_the_browser_is_the_clis_audit_row(client: TestClient, checked: Runner) -> None:
    response = client.post("/decisions/baseline", data=_accept_form(), headers={"origin": ORIGIN},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    assert "accepted=" in response.headers["location"]
    history = checked("history", INTEL).stdout
    assert "accepted by Ada (accepted): the new paragraph is fine" in history
    doc = json.loads(checked("check", "--format", "json", now="2026-11-27T12:00:00Z").stdout)
    assert {s["verdict"] for c in doc["claims"] for s in c["sources"] if s["source"] == INTEL} == {"verified"}


def test_a_run_holding_the_lock_makes_the_page_say_so_and_nothing_is_written(client: TestClient,
                                                                               checked: Runner) -> None:
    with Store(checked.store) as store, store.locked():
        response = client.post("/decisions/baseline", data=_accept_form(), follow_redirects=False)
    assert response.status_code == 409 and "A run is writing to the store" in response.text
    assert "accepted by Ada" not in checked("history", INTEL).stdout


def test_evidence_is_refused_in_the_browser_as_on_the_command_line(client: TestClient, checked: Runner) -> None:
    form = {"csrf": csrf_token(SECRET), "claim": "intel-emib-foveros", "source": INTEL, "note": "n", "by": "Ada",
            "text": "Its innovations include glass substrates for the next decade."}
    response = client.post("/decisions/evidence", data=form, follow_redirects=False)
    assert response.status_code == 400 and "nothing was written" in response.text
    assert "evidence accepted by Ada" not in checked("history", INTEL).stdout


def test_read_only_serves_no_write_route_and_no_form(checked: Runner) -> None:
    with TestClient(create_app(settings_for(checked, read_only=True)), base_url=ORIGIN) as reader:
        reader.cookies.set(COOKIE, SECRET)
        for route in ("/decisions/baseline", "/decisions/evidence"):
            assert reader.post(route, data=_accept_form()).status_code in (404, 405)
        assert "<form method=\"post\"" not in reader.get(f"/source?key={_key(reader)}").text
        assert "<form method=\"post\"" not in reader.get("/claim?id=intel-emib-foveros").text
    assert "accepted by Ada" not in checked("history", INTEL).stdout


def test_runs_and_their_reports_in_every_format(client: TestClient) -> None:
    page = client.get("/runs").text
    assert "report.json" in page and "report.junit" in page
    assert '<span class="warning">changed 3</span>' in page  # the second check's summary
    report = client.get("/runs/2/report.json")
    assert report.status_code == 200 and json.loads(report.text)["schema"] == 1
    assert "attachment" in report.headers["content-disposition"]
    assert client.get("/runs/2/report.exe").status_code == 404
    assert client.get("/runs/99/report.json").status_code == 404


def test_serve_without_a_store_is_a_clear_error(tmp_path: Path, run: Runner) -> None:
    result = run("serve")
    assert result.exit_code == 2 and "no store" in result.output


def test_snooze_hides_a_sources_findings_until_its_page_changes(client: TestClient, checked: Runner,
                                                                 world: Site) -> None:
    assert "snoozed until their page changes" not in client.get("/").text
    form = _accept_form(note="known rewording, asked Intel")
    response = client.post("/decisions/snooze", data=form, follow_redirects=False)
    assert response.status_code == 303 and "snoozed=1" in response.headers["location"]
    page = client.get("/").text
    assert "3 claims snoozed until their page changes" in page
    assert "changed" not in _verdicts(page) and "intel-emib-foveros" not in page
    assert "changed" in _verdicts(client.get("/?snoozed=1").text)
    assert "snoozed by Ada until the page changes: known rewording, asked Intel" in checked("history", INTEL).stdout
    checked("check", now="2026-11-27T12:00:00Z")  # the same page: still asleep
    assert "3 claims snoozed" in client.get("/").text
    hostile_intel(world, extra=" Another sentence wakes it.")
    checked("check", now="2026-11-28T12:00:00Z")
    page = client.get("/").text
    assert "snoozed" not in page and "changed" in _verdicts(page)


def test_recheck_now_captures_one_source_and_judges_every_claim(checked: Runner, world: Site) -> None:
    settings = settings_for(checked)
    settings.allow_private = True
    with TestClient(create_app(settings), base_url=ORIGIN) as test_client:
        test_client.cookies.set(COOKIE, SECRET)
        with Store(checked.store) as store:
            before = len(store.captures.of_source(_key_of(store)))
            with store.locked():
                locked = test_client.post("/decisions/recapture", data={"csrf": csrf_token(SECRET), "source": INTEL})
            assert locked.status_code == 409
            response = test_client.post("/decisions/recapture", data={"csrf": csrf_token(SECRET), "source": INTEL},
                                        follow_redirects=False)
            assert response.status_code == 303, response.text
            assert len(store.captures.of_source(_key_of(store))) == before + 1
            check, fetch = store.runs.recent(2)
            assert (fetch["command"], check["command"], check["network"]) == ("fetch", "check", "offline")
            assert store.findings.claim_count(check["id"]) == 8  # every claim, not only this source's
        # Intel's page back as cited: re-checked now, its claims are verified again without a full check.
        world.page(WORLD_PATHS[INTEL][0], (PAGES / "intel-packaging.html").read_text())
        test_client.post("/decisions/recapture", data={"csrf": csrf_token(SECRET), "source": INTEL})
        assert "intel-emib-foveros" not in client_rows(test_client, "changed")
        refused = test_client.post("/decisions/recapture", data={"csrf": "nope", "source": INTEL})
        assert refused.status_code == 403


def test_a_claim_is_shown_in_its_articles_paragraph(client: TestClient) -> None:
    page = client.get("/claim?id=intel-emib-foveros").text
    assert '<blockquote class="context">' in page
    assert "<mark>Intel describes EMIB and Foveros as packaging technologies" in page


@pytest.mark.parametrize("name", ["article.html", "article.md"])
def test_a_claim_of_a_web_page_or_markdown_article_is_shown_in_its_paragraph(tmp_path: Path, name: str) -> None:
    # The claims file's loader keeps the article as read (markup gone): the page reads that, never parses it
    # again (an HTML article showed no paragraph at all), and a page in windows-1252 is read as declared.
    from types import SimpleNamespace

    from claimcheck.claims.load import load_claims
    from claimcheck.web.pages import _in_context
    article = tmp_path / name
    if name.endswith(".html"):
        article.write_bytes('<html><head><meta charset="windows-1252"></head><body><article><h1>Plant</h1><p>It '
                            'opened in May. The caf\u00e9 employs 2,000 people, <a href="https://chips.example/r">'
                            'the company said</a>. More after.</p></article></body></html>'.encode("cp1252"))
    else:
        article.write_text("# Plant\n\nIt opened in May. The caf\u00e9 employs 2,000 people, [the company "
                           "said](https://chips.example/r). More after.\n")
    claim = "The caf\u00e9 employs 2,000 people, the company said."
    (tmp_path / "claims.yaml").write_text(
        f"article:\n  title: Plant\n  path: {name}\nsources:\n  r:\n    publisher: Chips\n    title: Release\n    url: https://chips.example/r\n"
        f"claims:\n  - id: c\n    text: \"{claim}\"\n    cites:\n      - source: r\n", encoding="utf-8")
    claims = load_claims(tmp_path / "claims.yaml")
    assert _in_context(SimpleNamespace(claims=claims), claim) == ("It opened in May. ", claim, " More after.")
    unread = SimpleNamespace(claims=SimpleNamespace(article=claims.article, articles=(), article_text=None))
    assert _in_context(unread, claim) == ("It opened in May. ", claim, " More after.")


def test_any_two_captures_compare(client: TestClient, checked: Runner) -> None:
    with Store(checked.store) as store:
        ids = [c["id"] for c in store.captures.of_source(_key_of(store)) if c["payload_digest"]]
    page = client.get(f"/source?key={_key(client)}&a={ids[-1]}&b={ids[0]}").text
    assert f"Capture #{ids[-1]} → #{ids[0]}" in page and "<del>" in page  # newer to older: the edit undone
    assert client.get(f"/source?key={_key(client)}&a=999999&b={ids[0]}").status_code == 404


def test_a_passage_pasted_from_the_capture_is_accepted_with_the_clis_checks(client: TestClient,
                                                                            checked: Runner) -> None:
    passage = ("Its innovations include EMIB (embedded multi-die interconnect bridge) and Foveros, technologies "
               "that allow multiple chips on a package to be connected side by side (EMIB) or stacked one above "
               "the other in a 3D fashion (Foveros).")
    form = {"csrf": csrf_token(SECRET), "claim": "intel-emib-foveros", "source": INTEL, "text": passage,
            "note": "the reworded sentence", "by": "Ada"}
    response = client.post("/decisions/evidence", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert "evidence accepted by Ada: the reworded sentence" in checked("history", INTEL).stdout


def test_snooze_on_the_command_line_is_the_apps_row(client: TestClient, checked: Runner) -> None:
    result = checked("snooze", INTEL, "--note", "waiting for Intel", "--by", "Lin")
    assert result.exit_code == 0 and "snoozed until the page reads otherwise" in result.output
    assert "3 claims snoozed" in client.get("/").text
    assert "snoozed by Lin until the page changes: waiting for Intel" in checked("history", INTEL).stdout
    assert checked("snooze", "no-such-source", "--note", "x").exit_code == 2
