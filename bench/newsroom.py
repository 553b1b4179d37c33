"""A generated newsroom: many articles, one store, shared sources (issue: many articles).

    python bench/newsroom.py --articles 100 1000 [--claims 10] [--urls-per-article 3] [--hosts 50]
                             [--interval 0.05] [--zipf 1.1]

For each article count A: A claims files (one folder, each with its own article), C claims each, citing
A x URLS_PER_ARTICLE distinct URLs on H hosts of bench/server.py: every URL is cited once, the remaining
citations are drawn Zipf-like (a few URLs cited by hundreds of articles). Politeness is on: one request per
host at a time, INTERVAL seconds apart. Timed as separate processes (wall, peak RSS from wait4): the first
check, the re-check (all 304) and `report --format json`; the server counts the requests each run sends.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import size_of, start_server, timed  # noqa: E402

PYTHON = sys.executable


def generate(work: Path, ports: list[int], articles: int, claims: int, urls: int, zipf: float,
             seed: int = 7) -> dict[str, object]:
    rng = random.Random(seed)
    pool = [f"http://127.0.0.1:{ports[i % len(ports)]}/news/article-{i}.html" for i in range(urls)]
    weights = [1 / (rank + 1) ** zipf for rank in range(urls)]
    citations = list(range(urls))  # every URL cited at least once
    citations += rng.choices(range(urls), weights=weights, k=articles * claims - urls)
    rng.shuffle(citations)
    folder = work / "articles"
    folder.mkdir()
    for a in range(articles):
        mine = citations[a * claims:(a + 1) * claims]
        sentences = [f"Claim {j} of article {a} rests on evidence sentence {i}." for j, i in enumerate(mine)]
        (folder / f"a{a:05d}.txt").write_text(f"Article {a}\n" + "\n".join(sentences) + "\n")
        lines = ["article:", f"  title: Article {a}", f"  path: a{a:05d}.txt", "sources:"]
        for i in dict.fromkeys(mine):
            lines += [f"  s{i}:", "    publisher: Bench", f"    title: Article {i}", f"    url: {pool[i]}",
                      f"    cited_date: November {1 + i % 28}, 2025"]
        lines.append("claims:")
        for j, i in enumerate(mine):
            lines += [f"  - id: c{j}", f"    text: {sentences[j]}", "    cites:", f"      - source: s{i}",
                      f"        evidence: Evidence sentence number {i} is present"]
        (folder / f"a{a:05d}.yaml").write_text("\n".join(lines) + "\n")
    counts: dict[int, int] = {}
    for i in citations:
        counts[i] = counts.get(i, 0) + 1
    return {"articles": articles, "citations": len(citations), "distinct_urls": len(counts),
            "most_cited_url_citations": max(counts.values()), "hosts": len(ports)}


def server_stats(port: int, reset: bool = False) -> dict[str, int]:
    path = "__reset" if reset else "__stats"
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=10) as answer:
        return dict(json.load(answer))


def bench(articles: int, args: argparse.Namespace, ports: list[int]) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix=f"claimcheck-newsroom-{articles}-"))
    shape = generate(work, ports, articles, args.claims, articles * args.urls_per_article, args.zipf)
    store = work / "store"
    env = {**os.environ, "CLAIMCHECK_ALLOW_PRIVATE": "1", "CLAIMCHECK_TIMEGATE": "none"}
    cc = [PYTHON, "-m", "claimcheck", "--claims", str(work / "articles"), "--store", str(store)]
    flags = ["--quiet", "--max-concurrency", "128", "--host-concurrency", "1", "--host-request-interval",
             str(args.interval), "--no-soft404-probe", "--format", "json", "--output", str(work / "report.json")]
    result: dict[str, object] = {"shape": shape}
    for name in ("first", "recheck"):
        server_stats(ports[0], reset=True)
        timing = timed([*cc, "check", *flags], env)
        stats = server_stats(ports[0])
        bound = stats["max_per_host"] * args.interval
        summary = json.loads((work / "report.json").read_text())["summary"]
        result[name] = {**timing, "requests": stats, "politeness_bound_s": round(bound, 2),
                        "verdicts": {k: v for k, v in summary.items() if v}}
        result[f"store_bytes_after_{name}"] = size_of(store)
    result["report"] = timed([*cc, "report", "--format", "json", "--output", str(work / "again.json")], env)
    shutil.rmtree(work, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--claims", type=int, default=10, help="claims per article")
    parser.add_argument("--urls-per-article", type=int, default=3, help="distinct URLs = articles x this")
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--interval", type=float, default=0.05)
    parser.add_argument("--zipf", type=float, default=1.1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    server, ports = start_server("--hosts", str(args.hosts), "--slow", "0")
    try:
        results = []
        for articles in args.articles:
            result = bench(articles, args, ports)
            results.append(result)
            print(f"\n{articles} articles: {json.dumps(result['shape'])}")
            for name in ("first", "recheck"):
                r = result[name]  # type: ignore[index]
                q = r["requests"]
                print(f"  {name:<8} {r['wall']:>7.2f} s (politeness bound {r['politeness_bound_s']:.2f} s)  "
                      f"peak {r['peak_mb']:>6.1f} MB  requests {q['requests']} for {q['urls']} URLs "
                      f"(at most {q['max_per_url']} per URL, {q['max_per_host']} on the busiest host)  "
                      f"{r['verdicts']}")
            print(f"  store {result['store_bytes_after_first'] / 1e6:.1f} MB after the first check, "
                  f"{result['store_bytes_after_recheck'] / 1e6:.1f} MB after the re-check")
            report = result["report"]
            print(f"  report --format json {report['wall']:.2f} s, peak {report['peak_mb']:.1f} MB")  # type: ignore[index]
        if args.out:
            args.out.write_text(json.dumps(results, indent=1))
    finally:
        server.kill()


if __name__ == "__main__":
    main()
