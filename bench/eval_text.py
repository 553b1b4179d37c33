"""Score main-text extraction on scrapinghub's article-extraction benchmark, by the benchmark's own rules.

    python bench/eval_text.py PATH/TO/article-extraction-benchmark [--methods claimcheck,trafilatura,...]
                              [--split all|tune|held-out]

The pages (html/*.html.gz) and gold bodies (ground-truth.json) come from
github.com/scrapinghub/article-extraction-benchmark; fetch them, never commit them.
Two scores, each as the benchmark's evaluate.py computes them (per page TP/FP/FN normalised to sum to 1,
precision and recall macro-averaged over pages, F1 of the two means):
- shingles: 4-grams of \\w+ tokens, the benchmark's published metric;
- tokens: a bag of single \\w+ tokens.
"empty" counts pages whose extracted text is blank although the gold body is not.
The split halves the pages by the parity of the first hex digit of their id, so rules may be chosen on
one half ("tune") and reported on the other ("held-out").
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claimcheck.reading.kinds import extract_page  # noqa: E402

_TOKEN = re.compile(r"\w+", re.UNICODE)


def _grams(text: str, n: int) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def tp_fp_fn(true: str, pred: str, n: int) -> tuple[float, float, float]:
    gold, found = _grams(true, n), _grams(pred, n)
    tp = fp = fn = 0.0
    for key in gold.keys() | found.keys():
        tp += min(gold[key], found[key])
        fp += max(0, found[key] - gold[key])
        fn += max(0, gold[key] - found[key])
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def f1(counts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    def precision(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)

    def recall(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)

    p = statistics.mean(precision(*c) for c in counts if c[0] + c[1] > 0)
    r = statistics.mean(recall(*c) for c in counts if c[0] + c[2] > 0)
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


def run_claimcheck(html: bytes, url: str) -> str:
    return extract_page(html, url, "text/html").text


def run_trafilatura(html: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""


METHODS: dict[str, Callable[[bytes, str], str]] = {"claimcheck": run_claimcheck, "trafilatura": run_trafilatura}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path)
    parser.add_argument("--methods", default="claimcheck,trafilatura")
    parser.add_argument("--split", choices=("all", "tune", "held-out"), default="all")
    parser.add_argument("--worst", type=int, default=0, help="list claimcheck's N worst pages")
    args = parser.parse_args()
    gold = json.loads((args.directory / "ground-truth.json").read_text())
    keys = sorted(gold)
    if args.split != "all":
        keys = [k for k in keys if (int(k[0], 16) % 2 == 0) == (args.split == "tune")]
    pages = [(k, gzip.decompress((args.directory / "html" / f"{k}.html.gz").read_bytes())) for k in keys]
    print(f"{len(pages)} pages ({args.split})")
    print(f"{'method':<14} {'shingle F1':>10} {'P':>6} {'R':>6} {'token F1':>9} {'P':>6} {'R':>6} {'empty':>6} "
          f"{'ms/page':>8}")
    for name in args.methods.split(","):
        run = METHODS[name]
        shingles, tokens, empty, scored = [], [], 0, []
        began = time.perf_counter()
        outputs = [(key, run(html, gold[key].get("url") or "")) for key, html in pages]
        elapsed = time.perf_counter() - began
        for key, text in outputs:
            true = gold[key].get("articleBody", "")
            shingles.append(tp_fp_fn(true, text, 4))
            tokens.append(tp_fp_fn(true, text, 1))
            empty += bool(true.strip()) and not text.strip()
            scored.append((f1([tokens[-1]])[0] if tokens[-1][0] + tokens[-1][1] > 0 else 0.0, key))
        s, t = f1(shingles), f1(tokens)
        print(f"{name:<14} {s[0]:>10.3f} {s[1]:>6.3f} {s[2]:>6.3f} {t[0]:>9.3f} {t[1]:>6.3f} {t[2]:>6.3f} "
              f"{empty:>6} {1000 * elapsed / len(pages):>8.1f}")
        if args.worst and name == "claimcheck":
            for score, key in sorted(scored)[:args.worst]:
                print(f"    {score:.3f} {key} {gold[key].get('url', '')}")


if __name__ == "__main__":
    main()
