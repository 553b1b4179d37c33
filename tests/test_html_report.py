"""The HTML report in a real headless browser (Debian's chromium): it renders, filters, runs no page script,
makes no request, and keeps its layout (screenshot compared with tests/fixtures/report-layout.png)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import WORLD_PATHS, Runner, needs_chromium
from world import PAGES, Site

REFERENCE = Path(__file__).parent / "fixtures" / "report-layout.png"
PAYLOAD = '<script>window.pwned = 1; alert("pwned")</script><img src=x onerror="window.pwned=2">'

pytestmark = needs_chromium


@pytest.fixture
def report(run: Runner, world: Site, tmp_path: Path) -> Path:
    intel = WORLD_PATHS["intel-2023-packaging"][0]
    run("check")
    page = (PAGES / "intel-packaging.html").read_text()
    # A hostile page: the payload sits in the title and in a new paragraph of the main text.
    page = page.replace("<h1>Intel Leads the Way with Advanced Packaging</h1>",
                        f"<h1>Intel Leads the Way with Advanced Packaging {PAYLOAD.replace('<', '&lt;')}</h1>")
    page = page.replace("</div>\n  <div class=\"related-content\">",
                        f"<p>New paragraph: {PAYLOAD.replace('<', '&lt;')} and more words to count.</p>"
                        "</div>\n  <div class=\"related-content\">")
    page = page.replace("on top of one another", "one above the other")  # a rewording: `changed`
    world.page(intel, page)
    world.status(WORLD_PATHS["amd-2025-engineering-ai"][0], 403)
    run("check", now="2026-11-26T12:00:00Z")
    out = tmp_path / "report.html"
    assert run("report", "--format", "html", "--output", str(out)).exit_code == 0
    return out


def open_report(browser, report: Path):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    return page, requests, dialogs


def test_report_renders_safely_and_requests_nothing(report: Path, browser) -> None:  # type: ignore[no-untyped-def]
    page, requests, dialogs = open_report(browser, report)
    assert page.locator("section.claim").count() == 8
    assert page.evaluate("window.pwned") is None
    assert dialogs == []
    assert [url for url in requests if not url.startswith("file://")] == []
    assert "window.pwned = 1" in page.locator("body").text_content()  # shown as text, never run
    # The changed source's diff is shown once, open, after the claims; each claim citing it links there.
    diffs = page.locator("details[id^=diff-][open] .diff")
    assert diffs.count() == 1 and diffs.locator("mark").count() >= 1  # changed words marked, not whole lines
    links = page.locator("section.claim[data-status=changed] a[href='#diff-intel-2023-packaging']")
    assert links.count() == 3
    links.first.click()
    assert page.evaluate("location.hash") == "#diff-intel-2023-packaging"


def test_filter_by_verdict(report: Path, browser) -> None:  # type: ignore[no-untyped-def]
    page, _, _ = open_report(browser, report)
    visible = lambda: page.locator("section.claim:visible").count()  # noqa: E731
    # Problems first and open; the verified claims are folded below them.
    statuses = page.locator("section.claim").evaluate_all("(all) => all.map(e => e.getAttribute('data-status'))")
    assert statuses.index("verified") == statuses.count("changed") + statuses.count("blocked") + statuses.count(
        "unchecked") and "verified" not in statuses[:statuses.index("verified")]
    assert visible() == 5
    page.locator("details.verified > summary").click()
    assert visible() == 8
    page.locator("input[value=verified]").uncheck()
    page.locator("input[value=unchecked]").uncheck()
    shown = page.locator("section.claim:visible")
    statuses = {shown.nth(i).get_attribute("data-status") for i in range(shown.count())}
    assert statuses and statuses <= {"changed", "blocked"}
    assert visible() == 4  # three claims cite the changed Intel page, the AMD blog claim is blocked
    page.locator("input[value=verified]").check()
    assert visible() >= 7


def test_layout_screenshot(report: Path, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    image = pytest.importorskip("PIL.Image")
    page, _, _ = open_report(browser, report)
    boxes = page.evaluate("Array.from(document.querySelectorAll('section.claim')).map(e => {"
                          "const r = e.getBoundingClientRect(); return [r.top, r.bottom, r.left, r.width]; })")
    for (_top, bottom, left, width), (next_top, *_rest) in zip(boxes, boxes[1:], strict=False):
        assert bottom <= next_top  # claims stack without overlapping
        assert width > 600 and left >= 0
    columns = page.evaluate("getComputedStyle(document.querySelector('.diff')).gridTemplateColumns").split()
    assert len(columns) == 2 and abs(float(columns[0][:-2]) - float(columns[1][:-2])) < 2  # side by side
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), clip={"x": 0, "y": 0, "width": 1200, "height": 900})
    if os.environ.get("UPDATE_SCREENSHOTS") or not REFERENCE.exists():
        shutil.copy(shot, REFERENCE)
        pytest.skip("reference screenshot written")
    chops = pytest.importorskip("PIL.ImageChops")
    current, expected = image.open(shot).convert("L"), image.open(REFERENCE).convert("L")
    assert current.size == expected.size
    differing = sum(chops.difference(current, expected).histogram()[41:])  # pixels off by more than 40 levels
    assert differing / (current.size[0] * current.size[1]) < 0.02, f"{differing} pixels differ"


def test_the_report_an_editor_sees(report: Path, browser) -> None:  # type: ignore[no-untyped-def]
    """Titled with the article, a filter chip only for verdicts the run gave, the hint's commands as code, the
    evidence score explained, and the diff marking the lines that hold an evidence passage."""
    page, _, _ = open_report(browser, report)
    assert page.title().startswith("Advanced Semiconductor Packaging")
    assert page.locator("h1").text_content() == "Advanced Semiconductor Packaging"
    chips = page.locator("input[name=verdict]").evaluate_all("boxes => boxes.map(b => b.value)")
    assert sorted(chips) == ["blocked", "changed", "unchecked", "verified"]  # none with a count of 0
    body = page.locator("body").text_content()
    assert "`" not in body.split("What changed")[0]  # commands shown as code, not in backquotes
    assert page.locator("p.detail code").count() >= 2
    assert "Evidence: how closely the page still holds the claim's recorded passage" in body
    marked = page.locator("details[id^=diff-] .diff .evidence")
    assert marked.count() >= 1 and "on a package" in marked.first.text_content()


def test_a_rewording_is_shown_in_the_pages_own_words(run: Runner, world: Site) -> None:
    intel = WORLD_PATHS["intel-2023-packaging"][0]
    run("check")
    world.page(intel, (PAGES / "intel-packaging.html").read_text().replace(
        "Its innovations include EMIB", "Its Famous innovations include EMIB"))
    _, doc = run.json(now="2026-11-26T12:00:00Z")
    emib = next(s for c in doc["claims"] if c["id"] == "intel-emib-foveros" for s in c["sources"])
    assert emib["verdict"] == "changed" and "+Famous" in emib["detail"], emib["detail"]
