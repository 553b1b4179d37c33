"""Measure claim support on WiCE (Kamoi et al. 2023): real Wikipedia claims and the pages they cite.

    python bench/eval_support.py PATH/TO/dev.jsonl library [--split tune|held-out|all]
    python bench/eval_support.py PATH/TO/dev.jsonl cli     [--split tune|held-out|all] [--limit N]

The file is data/entailment_retrieval/claim/dev.jsonl of github.com/ryokamoi/wice; fetch it, never commit it.
Rules were chosen on the "tune" half (even positions) and are reported on "held-out" (odd positions).

library: `claimcheck.support(claim, passage)` as a classifier. Positives: each supported claim with its gold
supporting sentences. Negatives: the same claim with its gold passage after one meaning edit (bench/wice_edits.py),
and with the page's best non-gold sentence (Okapi BM25). Printed beside a plain baseline: the share of the
claim's content words found in the passage, at its best threshold on the tune half (and, to be fair to it, at
its best threshold on the half reported).

cli: the verdicts, end to end. Every claim's page is served on 127.0.0.1 with its gold sentences recorded as
the evidence passage; `claimcheck check` runs once (the baseline), then once per edit with that edit made on
every page that allows it. Counted: meaning edits at error level (target >= 95%), benign edits at error level
(target <= 2%), and whether the detail names the changed term.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from wice_edits import Item, benign_edits, load, meaning_edits  # noqa: E402

from claimcheck.reading.match import _Bm25, terms  # noqa: E402
from claimcheck.entail import support  # noqa: E402


def _passage(item: Item, edited: dict[int, str] | None = None) -> str:
    edited = edited or {}
    return " ".join(text for i in item.gold if (text := edited.get(i, item.lines[i])))


def best_non_gold(item: Item) -> str | None:
    candidates = [i for i, line in enumerate(item.lines) if i not in item.gold and not line.startswith("(meta")
                  and len(line.split()) >= 5]
    if not candidates:
        return None
    index = _Bm25([terms(item.lines[i]) for i in candidates])
    query = terms(item.claim)
    best = max(range(len(candidates)), key=lambda k: index.score(query, k))
    return item.lines[candidates[best]]


def word_share(claim: str, passage: str) -> float:
    wanted = set(terms(claim))
    return len(wanted & set(terms(passage))) / len(wanted) if wanted else 1.0


def _pairs(items: list[Item]) -> list[tuple[str, str, bool, str]]:
    """(claim, passage, supports, what the passage is)."""
    rng = random.Random(7)
    pairs = []
    for item in items:
        pairs.append((item.claim, _passage(item), True, "gold"))
        for name, (index, line) in sorted(meaning_edits(item, rng).items()):
            pairs.append((item.claim, _passage(item, {index: line}), False, f"edit:{name}"))
        other = best_non_gold(item)
        if other:
            pairs.append((item.claim, other, False, "best-non-gold"))
    return pairs


def balanced_accuracy(truth: list[bool], predicted: list[bool]) -> float:
    positives = [p for t, p in zip(truth, predicted, strict=True) if t]
    negatives = [not p for t, p in zip(truth, predicted, strict=True) if not t]
    return (statistics.mean(positives) + statistics.mean(negatives)) / 2


def _best_threshold(scores: list[float], truth: list[bool]) -> float:
    return max(sorted(set(scores)), key=lambda t: balanced_accuracy(truth, [s >= t for s in scores]))


def library(path: Path, split: str, show: int) -> None:
    tune = _pairs(load(path, "tune"))
    pairs = _pairs(load(path, split))
    truth = [p[2] for p in pairs]
    began = time.perf_counter()
    judged = [support(claim, passage) for claim, passage, _, _ in pairs]
    per_pair = (time.perf_counter() - began) / len(pairs)
    predicted = [j.holds for j in judged]
    threshold = _best_threshold([word_share(c, p) for c, p, _, _ in tune], [p[2] for p in tune])
    shares = [word_share(c, p) for c, p, _, _ in pairs]
    oracle = _best_threshold(shares, truth)
    print(f"{split}: {len(pairs)} pairs ({sum(truth)} supporting, {len(truth) - sum(truth)} not), "
          f"{1e3 * per_pair:.2f} ms per pair")
    print(f"{'method':<44} {'bal.acc':>7} {'TPR':>6} {'TNR':>6}")
    for name, guess in (("claimcheck.support (supported or partial)", predicted),
                        (f"content-word share >= {threshold:.2f} (tune's best)", [s >= threshold for s in shares]),
                        (f"content-word share >= {oracle:.2f} (this half's best)", [s >= oracle for s in shares])):
        tpr = statistics.mean(g for t, g in zip(truth, guess, strict=True) if t)
        tnr = statistics.mean(not g for t, g in zip(truth, guess, strict=True) if not t)
        print(f"{name:<44} {balanced_accuracy(truth, guess):>7.3f} {tpr:>6.3f} {tnr:>6.3f}")
    kinds = sorted({p[3] for p in pairs})
    right: dict[str, list[bool]] = {}
    for (_, _, truth_value, kind), judgement in zip(pairs, judged, strict=True):
        right.setdefault(kind, []).append(judgement.holds == truth_value)
    print("right by passage:  " + "  ".join(f"{k} {statistics.mean(right[k]):.3f}/{len(right[k])}" for k in kinds))
    shown = 0
    for (claim, passage, truth_value, kind), judgement in zip(pairs, judged, strict=True):
        if judgement.holds != truth_value and shown < show:
            shown += 1
            print(f"\n[{kind}] {claim}\n  passage: {passage[:300]}\n  -> {judgement.summary()}")


# --- the CLI, end to end ---------------------------------------------------------------------------------

def _page(item: Item, edited: dict[int, str] | None = None, reorder: bool = False) -> str:
    from html import escape
    # An edit is made wherever its line stands: pages repeat lines (titles, pull quotes), and an untouched
    # copy would still carry the passage word for word.
    by_text = {item.lines[i]: text for i, text in (edited or {}).items()}
    lines = [by_text.get(line, line) for line in item.lines]
    order = list(range(len(lines)))
    if reorder:  # swap the paragraphs just before the passage with those just after it
        before = [i for i in order if i < item.gold[0]][-2:]
        after = [i for i in order if i > item.gold[-1]][:2]
        if before and after:
            order = [i for i in order if i not in before and i not in after]
            at = order.index(item.gold[0])
            order[at:at] = after
            at = order.index(item.gold[-1]) + 1
            order[at:at] = before
    body = "\n".join(f"<p>{escape(lines[i])}</p>" for i in order if lines[i] and not lines[i].startswith("(meta"))
    return (f"<!doctype html><html><head><title>Page {item.position}</title></head>"
            f"<body><article>{body}</article></body></html>")


def cli(path: Path, split: str, limit: int | None, dump: Path | None = None) -> None:
    import yaml

    sys.path.insert(0, str(HERE.parent / "tests"))
    from world import Site  # the tests' loopback web server

    items = load(path, split)[:limit]
    rng = random.Random(11)
    elsewhere = "The museum's cafeteria is open on weekdays from nine to five."
    work = Path(tempfile.mkdtemp(prefix="claimcheck-support-"))
    site = Site()
    try:
        sources, claims = {}, []
        for item in items:
            route = f"/page/{item.position}"
            site.page(route, _page(item))
            sid = f"p{item.position}"
            sources[sid] = {"publisher": "WiCE", "title": f"Page {item.position}", "url": site.origin + route}
            evidence = " ... ".join(item.lines[i] for i in item.gold)
            claims.append({"id": f"c{item.position}", "text": item.claim,
                           "cites": [{"source": sid, "evidence": evidence}]})
        (work / "claims.yaml").write_text(yaml.safe_dump({"sources": sources, "claims": claims}, allow_unicode=True))
        env = {**os.environ, "CLAIMCHECK_ALLOW_PRIVATE": "1", "CLAIMCHECK_TIMEGATE": "none"}

        def check(day: int) -> dict[str, dict[str, object]]:
            result = subprocess.run(["claimcheck", "--claims", str(work / "claims.yaml"),
                                     "--store", str(work / "cache"), "check", "--format", "json",
                                     "--fail-on", "never", "--quiet",
                                     "--host-request-interval", "0", "--no-soft404-probe"],
                                    env={**env, "CLAIMCHECK_NOW": f"2026-12-{day:02d}T12:00:00Z"},
                                    capture_output=True, text=True)
            if result.returncode != 0:
                raise SystemExit(result.stderr)
            return {c["id"]: c["sources"][0] for c in json.loads(result.stdout)["claims"]}

        first = check(1)
        unverified = [cid for cid, f in first.items() if f["verdict"] != "verified"]
        print(f"{len(items)} claims ({split}); first check: {len(items) - len(unverified)} verified"
              + (f", not verified: {unverified[:5]}" if unverified else ""))
        plans: dict[str, dict[str, object]] = {}
        for item in items:
            for name, edit in meaning_edits(item, rng).items():
                plans.setdefault(f"meaning:{name}", {})[f"c{item.position}"] = edit
            for name, edit in benign_edits(item, rng, elsewhere).items():
                plans.setdefault(f"benign:{name}", {})[f"c{item.position}"] = edit
        totals: dict[str, list[bool]] = {"meaning": [], "benign": []}
        dumped: list[dict[str, object]] = []
        named: list[bool] = []
        print(f"{'edit':<26} {'pages':>5} {'error':>6}  examples of a wrong verdict")
        for day, (plan, edits) in enumerate(sorted(plans.items()), start=2):
            for item in items:
                edit = edits.get(f"c{item.position}")
                if edit == "reorder":
                    site.page(f"/page/{item.position}", _page(item, reorder=True))
                elif isinstance(edit, tuple):
                    site.page(f"/page/{item.position}", _page(item, {edit[0]: edit[1]}))
                else:
                    site.page(f"/page/{item.position}", _page(item))
            found = check(day)
            kind = plan.split(":")[0]
            errors = {cid: found[cid]["verdict"] in ("evidence-missing", "gone") for cid in edits}
            dumped.extend({"edit": plan, "claim": cid, **found[cid]} for cid in edits)
            totals[kind].extend(errors.values())
            wrong = [cid for cid, e in errors.items() if e != (kind == "meaning")]
            if kind == "meaning":
                named.extend("the claim" in str(found[cid]["detail"]) or "no longer" in str(found[cid]["detail"])
                             or "now says" in str(found[cid]["detail"]) for cid, e in errors.items() if e)
            print(f"{plan:<26} {len(edits):>5} {statistics.mean(errors.values()):>6.3f}  "
                  + "; ".join(f"{cid}: {found[cid]['verdict']} {str(found[cid]['detail'])[:90]}" for cid in wrong[:2]))
        print(f"meaning edits at error level: {statistics.mean(totals['meaning']):.3f} of {len(totals['meaning'])} "
              f"(target >= 0.95); their details name what changed: {statistics.mean(named) if named else 0:.3f}")
        print(f"benign edits at error level:  {statistics.mean(totals['benign']):.3f} of {len(totals['benign'])} "
              "(target <= 0.02)")
        if dump:
            dump.write_text(json.dumps(dumped, indent=1))
    finally:
        site.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("what", choices=("library", "cli"))
    parser.add_argument("--split", choices=("tune", "held-out", "all"), default="held-out")
    parser.add_argument("--show", type=int, default=0, help="library: show the first N wrong judgements")
    parser.add_argument("--limit", type=int, default=None, help="cli: the first N claims only")
    parser.add_argument("--dump", type=Path, default=None, help="cli: write every finding to this JSON file")
    args = parser.parse_args()
    if args.what == "library":
        library(args.path, args.split, args.show)
    else:
        cli(args.path, args.split, args.limit, args.dump)


if __name__ == "__main__":
    main()
