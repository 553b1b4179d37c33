"""How fast the review app's pages render on a big store (issue: review in the browser).

    python bench/serve_pages.py [--articles 1000] [--captures 100] [--repeat 7]

1. "What needs me" on the newsroom store of bench/newsroom.py: ARTICLES claims files of 10 claims, one check
   against bench/server.py (politeness off: the check is not what is measured). Timed: the first page, a
   later page, a filter by verdict and one by publisher.
2. A source's page with CAPTURES captures: one page on 127.0.0.1 changed before each of CAPTURES fetches
   (the library's fetch_sources), then the source page (timeline, the word diff of the last two captures,
   the frame's archived page) and the archived page itself.
Each page is requested REPEAT times through Starlette's test client (in process: the time is the app's,
not a network's); the median and the slowest are printed. Targets: what needs me under 0.5 s, a source of
100 captures under 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from newsroom import generate  # noqa: E402
from run import start_server  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from claimcheck.claims.files import expand, load_claims_set  # noqa: E402
from claimcheck.web.app import ServeSettings, create_app  # noqa: E402
from claimcheck.web.guard import COOKIE  # noqa: E402

SECRET = "bench"


def timed_pages(settings: ServeSettings, paths: list[str], repeat: int) -> None:
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:
        client.cookies.set(COOKIE, SECRET)
        for path in paths:
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - start)
                assert response.status_code == 200, (path, response.status_code, response.text[:300])
            print(f"  {path[:70]:<72} median {statistics.median(times) * 1000:7.1f} ms   slowest "
                  f"{max(times) * 1000:7.1f} ms   {len(response.content) / 1024:6.0f} KB")


def newsroom(articles: int, repeat: int) -> None:
    server, ports = start_server("--hosts", "50", "--slow", "0")
    try:
        work = Path(tempfile.mkdtemp(prefix=f"claimcheck-serve-{articles}-"))
        shape = generate(work, ports, articles, 10, articles * 3, 1.1)
        store = work / "store"
        env = {**os.environ, "CLAIMCHECK_ALLOW_PRIVATE": "1", "CLAIMCHECK_TIMEGATE": "none"}
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "claimcheck", "--claims", str(work / "articles"), "--store", str(store),
                        "check", "--quiet", "--max-concurrency", "128", "--host-request-interval", "0",
                        "--no-soft404-probe", "--format", "json", "--output", str(work / "report.json")],
                       env=env, check=False)
        print(f"{articles} articles ({shape['citations']} citations, {shape['distinct_urls']} URLs): checked in "
              f"{time.perf_counter() - started:.0f} s; store {work}")
    finally:
        server.kill()
    files = expand([str(work / "articles")])
    settings = ServeSettings(store=store, load_claims=lambda: load_claims_set(files), secret=SECRET)
    timed_pages(settings, ["/", "/?page=20", "/?verdict=verified", "/?publisher=Bench&page=3", "/runs"], repeat)


def many_captures(captures: int, repeat: int) -> None:
    from world import Site

    from claimcheck import RunSettings, fetch_sources
    from claimcheck.net.records import FetchOptions
    from claimcheck.store import Store

    site = Site()
    work = Path(tempfile.mkdtemp(prefix="claimcheck-serve-captures-"))
    paragraphs = [f"Paragraph {i} says the plant employs {1000 + i} people in its first year." for i in range(40)]

    def page(version: int) -> str:
        body = "".join(f"<p>{text}{' Revised in version %d.' % version if i == version % 40 else ''}</p>"
                       for i, text in enumerate(paragraphs))
        return f"<html><head><title>Plant</title></head><body><article><h1>Plant</h1>{body}</article></body></html>"

    site.page("/plant.html", page(0))
    (work / "claims.yaml").write_text(
        "sources:\n  plant:\n    publisher: Bench\n    title: Plant\n"
        f"    url: {site.origin}/plant.html\n"
        "claims:\n  - id: c1\n    text: The plant employs 1000 people.\n    cites:\n      - source: plant\n"
        "        evidence: Paragraph 0 says the plant employs 1000 people in its first year.\n")
    claims = load_claims_set([work / "claims.yaml"])
    settings = RunSettings(fetch=FetchOptions(allow_private=True, host_request_interval=0), timegate=None,
                           probe_soft404=False)
    started = time.perf_counter()
    with Store(work / "store") as store:
        for version in range(captures):
            site.page("/plant.html", page(version))
            fetch_sources(claims, store, settings)
        key = store.captures.of_source(claims.sources["plant"].key)[-1]["source_key"]
        last = store.captures.of_source(key)[-1]["id"]
    site.close()
    print(f"\none source, {captures} captures (fetched in {time.perf_counter() - started:.0f} s)")
    from urllib.parse import quote
    serve = ServeSettings(store=work / "store", load_claims=lambda: load_claims_set([work / "claims.yaml"]),
                          secret=SECRET)
    timed_pages(serve, [f"/source?key={quote(key, safe='')}", f"/captures/{last}/archived",
                        "/claim?id=c1"], repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--captures", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    newsroom(args.articles, args.repeat)
    many_captures(args.captures, args.repeat)


if __name__ == "__main__":
    main()
