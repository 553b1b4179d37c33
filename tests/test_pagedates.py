"""Page dates: the cascade's signals, and how htmldate's second opinion settles them."""

from __future__ import annotations

from datetime import date

import pytest

from claimcheck.settings import Policy
from claimcheck.judge.rules import Page, judge_content
from claimcheck.claims.load import Source
from claimcheck.core.dates import GUESSED_DATE_SIGNAL, FuzzyDate
from claimcheck.reading.kinds import extract_page
from claimcheck.reading.pagedates import PageDates, settle_with_htmldate
from claimcheck.core.verdicts import Verdict

TODAY = date(2026, 11, 25)


def dated(body: str, head: str = "", url: str = "https://news.example.com/a") -> tuple[date | None, str | None]:
    page = extract_page(f"<html><head>{head}</head><body>{body}</body></html>".encode(), url, "text/html",
                        today=TODAY)
    return page.published, page.published_from


FILLER = "<p>" + "A paragraph of the article that runs long enough to be body text, not a dateline. " * 3 + "</p>"


@pytest.mark.parametrize("body, head, expected, signal", [
    # Microdata on a visible element; the comment below carries the same itemprop and a later date.
    ('<h1>Grenzen</h1><span itemprop="datePublished" content="2020-04-27T18:50:24+02:00">27.04.2020</span>'
     f'{FILLER}<div class="comment"><time itemprop="datePublished" datetime="2020-04-28T10:27">x</time></div>',
     "", date(2020, 4, 27), "meta"),
    # A camelCase label ("itemPostDate") is a date label.
    (f'<div><span class="itemPostDate">am 25.08.2015 22:30</span></div>{FILLER}', "", date(2015, 8, 25),
     "dateline"),
    # "vor 28 Minuten" on screen, the date in a <time> inside the labelled element.
    (f'<h1>Vijesti</h1><div class="published"><time datetime="2020-06-22T09:30:00+02:00">prije 28 minuta</time>'
     f'</div>{FILLER}', "", date(2020, 6, 22), "dateline"),
    # Month names beyond English: Russian genitive, Romanian, Turkish.
    (f"<h1>Подольски</h1><p>15 августа 2016, 13:43</p>{FILLER}", "", date(2016, 8, 15), "dateline"),
    (f"<h1>Știri</h1><p>duminică, 20 septembrie 2020</p>{FILLER}", "", date(2020, 9, 20), "dateline"),
    (f"<h1>Haber</h1><p>12 Ağustos 2021</p>{FILLER}", "", date(2021, 8, 12), "dateline"),
    # The article's title is the H1 that matches <title>, not the site's logo H1 before it.
    (f"<h1>Seglerblog</h1><nav>Home</nav><p>Archiv: 1. Januar 2019</p>{FILLER}<h1>Haltet unsere Gewässer sauber"
     f"</h1><p>23. Februar 2020</p>{FILLER}", "<title>Haltet unsere Gewässer sauber | Seglerblog</title>",
     date(2020, 2, 23), "dateline"),
    # A forum member's "Joined" date, in the cell after its label, is not the dateline.
    (f"<h1>Where did it go?</h1><dl><dt>Joined</dt><dd>May 11, 2017</dd></dl>{FILLER}", "", None, None),
    # A byline's cue, before or after the date; an "Updated" stamp after it is cut off.
    (f"{FILLER}<p>Veröffentlicht von SeglerBlog am 23. Februar 2020</p>", "", date(2020, 2, 23), "byline"),
    (f"{FILLER}<p>Dieser Beitrag wurde am Samstag, 3. Dezember 2011 veröffentlicht</p>", "", date(2011, 12, 3),
     "byline"),
    (f"{FILLER}<p>Published November 9, 2023 3:02am EST | Updated November 10, 2023</p>", "", date(2023, 11, 9),
     "byline"),
    (f"{FILLER}<table><tr><td>Datum</td><td>12.01.2017</td></tr></table>", "", date(2017, 1, 12), "byline"),
])
def test_cascade_signals(body: str, head: str, expected: date | None, signal: str | None) -> None:
    assert dated(body, head) == (expected, signal)


def test_a_last_edited_stamp_is_not_taken_even_from_htmldate() -> None:
    # htmldate alone would answer 2018-06-17 here; claimcheck abstains.
    assert dated(f"<h1>Enchufla</h1>{FILLER}<div id='page-info'>page revision: 8, last edited: 17 Jun 2018</div>"
                 ) == (None, None)


def test_htmldate_answers_where_the_cascade_finds_nothing_and_is_marked() -> None:
    # A date only in an attribute htmldate knows and claimcheck's cascade does not read.
    published, signal = dated(f"<h1>Spring</h1>{FILLER}",
                              "<meta property='five_hundred_pixels:created_at' content='2013-02-16T04:36:36-05:00'>")
    assert (published, signal) == (date(2013, 2, 16), GUESSED_DATE_SIGNAL)


MARKUP_WITH_META = ("<html><head><meta property='article:published_time' content='2024-01-10T08:00:00Z'></head>"
                    f"<body><h1>T</h1>{FILLER}</body></html>")


def day(text: str) -> FuzzyDate:
    return FuzzyDate.of(date.fromisoformat(text))


@pytest.mark.parametrize("found, expected", [
    # The page contradicts itself; htmldate sides with the metadata.
    (PageDates(day("2024-01-10"), "json-ld", rival=day("2024-03-05")), (date(2024, 1, 10), "json-ld")),
    # ... or with the visible dateline.
    (PageDates(day("2023-12-01"), "json-ld", rival=day("2024-01-10")), (date(2024, 1, 10), "dateline")),
    # ... or with neither: abstain.
    (PageDates(day("2023-12-01"), "json-ld", rival=day("2023-11-01")), (None, None)),
    # A machine date htmldate contradicts is dropped, unless the visible dateline repeats it ...
    (PageDates(day("2023-05-05"), "json-ld"), (None, None)),
    (PageDates(day("2023-05-05"), "json-ld", corroborated=True), (date(2023, 5, 5), "json-ld")),
    # ... or htmldate reads the same instant one day apart (a time zone).
    (PageDates(day("2024-01-11"), "meta"), (date(2024, 1, 11), "meta")),
    # A visible dateline stands on its own.
    (PageDates(day("2023-05-05"), "dateline"), (date(2023, 5, 5), "dateline")),
    # Nothing found: htmldate's structural answer, marked as its own, unless it is a stamp or the modified date.
    (PageDates(), (date(2024, 1, 10), GUESSED_DATE_SIGNAL)),
    (PageDates(stamped=frozenset({date(2024, 1, 10)})), (None, None)),
    (PageDates(modified=day("2024-01-10")), (None, None)),
])
def test_settling_with_htmldate(found: PageDates, expected: tuple[date | None, str | None]) -> None:
    published, signal = settle_with_htmldate(found, MARKUP_WITH_META, "https://x.example/a", TODAY)
    assert (published.value if published else None, signal) == expected


def test_a_date_only_htmldate_read_is_noted_not_flagged() -> None:
    source = Source(id="s", publisher="P", title="T", url="https://x.example/a", cited_date=day("2024-03-05"),
                    cited_date_text="March 5, 2024")

    def judge(signal: str) -> tuple[Verdict, str]:
        page = Page(title="T", published=day("2024-01-10"), canonical=None, final_url="https://x.example/a",
                    permanent_redirect=False, published_from=signal)
        judged = judge_content(source, page, None, Policy(), evidence=None, found=None, change=None)
        return judged.verdict, judged.detail

    assert judge("json-ld")[0] is Verdict.DATE_DRIFT
    verdict, detail = judge(GUESSED_DATE_SIGNAL)
    assert verdict is Verdict.VERIFIED
    assert "only htmldate read" in detail
