"""Measure `claimcheck init` on real articles written elsewhere, against gold lists made by independent parsers.

    pip install markdown-it-py mdit-py-plugins linkify-it-py  # the independent Markdown parser

    python bench/eval_init.py --pages PATH/readability/test/test-pages --markdown PATH/rfcs/text
                              [--split tune|held-out|all] [--show N]
    python bench/eval_init.py --benchmark PATH/article-extraction-benchmark --markdown PATH/proposal/design
                              --min-links 7 --split all [--div-paragraphs]  # a second set (see its docs)

Corpora (fetch them, never commit them):
- HTML: the test pages of mozilla/readability (`test/test-pages/*/source.html`): saved Wikipedia articles and
  news and blog pages. Their cited works: every link with words in readability's own extraction of the page
  (`expected.html`, an independent main-text extractor) in a statement, links within the page's own site
  excepted (navigation: relative links, and absolute ones to the host of its canonical URL; an ISBN lookup
  names a book); on Wikipedia pages, every entry of the reference list that has a link (any of its links names the
  work), its date taken from the entry's COinS metadata (`rft.date`, machine-written by the citation template).
- Markdown: the Rust RFCs (`text/*.md` of rust-lang/rfcs) that define at least 7 reference links or footnotes,
  rendered by markdown-it-py (CommonMark, with tables, bare URLs linked as GitHub does, and footnotes): every
  link with words in a statement (a paragraph, or a list entry or table cell of six words or more) or a footnote.
- News (a second set): scrapinghub/article-extraction-benchmark's 181 pages (`html/*.html.gz`): links to
  other sites in a statement whose words are in the page's ground-truth article body, written by people
  (rapidfuzz partial ratio 90 or more: a first run asked for an exact match, which rejected real paragraphs);
  with --div-paragraphs, also links in a <div> a site writes as a paragraph (CNN's), else never counted.
  With golang/proposal's design documents (`design/*.md`, those with 7 links or more) it was kept aside and
  run once, after the rules were chosen.
- Markdown, a third set: kubernetes/enhancements' KEPs (`keps/**/*.md`, copied into one folder; those with 7
  links or more), run once as fetched, then read to find what it showed (HTML comments).
Smoke (`--smoke FOLDER`, no gold): `init` and `lint` on every file below a folder, e.g. adbar/htmldate's
`tests/` (1,014 pages of many sites and encodings): passes, refusals (exit 2) and crashes.
Cited sentences: for each link in a body paragraph or list entry, its words; for each footnote marker, the six
words before it. A sentence counts as recalled when a drafted claim holds those words.
Split: pages and RFCs sorted by name; even positions are "tune" (rules were chosen looking at them), odd ones
"held-out". Every drafted file is also checked with `claimcheck lint`.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin

import yaml
from lxml import html as lxml_html

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


@dataclass
class Gold:
    name: str
    kind: str  # "wikipedia", "news", "markdown"
    works: list[set[str]] = field(default_factory=list)  # each work: the URLs that name it
    dates: dict[str, str] = field(default_factory=dict)  # a work's URL -> its date (COinS rft.date)
    snippets: list[str] = field(default_factory=list)  # words a cited sentence holds


def canonical(url: str) -> str:
    """URLs compared without scheme, "www.", a slash before the query or at the end, or percent-encoding."""
    url = unquote(html.unescape(url.strip()))
    url = re.sub(r"^(?:https?:)?//", "", url, flags=re.IGNORECASE)
    url = re.sub(r"^www\.", "", url, flags=re.IGNORECASE)
    return re.sub(r"/(?=\?)", "", url.split("#")[0]).rstrip("/")


def _host(url: str) -> str:
    """The host of a URL `canonical` wrote ("businessinsider.com?r=US" names businessinsider.com too)."""
    return re.split(r"[/?#]", url, maxsplit=1)[0]


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _external(href: str | None) -> bool:
    return bool(href) and bool(re.match(r"(?:https?:)?//", href or "")) and "fakehost" not in (href or "")


def _before(element: lxml_html.HtmlElement, count: int = 6) -> str:
    """The last words of a paragraph's text before an element, other markers' numbers left out."""
    block = next((a for a in element.iterancestors() if a.tag in ("p", "li", "dd", "blockquote")), None)
    if block is None:
        return ""
    parts: list[str] = []

    def walk(node: lxml_html.HtmlElement) -> bool:
        if node.text and node.tag != "sup":
            parts.append(node.text)
        for child in node:
            if child is element:
                return True
            if child.tag != "sup" and walk(child):
                return True
            if child.tail:
                parts.append(child.tail)
        return False

    walk(block)
    words = _words(" ".join(parts)).split()
    return " ".join(words[-count:])


def _in_block(element: lxml_html.HtmlElement) -> bool:
    """Whether a link stands in a statement: a paragraph, or a list entry or table cell of six words or more
    (a bare list of links, "RFC PR: #218" or "Related: TSMC", cites nothing)."""
    for block in element.iterancestors("p", "li", "dd", "blockquote", "td"):
        return block.tag in ("p", "blockquote") or len(block.text_content().split()) >= 6
    return False


def _own_url(doc: lxml_html.HtmlElement) -> str | None:
    """The page's URL as it names it; for a saved MediaWiki page that does not, the host of most of its links."""
    for url in doc.xpath('//link[@rel="canonical"]/@href | //meta[@property="og:url"]/@content | //base/@href'):
        if re.match(r"https?://", url):
            return str(url)
    if doc.xpath('//*[contains(@class, "mw-parser-output") or starts-with(@id, "cite_note-")]'):
        hosts = [_host(canonical(h)) for h in doc.xpath("//a/@href") if _external(h)]
        if hosts:
            return "https://" + max(set(hosts), key=hosts.count) + "/"
    return None


def gold_page(folder: Path) -> Gold:
    source = (folder / "source.html").read_text(encoding="utf-8", errors="replace")
    expected = lxml_html.fromstring((folder / "expected.html").read_text(encoding="utf-8", errors="replace"))
    doc = lxml_html.fromstring(source)
    own = _own_url(doc)
    own_host = _host(canonical(own)) if own else None

    def work(href: str | None) -> str | None:
        """A link's URL when it names a work: on another site than the page's own (a link within the site
        is navigation), or an ISBN lookup."""
        if href and own and "Special:BookSources" in href:
            return canonical(urljoin(own, href))
        if not _external(href):
            return None
        url = canonical(href or "")
        return None if own_host and _host(url) == own_host else url

    entries = doc.xpath('//ol[contains(concat(" ", @class, " "), " references ")]/li')
    gold = Gold(folder.name, "wikipedia" if entries else "news")
    in_entries: set[str] = set()
    for entry in entries:
        urls = {url for a in entry.iter("a") if (url := work(a.get("href")))}
        for span in entry.xpath('.//span[contains(@class, "Z3988")]'):
            meta = parse_qs(html.unescape(span.get("title") or ""))
            date = (meta.get("rft.date") or [None])[0]
            for url in urls:
                if date:
                    gold.dates.setdefault(url, date)
        if urls:
            gold.works.append(urls)
            in_entries |= urls
    body = expected.xpath("//a[@href]")
    for a in body:
        url = work(a.get("href"))
        if url is None or not a.text_content().strip() or not _in_block(a):
            continue
        if any(x.tag == "ol" and "references" in (x.get("class") or "") for x in a.iterancestors()):
            continue
        if any(url in urls for urls in gold.works):
            continue
        if gold.kind == "wikipedia" and "cite_note" in " ".join(x.get("id") or "" for x in a.iterancestors()):
            continue
        gold.works.append({url})
        gold.snippets.append(_words(a.text_content()))
    if entries:
        for sup in doc.xpath('//p//sup[contains(concat(" ", @class, " "), " reference ")]'):
            words = _before(sup)
            if words:
                gold.snippets.append(words)
    gold.snippets = list(dict.fromkeys(s for s in gold.snippets if s))
    return gold


def gold_markdown(path: Path) -> Gold:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    parser = MarkdownIt("commonmark", {"linkify": True}).enable(["table", "linkify"]).use(footnote_plugin)
    parser.linkify.set({"fuzzy_link": False})  # "crates.io" in prose is no link on GitHub either
    rendered = parser.render(path.read_text(encoding="utf-8"))
    doc = lxml_html.fromstring(f"<div>{rendered}</div>")
    return _rendered_gold(doc, Gold(path.name, "markdown"), ("footnote",), '//sup[contains(@class, "footnote-ref")]')


def _rendered_gold(doc: lxml_html.HtmlElement, gold: Gold, note_classes: tuple[str, ...], markers: str) -> Gold:
    """A rendered document's cited works: every link with words in a statement or a note (an ancestor with one
    of `note_classes`); its snippets: the words of links outside notes, and the six words before each note
    marker (`markers`, an XPath)."""
    seen: set[str] = set()
    for a in doc.iter("a"):
        href = a.get("href")
        in_note = any(name in (x.get("class") or "") for x in a.iterancestors() for name in note_classes)
        if not _external(href) or not a.text_content().strip() or not (in_note or _in_block(a)):
            continue
        url = canonical(href or "")
        if url not in seen:
            seen.add(url)
            gold.works.append({url})
        if not in_note:
            gold.snippets.append(_words(a.text_content()))
    for marker in doc.xpath(markers):
        if words := _before(marker):
            gold.snippets.append(words)
    gold.snippets = list(dict.fromkeys(s for s in gold.snippets if s))
    return gold


def gold_rst(path: Path) -> Gold:
    """A reStructuredText document rendered by docutils itself (a PEP by its PEP reader, its header left
    out): every link with words in a statement, as for Markdown, or in a footnote or citation."""
    from claimcheck.claims.article_readers import rst_to_html

    doc = lxml_html.fromstring(rst_to_html(path.read_text(encoding="utf-8"), path.stem))
    return _rendered_gold(doc, Gold(path.name, "rst"), ("footnote", "citation"), '//a[@role="doc-noteref"]')


@dataclass
class Scores:
    works: int = 0
    found: int = 0
    drafted: int = 0
    right: int = 0
    snippets: int = 0
    cited: int = 0
    dates: int = 0
    dates_right: int = 0
    linted: int = 0
    files: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Scores) -> None:
        for name in ("works", "found", "drafted", "right", "snippets", "cited", "dates", "dates_right", "linted",
                     "files"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses


def _same_date(drafted: str | None, gold: str) -> bool:
    from claimcheck.core.dates import parse_cited_date

    if not drafted:
        return False
    try:
        mine, theirs = parse_cited_date(drafted), parse_cited_date(gold)
    except ValueError:
        return False
    return mine.agrees_with(theirs) and mine.precision == theirs.precision


def _init(article: Path, out: Path) -> tuple[int, str]:
    """`claimcheck init ARTICLE --output OUT --force`, in this process (a process each costs 0.5 s)."""
    from click.testing import CliRunner

    from claimcheck.cli.main import cli

    result = CliRunner().invoke(cli, ["init", str(article), "--output", str(out), "--force"])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return 99, f"{type(result.exception).__name__}: {result.exception}"
    return result.exit_code, result.output


def _lint(claims: Path) -> tuple[int, str]:
    from click.testing import CliRunner

    from claimcheck.cli.main import cli

    result = CliRunner().invoke(cli, ["--claims", str(claims), "lint"])
    return result.exit_code, result.output


def score(article: Path, gold: Gold, work: Path) -> Scores:
    out = work / f"{gold.kind}-{gold.name}.yaml"
    code, output = _init(article, out)
    scores = Scores(files=1)
    if code != 0:
        scores.misses.append(f"{gold.name}: init exit {code}: {output.strip()[:200]}")
        return scores
    code, output = _lint(out)
    scores.linted = int(code == 0)
    if code != 0:
        scores.misses.append(f"{gold.name}: lint: {output.strip()[:300]}")
    document = yaml.safe_load(out.read_text())
    sources = list((document.get("sources") or {}).values())
    drafted = {canonical(s["url"]): s for s in sources if s.get("url")}
    scores.works = len(gold.works)
    for urls in gold.works:
        if urls & set(drafted):
            scores.found += 1
        else:
            scores.misses.append(f"{gold.name}: missed work {sorted(urls)[0]}")
    every = set().union(*gold.works) if gold.works else set()
    scores.drafted = len(drafted)
    for url in drafted:
        if url in every:
            scores.right += 1
        else:
            scores.misses.append(f"{gold.name}: not a cited work {url}")
    for url, date in gold.dates.items():
        if url in drafted:
            scores.dates += 1
            if _same_date(drafted[url].get("cited_date"), date):
                scores.dates_right += 1
            else:
                scores.misses.append(f"{gold.name}: date {drafted[url].get('cited_date')!r}, gold {date} ({url})")
    claims = [_words(c["text"]) for c in document.get("claims") or []]
    scores.snippets = len(gold.snippets)
    for snippet in gold.snippets:
        if any(snippet in claim for claim in claims):
            scores.cited += 1
        else:
            scores.misses.append(f"{gold.name}: no claim holds {snippet!r}")
    return scores


_LEAF_BLOCKS = "p li dd dt blockquote td th div ul ol table section article figure h1 h2 h3 h4 h5 h6".split()


def _div_paragraph(element: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """The <div> a link stands in when the site writes its paragraphs as divs (CNN's "zn-body__paragraph"):
    the nearest div holding no other block, of six words or more, with no paragraph or entry between."""
    for ancestor in element.iterancestors():
        if ancestor.tag in ("p", "li", "dd", "blockquote", "td"):
            return None
        if ancestor.tag == "div":
            inner = any(d.tag in _LEAF_BLOCKS for d in ancestor.iterdescendants())
            return None if inner or len(ancestor.text_content().split()) < 6 else ancestor
    return None


def gold_benchmark(path: Path, truth: dict[str, str], divs: bool = False) -> Gold:
    """A page of scrapinghub's article-extraction-benchmark: its cited works are the links to other sites
    in a statement (a paragraph, or a list entry or cell of six words or more; with `divs`, also a div
    written as a paragraph) whose words are in the page's ground-truth article body (written by people,
    independent of any extractor)."""
    import gzip

    from rapidfuzz import fuzz

    doc = lxml_html.fromstring(gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace"))
    own_host = _host(canonical(truth["url"]))
    body = _words(truth["articleBody"])
    gold = Gold(path.name.split(".")[0][:12], "news")
    for a in doc.xpath("//a[@href]"):
        href = a.get("href")
        div = _div_paragraph(a) if divs else None
        if not _external(href) or not a.text_content().strip() or not (div is not None or _in_block(a)):
            continue
        url = canonical(href)
        if _host(url) == own_host:
            continue
        block = div if div is not None else next(a.iterancestors("p", "li", "dd", "blockquote", "td"))
        # In the body when its words are, but for a few: the people who wrote the ground truth left out a
        # trailing "Read more" or a caption's credit (an exact match rejected real paragraphs).
        if fuzz.partial_ratio(_words(block.text_content()), body) < 90:
            continue
        if not any(url in urls for urls in gold.works):
            gold.works.append({url})
        gold.snippets.append(_words(a.text_content()))
    gold.snippets = list(dict.fromkeys(s for s in gold.snippets if s))
    return gold


def _articles(pages: Path | None, markdown_folder: Path | None, benchmark: Path | None,
              min_links: int, rst_folder: Path | None = None) -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    if pages:
        for folder in sorted(pages.iterdir()):
            if (folder / "source.html").exists() and (folder / "expected.html").exists():
                found.append((folder, "page"))
    if markdown_folder:
        for path in sorted(markdown_folder.glob("*.md")):
            text = path.read_text(encoding="utf-8", errors="replace")
            definitions = len(re.findall(r"^\[[^\]]+\]:\s*\S", text, re.MULTILINE))
            if definitions >= 7 or (min_links and definitions + text.count("](http") >= min_links):
                found.append((path, "markdown"))
    if benchmark:
        found += [(path, "benchmark") for path in sorted((benchmark / "html").glob("*.html.gz"))]
    if rst_folder:
        for path in sorted(rst_folder.glob("*.rst")):
            text = path.read_text(encoding="utf-8", errors="replace")
            if len(re.findall(r"https?://", text)) >= (min_links or 7):
                found.append((path, "rst"))
    return found


def smoke(folder: Path) -> None:
    """`init` and `lint` on every file below a folder, with no gold: how many draft and pass `lint`, how many
    are refused (exit 2, with the message), and how many crash."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    counts = {"passed": 0, "refused": 0, "lint failed": 0, "crashed": 0}
    with tempfile.TemporaryDirectory(prefix="claimcheck-smoke-") as tmp:
        for number, path in enumerate(files):
            kept = (".md", ".markdown", ".txt", ".htm", ".rst", ".rest")  # anything else is read as a web page
            suffix = path.suffix.lower() if path.suffix.lower() in kept else ".html"
            article = Path(tmp) / f"a{number}{suffix}"
            article.write_bytes(path.read_bytes())
            out = Path(tmp) / f"a{number}.yaml"
            code, output = _init(article, out)
            if code == 0:
                lint_code, lint_output = _lint(out)
                counts["passed" if lint_code == 0 else "lint failed"] += 1
                if lint_code:
                    print(f"lint failed: {path}: {lint_output.strip()[:200]}")
            else:
                counts["refused" if code == 2 else "crashed"] += 1
                print(f"{'refused' if code == 2 else 'crashed'}: {path}: {output.strip()[:200]}")
    print(f"files: {len(files)}; " + "; ".join(f"{name}: {n}" for name, n in counts.items()))


def _rate(a: int, b: int) -> str:
    return f"{a / b:.3f} ({a}/{b})" if b else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, help="readability's test/test-pages folder")
    parser.add_argument("--markdown", type=Path, help="a folder of Markdown documents (rust-lang/rfcs text/)")
    parser.add_argument("--benchmark", type=Path, help="scrapinghub/article-extraction-benchmark's folder")
    parser.add_argument("--rst", type=Path, help="a folder of reStructuredText documents (python/peps peps/); "
                                                  "those with --min-links links or more (default 7)")
    parser.add_argument("--min-links", type=int, default=0,
                        help="Markdown: also take documents with this many links of any kind (default: only "
                             "those defining 7 reference links or footnotes)")
    parser.add_argument("--split", choices=("tune", "held-out", "all"), default="held-out")
    parser.add_argument("--show", type=int, default=0, help="show the first N misses of each kind of article")
    parser.add_argument("--div-paragraphs", action="store_true",
                        help="scrapinghub's pages: also count links in a <div> written as a paragraph (CNN's)")
    parser.add_argument("--smoke", type=Path, metavar="FOLDER",
                        help="no gold: run init and lint on every file below FOLDER (any site's pages; "
                             "htmldate's tests/), count passes, refusals and crashes")
    args = parser.parse_args()
    if args.smoke:
        smoke(args.smoke)
        return
    articles = _articles(args.pages, args.markdown, args.benchmark, args.min_links, args.rst)
    truth = json.loads((args.benchmark / "ground-truth.json").read_text()) if args.benchmark else {}
    by_kind: dict[str, Scores] = {}
    crashes = 0
    with tempfile.TemporaryDirectory(prefix="claimcheck-init-") as tmp:
        work = Path(tmp)
        for position, (path, kind) in enumerate(articles):
            chosen = {"tune": position % 2 == 0, "held-out": position % 2 == 1, "all": True}[args.split]
            if kind == "page":
                gold = gold_page(path)
                article = work / f"{path.name}.html"
                article.write_bytes((path / "source.html").read_bytes())
            elif kind == "benchmark":
                import gzip

                gold = gold_benchmark(path, truth[path.name.split(".")[0]], args.div_paragraphs)
                article = work / f"{gold.name}.html"
                article.write_bytes(gzip.decompress(path.read_bytes()))
            elif kind == "rst":
                gold = gold_rst(path)
                article = path
            else:
                gold = gold_markdown(path)
                article = path
            if not chosen:
                # Not scored, but every input must still draft without a crash.
                crashes += _init(article, work / "unscored.yaml")[0] not in (0, 2)
                continue
            scores = score(article, gold, work)
            crashes += any("init exit 99" in m for m in scores.misses)
            by_kind.setdefault(gold.kind, Scores()).add(scores)
    total = Scores()
    print(f"split: {args.split}; articles: {sum(s.files for s in by_kind.values())}; crashes on all "
          f"{len(articles)} inputs: {crashes}")
    print(f"{'articles':<10} {'files':>5}  {'sources recall':<20} {'sources precision':<20} "
          f"{'cited sentences':<20} {'dates (COinS)':<18} lint")
    for kind, scores in sorted(by_kind.items()):
        total.add(scores)
        print(f"{kind:<10} {scores.files:>5}  {_rate(scores.found, scores.works):<20} "
              f"{_rate(scores.right, scores.drafted):<20} {_rate(scores.cited, scores.snippets):<20} "
              f"{_rate(scores.dates_right, scores.dates):<18} {scores.linted}/{scores.files}")
        for miss in scores.misses[:args.show]:
            print(f"    {miss}")
    print(f"{'all':<10} {total.files:>5}  {_rate(total.found, total.works):<20} "
          f"{_rate(total.right, total.drafted):<20} "
          f"{_rate(total.cited, total.snippets):<20} {_rate(total.dates_right, total.dates):<18} "
          f"{total.linted}/{total.files}")


if __name__ == "__main__":
    main()
