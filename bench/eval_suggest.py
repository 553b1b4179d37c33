"""Score `claimcheck.suggest` on WiCE (Kamoi et al. 2023): real Wikipedia claims and the pages they cite.

    python bench/eval_suggest.py PATH/TO/wice/data/entailment_retrieval/claim/dev.jsonl [--split all|tune|held-out]

The file comes from github.com/ryokamoi/wice; fetch it, never commit it. Claims labelled supported or
partially supported count. Each claim's source text is its evidence sentences, one a line, as WiCE gives
them. Counted sentence by sentence: the suggestions become a ranked list of the lines they cover (a run of
sentences by the order of the lines it holds); hit@1: the first line is a gold supporting sentence; hit@5:
one of the first five lines is. The split halves the claims by the
parity of their position, so weights may be chosen on one half ("tune") and reported on the other.
"""

from __future__ import annotations

import argparse
import ast
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claimcheck.core.text import normalize  # noqa: E402
from claimcheck.reading.match import suggest  # noqa: E402
from claimcheck.review.actions import SUGGESTED  # noqa: E402
from claimcheck.entail import rank  # noqa: E402


def covered_lines(passage: str, lines: list[str]) -> set[int]:
    wanted = normalize(passage)
    return {i for i, line in enumerate(lines) if (n := normalize(line)) and (n in wanted or wanted in n)}


def sentence_ranking(passages: list[str], lines: list[str]) -> list[int]:
    """The ranked passages as a ranked list of sentences: a run of sentences counts by the order of the
    sentences it holds, so a three-sentence run is one guess per sentence, not three guesses at rank 1."""
    ranked: list[int] = []
    for passage in passages:
        for line in sorted(covered_lines(passage, lines)):
            if line not in ranked:
                ranked.append(line)
    return ranked


def bm25_sentences(claim: str, text: str, limit: int = 5) -> list[str]:
    """Plain Okapi BM25 over the lines, the baseline the issue names."""
    from claimcheck.reading.match import _Bm25, terms as _terms

    lines = [line for line in text.splitlines() if line.strip()]
    index = _Bm25([_terms(line) for line in lines])
    query = _terms(claim)
    ranked = sorted(range(len(lines)), key=lambda i: -index.score(query, i))
    return [lines[i] for i in ranked[:limit]]


METHODS: dict[str, Callable[[str, str], list[str]]] = {
    # What `claimcheck suggest` shows: the BM25 passages re-ranked by support (claimcheck.entail.rank).
    "claimcheck": lambda claim, text: [c.passage for c in rank(claim, suggest(claim, text, SUGGESTED))[:5]],
    "claimcheck-bm25": lambda claim, text: [s.passage for s in suggest(claim, text, 5)],
    "bm25-sentences": bm25_sentences,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    parser.add_argument("--split", choices=("all", "tune", "held-out"), default="all")
    parser.add_argument("--methods", default="claimcheck,claimcheck-bm25,bm25-sentences")
    parser.add_argument("--misses", type=int, default=0, help="show claimcheck's first N misses at rank 1")
    args = parser.parse_args()
    items = []
    for position, line in enumerate(args.path.read_text().splitlines()):
        item = json.loads(line)
        if item["label"] not in ("supported", "partially_supported"):
            continue
        if args.split != "all" and (position % 2 == 0) != (args.split == "tune"):
            continue
        evidence = ast.literal_eval(item["evidence"]) if isinstance(item["evidence"], str) else item["evidence"]
        groups = item["supporting_sentences"]
        groups = ast.literal_eval(groups) if isinstance(groups, str) else groups
        gold = {i for group in groups for i in group}
        if gold:
            items.append((item["claim"], evidence, gold))
    print(f"{len(items)} claims ({args.split})")
    print(f"{'method':<16} {'hit@1':>6} {'hit@5':>6} {'ms/claim':>9}")
    for name in args.methods.split(","):
        run = METHODS[name]
        hits1, hits5, times, shown = [], [], [], 0
        for claim, lines, gold in items:
            began = time.perf_counter()
            ranked = run(claim, "\n".join(lines))
            times.append(time.perf_counter() - began)
            sentences = sentence_ranking(ranked, lines)
            hits1.append(bool(sentences) and sentences[0] in gold)
            hits5.append(bool(set(sentences[:5]) & gold))
            if name == "claimcheck" and not hits1[-1] and shown < args.misses:
                shown += 1
                print(f"  MISS {claim}\n    got:  {ranked[0] if ranked else None}\n"
                      f"    gold: {[lines[i] for i in sorted(gold)][:2]}")
        print(f"{name:<16} {statistics.mean(hits1):>6.3f} {statistics.mean(hits5):>6.3f} "
              f"{1000 * statistics.mean(times):>9.2f}")


if __name__ == "__main__":
    main()
