"""How often `coverage`'s check-worthiness agrees with people.

    python bench/eval_checkworthy.py [--wice PATH/TO/wice/data/entailment_retrieval/claim/dev.jsonl]

1. Our article against our own labels (bench/checkworthy_labels.json): precision and recall of
   "check-worthy", over all its sentences and over those no claim of claims.yaml covers.
2. WiCE (Kamoi et al. 2023; fetched outside the repo, never committed): its claims are real Wikipedia
   sentences that cite a source, so each is check-worthy: the share judged so is the recall on real
   claims. The first half of the dev set was looked at while choosing rules, the second is held out.
3. ClaimBuster (Arslan et al. 2020, utaresearch/claimbuster-spotter `data/two_class/test.json`; fetched
   outside the repo): 702 sentences of US presidential debates labelled check-worthy factual (351) or not
   (351). Never looked at while choosing rules; speech, not articles, so the first-person rule costs recall.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claimcheck.claims.article_readers import read_article  # noqa: E402
from claimcheck.authoring.checkworthy import judge, vocabulary  # noqa: E402
from claimcheck.claims.load import load_claims  # noqa: E402
from claimcheck.authoring.coverage import covering_claims  # noqa: E402


def _pr(pairs: list[tuple[int, int]]) -> str:
    tp = sum(1 for gold, got in pairs if gold and got)
    fp = sum(1 for gold, got in pairs if not gold and got)
    fn = sum(1 for gold, got in pairs if gold and not got)
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    return f"precision {precision:.3f} ({tp}/{tp + fp}), recall {recall:.3f} ({tp}/{tp + fn}), n={len(pairs)}"


def article_agreement() -> None:
    labels = json.loads((ROOT / "bench" / "checkworthy_labels.json").read_text())
    claims = load_claims(ROOT / "claims.yaml")
    assert claims.article.path is not None
    article = read_article(claims.article.path)
    sentences = article.sentences()
    subject = vocabulary([s.text for s in sentences if s.kind == "sentence"])
    every, uncovered = [], []
    for sentence in sentences:
        gold = next((label for key, label in labels.items() if sentence.text.startswith(key)), 0) \
            if sentence.kind == "sentence" else 0
        got = int(judge(sentence.text, sentence.kind, subject).checkworthy)
        every.append((gold, got))
        if not covering_claims(sentence.text, claims.claims):
            uncovered.append((gold, got))
    print(f"our article, every sentence:           {_pr(every)}")
    print(f"our article, sentences no claim covers: {_pr(uncovered)}")


def wice_recall(path: Path) -> None:
    claims = [json.loads(line)["claim"] for line in path.read_text().splitlines() if line.strip()]
    half = len(claims) // 2
    for name, part in (("looked at", claims[:half]), ("held out", claims[half:])):
        judged = [judge(c) for c in part]
        hits = sum(v.checkworthy for v in judged)
        print(f"WiCE dev claims, {name}: {hits}/{len(part)} judged check-worthy = recall {hits / len(part):.3f}")
        misses = [c for c, v in zip(part, judged, strict=True) if not v.checkworthy][:5]
        for miss in misses:
            print(f"    missed: {miss[:110]}")


def claimbuster_agreement(path: Path) -> None:
    rows = json.loads(path.read_text())
    pairs = [(int(row["label"]), int(judge(row["text"]).checkworthy)) for row in rows]
    print(f"ClaimBuster test (debates, held out): {_pr(pairs)}")
    by_reason: dict[str, list[int]] = {}
    for row in rows:
        verdict = judge(row["text"])
        by_reason.setdefault(verdict.reason.split(" (")[0], []).append(int(row["label"]))
    for reason, labels in sorted(by_reason.items(), key=lambda item: -len(item[1]))[:8]:
        print(f"    {reason}: {len(labels)} sentences, {sum(labels)} labelled check-worthy")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--wice", type=Path,
                        default=Path("/work/corpora/ryokamoi+wice/data/entailment_retrieval/claim/dev.jsonl"))
    parser.add_argument("--claimbuster", type=Path, default=Path("/work/corpora/claimbuster_test.json"))
    args = parser.parse_args()
    article_agreement()
    if args.wice.exists():
        wice_recall(args.wice)
    if args.claimbuster.exists():
        claimbuster_agreement(args.claimbuster)


if __name__ == "__main__":
    main()
