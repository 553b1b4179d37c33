"""Extraction from pages imitating each publisher: expected answers in one table."""

from __future__ import annotations

from datetime import date

import pytest
from world import PAGES

from claimcheck.reading.kinds import extract_page

# fixture, url, content type, title (prefix), published, precision, a passage the main text must hold,
# and text the main text must not hold (boilerplate).
CASES = [
    ("intel-packaging.html",
     "https://www.intel.com/content/www/us/en/newsroom/news/intel-leads-the-way-with-advanced-packaging.html",
     "text/html", "Intel Leads the Way with Advanced Packaging", date(2023, 9, 6), "day",
     "Its innovations include EMIB (embedded multi-die interconnect bridge) and Foveros",
     ["We use cookies", "Related News", "Developers", "trademarks of Intel"]),
    ("synopsys-2025-a16-n2p.html",
     "https://news.synopsys.com/2025-04-23-Synopsys-and-TSMC-Usher-In-Angstrom-Scale-Designs", "text/html",
     "Synopsys and TSMC Usher In Angstrom-Scale Designs", date(2025, 4, 23), "day",
     "including CoWoS and SoIC", ["Media Kit", "All Rights Reserved"]),
    ("synopsys-2026-ai-systems.html", "https://news.synopsys.com/x", "text/html",
     "Synopsys Partners with TSMC", date(2026, 4, 22), "day", "system-level technology stack", ["Media Kit"]),
    ("amd-engineering-ai.html", "https://www.amd.com/en/blogs/2025/engineering-the-future-of-ai.html",
     "text/html", "Engineering the Future of AI", date(2025, 11, 11), "day",
     "AMD's architecture-first strategy combines advanced chiplet packaging", ["Trending", "SC25", "Support"]),
    ("ase-vipack.html", "https://ase.aseglobal.com/press-room/vipack/", "text/html",
     "ASE's VIPack Enables Advanced Interconnect", date(2024, 3, 20), "day",
     "complex AI integration", ["Investors", "Copyright"]),
    ("amd-chiplet-white-paper.pdf", "https://www.amd.com/a.pdf", "application/pdf", "AMD Chiplet Ecosystem",
     date(2024, 12, 1), "month", "Advanced packaging capacity is required to support broader adoption", []),
]


@pytest.mark.parametrize("name, url, content_type, title, published, precision, passage, boilerplate", CASES,
                         ids=[c[0] for c in CASES])
def test_publisher_pages(name: str, url: str, content_type: str, title: str, published: date, precision: str,
                         passage: str, boilerplate: list[str]) -> None:
    page = extract_page((PAGES / name).read_bytes(), url, content_type, today=date(2026, 11, 25))
    assert page.title and page.title.startswith(title)
    assert page.published == published
    assert page.published_precision and page.published_precision.value == precision
    assert passage in page.text
    for noise in boilerplate:
        assert noise not in page.text, noise


def test_pdf_metadata_gives_modified_date() -> None:
    page = extract_page((PAGES / "amd-chiplet-white-paper.pdf").read_bytes(), "https://x/a.pdf", "application/pdf")
    assert page.kind == "pdf"
    assert page.modified == date(2024, 12, 10)


@pytest.mark.parametrize("html, published, modified", [
    ('<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2024-03-20T08:00:00+08:00",'
     '"dateModified":"2024-04-01"}</script><h1>T</h1><p>Body</p>', date(2024, 3, 20), date(2024, 4, 1)),
    ('<meta property="article:published_time" content="2023-09-06T07:00:00-07:00"><h1>T</h1>', date(2023, 9, 6), None),
    ('<h1>T</h1><time datetime="2022-01-05" class="published">Jan 5</time>', date(2022, 1, 5), None),
    # A copyright year and a site-wide "last updated" stamp are not publication dates: abstain.
    ("<h1>T</h1><p>Some body text that runs on.</p><footer>© 2024 Corp. Last updated March 3, 2025</footer>",
     None, None),
    # A date in the future is not a publication date either.
    ("<h1>T</h1><p>December 1, 2099</p>", None, None),
])
def test_date_cascade(html: str, published: date | None, modified: date | None) -> None:
    page = extract_page(f"<html><head></head><body>{html}</body></html>".encode(), "https://example.com/a",
                        "text/html", today=date(2026, 11, 25))
    assert page.published == published
    assert page.modified == modified


def test_url_date_is_the_last_resort() -> None:
    page = extract_page(b"<html><body><h1>T</h1><p>No date here at all.</p></body></html>",
                        "https://news.example.com/2025/04/23/some-release", "text/html", today=date(2026, 1, 1))
    assert page.published == date(2025, 4, 23)
    assert page.published_from == "url"


@pytest.mark.parametrize("title", ["Page Not Found", "404 - File or directory not found.",
                                   "Oops! We can't find that page"])
def test_soft_404_signals(title: str) -> None:
    page = extract_page(f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>".encode(),
                        "https://example.com/x", "text/html")
    assert page.signals.get("not_found_heading")


@pytest.mark.parametrize("title", ["Article 404", "Cause of outbreak not found, officials say",
                                   "Route 404 reopens after repairs"])
def test_headlines_are_not_error_pages(title: str) -> None:
    page = extract_page(f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>Body.</p></body></html>"
                        .encode(), "https://example.com/x", "text/html")
    assert "not_found_heading" not in page.signals


def test_challenge_page_signal() -> None:
    page = extract_page(b"<html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>",
                        "https://example.com/x", "text/html")
    assert page.signals.get("challenge")


def test_charset_declared_by_the_page() -> None:
    body = '<html><head><meta charset="windows-1252"></head><body><h1>Caf\u00e9 \u201cquotes\u201d</h1></body></html>'
    page = extract_page(body.encode("cp1252"), "https://example.com/", "text/html")
    assert page.title == "Caf\u00e9 \u201cquotes\u201d"


def test_wrong_server_charset_is_overridden_by_bytes_that_cannot_be_it() -> None:
    body = "<html><body><h1>Gr\u00fc\u00dfe aus K\u00f6ln</h1></body></html>".encode("utf-8")
    page = extract_page(body, "https://example.com/", "text/html; charset=ascii")
    assert page.title and "K" in page.title


@pytest.mark.parametrize("body, kind", [(b"", "empty"), (b"   \n", "empty"), (b"\x00\x01\x02\x03" * 100, "binary")])
def test_empty_and_binary_bodies(body: bytes, kind: str) -> None:
    page = extract_page(body, "https://example.com/", "text/html")
    assert page.kind == kind
    assert page.text == ""


def test_malformed_pdf_is_reported_not_raised() -> None:
    page = extract_page(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage", "https://example.com/a.pdf",
                        "application/pdf")
    assert page.kind == "pdf"
    assert page.text == ""
