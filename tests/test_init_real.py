"""`init` on articles written elsewhere: Wikipedia references, footnotes, Markdown that real documents use,
and news pages whose chrome links are not cited works. One short page a problem, written for the test."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_authoring import init, lint

WIKI_HEAD = ('<html><head><title>T - Wikipedia</title>'
             '<link rel="canonical" href="https://en.wikipedia.org/wiki/T"></head><body>'
             '<main id="content"><h1 id="firstHeading">T</h1><div class="mw-parser-output">')
WIKI_FOOT = "</div></main></body></html>"


def _wiki(paragraphs: str, references: list[str]) -> str:
    entries = "".join(
        f'<li id="cite_note-{n}"><span class="mw-cite-backlink"><b><a href="#cite_ref-{n}">^</a></b></span> '
        f'<span class="reference-text">{entry}</span></li>' for n, entry in enumerate(references, start=1))
    return (f'{WIKI_HEAD}{paragraphs}<h2><span class="mw-headline" id="References">References</span></h2>'
            f'<div class="reflist"><ol class="references">{entries}</ol></div>{WIKI_FOOT}')


def _cite(n: int) -> str:
    return f'<sup id="cite_ref-{n}" class="reference"><a href="#cite_note-{n}">[{n}]</a></sup>'


def _by_url(doc: dict) -> dict[str | None, dict]:
    return {s.get("url"): s for s in doc["sources"].values()}


def _cited_urls(doc: dict) -> dict[str, list[str | None]]:
    url_of = {key: s.get("url") for key, s in doc["sources"].items()}
    return {c["text"]: [url_of[x["source"]] for x in c["cites"]] for c in doc["claims"]}


def test_a_citations_date_is_its_own_not_page_numbers_issue_numbers_or_the_retrieved_date(tmp_path: Path) -> None:
    page = _wiki(
        f"<p>t-SNE places similar points close together.{_cite(1)} Its speed was measured later.{_cite(2)} "
        f"Trees were counted by hand.{_cite(3)} The list is online.{_cite(4)}</p>",
        ['<cite class="citation journal">van der Maaten, L.J.P.; Hinton, G.E. (Nov 2008). <a rel="nofollow" '
         'class="external text" href="http://jmlr.org/a.pdf">"Visualizing Data using t-SNE"</a>. <i>JMLR</i>. '
         '<b>9</b>: 2579–2605.</cite>',
         '<cite class="citation web">"<a class="external text" href="https://example.org/speed">Speed of '
         't-SNE</a>". Example Labs. 2011. p. 3434. Retrieved 5 March 2020.</cite>',
         '<cite class="citation journal">Smith, J. (2015). "<a class="external text" '
         'href="https://example.org/trees">Counting trees</a>". <i>Nature</i>. <b>12</b> (7196): 88–90. '
         'Retrieved 5 March 2020.</cite>',
         '<cite class="citation web">"<a class="external text" href="https://example.org/list">The list</a>". '
         'Example Labs. Retrieved 5 March 2020.</cite>'])
    code, doc, _ = init(tmp_path, "tsne.html", page)
    assert code == 0
    dates = {url: s.get("cited_date") for url, s in _by_url(doc).items()}
    assert dates == {"http://jmlr.org/a.pdf": "Nov 2008", "https://example.org/speed": "2011",
                     "https://example.org/trees": "2015",
                     "https://example.org/list": None}  # an access date is not the work's date
    assert _by_url(doc)["http://jmlr.org/a.pdf"]["title"] == "Visualizing Data using t-SNE"
    assert lint(tmp_path / "claims.yaml") == 0


@pytest.mark.parametrize(("entry", "date"), [
    ("Doe, J. (21 June 2011). Title. Publisher.", "21 June 2011"),
    ("Title. Publisher. 2019-04-02. Retrieved 2020-01-01.", "2019-04-02"),
    ("Title. Journal 45 (3): 1998–2004.", None),  # pages, not a year
    ("Title. ISBN 978-0-201-89683-4. pp. 1999-2001.", None),
    ("Title, vol. 2, 1987.", "1987"),
    ("Archived from the original on 3 May 2016. Retrieved 1 June 2016.", None),
])
def test_the_date_of_a_reference_entry(entry: str, date: str | None) -> None:
    from claimcheck.claims.article import parse_reference_entry
    assert parse_reference_entry("k", entry).cited_date == date


def test_protocol_relative_and_identifier_links_give_a_reference_its_url(tmp_path: Path) -> None:
    page = _wiki(
        f"<p>Bowtie aligns short reads.{_cite(1)} Knuth describes sorting.{_cite(2)} "
        f"Go was designed at Google.{_cite(3)}</p>",
        ['<cite class="citation journal">Langmead, B. (2009). "Ultrafast alignment". <i>Bioinformatics</i>. '
         '<b>25</b> (14): 1754–60. <a href="/wiki/Digital_object_identifier">doi</a>:<a rel="nofollow" '
         'class="external text" href="//doi.org/10.1093%2Fbtp035">10.1093/btp035</a>. '
         '<a href="/wiki/PubMed_Identifier">PMID</a>&nbsp;<a class="external text" '
         'href="//pubmed.ncbi.nlm.nih.gov/19451168">19451168</a>.</cite>',
         '<cite class="citation book">Knuth, Donald (1998). <i>Sorting and Searching</i>. Addison-Wesley. '
         '<a href="/wiki/ISBN_(identifier)">ISBN</a>&nbsp;<a href="/wiki/Special:BookSources/0-201-89685-0">'
         '<bdi>0-201-89685-0</bdi></a>.</cite>',
         '<cite class="citation book">Pike, Rob (2012). <a rel="nofollow" class="external text" '
         'href="//books.google.com/books?id=abc">The Go Story</a>. Addison-Wesley. p. 12.</cite>'])
    code, doc, _ = init(tmp_path, "bio.html", page)
    assert code == 0
    by_url = _by_url(doc)
    assert set(by_url) == {"https://doi.org/10.1093%2Fbtp035",
                           "https://en.wikipedia.org/wiki/Special:BookSources/0-201-89685-0",
                           "https://books.google.com/books?id=abc"}
    assert by_url["https://doi.org/10.1093%2Fbtp035"]["title"] == "Ultrafast alignment"
    assert by_url["https://doi.org/10.1093%2Fbtp035"]["cited_date"] == "2009"
    assert by_url["https://en.wikipedia.org/wiki/Special:BookSources/0-201-89685-0"]["title"] == \
        "Sorting and Searching"
    assert by_url["https://books.google.com/books?id=abc"]["title"] == "The Go Story"
    assert [len(urls) for urls in _cited_urls(doc).values()] == [1, 1, 1]
    assert lint(tmp_path / "claims.yaml") == 0


def test_a_wikilinked_author_is_not_the_cited_work(tmp_path: Path) -> None:
    page = _wiki(
        f"<p>SpiderMonkey got a new engine.{_cite(1)} JavaScript was written in ten days.{_cite(2)}</p>",
        ['<cite class="citation web"><a href="/wiki/Brendan_Eich" title="Brendan Eich">Eich, Brendan</a> '
         '(21 June 2011). <a rel="nofollow" class="external text" href="http://brendaneich.com/2011/06/new-'
         'javascript-engine-module-owner/">"New JavaScript Engine Module Owner"</a>. <i>BrendanEich.com</i>. '
         'Retrieved 1 July 2011.</cite>',
         '<cite class="citation web"><a href="/wiki/Brendan_Eich">Eich, Brendan</a> (3 April 2008). '
         '<a rel="nofollow" class="external text" href="http://brendaneich.com/2008/04/popularity/">'
         '"Popularity"</a>. <i>BrendanEich.com</i>. Retrieved 19 January 2012.</cite>'])
    code, doc, _ = init(tmp_path, "js.html", page)
    assert code == 0
    assert sorted((s["url"], s["title"], s["cited_date"]) for s in doc["sources"].values()) == [
        ("http://brendaneich.com/2008/04/popularity/", "Popularity", "3 April 2008"),
        ("http://brendaneich.com/2011/06/new-javascript-engine-module-owner/", "New JavaScript Engine Module Owner",
         "21 June 2011")]
    assert list(_cited_urls(doc).values()) == [
        ["http://brendaneich.com/2011/06/new-javascript-engine-module-owner/"],
        ["http://brendaneich.com/2008/04/popularity/"]]
    assert lint(tmp_path / "claims.yaml") == 0


def test_footnotes_keep_every_link_and_read_prose_as_prose(tmp_path: Path) -> None:
    article = """# The team

The team has kept the parser for five years.[^f] A guide explains the format in depth.[^c]

[^f]: The team was [created](https://github.com/a) and [maintains it](https://github.com/b).
[^c]: If you are curious about the format, [this guide](https://example.org/g.pdf) gives an overview.
"""
    code, doc, _ = init(tmp_path, "team.md", article)
    assert code == 0
    assert _cited_urls(doc) == {
        "The team has kept the parser for five years.": ["https://github.com/a", "https://github.com/b"],
        "A guide explains the format in depth.": ["https://example.org/g.pdf"]}
    guide = _by_url(doc)["https://example.org/g.pdf"]
    assert guide["title"] == "this guide" and guide["publisher"] == "example.org"
    assert lint(tmp_path / "claims.yaml") == 0


def test_html_footnotes_with_backlinks_get_no_caret_or_prose_as_publisher(tmp_path: Path) -> None:
    page = """<html><body><article><h1>Notes on chips</h1>
<p>Chiplets cut cost by a third.<sup><a href="#fn1" id="fnref1">1</a></sup></p>
<section class="footnotes"><ol><li id="fn1"><a href="#fnref1">^</a> See <a href="https://example.org/cost">the
cost study</a> for context.</li></ol></section></article></body></html>"""
    code, doc, _ = init(tmp_path, "notes.html", page)
    assert code == 0
    [source] = doc["sources"].values()
    assert source == {"publisher": "example.org", "title": "the cost study", "url": "https://example.org/cost"}
    assert lint(tmp_path / "claims.yaml") == 0


def test_markdown_that_real_documents_use(tmp_path: Path) -> None:
    article = """---
title: "Release tooling"
layout: page
---

Releases are cut with [`git-node`][] from the core team.

- Intel shipped Foveros in 2019 for its Lakefield
  processor line, according to [Intel](https://www.intel.com/foveros).
- AMD stacks cache on its dies, says [AMD](https://www.amd.com/3d).

Thanks go to the reviewers. @alice wrote the parser, [her post](https://example.org/alice) says.

[`git-node`]: https://github.com/nodejs/node-core-utils/blob/main/docs/git-node.md
"""
    code, doc, _ = init(tmp_path, "tooling.md", article)
    assert code == 0
    assert doc["article"]["title"] == "Release tooling"
    assert _cited_urls(doc) == {
        "Releases are cut with git-node from the core team.":
            ["https://github.com/nodejs/node-core-utils/blob/main/docs/git-node.md"],
        "Intel shipped Foveros in 2019 for its Lakefield processor line, according to Intel.":
            ["https://www.intel.com/foveros"],
        "AMD stacks cache on its dies, says AMD.": ["https://www.amd.com/3d"],
        "@alice wrote the parser, her post says.": ["https://example.org/alice"]}
    assert lint(tmp_path / "claims.yaml") == 0


def test_in_page_links_keep_their_words(tmp_path: Path) -> None:
    page = """<html><body><h1>Uses of chiplets</h1>
<p>Chiplets are cheaper to make (see <a href="#Uses">below</a>), says
<a href="https://www.amd.com/chiplets">AMD</a>.</p><h2 id="Uses">Uses</h2><p>Servers.</p></body></html>"""
    code, doc, _ = init(tmp_path, "uses.html", page)
    assert code == 0
    assert [c["text"] for c in doc["claims"]] == ["Chiplets are cheaper to make (see below), says AMD."]
    assert lint(tmp_path / "claims.yaml") == 0


NEWS = """<html><head><title>Chipmaker opens a plant | The Daily</title></head><body>
<header class="site-header"><a href="https://daily.example/">The Daily</a><a href="https://daily.example/tech">Tech</a>
</header>
<main><article>
<h1>Chipmaker opens a plant</h1>
<p class="byline">By A. Writer</p>
<p>The plant will employ 2,000 people, the company <a href="https://chips.example/release">said in a release</a>.</p>
<p>Analysts expect output to double by 2027, according to
<a href="https://analysts.example/report.pdf">a new report</a>.</p>
<ul class="tags"><li><a href="https://daily.example/tag/chips">Chips</a></li>
<li><a href="https://daily.example/tag/jobs">Jobs in the region, as the data show</a></li></ul>
<div class="newsletter-signup"><p>Get the week's tech news from
<a href="https://daily.example/newsletter">our newsletter</a> every Monday morning.</p></div>
<aside class="more-stories"><h2>More stories</h2><ul>
<li><a href="https://daily.example/a">A rival chipmaker closes a plant in the north of the country.</a></li>
</ul></aside>
<section class="letters"><h2>Letters</h2><p>Readers wrote in about the plant, see
<a href="https://daily.example/letters">all letters</a> here.</p></section>
</article></main>
<footer><p>Copyright 2026 <a href="https://daily.example/about">The Daily</a>. All rights reserved by the
owners.</p></footer></body></html>"""


def test_a_news_pages_chrome_is_not_the_article(tmp_path: Path) -> None:
    code, doc, _ = init(tmp_path, "news.html", NEWS)
    assert code == 0
    assert doc["article"]["title"] == "Chipmaker opens a plant"
    assert sorted(_by_url(doc)) == ["https://analysts.example/report.pdf", "https://chips.example/release"]
    assert list(_cited_urls(doc)) == [
        "The plant will employ 2,000 people, the company said in a release.",
        "Analysts expect output to double by 2027, according to a new report."]
    assert lint(tmp_path / "claims.yaml") == 0


@pytest.mark.parametrize(("name", "content", "says"), [
    ("paper.pdf", b"%PDF-1.7\n1 0 obj\n", "cannot read PDF"),
    ("notes.md", b"\x00\x01binary\x00", "not a text file"),
    ("image.html", b"\x89PNG\r\n\x1a\n\x00\x00", "not a text file"),
    ("latin.txt", "caf\u00e9 cr\u00e8me".encode("latin-1"), "not UTF-8"),
    # A Markdown file declares no encoding: guessing one could change the words a claim quotes.
    ("latin.md", "# Caf\u00e9\n\nIt opened in 1990.".encode("latin-1"), "not UTF-8"),
])
def test_an_article_that_is_not_text_is_a_clear_exit_2(tmp_path: Path, name: str, content: bytes,
                                                        says: str) -> None:
    from click.testing import CliRunner

    from claimcheck.cli.main import cli
    article = tmp_path / name
    article.write_bytes(content)
    result = CliRunner().invoke(cli, ["init", str(article), "--output", str(tmp_path / "c.yaml")])
    assert result.exit_code == 2
    assert says in result.output and name in result.output
    assert len(result.output.strip().splitlines()) == 1


_PAGE = ("<html><head>{meta}<title>Caf\u00e9</title></head><body><article><h1>Caf\u00e9 cr\u00e8me</h1>"
         "<p>The caf\u00e9 \u201cCr\u00e8me\u201d served 1,200 guests \u2014 a record, "
         '<a href="https://news.example/a">the paper said</a>.</p></article></body></html>')
# A claim's text is the sentence in plain typography: straight quotes, a hyphen for the dash.
_CLAIM = 'The caf\u00e9 "Cr\u00e8me" served 1,200 guests - a record, the paper said.'


@pytest.mark.parametrize(("meta", "encoding"), [
    ('<meta charset="windows-1252">', "cp1252"),
    # Declared ISO-8859-1, written in windows-1252 (its curly quotes and dash): read as browsers read it.
    ('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">', "cp1252"),
    ("", "cp1252"),  # nothing declared: the web's default for Western pages
    ('<meta charset="utf-8">', "utf-8-sig"),  # a byte-order mark is not text
    ('<meta charset="koi8-r">', "koi8_r"),  # no curly quotes in KOI8-R: see below
])
def test_a_web_page_saved_in_its_own_encoding_is_read_in_it(tmp_path: Path, meta: str, encoding: str) -> None:
    page, claim = _PAGE.format(meta=meta), _CLAIM
    if encoding == "koi8_r":
        page = page.replace("Caf\u00e9 cr\u00e8me", "\u041a\u0430\u0444\u0435").replace("\u201c", '"') \
            .replace("\u201d", '"').replace("\u2014", "-").replace("\u00e9", "e").replace("\u00e8", "e")
        claim = 'The cafe "Creme" served 1,200 guests - a record, the paper said.'
    code, doc, output = init(tmp_path, "page.html", page.encode(encoding))
    assert code == 0, output
    assert [c["text"] for c in doc["claims"]] == [claim]
    assert doc["article"]["title"] == ("\u041a\u0430\u0444\u0435" if encoding == "koi8_r" else "Caf\u00e9 cr\u00e8me")
    # lint reads the article the same way: the drafted claim quotes it word for word.
    assert lint(tmp_path / "claims.yaml") == 0


def test_a_byte_order_mark_is_not_part_of_a_markdown_title(tmp_path: Path) -> None:
    code, doc, _ = init(tmp_path, "notes.md", b"\xef\xbb\xbf# Plant opens\n\nThe plant employs 2,000 people, "
                        b"[the company said](https://chips.example/r).\n")
    assert code == 0 and doc["article"]["title"] == "Plant opens"
    assert lint(tmp_path / "claims.yaml") == 0


def test_comments_are_the_authors_notes_not_the_article(tmp_path: Path) -> None:
    markdown = """# Plant

<!--
Guidance for authors: follow the [style guide].

[style guide]: https://guide.example/style
-->

The plant employs 2,000 people, [the company said](https://chips.example/r). <!-- check https://x.example/y -->
Use `<!-- more -->` to split posts, [the docs](https://docs.example/d) say.

<!-- a comment left open hides the rest, as a renderer does: [hidden](https://hidden.example/h)
"""
    code, doc, _ = init(tmp_path, "plant.md", markdown)
    assert code == 0
    assert _cited_urls(doc) == {
        "The plant employs 2,000 people, the company said.": ["https://chips.example/r"],
        "Use <!-- more --> to split posts, the docs say.": ["https://docs.example/d"]}
    assert lint(tmp_path / "claims.yaml") == 0
    page = ('<html><body><article><h1>Plant</h1><p>The plant <!-- TODO: verify with https://x.example/y --> '
            'employs 2,000 people, <a href="https://chips.example/r">the company said</a>.</p>'
            '<!-- <p>A draft paragraph, <a href="https://draft.example/d">cited</a>.</p> --></article></body></html>')
    (tmp_path / "html").mkdir()
    code, doc, _ = init(tmp_path / "html", "plant.html", page)
    assert code == 0
    assert _cited_urls(doc) == {"The plant employs 2,000 people, the company said.": ["https://chips.example/r"]}
    assert lint(tmp_path / "html" / "claims.yaml") == 0


def test_code_in_list_entries_and_notes_cites_nothing_but_a_csl_json_note_is_a_reference(tmp_path: Path) -> None:
    article = """# Engines

The engine was first described in 1842.[^menabrea] The plant employs 2,000 people.[^code]

1.  Install the tool, as [its manual](https://docs.example/manual) explains in its first chapter:

    ```sh
    curl https://code.example/install.sh
    ```

[^menabrea]:
    ```csl-json
    {
      "type": "article",
      "author": [{"family": "Menabrea", "given": "L.F."}],
      "title": "Sketch of the Analytical Engine Invented by Charles Babbage.",
      "container-title": "Scientific Memoirs",
      "issued": {"date-parts": [[1842, 10]]},
      "DOI": "10.1145/2809523.2809528"
    }
    ```

[^code]:
    ```json
    {"URL": "https://example.org/not-a-citation"}
    ```
"""
    code, doc, _ = init(tmp_path, "engines.md", article)
    assert code == 0
    assert _cited_urls(doc) == {
        "The engine was first described in 1842.": ["https://doi.org/10.1145/2809523.2809528"],
        "Install the tool, as its manual explains in its first chapter:": ["https://docs.example/manual"]}
    menabrea = _by_url(doc)["https://doi.org/10.1145/2809523.2809528"]
    assert menabrea["title"] == "Sketch of the Analytical Engine Invented by Charles Babbage"
    assert menabrea["cited_date"] == "1842-10"
    assert lint(tmp_path / "claims.yaml") == 0


@pytest.mark.parametrize(("csl", "line"), [
    ('{"title": "T", "URL": "https://a.example/t", "issued": {"date-parts": [[2020, 1, 2]]},'
     ' "author": [{"family": "Doe", "given": "J."}], "publisher": "ACM"}',
     'Doe, J. (2020-01-02). "T". ACM. https://a.example/t'),
    ('[{"title": "Only a title."}]', '"Only a title".'),
    ('{"DOI": "10.1/x", "author": [{"literal": "W3C"}, {"family": "B"}, {"family": "C"}, {"family": "D"}]}',
     "W3C; B; C et al. https://doi.org/10.1/x"),
    ('{"type": "article"}', None),  # neither a title nor a link
    ("[1, 2]", None),
    ("{not json", None),
])
def test_a_csl_json_item_as_a_citation_line(csl: str, line: str | None) -> None:
    from claimcheck.claims.article_readers import csl_citation
    assert csl_citation(csl) == line


def test_named_labels_cite_the_entries_so_named(tmp_path: Path) -> None:
    # Standards and papers cite by name: "[RFC7049]" in the text, "[RFC7049] Bormann, ..." in the list.
    article = """# GeoJSON over CBOR

Encoders use the smallest encoding of each integer, as CBOR requires [RFC7049]. Key words are those of
[RFC 2119]. The format [sic] was first drafted in 2014 [Knu84].

## References

- **[RFC 2119]**: Bradner, S., "Key words for use in RFCs to Indicate Requirement Levels", BCP 14, March 1997.
  https://www.rfc-editor.org/rfc/rfc2119
- **[RFC7049]** Bormann, C., "Concise Binary Object Representation (CBOR)", October 2013.
  https://www.rfc-editor.org/rfc/rfc7049
"""
    code, doc, _ = init(tmp_path, "cbor.md", article)
    assert code == 0
    assert _cited_urls(doc) == {
        "Encoders use the smallest encoding of each integer, as CBOR requires [RFC7049].":
            ["https://www.rfc-editor.org/rfc/rfc7049"],
        "Key words are those of [RFC 2119].": ["https://www.rfc-editor.org/rfc/rfc2119"]}
    assert _by_url(doc)["https://www.rfc-editor.org/rfc/rfc7049"]["title"] == \
        "Concise Binary Object Representation (CBOR)"
    assert lint(tmp_path / "claims.yaml") == 0
    text = ("Notes on sorting\n\nQuicksort runs in n log n time on average [Hoa62].\n\nReferences\n\n"
            "[Hoa62] Hoare, C. A. R., \"Quicksort\", The Computer Journal, 1962. https://doi.org/10.1093/comjnl/5.1.10\n")
    (tmp_path / "txt").mkdir()
    code, doc, _ = init(tmp_path / "txt", "sorting.txt", text)
    assert code == 0
    assert _cited_urls(doc) == {"Quicksort runs in n log n time on average [Hoa62].":
                                ["https://doi.org/10.1093/comjnl/5.1.10"]}
    # A web page alike; an entry's link whose words are its address gives no title: the quoted one is it.
    page = ('<html><body><article><h1>CBOR</h1><p>Encoders use the smallest encoding, as CBOR requires '
            '[RFC7049].</p><h2>References</h2><ul><li>[RFC7049] Bormann, C., "Concise Binary Object '
            'Representation (CBOR)", October 2013. <a href="https://www.rfc-editor.org/rfc/rfc7049">'
            'https://www.rfc-editor.org/rfc/rfc7049</a></li></ul></article></body></html>')
    (tmp_path / "html").mkdir()
    code, doc, _ = init(tmp_path / "html", "cbor.html", page)
    assert code == 0
    assert _cited_urls(doc) == {"Encoders use the smallest encoding, as CBOR requires [RFC7049].":
                                ["https://www.rfc-editor.org/rfc/rfc7049"]}
    assert _by_url(doc)["https://www.rfc-editor.org/rfc/rfc7049"]["title"] == \
        "Concise Binary Object Representation (CBOR)"


RST = """PEP: 9999
Title: Plants and their output
Author: Ann Writer <a@example.org>
Status: Draft
Post-History: `01-Jan-2026 <https://discuss.example/t/1>`__

Tags
====

The plant employs 2,000 people, `the company said <https://chips.example/r>`_. Output doubled in
2025 [1]_ and the yield is 90 %% [#yield]_.

Advanced topics
===============

Wafers ship in May, as `the schedule`_ says.

.. _the schedule: https://chips.example/schedule

.. include:: /etc/passwd

.. raw:: html
   :url: http://127.0.0.1:9/never

.. [1] https://stats.example/output-2025
.. [#yield] Yield report, https://chips.example/yield
"""


def test_a_restructuredtext_article_is_read_as_docutils_reads_it(tmp_path: Path) -> None:
    # A PEP's header is its fields (its title the article's, its Post-History links no claims); sections whose
    # ids are their headings' words ("tags", "advanced-topics") are the article's, never taken for chrome;
    # footnotes docutils puts in an <aside> are the notes the body cites; no file or URL is ever read.
    code, doc, _ = init(tmp_path, "pep-9999.rst", RST.replace("%%", "%"))
    assert code == 0
    assert doc["article"]["title"] == "Plants and their output"
    assert _cited_urls(doc) == {
        "The plant employs 2,000 people, the company said.": ["https://chips.example/r"],
        "Output doubled in 2025 and the yield is 90 %.": ["https://stats.example/output-2025",
                                                           "https://chips.example/yield"],
        "Wafers ship in May, as the schedule says.": ["https://chips.example/schedule"]}
    assert "root:" not in (tmp_path / "claims.yaml").read_text()
    assert lint(tmp_path / "claims.yaml") == 0
    # A header the PEP reader refuses ("A. Writer" reads as a list): the body is read without it.
    (tmp_path / "odd").mkdir()
    code, odd, _ = init(tmp_path / "odd", "pep-9999.rst", RST.replace("%%", "%").replace("Ann Writer", "A. Writer"))
    assert code == 0 and odd["article"]["title"] == "Plants and their output"
    assert _cited_urls(odd) == _cited_urls(doc)
    (tmp_path / "plain").mkdir()
    code, doc, _ = init(tmp_path / "plain", "notes.rst", "Intro\n=====\n\nThe plant employs 2,000 people, "
                        "`the company said <https://chips.example/r>`_.\n\nMore\n====\n\nText.\n")
    assert code == 0 and doc["article"]["title"] == "notes"  # no title of its own: the file's name


def test_an_empty_heading_does_not_make_an_empty_title(tmp_path: Path) -> None:
    page = """<html><head><title>Plant opens | The Daily</title></head><body><h1><img src="logo.png"></h1>
<article><p>The plant will employ 2,000 people, the company <a href="https://chips.example/r">said</a>.</p>
</article></body></html>"""
    code, doc, _ = init(tmp_path, "logo.html", page)
    assert code == 0 and doc["article"]["title"] == "Plant opens | The Daily"
    assert lint(tmp_path / "claims.yaml") == 0


def test_links_within_the_site_pictures_and_badges_are_not_cited_works(tmp_path: Path) -> None:
    page = """<html><head><link rel="canonical" href="https://news.example/2026/plant"></head><body><article>
<h1>Plant opens</h1><p>The plant will employ 2,000 people, <a href="https://news.example/2025/plans">as we
reported</a>, according to <a href="https://chips.example/release">the company</a>.
<a href="https://chips.example/photo"><img src="p.jpg" alt=""></a></p>
<p>Its first wafers ship in May, <a href="https://www.news.example/2026/wafers">our earlier story</a> said.</p>
</article></body></html>"""
    code, doc, _ = init(tmp_path, "plant.html", page)
    assert code == 0
    assert list(_by_url(doc)) == ["https://chips.example/release"]
    markdown = """# Crates

The parser crate is kept up to date, says [its author](https://example.org/author).
[![build](https://img.example/badge.svg)](https://ci.example/parser "build status")
"""
    (tmp_path / "md").mkdir()
    code, doc, _ = init(tmp_path / "md", "crates.md", markdown)
    assert code == 0
    assert list(_by_url(doc)) == ["https://example.org/author"]


def test_a_year_in_the_cited_works_title_is_not_its_date() -> None:
    from claimcheck.claims.article import parse_reference_entry
    entry = parse_reference_entry(
        "k", '"The Girl Who Leapt Through Time (2006)". Deptford Cinema. 9 August 2017. Retrieved 1 May 2018.',
        "https://deptfordcinema.org/x", '"The Girl Who Leapt Through Time (2006)"')
    assert entry.cited_date == "9 August 2017"
    assert entry.title == "The Girl Who Leapt Through Time (2006)"
    assert entry.publisher == "Deptford Cinema"


def test_fenced_code_and_tables_in_markdown(tmp_path: Path) -> None:
    article = """# Notes

```text
[example]: https://example.org/in-code
See <https://example.org/also-in-code> for this.
```

| Tool | What it does |
|------|--------------|
| [lychee](https://lychee.cli.rs) | Checks every link of a site and reports broken ones. |
| [urlwatch](https://urlwatch.example) | Watch |

The checker, [lychee](https://github.com/lycheeverse/lychee), is fast.
"""
    code, doc, _ = init(tmp_path, "notes.md", article)
    assert code == 0
    # Cells are read one by one: code never cites, and a cell naming a tool is not a claim.
    assert _cited_urls(doc) == {"The checker, lychee, is fast.": ["https://github.com/lycheeverse/lychee"]}
    assert lint(tmp_path / "claims.yaml") == 0


@pytest.mark.parametrize(("host", "other", "same"), [
    ("news.example", "www.news.example", True),
    ("WWW.Wired.com", "wired.com.", True),
    ("127.0.0.1", "127.0.0.1", True),
    ("blog.mozilla.org", "bugzilla.mozilla.org", False),  # a blog cites bugs: another host is another site
    ("www.bbc.com", "www.bbc.co.uk", False),  # an edition under another suffix cites like another site
    ("alice.blogspot.com", "bob.blogspot.com", False),
    ("www.com", "com", False),  # "www." is taken off a name, never off a bare suffix
    ("127.0.0.1", "127.0.0.2", False),
])
def test_a_site_is_its_host_with_or_without_www(host: str, other: str, same: bool) -> None:
    from claimcheck.core.urls import same_site
    assert same_site(host, other) is same
    assert same_site(other, host) is same


@pytest.mark.parametrize(("url", "furniture"), [
    ("https://twitter.com/intent/tweet?text=x", True),
    ("https://www.facebook.com/sharer/sharer.php?u=x", True),
    ("https://www.linkedin.com/shareArticle?mini=true", True),
    ("https://subscribe.wired.com/subscribe/splits/wired/WIR", True),
    ("https://www.nytimes.com/subscription", True),
    ("https://example.com/newsletters/daily", True),
    ("https://www.ziffdavis.com/terms-of-use", False),  # a policy is cited by articles about policies
    ("https://foundation.rust-lang.org/policies/privacy-policy", False),
    ("https://twitter.com/NYTOpinion", False),  # a profile: articles name people by them
    ("https://twitter.com/user/status/1190124368241795073", False),
    ("https://login.persona.org/", False),  # a product, not a sign-in page
    ("https://www.example.com/2019/11/terms-of-the-deal.html", False),
    ("https://www.example.com/news/account-of-the-war", False),
    ("https://www.nasa.gov/feature/goddard/2019/water-vapor-on-europa", False),
])
def test_page_furniture_links_are_never_cited_works(url: str, furniture: bool) -> None:
    from claimcheck.core.chrome import chrome_link
    assert chrome_link(url) is furniture


@pytest.mark.parametrize(("sentence", "urls", "invitation"), [
    ("Follow her on Twitter @AmyKup or on Facebook.",
     ["https://twitter.com/amykup", "https://www.facebook.com/amy.kuperinsky"], True),
    ("Follow Newsbeat on Instagram, Facebook, Twitter and YouTube.",
     ["https://www.instagram.com/bbcnewsbeat/", "https://www.youtube.com/channel/UCe1Ef-K5jpnRsmVY5hCBhOw"], True),
    ("Subscribe to 9to5Mac on YouTube for more Apple news:",
     ["https://www.youtube.com/c/9to5mac?sub_confirmation=1"], True),
    ("Like us on Facebook.", ["https://facebook.com/spacecom"], True),
    # A statement, not an invitation: it stays a claim, its links cited works.
    ("Follow-up studies on Twitter found the same.", ["https://twitter.com/study"], False),
    ("Like Facebook, Google bought a startup.", ["https://facebook.com/acquisitions"], False),
    ("The mayor said on Twitter that the road reopens Monday.", ["https://twitter.com/mayor"], False),
    # An invitation that also links a work, or a post rather than an account: read as written.
    ("Follow the report's authors on Twitter.", ["https://twitter.com/a", "https://example.org/report"], False),
    ("Follow the thread on Twitter.", ["https://twitter.com/user/status/1190124368241795073"], False),
    ("Follow her on Twitter.", [], False),
])
def test_an_invitation_to_follow_accounts_is_not_a_claim(sentence: str, urls: list[str], invitation: bool) -> None:
    from claimcheck.core.chrome import invitation_to_follow
    assert invitation_to_follow(sentence, urls) is invitation


def test_a_follow_line_gives_no_claim_and_no_source(tmp_path: Path) -> None:
    """An author's "Follow her on Twitter" line and a site's "Subscribe on YouTube" sit inside the article's
    body with no class that says so: their links are accounts, not works the article cites."""
    page = ('<html><head><title>Rail line reopens</title></head><body><article><h1>Rail line reopens</h1>'
            '<p>The line reopened on Monday, <a href="https://transit.example/notice">the operator said</a>.</p>'
            '<p>Ridership fell by half during the closure, <a href="https://twitter.com/cityrail/status/123">the '
            'city posted</a>.</p>'
            '<p>Jane Roe covers transport. Follow her on Twitter <a href="https://twitter.com/janeroe">@janeroe'
            '</a> or on <a href="https://www.facebook.com/jane.roe">Facebook</a>.</p>'
            '<p>Subscribe to <a href="https://www.youtube.com/c/citynews?sub_confirmation=1">City News on '
            'YouTube</a> for more.</p></article></body></html>')
    code, doc, _ = init(tmp_path, "news.html", page)
    assert code == 0
    assert _cited_urls(doc) == {
        "The line reopened on Monday, the operator said.": ["https://transit.example/notice"],
        "Ridership fell by half during the closure, the city posted.": ["https://twitter.com/cityrail/status/123"]}
    assert sorted(_by_url(doc)) == ["https://transit.example/notice", "https://twitter.com/cityrail/status/123"]
    assert lint(tmp_path / "claims.yaml") == 0
