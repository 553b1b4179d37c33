"""Score publication-date extraction on htmldate's evaluation pages, by htmldate's own rules.

    python bench/eval_dates.py PATH/TO/htmldate/tests [--methods claimcheck,claimcheck-cascade,htmldate-fast,...]
    python bench/eval_dates.py PATH/TO/trafilatura/tests --labelled bench/data/trafilatura-dates.json --split held-out

The pages (tests/eval, tests/test_set, tests/cache) and gold dates (eval_default.json,
eval_mediacloud_2020.json) come from github.com/adbar/htmldate; fetch them, never commit them.
Scoring as htmldate's tests/evaluation.py: a right date is a true positive, a wrong one a false positive,
no date a false negative; precision = TP/(TP+FP), accuracy = (TP+TN)/all.

With --labelled, the pages are trafilatura's evaluation pages that htmldate's set does not hold (tests/eval and
tests/cache of github.com/adbar/trafilatura), with the dates this project's developers read off each page by
hand (bench/data/trafilatura-dates.json: the page's publication date, visible or in its metadata, or null for
a page that shows none; pages where a reader could not tell were left out). Scored: the exact day on dated
pages, and no date at all on undated ones. The set is split in two halves by a hash of the URL: rules may be
chosen on `tune`, and `held-out` is reported as unseen.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Callable
from unittest import mock

from charset_normalizer import from_bytes

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claimcheck.reading import html as extract  # noqa: E402
from claimcheck.reading.kinds import extract_page  # noqa: E402

TODAY = date(2026, 11, 25)


def load(directory: Path, name: str) -> bytes | None:
    for sub in ("test_set", "cache", "eval"):
        path = directory / sub / name
        if path.is_file():
            return path.read_bytes()
    return None


def as_text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(body).best()
        return str(best) if best else body.decode("utf-8", "replace")


SIGNALS: Counter[tuple[str, str]] = Counter()  # (signal, right/wrong) of claimcheck's answers


def run_claimcheck(body: bytes, url: str) -> str | None:
    page = extract_page(body, url, "text/html", today=TODAY)
    if page.published is None or page.published_precision is None or page.published_precision.value != "day":
        return None
    run_claimcheck.last_signal = page.published_from or "?"  # type: ignore[attr-defined]
    return page.published.isoformat()


def run_cascade_alone(body: bytes, url: str) -> str | None:
    """claimcheck's own cascade, without htmldate's second opinion."""
    with mock.patch.object(extract, "settle_with_htmldate",
                           lambda found, markup, url, latest: (found.published, found.signal)):
        return run_claimcheck(body, url)


def htmldate_runner(extensive: bool) -> Callable[[bytes, str], str | None]:
    from htmldate import find_date

    def run(body: bytes, url: str) -> str | None:
        return find_date(as_text(body), url=url, original_date=True, extensive_search=extensive)
    return run


METHODS: dict[str, Callable[[], Callable[[bytes, str], str | None]]] = {
    "claimcheck": lambda: run_claimcheck,
    "claimcheck-cascade": lambda: run_cascade_alone,
    "htmldate-fast": lambda: htmldate_runner(False),
    "htmldate-extensive": lambda: htmldate_runner(True),
}


def half(url: str) -> str:
    """The stable half of a labelled set a page belongs to."""
    return "tune" if hashlib.sha256(url.encode()).digest()[0] % 2 == 0 else "held-out"


def labelled(args: argparse.Namespace) -> None:
    gold: dict[str, dict[str, str | None]] = json.loads(args.labelled.read_text())
    pages = [(url, item, load(args.directory, str(item["file"]))) for url, item in gold.items()
             if args.split == "all" or half(url) == args.split]
    pages = [(u, i, b) for u, i, b in pages if b is not None]
    dated = sum(1 for _, item, _ in pages if item["date"])
    print(f"{len(pages)} labelled pages ({args.split}): {dated} dated, {len(pages) - dated} undated")
    print(f"{'method':<20} {'exact day (dated)':>17} {'wrong':>6} {'none':>5} {'no date (undated)':>17} {'s/page':>8}")
    for method in args.methods.split(","):
        run = METHODS[method]()
        counts: Counter[str] = Counter()
        wrong = []
        began = time.perf_counter()
        for url, item, body in pages:
            try:
                found = run(body, url)
            except Exception as exc:  # noqa: BLE001 - a crash counts as no answer, and is shown
                print(f"  {method} crashed on {item['file']}: {exc!r}", file=sys.stderr)
                found = None
            if item["date"]:
                counts["right" if found == item["date"] else "none" if found is None else "wrong"] += 1
            else:
                counts["undated-none" if found is None else "undated-dated"] += 1
            if found != item["date"]:
                wrong.append({"url": url, "file": item["file"], "gold": item["date"], "found": found})
        elapsed = time.perf_counter() - began
        undated = counts["undated-none"] + counts["undated-dated"]
        print(f"{method:<20} {counts['right'] / max(dated, 1):>17.3f} {counts['wrong']:>6} {counts['none']:>5} "
              f"{counts['undated-none'] / max(undated, 1):>17.3f} {elapsed / len(pages):>8.4f}")
        if args.errors and method == "claimcheck":
            args.errors.write_text(json.dumps(wrong, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path)
    parser.add_argument("--methods", default="claimcheck,claimcheck-cascade,htmldate-fast,htmldate-extensive")
    parser.add_argument("--errors", type=Path, help="write claimcheck's wrong answers here (JSON)")
    parser.add_argument("--set", choices=("all", "default", "mediacloud"), default="all",
                        help="eval_default.json (rules chosen on it), eval_mediacloud_2020.json (held out), or both")
    parser.add_argument("--labelled", type=Path,
                        help="a file of hand-read dates (null: undated) for pages under DIRECTORY; see above")
    parser.add_argument("--split", choices=("all", "tune", "held-out"), default="all",
                        help="with --labelled: which half of the pages")
    args = parser.parse_args()
    if args.labelled:
        labelled(args)
        return
    gold: dict[str, dict[str, str]] = {}
    names = {"all": ("eval_mediacloud_2020.json", "eval_default.json"), "default": ("eval_default.json",),
             "mediacloud": ("eval_mediacloud_2020.json",)}[args.set]
    for name in names:
        gold.update(json.loads((args.directory / name).read_text()))
    pages = [(url, item, load(args.directory, item["file"])) for url, item in gold.items()]
    pages = [(u, i, b) for u, i, b in pages if b is not None]
    print(f"{len(pages)} pages with gold dates")
    print(f"{'method':<20} {'TP':>5} {'FP':>5} {'FN':>5} {'precision':>9} {'recall':>7} {'accuracy':>8} {'F1':>6} "
          f"{'s/page':>8}")
    for method in args.methods.split(","):
        run = METHODS[method]()
        counts: Counter[str] = Counter()
        wrong = []
        began = time.perf_counter()
        for url, item, body in pages:
            try:
                found = run(body, url)
            except Exception as exc:  # noqa: BLE001 - a crash counts as no answer, and is shown
                print(f"  {method} crashed on {item['file']}: {exc!r}", file=sys.stderr)
                found = None
            if found is None:
                counts["fn"] += 1
            elif found == item["date"]:
                counts["tp"] += 1
            else:
                counts["fp"] += 1
                wrong.append({"url": url, "file": item["file"], "gold": item["date"], "found": found})
            if found is not None and method == "claimcheck":
                SIGNALS[(run_claimcheck.last_signal, "right" if found == item["date"] else "wrong")] += 1  # type: ignore[attr-defined]
        elapsed = time.perf_counter() - began
        tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        accuracy = tp / len(pages)
        f1 = 2 * tp / (2 * tp + fp + fn)
        print(f"{method:<20} {tp:>5} {fp:>5} {fn:>5} {precision:>9.3f} {recall:>7.3f} {accuracy:>8.3f} {f1:>6.3f} "
              f"{elapsed / len(pages):>8.4f}")
        if args.errors and method == "claimcheck":
            args.errors.write_text(json.dumps(wrong, indent=1))
    if SIGNALS:
        print("claimcheck's answers by signal (right/wrong):")
        for signal in sorted({s for s, _ in SIGNALS}):
            print(f"  {signal:<14} {SIGNALS[(signal, 'right')]:>4} / {SIGNALS[(signal, 'wrong')]}")


if __name__ == "__main__":
    main()
