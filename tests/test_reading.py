"""Reading real-looking pages: one written page per failure class seen on real news pages.

Each page imitates a structure found on public pages (never a copy of one): an article in plain <div>s
that a density extractor missed, reader comments carrying <time> stamps, a related-stories box, an IE
conditional comment, and a machine timestamp a time zone away from the visible date.
"""

from __future__ import annotations

from datetime import date

import pytest

from claimcheck.settings import Policy
from claimcheck.judge.rules import Page, compare_texts, judge_content
from claimcheck.claims.load import Source
from claimcheck.core.dates import FuzzyDate
from claimcheck.reading.kinds import extract_page
from claimcheck.reading.payload import Extracted
from claimcheck.core.verdicts import Verdict

TODAY = date(2026, 11, 25)
URL = "https://news.example/2024/03/05/packaging"

PARAGRAPHS = [
    "Chipmakers are turning to advanced packaging to keep performance rising as transistor scaling slows, "
    "stacking and stitching dies together instead of building ever larger monolithic chips.",
    "The approach places several smaller chiplets side by side on a silicon interposer or links them with "
    "small embedded bridges, shortening the wires between logic and high-bandwidth memory stacks.",
    "Analysts said the capacity for these packages has become a bottleneck for accelerator shipments, with "
    "lead times stretching well beyond what customers had planned for when they placed their orders.",
    "Several suppliers announced new plants this year, and the industry expects substrate supply to stay "
    "tight until the new lines are qualified by the largest customers sometime in the following year.",
]


def page(paragraphs: list[str] = PARAGRAPHS, *, comments: list[tuple[str, str]] | None = None,
         related: list[str] | None = None, ie_comment: str = "", head_date: str = "2024-03-05T02:30:00+00:00",
         visible_date: str = "March 4, 2024", scripts: str = "") -> bytes:
    """A news page whose headline sits alone in an <article> and whose text sits in classless <div>s: the
    structure on which the old extractor returned the title and nothing else."""
    comment_items = "".join(
        f'<li class="comment"><span class="author">{who}</span> <time class="published" datetime="{when}">'
        f"{when[:10]}</time>"
        f"<div>{who} wrote a short note about the article and its figures.</div></li>"
        for who, when in (comments or []))
    related_items = "".join(f'<li><a href="/r{i}">{title}</a> <time datetime="2023-0{i + 1}-11">x</time></li>'
                            for i, title in enumerate(related or []))
    body = "".join(f"<div>{p}</div>" for p in paragraphs)
    return f"""<!DOCTYPE html><html><head><title>Packaging is the new bottleneck | News Example</title>
<meta property="article:published_time" content="{head_date}">{scripts}
</head><body>{ie_comment}
<div class="top"><a href="/">Home</a> <a href="/tech">Tech</a> <a href="/business">Business</a></div>
<div class="wrap"><div class="col"><article class="lead"><h1>Packaging is the new bottleneck</h1></article>
<div class="meta"><span>By A. Writer</span> <span>{visible_date}</span></div>
<div class="story">{body}</div></div>
<div class="related-stories"><h3>Related</h3><ul>{related_items}</ul></div>
<section class="comments-area"><h3>Comments</h3><ol>{comment_items}</ol></section>
</div><div class="bottom">Copyright 2024 News Example</div></body></html>""".encode()


def read(markup: bytes) -> Extracted:
    return extract_page(markup, URL, "text/html; charset=utf-8", today=TODAY)


def test_an_article_in_plain_divs_is_read_not_just_its_title() -> None:
    text = read(page()).text
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    assert "Home" not in text.splitlines()


def test_a_removed_article_paragraph_is_a_change() -> None:
    before = read(page()).text
    after = read(page(PARAGRAPHS[:2] + PARAGRAPHS[3:])).text
    change = compare_texts(before, after, Policy())
    assert change.significant(Policy())
    assert any("capacity for these packages" in line for line in change.removed)


COMMENTS = [("ann", "2024-06-01T10:00:00Z"), ("bob", "2024-07-02T10:00:00Z"), ("cy", "2025-01-09T10:00:00Z")]


@pytest.mark.parametrize("variant", [
    {"comments": list(reversed(COMMENTS))},
    {"comments": COMMENTS[:1]},
    {"related": ["Chiplets explained", "Foundry capacity", "HBM supply"]},
    {"ie_comment": "<!--[if lt IE 9]><p>Your browser is out of date; please upgrade it to read News Example."
                   "</p><![endif]-->"},
    {"scripts": "<script>window.dataLayer=[{'page':'a','ts':1709605800}];</script>"},
], ids=["comments-reordered", "comments-removed", "related-box", "ie-conditional-comment", "script-changed"])
def test_boilerplate_changes_are_not_content_drift(variant: dict[str, object]) -> None:
    baseline = read(page(comments=COMMENTS, related=["Foundry capacity", "Chiplets explained"]))
    changed = read(page(**{"comments": COMMENTS, "related": ["Foundry capacity", "Chiplets explained"],
                           **variant}))  # type: ignore[arg-type]
    assert not compare_texts(baseline.text, changed.text, Policy()).significant(Policy())
    assert changed.published == baseline.published
    assert "browser is out of date" not in changed.text


def test_a_comment_or_related_story_date_is_never_the_pages_date() -> None:
    # No machine date and no visible date: only comments and related stories carry <time> stamps.
    markup = page(comments=COMMENTS, related=["Foundry capacity"], head_date="", visible_date="")
    found = read(markup).published
    assert found not in {date(2024, 6, 1), date(2024, 7, 2), date(2025, 1, 9), date(2023, 1, 11)}


def test_a_page_whose_body_class_mentions_comments_keeps_its_own_time() -> None:
    markup = (b'<html><body class="single-post comments-open"><article><h1>Packaging</h1>'
              b'<time class="published" datetime="2024-03-04T09:00:00-05:00">March 4, 2024</time>'
              + "".join(f"<p>{p}</p>" for p in PARAGRAPHS).encode() + b"</article></body></html>")
    assert read(markup).published == date(2024, 3, 4)


def test_a_joined_line_is_never_the_pages_date() -> None:
    markup = page(head_date="", visible_date="").replace(
        b"<span>By A. Writer</span>", b"<span>By A. Writer</span> <span>Joined: May 3, 2019</span>")
    assert read(markup).published != date(2019, 5, 3)


def day(text: str) -> FuzzyDate:
    return FuzzyDate(date.fromisoformat(text))


SOURCE = Source(id="s", publisher="News Example", title="Packaging is the new bottleneck", url=URL,
                cited_date=day("2024-03-04"), cited_date_text="March 4, 2024")


def as_page(published: str, signal: str) -> Page:
    return Page(title="Packaging is the new bottleneck", published=day(published), canonical=None, final_url=URL,
                permanent_redirect=False, published_from=signal)


@pytest.mark.parametrize("now, now_from, then, then_from, expected", [
    # The same instant a time zone apart: a UTC timestamp and the newsroom's visible day.
    ("2024-03-05", "meta", "2024-03-04", "dateline", Verdict.VERIFIED),
    ("2024-03-04", "dateline", "2024-03-05", "json-ld", Verdict.VERIFIED),
    # Two visible dates a day apart are two dates; a week apart is drift whatever the signal.
    ("2024-03-05", "dateline", "2024-03-04", "byline", Verdict.DATE_DRIFT),
    ("2024-03-11", "meta", "2024-03-04", "dateline", Verdict.DATE_DRIFT),
], ids=["timestamp-now", "timestamp-then", "two-visible-dates", "a-week-apart"])
def test_one_instant_a_time_zone_apart_is_one_date(now: str, now_from: str, then: str, then_from: str,
                                                    expected: Verdict) -> None:
    # Against the baseline alone (no cited date): the cited-date rule has its own tests.
    uncited = Source(id="s", publisher="News Example", title=SOURCE.title, url=URL, cited_date=None,
                     cited_date_text=None)
    judged = judge_content(uncited, as_page(now, now_from), as_page(then, then_from), Policy(), evidence=None,
                           found=None, change=None)
    assert judged.verdict is expected, judged.detail


def test_a_timestamp_a_day_from_the_cited_date_is_not_drift() -> None:
    judged = judge_content(SOURCE, as_page("2024-03-05", "json-ld"), None, Policy(), evidence=None, found=None,
                           change=None)
    assert judged.verdict is Verdict.VERIFIED, judged.detail


def test_the_extracted_timestamp_and_visible_date_read_as_the_cited_day() -> None:
    # 02:30 UTC on 5 March is the evening of 4 March in the newsroom's zone; the page shows 4 March.
    extracted = read(page())
    assert extracted.published == date(2024, 3, 4)
