"""Find an evidence passage in a source's text: exactly after normalising, else by fuzzy alignment.

Normalising folds case, white space, curly quotes, dashes and trademark signs, so typography never hides a
passage. An evidence passage may elide with "..." (as quotations do): each fragment must then be found, in
order, and the score is the weakest fragment's.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

DEFAULT_THRESHOLD = 0.85

_TRANSLATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u00ad": None, "\u200b": None, "\u2122": None, "\u00ae": None, "\u00a9": None,
})
_MARKS = ("(tm)", "(r)", "(c)")
_ELLIPSIS = re.compile(r"\s*(?:\.\s?\.\s?\.|…|\[\s*(?:\.\.\.|…)\s*\])\s*")


def normalize(text: str) -> str:
    # Marks go before NFKC, which would turn "™" into the letters "TM".
    text = unicodedata.normalize("NFKC", text.translate(_TRANSLATE)).translate(_TRANSLATE).casefold()
    for mark in _MARKS:
        if mark in text:
            text = text.replace(mark, "")
    return " ".join(text.split())


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
    parts = fragments(evidence)
    haystack = normalize(text)
    if not parts:
        return Match(0.0, 0, 0, "", False)
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
    weakest = min(m.score for m in matches)
    start, end = min(m.start for m in matches), max(m.end for m in matches)
    return Match(weakest, start, end, haystack[start:end], all(m.exact for m in matches))


_SENTENCE = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9\"'(])")


def passages(text: str, *, max_sentences: int = 3) -> list[str]:
    """Candidate passages of a text: its sentences and runs of up to `max_sentences` consecutive ones."""
    sentences: list[str] = []
    for line in text.splitlines():
        sentences.extend(s.strip() for s in _SENTENCE.split(line) if len(s.strip()) > 20)
    found = []
    for size in range(1, max_sentences + 1):
        for start in range(max(0, len(sentences) - size + 1)):
            found.append(" ".join(sentences[start:start + size]))
    return found


@dataclass(frozen=True)
class Suggestion:
    passage: str
    score: float


def suggest(claim: str, text: str, limit: int = 5) -> list[Suggestion]:
    """The passages of `text` that best support `claim`, best first (token-set similarity)."""
    target = normalize(claim)
    scored = []
    for passage in passages(text):
        normal = normalize(passage)
        # token_set_ratio rewards shared vocabulary regardless of order; the length penalty keeps a
        # three-sentence run from winning only by containing more words.
        score = fuzz.token_set_ratio(target, normal) / 100
        score -= max(0, len(normal) - 2 * len(target)) / max(len(normal), 1) * 0.25
        scored.append(Suggestion(passage, round(max(score, 0.0), 3)))
    scored.sort(key=lambda s: s.score, reverse=True)
    unique: list[Suggestion] = []
    for item in scored:
        if all(item.passage not in kept.passage and kept.passage not in item.passage for kept in unique):
            unique.append(item)
        if len(unique) == limit:
            break
    return unique


def word_changes(before: str, after: str, limit: int = 6) -> str:
    """A compact word diff ('-emib +glass substrates') of two normalised passages."""
    old, new = before.split(), after.split()
    parts: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            parts.append("-" + " ".join(old[i1:i2]))
        if tag in ("insert", "replace"):
            parts.append("+" + " ".join(new[j1:j2]))
        if len(parts) >= limit:
            parts.append("…")
            break
    return " ".join(parts)
