"""`init` drafts a claims file from an article in each format; `coverage` says what no claim covers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import ARTICLE, REPO, Runner

from claimcheck.claims.article import split_sentences
from claimcheck.authoring.checkworthy import judge
from claimcheck.cli.main import cli

MARKDOWN = """# Chiplets in Practice

## Overview

Intel describes EMIB as a bridge for chiplets, according to [its newsroom](https://www.intel.com/news/emib.html).
The bridge is embedded in the substrate. AMD argues that chiplets reduce cost by 30%[^amd]. TSMC calls CoWoS
its flagship, e.g. for accelerators[1].

Reference-style links count too: the [Synopsys release][syn] covers the A16 flow.

Is this the future?

## References

[^amd]: AMD, AMD Chiplet Ecosystem white paper, December 2024.
[1]: https://www.tsmc.com/cowos "TSMC CoWoS overview"
[syn]: https://news.synopsys.com/a16 "Synopsys and TSMC certify A16"
"""

HTML = """<html><head><title>Packaging</title></head><body>
<nav><a href="/">Home</a></nav>
<h1>Packaging notes</h1>
<h2>Bridges</h2>
<p>Intel's EMIB connects dies side by side.<sup><a href="#cite-1">[1]</a></sup> Foveros stacks them in 3D, says
<a href="https://www.intel.com/foveros">Intel</a>.</p>
<p>The Mirror needs an interposer.</p>
<h2>References</h2>
<ol><li id="cite-1">Intel Newsroom, <a href="https://www.intel.com/emib">Intel Leads the Way with Advanced
Packaging</a>, September 6, 2023.</li></ol>
</body></html>
"""


def init(tmp_path: Path, name: str, text: str | bytes, *args: str) -> tuple[int, dict, str]:
    """`init` on an article written as `name` (bytes as they are: an encoding or a byte-order mark)."""
    article = tmp_path / name
    article.write_bytes(text) if isinstance(text, bytes) else article.write_text(text)
    out = tmp_path / "claims.yaml"
    result = CliRunner().invoke(cli, ["init", str(article), "--output", str(out), *args])
    document = yaml.safe_load(out.read_text(encoding="utf-8")) if out.exists() else {}
    return result.exit_code, document, result.output


def lint(path: Path) -> int:
    return CliRunner().invoke(cli, ["--claims", str(path), "lint"]).exit_code


def test_init_markdown_reads_inline_reference_and_footnote_citations(tmp_path: Path) -> None:
    code, doc, _ = init(tmp_path, "a.md", MARKDOWN)
    assert code == 0
    sources = doc["sources"]
    by_url = {s.get("url"): s for s in sources.values()}
    assert set(by_url) == {None, "https://www.intel.com/news/emib.html", "https://www.tsmc.com/cowos",
                           "https://news.synopsys.com/a16"}
    assert by_url[None] == {"publisher": "AMD", "title": "AMD Chiplet Ecosystem white paper",
                            "cited_date": "December 2024"}
    assert by_url["https://www.tsmc.com/cowos"]["title"] == "TSMC CoWoS overview"
    claims = {c["text"]: [cite["source"] for cite in c["cites"]] for c in doc["claims"]}
    id_of = {s.get("url"): key for key, s in sources.items()}
    assert claims == {
        "Intel describes EMIB as a bridge for chiplets, according to its newsroom.":
            [id_of["https://www.intel.com/news/emib.html"]],
        "AMD argues that chiplets reduce cost by 30%.": [id_of[None]],
        "TSMC calls CoWoS its flagship, e.g. for accelerators.": [id_of["https://www.tsmc.com/cowos"]],
        "Reference-style links count too: the Synopsys release covers the A16 flow.":
            [id_of["https://news.synopsys.com/a16"]],
    }
    assert all(c["section"] == "Overview" for c in doc["claims"])
    assert lint(tmp_path / "claims.yaml") == 0  # the claims quote the article's prose, markup gone


def test_init_html_reads_footnote_markers_and_links_and_merges_one_work(tmp_path: Path) -> None:
    code, doc, _ = init(tmp_path, "a.html", HTML)
    assert code == 0
    assert len(doc["sources"]) == 2  # the listed work and its link in the list are one source
    listed = next(s for s in doc["sources"].values() if s["url"] == "https://www.intel.com/emib")
    assert listed == {"publisher": "Intel Newsroom", "title": "Intel Leads the Way with Advanced Packaging",
                      "url": "https://www.intel.com/emib", "cited_date": "September 6, 2023"}
    texts = [c["text"] for c in doc["claims"]]
    assert texts == ["Intel's EMIB connects dies side by side.", "Foveros stacks them in 3D, says Intel."]
    assert lint(tmp_path / "claims.yaml") == 0


def test_init_on_our_article_reproduces_the_sources_and_the_claims_that_name_publishers(tmp_path: Path) -> None:
    code, doc, _ = init(tmp_path, "article.txt", ARTICLE.read_text())
    assert code == 0
    ours = yaml.safe_load((REPO / "claims.yaml").read_text())
    key = lambda s: (s["publisher"], " ".join(s["title"].split()), str(s["cited_date"]))  # noqa: E731
    assert sorted(map(key, doc["sources"].values())) == sorted(map(key, ours["sources"].values()))
    drafted_ids = {sid: key(s) for sid, s in doc["sources"].items()}
    our_ids = {sid: key(s) for sid, s in ours["sources"].items()}
    drafted = {" ".join(c["text"].split()): sorted(drafted_ids[x["source"]] for x in c["cites"])
               for c in doc["claims"]}
    matched = 0
    for claim in ours["claims"]:
        text = " ".join(claim["text"].split())
        if text in drafted:
            assert drafted[text] == sorted(our_ids[x["source"]] for x in claim["cites"]), text
            matched += 1
    assert matched >= 7  # the eighth ("A frontier accelerator ...") names no publisher
    assert lint(tmp_path / "claims.yaml") == 0


def test_init_is_deterministic_and_never_overwrites_without_force(tmp_path: Path) -> None:
    code, _, _ = init(tmp_path, "a.md", MARKDOWN)
    first = (tmp_path / "claims.yaml").read_text()
    code, _, output = init(tmp_path, "a.md", MARKDOWN)
    assert code == 2 and "exists; use --force" in output
    code, _, _ = init(tmp_path, "a.md", MARKDOWN, "--force")
    assert code == 0 and (tmp_path / "claims.yaml").read_text() == first


def test_sentences_keep_abbreviations_and_initials_whole() -> None:
    assert split_sentences("Chips, e.g. GPUs, need HBM. The U.S. leads. J. Smith agrees.") == [
        "Chips, e.g. GPUs, need HBM.", "The U.S. leads.", "J. Smith agrees."]


@pytest.mark.parametrize(("text", "kind", "worthy", "reason"), [
    ("Sources", "heading", False, "heading"),
    ("AI Compute", "item", False, "list entry"),
    ("How wide is the path?", "sentence", False, "question"),
    ("The Mirror needs an interposer.", "sentence", False, "figure of speech"),
    ("We think this is the best approach for everyone here.", "sentence", False, "first or second person"),
    ("TSMC shipped 1.2 million CoWoS wafers in 2024.", "sentence", True, "number"),
    ("ASE describes advanced interconnect technologies for chiplets.", "sentence", True, "attributes"),
    ("Foundries such as TSMC and Intel Foundry build packages for accelerators.", "sentence", True, "names"),
])
def test_checkworthiness_rules(text: str, kind: str, worthy: bool, reason: str) -> None:
    verdict = judge(text, kind)
    assert verdict.checkworthy is worthy and reason in verdict.reason


def test_coverage_of_our_article_without_an_archive(run: Runner) -> None:
    result = run("coverage", "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["schema"] == 1 and report["article"]["title"] == "Advanced Semiconductor Packaging"
    summary = report["summary"]
    assert summary["sentences"] == len(report["sentences"])
    assert summary["covered"] == sum(1 for s in report["sentences"] if s["covered_by"])
    assert summary["checkworthy_uncovered"] == sum(1 for s in report["sentences"]
                                                   if s["checkworthy"] and not s["covered_by"])
    by_text = {s["text"]: s for s in report["sentences"]}
    assert by_text["3D integration stacks dies vertically."]["checkworthy"] is True
    assert by_text["The Mirror needs an interposer."]["checkworthy"] is False
    assert by_text["Lisa Su"]["reason"].startswith("list entry")
    assert by_text["TSMC's CoWoS family is one of the best-known examples."]["covered_by"]
    assert all(s["candidates"] == [] for s in report["sentences"])  # nothing archived: nothing to suggest
    failing = run("coverage", "--fail-on-uncovered")
    assert failing.exit_code == (1 if summary["checkworthy_uncovered"] else 0)


def test_coverage_suggests_archived_passages_for_uncovered_sentences(run: Runner) -> None:
    assert run("check").exit_code in (0, 1)
    report = json.loads(run("coverage", "--format", "json").stdout)
    with_candidates = [s for s in report["sentences"] if s["candidates"]]
    assert with_candidates and all(s["checkworthy"] and not s["covered_by"] for s in with_candidates)
    best = with_candidates[0]["candidates"]
    assert [c["score"] for c in best] == sorted((c["score"] for c in best), reverse=True)
    assert all(set(c) == {"source", "passage", "score"} for c in best)
    markdown = run("coverage", "--format", "markdown").stdout
    assert markdown.startswith("# Coverage of Advanced Semiconductor Packaging") and "**uncovered**" in markdown


FIXTURES = Path(__file__).parent / "fixtures"


def test_init_wikipedia_html_reads_cite_notes_and_their_citation_templates(tmp_path: Path) -> None:
    code, doc, _ = init(tmp_path, "chiplet.html", (FIXTURES / "article-wikipedia.html").read_text())
    assert code == 0
    assert sorted(doc["sources"].values(), key=lambda s: s["url"]) == [
        {"publisher": "AMD", "title": "AMD Chiplet Ecosystem white paper", "url": "https://www.amd.com/chiplets.pdf",
         "cited_date": "December 2024"},
        {"publisher": "Intel Newsroom", "title": "Intel Leads the Way with Advanced Packaging",
         "url": "https://www.intel.com/emib", "cited_date": "6 September 2023"},
    ]
    url_of = {key: s["url"] for key, s in doc["sources"].items()}
    cites = {c["text"]: [url_of[x["source"]] for x in c["cites"]] for c in doc["claims"]}
    assert cites == {
        "A chiplet is a small die designed to be combined with others in one package.":
            ["https://www.amd.com/chiplets.pdf"],
        "Intel's EMIB bridges dies side by side.": ["https://www.intel.com/emib", "https://www.amd.com/chiplets.pdf"],
    }
    assert lint(tmp_path / "claims.yaml") == 0


def test_init_text_with_numbered_markers_cites_the_numbered_entries(tmp_path: Path) -> None:
    code, doc, _ = init(tmp_path, "numbered.txt", (FIXTURES / "article-numbered.txt").read_text())
    assert code == 0
    titles = {key: s["title"] for key, s in doc["sources"].items()}
    cites = {c["id"]: [titles[x["source"]] for x in c["cites"]] for c in doc["claims"]}
    assert cites == {"chiplets-split-system-smaller-dies": ["AMD Chiplet Ecosystem white paper"],
                     "intel-bridges-them-emib": ["Intel Leads the Way with Advanced Packaging"]}
    amd = next(s for s in doc["sources"].values() if s["publisher"] == "AMD")
    assert amd["url"] == "https://www.amd.com/chiplets.pdf"  # a bare URL in the entry
    assert lint(tmp_path / "claims.yaml") == 0


def test_a_reader_closing_the_pipe_early_gets_no_error_message(tmp_path: Path) -> None:
    """`claimcheck coverage | head`: the command ends quietly when its reader has what it wanted."""
    import subprocess
    import sys
    article = tmp_path / "long.txt"
    article.write_text("Long\n" + "\n".join(f"Intel shipped {i} packages to TSMC in 2024 for testing purposes."
                                            for i in range(3000)) + "\n")
    claims = tmp_path / "claims.yaml"
    claims.write_text(f"article:\n  title: Long\n  path: {article}\nsources: {{}}\nclaims: []\n")
    process = subprocess.Popen([sys.executable, "-m", "claimcheck", "--claims", str(claims), "--store",
                                str(tmp_path / "store"), "coverage"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(100)
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 1
    assert stderr == ""


def test_init_skips_links_that_are_not_citations_and_an_h1_named_notes(tmp_path: Path) -> None:
    """A link within the site or to mail is navigation, not a cited work (and could not be checked); an
    article titled "Notes" is not a list of notes."""
    code, doc, _ = init(tmp_path, "notes.html", (FIXTURES / "article-site-links.html").read_text())
    assert code == 0
    assert [s["url"] for s in doc["sources"].values()] == ["https://www.intel.com/emib"]
    assert [c["text"] for c in doc["claims"]] == ["Intel's EMIB bridges dies, says Intel."]
    assert lint(tmp_path / "claims.yaml") == 0


def test_init_keeps_only_sources_a_claim_cites_or_the_article_lists(tmp_path: Path) -> None:
    article = """# Packaging

Intel bridges dies with EMIB, says [its newsroom](https://www.intel.com/emib).

## Related pages

- [TSMC](https://www.tsmc.com/)
- [AI Compute](https://example.org/ai-compute)

## Sources

- AMD, AMD Chiplet Ecosystem white paper, December 2024.
"""
    code, doc, _ = init(tmp_path, "a.md", article)
    assert code == 0
    assert sorted(s["title"] for s in doc["sources"].values()) == ["AMD Chiplet Ecosystem white paper",
                                                                   "its newsroom"]
    assert lint(tmp_path / "claims.yaml") == 0


def test_a_claim_covers_a_sentence_it_quotes_whole_or_in_good_part() -> None:
    from claimcheck.claims.load import Claim
    from claimcheck.authoring.coverage import covering_claims
    sentence = "Intel describes EMIB and Foveros as packaging technologies that connect chips."
    claims = (Claim("whole", sentence, ()),
              Claim("most", "EMIB and Foveros as packaging technologies that connect", ()),
              Claim("two-words", "Intel describes", ()), Claim("wider", f"Before. {sentence} After.", ()))
    assert covering_claims(sentence, claims) == ("whole", "most", "wider")


def test_init_refuses_an_article_it_cannot_read(tmp_path: Path) -> None:
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes((Path(__file__).parent / "fixtures" / "pages" / "amd-chiplet-white-paper.pdf").read_bytes())
    result = CliRunner().invoke(cli, ["init", str(pdf), "--output", str(tmp_path / "claims.yaml")])
    assert result.exit_code == 2 and "cannot read PDF articles" in result.output
    assert not (tmp_path / "claims.yaml").exists()  # no empty claims file left

