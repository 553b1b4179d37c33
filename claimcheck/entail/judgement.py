"""From the checks to a label an editor can act on, with the reasons in words.

`support(claim, passage)`: does this passage support this claim? Used where a person picks a passage
(`suggest`, `accept`). `compare(claim, accepted, now)`: did a source's edit take away what the claim rests on?
Used by judging, when the accepted passage is no longer found word for word: only the claim's terms that the
accepted passage carried count, so an edit elsewhere in the passage (a number the claim does not state, a
clause about something else, a synonym for a word the claim does not use) never raises an alarm.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import Enum
from typing import Literal

from claimcheck.core.text import normalize, prose
from claimcheck.reading.match import Suggestion, as_written, terms
from claimcheck.entail.checks import WEIGHTS, Check, Passage, check_qualifiers, negated_clauses, run_checks
from claimcheck.entail.content import Content, Name, content_of, hedges, negated, words


class Label(str, Enum):
    SUPPORTED = "supported"  # the passage states what the claim rests on
    PARTIAL = "partial"  # most of it, or only hedged ("may"): a person should look
    UNSUPPORTED = "unsupported"  # it does not say what the claim says
    CONTRADICTED = "contradicted"  # it says otherwise: another number, or the opposite

    def __str__(self) -> str:
        return self.value


SUPPORTED, PARTIAL, UNSUPPORTED, CONTRADICTED = Label.SUPPORTED, Label.PARTIAL, Label.UNSUPPORTED, Label.CONTRADICTED

# Chosen on the first half of WiCE's dev claims (bench/eval_support.py), reported on the second.
SUPPORTED_AT = 0.75
PARTIAL_AT = 0.4
_SHOWN = 5  # missing words named in a reason


@dataclass(frozen=True)
class Support:
    label: Label
    score: float  # 0..1: the weighted share of the claim's terms the passage carries
    reasons: tuple[str, ...]  # in words, the most telling first
    missing: tuple[str, ...] = ()  # the claim's terms the passage lacks (or no longer has)

    @property
    def holds(self) -> bool:
        """Whether the passage can stand as the claim's evidence (a partial one with a person's eye on it)."""
        return self.label in (SUPPORTED, PARTIAL)

    def summary(self) -> str:
        return f"{self.label.value}: {'; '.join(self.reasons)}" if self.reasons else self.label.value

    def as_dict(self) -> dict[str, object]:
        return {"label": self.label.value, "score": self.score, "reasons": list(self.reasons)}


def _weight(checks: list[Check], attribute: str) -> float:
    return sum(WEIGHTS[check.kind] * len(getattr(check, attribute)) for check in checks if check.kind in WEIGHTS)


def support(claim: str, passage: str) -> Support:
    """Whether `passage` supports `claim`: its numbers, names, qualifiers and words found in the passage, and
    neither a contradicting number nor the opposite polarity nor a mere "may" in the sentence carrying it."""
    content = content_of(claim)
    checks = run_checks(content, Passage(passage))
    found, missing = _weight(checks, "found"), _weight(checks, "missing")
    score = round(found / (found + missing), 3) if found + missing else 1.0
    contradictions = [reason for check in checks for reason in check.contradictions]
    if contradictions:
        return Support(CONTRADICTED, score, tuple(contradictions), _missing(checks))
    reasons = _missing_reasons(checks)
    hedged = [word for check in checks for word in check.hedged]
    if hedged:
        reasons.insert(0, f"the passage only says it {hedged[0]!r} be so" if hedged[0] in ("may", "might", "could")
                       else f"the passage hedges it ({hedged[0]!r})")
    quantity_missing = any(check.missing for check in checks if check.kind == "quantity")
    if score >= SUPPORTED_AT and not quantity_missing and not hedged:
        label = SUPPORTED
    elif score >= PARTIAL_AT:
        label = PARTIAL
    else:
        label = UNSUPPORTED
    if label is SUPPORTED and not reasons:
        reasons.append("the passage states every term of the claim")
    return Support(label, score, tuple(reasons), _missing(checks))


def _missing(checks: list[Check]) -> tuple[str, ...]:
    return tuple(term for check in checks for term in check.missing)


def _missing_reasons(checks: list[Check]) -> list[str]:
    reasons: list[str] = []
    for check in checks:
        if not check.missing:
            continue
        if check.kind == "quantity":
            reasons.extend(f"the passage does not state {term}" for term in check.missing)
        elif check.kind == "name":
            reasons.append("the passage does not name " + ", ".join(check.missing))
        elif check.kind == "qualifier":
            reasons.append("the passage does not say " + ", ".join(repr(t) for t in check.missing))
        elif check.kind == "word":
            shown = ", ".join(check.missing[:_SHOWN]) + (" ..." if len(check.missing) > _SHOWN else "")
            reasons.append(f"the passage lacks {len(check.missing)} of the claim's words: {shown}")
    return reasons


_Opcode = tuple[Literal["replace", "delete", "insert", "equal"], int, int, int, int]


def _strip(word: str) -> str:
    return word.strip(".,;:()'\"").removesuffix("'s")


class _Edit:
    """One version of a passage against the next, word by word: diffed once, whole and per "..." fragment,
    then asked about each of the claim's terms."""

    def __init__(self, accepted: str, now: str) -> None:
        self.after = prose(now).split()
        self.before = [normalize(w) for w in prose(accepted).split()]
        self.opcodes = difflib.SequenceMatcher(None, self.before, [normalize(w) for w in self.after],
                                               autojunk=False).get_opcodes()
        parts_before, parts_now = accepted.split(" ... "), now.split(" ... ")
        pairs = (list(zip(parts_before, parts_now, strict=True)) if len(parts_before) == len(parts_now)
                 else [(accepted, now)])
        self.parts: list[tuple[list[str], list[_Opcode]]] = []
        for part_before, part_now in pairs:
            before = [_strip(normalize(w)) for w in prose(part_before).split()]
            after = [normalize(w) for w in prose(part_now).split()]
            self.parts.append((before, difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()))

    def in_place(self, term: str) -> bool:
        """Whether an edit inside the passage (not at either end of it, or of one of its fragments, where two
        readings of a page can simply stop at different words) took an occurrence of the term."""
        wanted = set(normalize(term).split())
        return any(tag in ("replace", "delete") and 0 < i1 and i2 < len(before) and wanted & set(before[i1:i2])
                   for before, opcodes in self.parts for tag, i1, i2, _, _ in opcodes)

    def replacement(self, term: str) -> str | None:
        """What took a term's place, in the new version's words."""
        wanted = set(normalize(term).split())
        for tag, i1, i2, j1, j2 in self.opcodes:
            replaced = {_strip(w) for w in self.before[i1:i2]}
            if tag in ("replace", "delete") and (wanted & replaced or any(w.startswith(k) for w in replaced
                                                                            for k in wanted if len(k) > 3)):
                return " ".join(self.after[j1:j2]).strip(".,;:") or None
        return None


def _name_counts(name: Name, before: Passage, after: Passage) -> tuple[int, int]:
    """How often a name stands in each version, by the word of it the edit took most from ("Vic" stands for
    "Vic Rattlehead", "Shizuoka" for "Shizuoka Prefecture", "Scanlan" for "Monsignor Scanlan High School"). A
    name of common words ("May" 7) is counted by its words as written."""
    if not terms(str(name)):
        key = " ".join(name.keys)
        return before.word_counts[key], after.word_counts[key]
    keys = [key for key in terms(str(name)) if before.term_counts[key]]
    if not keys:
        return 0, 0
    key = max(keys, key=lambda k: (before.term_counts[k] - after.term_counts[k], -before.term_counts[k]))
    return before.term_counts[key], after.term_counts[key]


def _holds_terms(content: Content, sentence: str) -> bool:
    return bool((set(content.words) | content.name_keys) & set(terms(sentence))) or any(
        q.same_value(other) for q in content.quantities for other in Passage(sentence).content.quantities)


def compare(claim: str, accepted: str, now: str, *, page: str | None = None) -> Support:
    """Whether a passage still supports a claim after an edit: which of the claim's terms the accepted passage
    carried are gone or altered in the new one (a name or number counts where it was, so "EMIB" replaced in
    one place is noticed though it stands in another), and whether the new one negates or hedges it. `page`:
    the new version's whole text as written, to quote what replaced a term in its own words and case."""

    edit = _Edit(accepted, now)

    def replacement(term: str) -> str | None:
        instead = edit.replacement(term)
        return (as_written(instead, page) if page else None) or instead if instead else None

    content = content_of(claim)
    before, after = Passage(accepted), Passage(now)
    reasons: list[str] = []
    contradicted = False
    lost: list[str] = []
    lost_weight = 0.0
    # Numbers: a stated value gone; another value in its place contradicts the claim.
    for quantity in content.quantities:
        had = sum(1 for q in before.content.quantities if quantity.same_value(q))
        has = sum(1 for q in after.content.quantities if quantity.same_value(q))
        if not had or has >= had:
            continue
        rivals = [q for q in after.content.quantities if quantity.comparable(q)
                  and not any(q.same_value(old) for old in before.content.quantities)]
        lost.append(quantity.text)
        lost_weight += WEIGHTS["quantity"]
        if rivals:
            contradicted = True
            reasons.append(f"the claim says {quantity.text}, the passage now says {rivals[0].text}")
        else:
            reasons.append(f"the passage no longer states {quantity.text}" + (" where it did" if has else ""))
    # Names (and words the claim capitalises, as it does a name opening its sentence), where they were.
    capitalised = {normalize(w): w for w in words(claim) if w[:1].isupper()}
    named = [(str(name), *_name_counts(name, before, after)) for name in content.names]
    named += [(capitalised.get(word, word), before.term_counts[word], after.term_counts[word])
              for word in content.words if word in capitalised]
    for term, had, has in named:
        # Gone altogether, or taken from where it stood (still standing elsewhere, as "EMIB" does).
        if had and (has == 0 or (has < had and edit.in_place(term))):
            lost.append(term)
            lost_weight += WEIGHTS["name"]
            instead = replacement(term)
            reasons.append(f"the passage no longer names {term}" + (" where it did" if has else "")
                           + (f" (now: {instead!r})" if instead else ""))
    for word in check_qualifiers(content, before).found:
        if word not in after.tokens and edit.in_place(word):
            lost.append(word)
            lost_weight += WEIGHTS["qualifier"]
            instead = replacement(word)
            reasons.append(f"the passage no longer says {word!r}" + (f" (now: {instead!r})" if instead else ""))
    # Polarity. A negation added to a sentence that holds the claim's terms turns what it says (counted by
    # occurrence: "never" beside an earlier "never" is still one more); a negation gone matters where it negated
    # a clause of the claim's own terms (a dropped clause about something else may take its "not" with it).
    said_before = [w for s in before.sentences if _holds_terms(content, s) for w in negated(s)]
    said_after = [w for s in after.sentences if _holds_terms(content, s) for w in negated(s)]
    clauses_before = [c for s in before.sentences for c in negated_clauses(content, s)]
    clauses_after = [c for s in after.sentences for c in negated_clauses(content, s)]
    if len(said_after) > len(said_before):
        contradicted = True
        negated_now = [s for s in after.sentences if _holds_terms(content, s) and negated(s)]
        added = next((s for s in negated_now if s not in before.sentences), negated_now[-1])
        reasons.append(f"the passage now says {said_after[-1]!r}: \"{_clip(added.strip())}\"")
    elif len(clauses_after) < len(clauses_before):
        contradicted = True
        reasons.append(f"the passage no longer says {negated(clauses_before[0])[0]!r}")
    if not content.hedges:
        new_hedges = set(w for s in after.carrying(content) for w in hedges(s)) - set(
            w for s in before.carrying(content) for w in hedges(s))
        if new_hedges:
            lost.append("certainty")
            reasons.append(f"the passage now only says it {sorted(new_hedges)[0]!r} be so")
    # Words: one reworded word is a rewording; several gone is the claim's clause gone.
    anchored = [word for word in content.words if word in before.terms and word not in capitalised]
    gone = []
    for word in anchored:
        if word in after.terms:
            if after.term_counts[word] < before.term_counts[word] and edit.in_place(word):
                instead = replacement(word)
                if instead and instead[:1].isupper():  # "Season" replaced by a name, where "season" stood
                    lost.append(word)
                    lost_weight += WEIGHTS["name"]
                    reasons.append(f"the passage no longer says {word!r} where it did (now: {instead!r})")
            continue
        instead = replacement(word)
        if instead and instead[:1].isupper():  # a word the claim rests on, replaced by a name
            lost.append(word)
            lost_weight += WEIGHTS["name"]
            reasons.append(f"the passage no longer says {word!r} (now: {instead!r})")
        else:
            gone.append(word)
    words_gone = len(gone) >= 2 and len(gone) * 3 >= len(anchored)
    if gone:
        shown = ", ".join(gone[:_SHOWN]) + (" ..." if len(gone) > _SHOWN else "")
        reasons.append(f"the passage no longer has {len(gone)} of the claim's words: {shown}")
    total = (WEIGHTS["word"] * len(anchored)
             + WEIGHTS["quantity"] * sum(1 for q in content.quantities
                                         if any(q.same_value(o) for o in before.content.quantities))
             + WEIGHTS["name"] * sum(1 for _, had, _ in named if had)
             + WEIGHTS["qualifier"] * len(check_qualifiers(content, before).found))
    kept = total - WEIGHTS["word"] * len(gone) - lost_weight
    score = round(max(kept, 0.0) / total, 3) if total else 1.0
    if contradicted:
        label = CONTRADICTED
    elif lost or words_gone:
        label = UNSUPPORTED
    elif gone:
        label = PARTIAL
    else:
        label = SUPPORTED
        reasons = ["the claim's terms are all still there"]
    return Support(label, score, tuple(reasons), tuple(lost + gone))


def touched(claim: str, paragraphs: list[str]) -> tuple[str, ...]:
    """The claim's terms that changed paragraphs hold: its names and numbers, and its words where a paragraph
    holds two or more of them. Empty: the change is elsewhere on the page."""
    content = content_of(claim)
    hits: dict[str, None] = {}
    for paragraph in paragraphs:
        passage = Passage(paragraph)
        for check in run_checks(content, passage)[:3]:  # quantities, names, qualifiers
            hits.update(dict.fromkeys(check.found))
        words = [word for word in content.words if word in passage.terms]
        if len(words) >= 2:
            hits.update(dict.fromkeys(words))
    return tuple(hits)


@dataclass(frozen=True)
class Candidate:
    """A passage offered as a claim's evidence, with how well it supports the claim."""

    passage: str
    score: float  # the ranking's score (the share of the claim's BM25 weight the passage carries)
    support: Support


def rank(claim: str, suggestions: list[Suggestion]) -> list[Candidate]:
    """Ranked passages re-ranked by the share of the claim's terms each carries: the ranking's score times
    (1 + support score) / 2. Sorting by label outright did worse on WiCE's tune half (hit@1 0.804 against
    0.824): a gold sentence that paraphrases is often only partial, so support weighs, it does not decide."""
    judged = [Candidate(s.passage, s.score, support(claim, s.passage)) for s in suggestions]
    return sorted(judged, key=lambda c: -c.score * (1 + c.support.score) / 2)


def _clip(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text[:limit] + ("..." if len(text) > limit else "")
