"""Find an evidence passage in a source's text: exactly after normalising, else by fuzzy alignment.

Normalising folds case, white space, curly quotes, dashes and trademark signs, so typography never hides a
passage. An evidence passage may elide with "..." (as quotations do): each fragment must then be found, in
order, and the score is the weakest fragment's.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz

from claimcheck.core.text import normalize

DEFAULT_THRESHOLD = 0.85

_ELLIPSIS = re.compile(r"\s*(?:\.\s?\.\s?\.|…|\[\s*(?:\.\.\.|…)\s*\])\s*")


@dataclass(frozen=True)
class Match:
    score: float  # 0..1
    start: int  # in the normalised text
    end: int
    passage: str  # the matched stretch of the normalised text
    exact: bool


def fragments(evidence: str) -> list[str]:
    return [normalize(part) for part in _ELLIPSIS.split(evidence) if normalize(part)]


def _best(fragment: str, text: str, offset: int) -> Match:
    at = text.find(fragment, offset)
    if at >= 0:
        return Match(1.0, at, at + len(fragment), fragment, True)
    window = text[offset:]
    if not window:
        return Match(0.0, offset, offset, "", False)
    found = fuzz.partial_ratio_alignment(fragment, window, score_cutoff=0)
    if found is None:
        return Match(0.0, offset, offset, "", False)
    start, end = _snap_to_words(fragment, text, offset + found.dest_start, offset + found.dest_end, offset)
    passage = text[start:end]
    return Match(fuzz.ratio(fragment, passage) / 100, start, end, passage, False)


def _snap_to_words(fragment: str, text: str, start: int, end: int, floor: int) -> tuple[int, int]:
    """Widen a character alignment by a margin, then keep the words that align with the fragment's words,
    so a passage never starts or ends mid-word and a reworded passage reads as whole words."""
    margin = max(20, len(fragment) // 5)
    lo = max(floor, start - margin)
    hi = min(len(text), end + margin)
    spans = [(m.start() + lo, m.end() + lo) for m in re.finditer(r"\S+", text[lo:hi])]
    if not spans:
        return start, end
    words = [text[a:b] for a, b in spans]
    blocks = [b for b in difflib.SequenceMatcher(None, fragment.split(), words, autojunk=False).get_matching_blocks()
              if b.size]
    if not blocks:
        return start, end
    first, last = blocks[0].b, blocks[-1].b + blocks[-1].size - 1
    return spans[first][0], spans[last][1]


def find_evidence(evidence: str, text: str) -> Match:
    """The best place for `evidence` in `text`; score 1.0 when found exactly after normalising."""
    haystack = normalize(text)
    matches = fragment_matches(evidence, haystack)
    if not matches:
        return Match(0.0, 0, 0, "", False)
    weakest = min(m.score for m in matches)
    start, end = min(m.start for m in matches), max(m.end for m in matches)
    return Match(weakest, start, end, haystack[start:end], all(m.exact for m in matches))


_SENTENCE_START = re.compile(r"(?:[.!?][\"')\]]*\s|\n)(?=[^.!?\n]*$)")
_SENTENCE_STOP = re.compile(r"[.!?](?=[\"')\]]*(?:\s|$))|\n")


def in_sentences(match: Match, haystack: str, reach: int = 40) -> str:
    """A match widened to the ends of the sentences it touches, where they are within `reach` characters
    (else to the last whole word within it): a fuzzy alignment can stop a word short of a passage's end, and a
    word cut off is not a word gone."""
    if not match.passage:
        return ""
    head = haystack[max(0, match.start - reach):match.start]
    opened = _SENTENCE_START.search(head)
    if opened:
        start = match.start - len(head) + opened.end()
    else:
        space = head.find(" ")
        cut = space >= 0 and match.start - reach > 0
        start = match.start - len(head) + (space + 1 if cut else 0)
    tail = haystack[match.end:match.end + reach]
    closed = _SENTENCE_STOP.search(tail)
    if closed:
        end = match.end + closed.end()
    else:
        space = tail.rfind(" ")
        end = match.end + (space if space >= 0 and match.end + reach < len(haystack) else len(tail))
    return haystack[start:end].strip()


_TYPOGRAPHIC = {"'": "['\u2018\u2019\u201b\u2032`\u00b4]", '"': '["\u201c\u201d\u201e\u2033\u00ab\u00bb]',
                "-": "[-\u2010-\u2015\u2212]"}


def as_written(found: str, text: str) -> str | None:
    """A stretch of normalised text (`found`, as matching works on it) as `text` writes it: its case, curly
    quotes and dashes, so that people read the page's own words. None where it cannot be told."""
    words = found.split()
    if not words or len(words) > 400:
        return None
    pattern = r"\s+".join("".join(_TYPOGRAPHIC.get(ch, re.escape(ch)) for ch in word) for word in words)
    written = re.search(pattern, text, re.IGNORECASE)
    return written.group() if written else None


def fragment_matches(evidence: str, haystack: str) -> list[Match]:
    """The best place of each of the evidence's fragments ("..." elides) in a normalised text, in order: what
    the passage reads like now, fragment by fragment, without the text between them."""
    parts = fragments(evidence)
    matches: list[Match] = []
    offset = 0
    for part in parts:
        found = _best(part, haystack, offset)
        if found.score < 1.0 and offset:
            # Fragments out of order still count, at their own best place.
            anywhere = _best(part, haystack, 0)
            found = anywhere if anywhere.score > found.score else found
        matches.append(found)
        offset = max(offset, found.end)
    return matches


_SENTENCE = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9\"'(])")
_WORD = re.compile(r"\w+")
# Words too common to tell one sentence from another; ranking by rare shared words is what BM25 is for.
STOPWORDS = frozenset("""
a an and are as at be been being but by did do does for from had has have he her hers him his i if in into is it
its itself me my of on or our ours she so such than that the their theirs them then there these they this those
to too was we were what when where which while who whom why will with would you your yours also not no can could
may might shall should about after again against all any because before below between both during each few
further here how just more most other over own same some only very up down out off once under until s t
""".split())
_HEADING_WORDS = 6  # a line shorter than this without a full stop is a title or heading, never evidence alone


def terms(text: str) -> list[str]:
    """Words for ranking: normalised, stop words out, plural and possessive 's' folded."""
    words = []
    for word in _WORD.findall(normalize(text)):
        if word in STOPWORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return words


class _Bm25:
    """Okapi BM25 over a small collection (a page's sentences), document frequencies from that collection."""

    def __init__(self, documents: list[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.documents = [Counter(doc) for doc in documents]
        self.lengths = [len(doc) for doc in documents]
        self.average = (sum(self.lengths) / len(self.lengths)) if self.lengths else 1.0
        frequency: Counter[str] = Counter()
        for doc in self.documents:
            frequency.update(doc.keys())
        n = len(documents)
        self.idf = {term: math.log(1 + (n - df + 0.5) / (df + 0.5)) for term, df in frequency.items()}

    def score_terms(self, query: list[str], terms: Counter[str], length: int) -> float:
        total = 0.0
        norm = self.k1 * (1 - self.b + self.b * length / max(self.average, 1.0))
        for term in set(query):
            tf = terms.get(term, 0)
            if tf:
                total += self.idf.get(term, 0.0) * tf * (self.k1 + 1) / (tf + norm)
        return total

    def score(self, query: list[str], index: int) -> float:
        return self.score_terms(query, self.documents[index], self.lengths[index])


def _sentences(text: str) -> list[str]:
    """The text's sentences in order; titles and headings (short lines without a full stop) left out."""
    found: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if len(line.split()) < _HEADING_WORDS and not line.rstrip("\"')]").endswith((".", "!", "?")):
            continue
        found.extend(s.strip() for s in _SENTENCE.split(line) if len(s.strip()) > 20)
    return found


@dataclass(frozen=True)
class Suggestion:
    passage: str
    score: float  # 0..1: the share of the claim's own BM25 weight the passage carries


# A run of sentences must beat its best single sentence by this factor per added sentence to be preferred:
# a person accepts one supporting sentence sooner than a paragraph that merely contains it.
_RUN_PENALTY = 0.65  # chosen on WiCE's tune half, counted sentence by sentence (bench/eval_suggest.py)


class Passages:
    """A text's sentences, and runs of up to three, indexed once (Okapi BM25 over the sentences) to rank
    passages for many claims: `coverage` asks one page about every uncovered sentence of an article."""

    def __init__(self, text: str) -> None:
        self.sentences = _sentences(text)
        sentence_terms = [terms(s) for s in self.sentences]
        self.index = _Bm25(sentence_terms)
        self.runs: list[tuple[int, int, Counter[str], int]] = []  # (start, size, terms, length)
        for size in (1, 2, 3):
            for start in range(max(0, len(self.sentences) - size + 1)):
                run = [t for doc in sentence_terms[start:start + size] for t in doc]
                self.runs.append((start, size, Counter(run), len(run)))

    def rank(self, claim: str, limit: int = 5) -> list[Suggestion]:
        """The sentences (or runs of up to three) that best support `claim`, best first: runs of two and
        three sentences are scored as one document each, with a small penalty per added sentence."""
        if not self.sentences:
            return []
        query = terms(claim)
        # What a passage holding every claim word once would score: words the text lacks count at the rarest
        # weight, so a passage that leaves out half the claim scores about half.
        rarest = math.log(1 + (len(self.sentences) + 0.5) / 0.5)
        ceiling = sum(self.index.idf.get(term, rarest) for term in set(query)) or 1.0
        scored: list[tuple[float, int, int]] = []  # (score, start, size)
        for start, size, run_terms, length in self.runs:
            value = self.index.score_terms(query, run_terms, length) * _RUN_PENALTY ** (size - 1)
            if value > 0:
                scored.append((value, start, size))
        scored.sort(key=lambda item: (-item[0], item[2], item[1]))
        chosen: list[tuple[float, int, int]] = []
        for value, start, size in scored:
            span = set(range(start, start + size))
            if any(span & set(range(s, s + n)) for _, s, n in chosen):
                continue  # a run overlapping a better passage repeats it
            chosen.append((value, start, size))
            if len(chosen) == limit:
                break
        return [Suggestion(" ".join(self.sentences[start:start + size]), round(min(value / ceiling, 1.0), 3))
                for value, start, size in chosen]


def suggest(claim: str, text: str, limit: int = 5) -> list[Suggestion]:
    """The sentences (or runs of up to three) of `text` that best support `claim`, best first (Okapi BM25
    over the text's sentences; see `Passages`)."""
    return Passages(text).rank(claim, limit)
