"""Does content drift follow the article, not the page? Measured on scrapinghub's real news pages.

    python bench/eval_drift.py PATH/TO/article-extraction-benchmark [--pages 60]

For each page with a <p> of 25 words or more from its gold article body:
- removed: that paragraph is deleted from the HTML; claimcheck must call the main text changed;
- shuffled: the page's boilerplate is rearranged (<nav>, <aside>, <footer>, <script>, <style> elements and
  every element whose class/id names related, trending, popular or comment boxes are reversed in order and
  their numbers renumbered; an IE conditional comment is added); claimcheck must not call it changed.
Pages and gold bodies come from github.com/scrapinghub/article-extraction-benchmark; never commit them.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claimcheck.judge.rules import compare_texts  # noqa: E402
from claimcheck.settings import Policy  # noqa: E402
from claimcheck.reading.kinds import extract_page
from claimcheck.reading.payload import decode_html  # noqa: E402
from claimcheck.core.text import normalize  # noqa: E402

_BOX = re.compile(r"related|trending|popular|comment|recommend|most-read", re.IGNORECASE)


def article_paragraph(doc: etree._Element, body: str) -> etree._Element | None:
    gold = normalize(body)
    for p in doc.iter("p"):
        text = " ".join(p.text_content().split())
        if len(text.split()) >= 25 and normalize(text) in gold:
            return p
    return None


def parse(markup: bytes) -> etree._Element:
    """The page as claimcheck decodes it (re-serialised as UTF-8 below, so no encoding change is measured)."""
    return lxml_html.document_fromstring(decode_html(markup, ""))


def serialise(doc: etree._Element) -> bytes:
    return bytes(lxml_html.tostring(doc, encoding="utf-8"))


def remove_paragraph(markup: bytes, body: str) -> bytes | None:
    doc = parse(markup)
    p = article_paragraph(doc, body)
    if p is None:
        return None
    p.drop_tree()
    return serialise(doc)


def shuffle_boilerplate(markup: bytes) -> bytes:
    doc = parse(markup)
    boxes = [e for e in doc.iter("nav", "aside", "footer", "script", "style")]
    boxes += [e for e in doc.iter() if isinstance(e.tag, str) and _BOX.search(f"{e.get('class')} {e.get('id')}")]
    for element in boxes:
        children = [c for c in element if isinstance(c.tag, str)]
        for child in children:
            element.remove(child)
        for child in reversed(children):
            element.append(child)
        for node in element.iter():
            if isinstance(node.tag, str) and node.text:
                node.text = re.sub(r"\d+", lambda m: str(int(m.group()) + 7), node.text)
    body = doc.find(".//body")
    if body is not None:
        body.insert(0, etree.Comment("[if lt IE 9]><p>Your browser is out of date; please upgrade it.</p><![endif]"))
    return serialise(doc)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path)
    parser.add_argument("--pages", type=int, default=60)
    args = parser.parse_args()
    gold = json.loads((args.directory / "ground-truth.json").read_text())
    policy = Policy()
    removed = kept = tried = 0
    for key in sorted(gold)[:args.pages]:
        markup = gzip.decompress((args.directory / "html" / f"{key}.html.gz").read_bytes())
        url = gold[key].get("url") or ""
        cut = remove_paragraph(markup, gold[key].get("articleBody", ""))
        if cut is None:
            continue
        tried += 1
        before = extract_page(serialise(parse(markup)), url, "text/html; charset=utf-8").text
        if compare_texts(before, extract_page(cut, url, "text/html; charset=utf-8").text, policy).significant(policy):
            removed += 1
        else:
            print(f"  removal unseen: {url}")
        if not compare_texts(before, extract_page(shuffle_boilerplate(markup), url, "text/html; charset=utf-8").text,
                             policy).significant(policy):
            kept += 1
        else:
            print(f"  shuffle flagged: {url}")
    print(f"{tried} pages with a 25-word article paragraph")
    print(f"paragraph removed -> changed: {removed} of {tried}")
    print(f"boilerplate shuffled -> unchanged: {kept} of {tried}")


if __name__ == "__main__":
    main()
