"""WiCE's supported claims and one-edit variants of their gold passages, for bench/eval_support.py.

    items = load("PATH/TO/wice/data/entailment_retrieval/claim/dev.jsonl", split="tune")

The edits are made by plain string rules written from the issue's list, not by claimcheck's own readers, so
that the evaluation does not grade claimcheck against itself:
- meaning edits change what the claim rests on: a number the claim states, a name it names (swapped for another
  name from the same page), a year it states, a negation inserted, the sentence or clause carrying it removed;
- benign edits leave it: typography, a reference marker, a sentence about something else, neighbouring
  paragraphs reordered, a number, year or name the claim does not state changed, a clause without any of the
  claim's words dropped, a word the claim does not use replaced by a near-synonym.
An edit that cannot be made on an item (no number in the claim, say) is left out for that item.
"""

from __future__ import annotations

import ast
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w.]*\w)")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20[0-4]\d)(?!\d)")
_NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)*\b")
_AUXILIARIES = re.compile(r"\b(is|are|was|were|has|have|had|will|would|can|could|should|does|did)\b")
_COMMON = set("""a an and are as at be been but by for from had has have he her his i in into is it its of on or
our she so that the their them then there these they this to was we were what when which who will with you
your not no also after before than about over more most other some such only into out up down""".split())
# A near-synonym for common words (a thesaurus's first entries); the edit picks one the claim does not use.
SYNONYMS = {
    "big": "large", "large": "big", "small": "little", "began": "started", "started": "began", "start": "begin",
    "said": "stated", "says": "states", "told": "informed", "help": "assist", "helped": "assisted",
    "buy": "purchase", "bought": "purchased", "show": "display", "shows": "displays", "make": "create",
    "made": "created", "get": "obtain", "got": "obtained", "use": "employ", "used": "employed",
    "important": "significant", "major": "significant", "main": "principal", "many": "numerous",
    "new": "novel", "old": "former", "whole": "entire", "quick": "rapid", "fast": "rapid", "need": "require",
    "needs": "requires", "end": "finish", "ended": "finished", "job": "position", "work": "labour",
    "worked": "laboured", "area": "region", "city": "town", "film": "movie", "movie": "film", "home": "house",
    "house": "home", "country": "nation", "company": "firm", "firm": "company", "children": "kids",
    "kids": "children", "wife": "spouse", "husband": "spouse", "group": "team", "team": "group",
    "leading": "foremost", "known": "recognised", "famous": "renowned", "popular": "well-liked",
    "received": "got", "won": "earned", "include": "comprise", "includes": "comprises", "included": "comprised",
    "announced": "declared", "released": "issued", "joined": "entered", "moved": "relocated", "left": "departed",
    "building": "structure", "school": "academy", "program": "programme", "role": "part", "part": "portion",
    "best": "finest", "great": "excellent", "good": "fine", "later": "subsequently", "first": "initial",
    "often": "frequently", "usually": "typically", "also": "additionally", "very": "highly", "about": "around",
}


@dataclass(frozen=True)
class Item:
    position: int
    claim: str
    lines: list[str]  # the cited page's sentences, a line each, as WiCE gives them
    gold: list[int]  # the gold supporting sentences (one group), in page order


def load(path: Path, split: str = "all") -> list[Item]:
    """Claims labelled supported, with their first group of gold supporting sentences; `split` halves them by
    the parity of their position in the file (tune: even, held-out: odd)."""
    items = []
    for position, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if split != "all" and (position % 2 == 0) != (split == "tune"):
            continue
        row = json.loads(line)
        if row["label"] != "supported":
            continue
        lines = ast.literal_eval(row["evidence"]) if isinstance(row["evidence"], str) else row["evidence"]
        groups = row["supporting_sentences"]
        groups = ast.literal_eval(groups) if isinstance(groups, str) else groups
        gold = sorted({i for i in groups[0] if not lines[i].startswith("(meta data)")}) if groups else []
        if gold:
            items.append(Item(position, row["claim"], list(lines), gold))
    return items


def _claim_words(claim: str) -> set[str]:
    return {w.lower().strip("'") for w in _WORD.findall(claim)}


def _claim_numbers(claim: str) -> set[str]:
    words = {w for w in _NUMBER_WORDS if re.search(rf"\b{w}\b", claim, re.I)}
    return {m.group(1) for m in _NUMBER.finditer(claim)} | words


def _bump(number: str) -> str:
    if "," in number or "." in number:
        return re.sub(r"\d(?=[^\d]*$)", lambda d: str((int(d.group()) + 3) % 10), number)
    return str(int(number) + (2 if int(number) < 100 else 7))


def meaning_edits(item: Item, rng: random.Random) -> dict[str, tuple[int, str]]:
    """Edits that change what the claim rests on: name -> (gold line index, the line as edited)."""
    claim, out = item.claim, {}
    words = _claim_words(claim)
    numbers = _claim_numbers(claim)
    years = set(_YEAR.findall(claim))
    for index in item.gold:
        line = item.lines[index]
        if "number" not in out:
            for match in _NUMBER.finditer(line):
                value = match.group(1)
                if value in numbers and value not in years:
                    out["number"] = (index, line[:match.start(1)] + _bump(value) + line[match.end(1):])
                    break
            else:
                for word in _NUMBER_WORDS:
                    found = re.search(rf"\b{word}\b", line, re.I)
                    if found and word in numbers:
                        other = _NUMBER_WORDS[(_NUMBER_WORDS.index(word) + 2) % len(_NUMBER_WORDS)]
                        out["number"] = (index, line[:found.start()] + other + line[found.end():])
                        break
        if "year" not in out:
            for match in _YEAR.finditer(line):
                if match.group(1) in years:
                    changed = str(int(match.group(1)) + rng.choice((-3, -2, 2, 3)))
                    out["year"] = (index, line[:match.start(1)] + changed + line[match.end(1):])
                    break
        if "name" not in out:
            page_names = [m.group() for i, other in enumerate(item.lines) if i not in item.gold
                          for m in _CAPITALISED.finditer(other)
                          if m.start() > 0 and other[m.start() - 2:m.start()] != ". "
                          and not ({p.lower() for p in m.group().split()} & words)
                          and m.group().lower() not in _COMMON]
            for match in _CAPITALISED.finditer(line):
                name = match.group()
                if match.start() == 0 or name.lower() in _COMMON:
                    continue
                if all(part.lower() in words for part in name.split()) and page_names:
                    out["name"] = (index, line.replace(name, rng.choice(page_names)))
                    break
    carrying = max(item.gold, key=lambda i: len(_claim_words(item.lines[i]) & words))
    line = item.lines[carrying]
    # The negation goes into the clause that carries the claim: its first auxiliary, else its first -ed verb.
    clauses = [(m.start(), m.end()) for m in re.finditer(r"[^,;:()]+", line)]
    start, end = max(clauses, key=lambda c: len(_claim_words(line[c[0]:c[1]]) & (words - _COMMON)),
                     default=(0, len(line)))
    aux = _AUXILIARIES.search(line, start, end)
    verb = re.compile(r"\b([a-z]{3,}ed)\b").search(line, start, end)
    if aux:
        out["negation"] = (carrying, line[:aux.end()] + " not" + line[aux.end():])
    elif verb:
        out["negation"] = (carrying, line[:verb.start()] + "never " + line[verb.start():])
    if len(item.gold) > 1:
        out["removal"] = (carrying, "")
    else:
        clauses = re.split(r"(?<=,)\s+|\s+(?=\band\b)", line)
        if len(clauses) > 1:
            best = max(range(len(clauses)), key=lambda i: len(_claim_words(clauses[i]) & words))
            out["removal"] = (carrying, " ".join(c for i, c in enumerate(clauses) if i != best).strip(" ,"))
    return out


def benign_edits(item: Item, rng: random.Random, elsewhere: str) -> dict[str, tuple[int, str] | str]:
    """Edits that leave what the claim rests on: name -> (gold line index, the line as edited), or "reorder"."""
    claim, out = item.claim, {}
    words = _claim_words(claim)
    numbers = _claim_numbers(claim) | set(_YEAR.findall(claim))
    first = item.gold[0]
    line = item.lines[first]
    typographic = line.replace("'", "\u2019").replace('"', "\u201c", 1).replace(" - ", " \u2013 ").replace(", ", ",  ")
    if typographic != line:
        out["typography"] = (first, typographic)
    out["marker"] = (first, re.sub(r"([.!?])(\"?)$", r"\1\2[3]", line) if re.search(r"[.!?]\"?$", line)
                     else line + "[3]")
    out["sentence-elsewhere"] = (item.gold[-1], item.lines[item.gold[-1]] + " " + elsewhere)
    out["reorder"] = "reorder"
    for index in item.gold:
        line = item.lines[index]
        if "other-number" not in out:
            for match in _NUMBER.finditer(line):
                value = match.group(1)
                if value not in numbers and not any(value in n or n in value for n in numbers):
                    out["other-number"] = (index, line[:match.start(1)] + _bump(match.group(1)) + line[match.end(1):])
                    break
        if "other-name" not in out:
            for match in _CAPITALISED.finditer(line):
                name = match.group()
                unclaimed = not ({p.lower() for p in name.split()} & words)
                if match.start() > 0 and unclaimed and name.lower() not in _COMMON:
                    out["other-name"] = (index, line.replace(name, "Northwind", 1))
                    break
        if "clause-elsewhere" not in out:
            clauses = re.split(r"(?<=,)\s+", line)
            for i, clause in enumerate(clauses):
                if i and len(clauses) > 2 and not (_claim_words(clause) & (words - _COMMON)) \
                        and not (set(_NUMBER.findall(clause)) & numbers):
                    out["clause-elsewhere"] = (index, " ".join(c for j, c in enumerate(clauses) if j != i).strip(" ,"))
                    break
        if "synonym" not in out:
            for match in _WORD.finditer(line):
                word = match.group()
                if word.lower() in SYNONYMS and word.lower() not in words and SYNONYMS[word.lower()] not in words:
                    out["synonym"] = (index, line[:match.start()] + SYNONYMS[word.lower()] + line[match.end():])
                    break
    return out
