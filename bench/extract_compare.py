"""claimcheck's main-text extraction against trafilatura's, on the publisher fixtures and the benchmark pages.

    pip install trafilatura && python bench/extract_compare.py

For each publisher fixture: is the supporting passage in the main text (it must be), and is the page's
boilerplate (cookie banner, navigation, related/trending boxes, footer) out of it? Then the time per page
over 300 benchmark pages of 30-60 KB.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from test_extract import CASES  # noqa: E402  the expected passages and boilerplate, one table
from world import PAGES  # noqa: E402

from claimcheck.reading.kinds import extract_page  # noqa: E402


def claimcheck_text(body: bytes, url: str, content_type: str) -> str:
    return extract_page(body, url, content_type).text


def trafilatura_text(body: bytes, url: str, content_type: str) -> str:
    import trafilatura
    return trafilatura.extract(body.decode("utf-8", "replace"), url=url, include_comments=False,
                               include_tables=True, favor_precision=False) or ""


def main() -> None:
    import server
    html_cases = [c for c in CASES if c[2] == "text/html"]
    pages = [server.page(i) for i in range(300)]
    for name, run in (("claimcheck", claimcheck_text), ("trafilatura", trafilatura_text)):
        kept = clean = 0
        for fixture, url, content_type, _, _, _, passage, boilerplate in html_cases:
            text = " ".join(run((PAGES / fixture).read_bytes(), url, content_type).split())
            kept += passage in text
            clean += all(noise not in text for noise in boilerplate)
        began = time.perf_counter()
        for i, body in enumerate(pages):
            run(body, f"http://bench/news/article-{i}.html", "text/html")
        per_page = (time.perf_counter() - began) / len(pages) * 1000
        print(f"{name:<12} evidence kept {kept}/{len(html_cases)}  boilerplate out {clean}/{len(html_cases)}  "
              f"{per_page:.1f} ms/page")
    print("(claimcheck's time includes its dates; htmldate is asked only where the page's signals need it)")


if __name__ == "__main__":
    main()
