"""The review app in a real browser (Debian's Chromium through Playwright) against a real server on 127.0.0.1:
a maintainer's walkthrough from "what needs me" to an accepted baseline read back through the CLI, stepping
through three versions of a source, and a hostile page shown as archived that runs nothing."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Runner, needs_chromium
from world import Site
from test_serve import INTEL, hostile_intel

from claimcheck.claims.files import load_claims_set

pytest.importorskip("starlette")
uvicorn = pytest.importorskip("uvicorn")

from claimcheck.web.app import ServeSettings, create_app  # noqa: E402

SCREENSHOTS = Path(__file__).parent.parent / "docs" / "images"
pytestmark = needs_chromium


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def three_versions(run: Runner, world: Site) -> Runner:
    """Intel's page in three versions: as cited, reworded with a hostile paragraph, and with one more line."""
    run("check")
    hostile_intel(world)
    run("check", now="2026-11-26T12:00:00Z")
    hostile_intel(world, extra=" A third version adds this sentence.")
    run("check", now="2026-11-27T12:00:00Z")
    return run


@pytest.fixture
def served(three_versions: Runner) -> Iterator[str]:
    port = _free_port()
    settings = ServeSettings(store=three_versions.store, load_claims=lambda: load_claims_set([three_versions.claims]),
                             port=port, secret="browser-secret")
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the review app did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def _page(browser: Any) -> tuple[Any, dict[str, list[str]]]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    seen: dict[str, list[str]] = {"dialogs": [], "console": [], "requests": [], "navigations": []}
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: seen["console"].append(message.text))
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.on("framenavigated", lambda frame: seen["navigations"].append(frame.url))
    return page, seen


def _shot(page: Any, name: str) -> None:
    """The README's screenshots, made by this browser when asked (CLAIMCHECK_SCREENSHOTS=1)."""
    if os.environ.get("CLAIMCHECK_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def test_walkthrough_from_what_needs_me_to_an_accepted_baseline(served: str, browser: Any,
                                                                three_versions: Runner) -> None:
    page, seen = _page(browser)
    page.goto(f"{served}/?token=browser-secret")
    assert page.url == f"{served}/"  # the token left the address bar
    assert page.locator("h1").text_content() == "What needs me"
    _shot(page, "review-needs")
    page.locator("tr.claim-row", has_text="changed").first.locator("a").first.click()
    assert page.locator("h1").text_content().startswith("Claim ")
    _shot(page, "review-claim")
    page.locator(f"h2:has-text('{INTEL}') + p a.source-link").click()
    assert page.locator("table.diff").count() == 1
    assert page.locator("table.diff ins").count() >= 1  # the changed words marked
    _shot(page, "review-source")
    page.fill("input[name=note]", "the reworded paragraph still says what the claims say")
    page.fill("input[name=by]", "Grace")
    page.locator("button", has_text="as the baseline").click()
    page.wait_for_load_state("load")
    assert page.locator(".flash").count() == 1, page.locator("main").text_content()
    assert "recorded in the audit log" in page.locator(".flash").text_content()
    history = three_versions("history", INTEL).stdout
    assert "accepted by Grace (accepted): the reworded paragraph still says what the claims say" in history
    assert seen["dialogs"] == [] and seen["console"] == []


def test_step_through_three_versions(served: str, browser: Any) -> None:
    page, _ = _page(browser)
    page.goto(f"{served}/?token=browser-secret")
    page.locator("tr.claim-row", has_text="changed").first.locator("a").first.click()
    page.locator(f"h2:has-text('{INTEL}') + p a.source-link").click()
    newest = page.locator("main h2", has_text="→").text_content()
    assert page.locator("a.next").count() == 0 and "A third version" in page.locator("table.diff").text_content()
    page.locator("a.previous").click()
    assert page.locator("main h2", has_text="→").text_content() != newest
    assert "one above the other" in page.locator("table.diff").text_content()  # version 1 to 2
    assert page.locator("a.previous").count() == 0
    middle = page.locator("main h2", has_text="→").text_content().split("→")[1].strip()
    page.locator("a.next").click()
    assert page.locator("main h2", has_text="→").text_content() == f"Capture {middle} → {newest.split('→')[1].strip()}"
    assert page.locator("a.next").count() == 0


def test_a_hostile_page_shown_as_archived_runs_nothing(served: str, browser: Any) -> None:
    page, seen = _page(browser)
    page.goto(f"{served}/?token=browser-secret")
    page.locator("tr.claim-row", has_text="changed").first.locator("a").first.click()
    page.locator(f"h2:has-text('{INTEL}') + p a.source-link").click()
    source_url = page.url
    frame = page.frame_locator("iframe[title='archived capture']")
    assert "New paragraph" in frame.locator("body").text_content()
    frame.locator("a", has_text="click").click(timeout=5000)
    page.wait_for_timeout(1500)  # time for a refresh, a timer or an error handler to fire
    assert seen["dialogs"] == []
    assert seen["console"] == []
    assert page.url == source_url
    assert not [url for url in seen["navigations"] if "evil.example" in url or url.startswith("javascript:")]
    assert not [url for url in seen["requests"] if not url.startswith(served)]  # nothing from the web


def test_a_post_from_another_site_is_refused(served: str, browser: Any, three_versions: Runner,
                                             tmp_path: Path) -> None:
    """A page on another origin that posts a form to the app: no cookie (SameSite), no token, no write."""
    page, _ = _page(browser)
    page.goto(f"{served}/?token=browser-secret")
    attack = tmp_path / "attack.html"
    attack.write_text(f"<form id=f method=post action='{served}/decisions/baseline'>"
                      f"<input name=source value='{INTEL}'><input name=note value=pwned><input name=by value=evil>"
                      "<input name=csrf value=guess></form><script>document.getElementById('f').submit()</script>")
    page.goto(attack.as_uri())
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    assert "accepted by evil" not in three_versions("history", INTEL).stdout
