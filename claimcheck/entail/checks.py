"""The support checks, one per kind of thing a claim rests on. Each is pure: a claim's `Content`, a passage's
`Passage`, and what was found, missing or contradicted, in words. `judgement.py` weighs them into a label.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from claimcheck.core.text import normalize
from claimcheck.reading.match import terms
from claimcheck.entail.content import Content, Name, content_of, hedges, negated
from claimcheck.entail.quantities import Quantity

_SENTENCE = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\s*(?:\.\s?\.\s?\.|…)\s*|\n+")

# How much each kind of term weighs in the score: a number or a name is what a claim is most often wrong about.
WEIGHTS = {"quantity": 3.0, "name": 3.0, "qualifier": 1.0, "word": 1.0}


@dataclass(frozen=True)
class Check:
    """What one check found: terms found and missing (by kind, for the score) and contradictions in words."""

    kind: str
    found: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    contradictions: tuple[str, ...] = ()
    hedged: tuple[str, ...] = ()  # the passage says it only may be so


@dataclass(frozen=True)
class Passage:
    """A passage as the checks search it: its words (normalised and as `terms`), its quantities, and the
    sentence that carries most of a claim (where negation and hedging are read)."""

    text: str
    content: Content = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "content", content_of(self.text))

    @cached_property
    def terms(self) -> set[str]:
        return set(self.term_counts)

    @cached_property
    def term_counts(self) -> Counter[str]:
        return Counter(terms(self.text))

    @cached_property
    def word_counts(self) -> Counter[str]:
        """Normalised words as written (stop words kept, possessive 's dropped), counted."""
        return Counter(re.sub(r"['’]s$", "", word.strip(".,;:()\"")) for word in normalize(self.text).split())

    @cached_property
    def tokens(self) -> set[str]:
        return set(normalize(self.text).replace("'s ", " ").split()) | {
            re.sub(r"['’]s$", "", word) for word in re.findall(r"[\w'’.-]+", normalize(self.text))}

    @cached_property
    def sentences(self) -> list[str]:
        return [s.strip() for s in _SENTENCE.split(self.text) if s and s.strip()]

    def carrying(self, claim: Content) -> list[str]:
        """The sentences that carry the claim: those holding the most of its terms (all of them on a tie)."""
        wanted = set(claim.words) | claim.name_keys
        scored = [(len(wanted & set(terms(sentence))), sentence) for sentence in self.sentences]
        best = max((score for score, _ in scored), default=0)
        return [sentence for score, sentence in scored if score == best and best > 0]


def _has_name(name: Name, passage: Passage) -> bool:
    keys = [key for key in terms(str(name))]
    if not keys:
        return True
    present = [key for key in keys if key in passage.terms]
    if len(present) == len(keys):
        return True
    # "Richard Amardi" is named where "Amardi" is; the longest word of a name is the telling one.
    longest = max(keys, key=len)
    return longest in present and len(present) * 2 >= len(keys)


def check_quantities(claim: Content, passage: Passage) -> Check:
    found, missing, contradictions = [], [], []
    claimed = claim.quantities
    for quantity in claimed:
        if any(quantity.same_value(other) for other in passage.content.quantities):
            found.append(quantity.text)
            continue
        rivals = [other for other in passage.content.quantities if quantity.comparable(other)
                  and not any(other.same_value(mine) for mine in claimed)]
        if rivals:
            contradictions.append(f"the claim says {quantity.text}, the passage says {_nearest(quantity, rivals).text}")
        else:
            missing.append(quantity.text)
    return Check("quantity", tuple(found), tuple(missing), tuple(contradictions))


def _nearest(quantity: Quantity, rivals: list[Quantity]) -> Quantity:
    same_word = [r for r in rivals if quantity.next_word and r.next_word == quantity.next_word]
    return (same_word or rivals)[0]


def check_names(claim: Content, passage: Passage) -> Check:
    found = tuple(str(name) for name in claim.names if _has_name(name, passage))
    missing = tuple(str(name) for name in claim.names if not _has_name(name, passage))
    return Check("name", found, missing)


def check_qualifiers(claim: Content, passage: Passage) -> Check:
    words = set(passage.tokens)
    found = tuple(word for word in claim.qualifiers if word in words)
    missing = tuple(word for word in claim.qualifiers if word not in words)
    return Check("qualifier", found, missing)


def check_words(claim: Content, passage: Passage) -> Check:
    found = tuple(word for word in claim.words if word in passage.terms)
    missing = tuple(word for word in claim.words if word not in passage.terms)
    return Check("word", found, missing)


_CLAUSE = re.compile(r"[,;:()]|\s(?:and|but|while|whereas|although|though|because|which|who|when)\s", re.IGNORECASE)


def negated_clauses(claim: Content, sentence: str) -> list[str]:
    """The clauses of a sentence that negate and hold one of the claim's terms: a "never" in a clause about
    something else says nothing of the claim."""
    wanted = set(claim.words) | claim.name_keys
    return [clause for clause in _CLAUSE.split(sentence) if negated(clause) and wanted & set(terms(clause))]


def check_polarity(claim: Content, passage: Passage) -> Check:
    """A passage that negates the claim's own terms, where the claim does not, says the opposite. (The other
    way round proves little: "turned down the offer" states what "did not accept" does, without a "not".)"""
    if claim.negations:
        return Check("polarity")
    for sentence in passage.carrying(claim):
        clauses = negated_clauses(claim, sentence)
        if clauses:
            word = negated(clauses[0])[0]
            return Check("polarity", contradictions=(f"the passage says {word!r}: {_quote(sentence)}",))
    return Check("polarity")


def check_modality(claim: Content, passage: Passage) -> Check:
    """A claim stated as fact is not supported by a passage that only says it may be so."""
    if claim.hedges:
        return Check("modality")
    carrying = passage.carrying(claim)
    hedged = tuple(dict.fromkeys(word for sentence in carrying for word in hedges(sentence)))
    return Check("modality", hedged=hedged)


def _quote(sentence: str, limit: int = 90) -> str:
    sentence = " ".join(sentence.split())
    return f'"{sentence[:limit]}{"..." if len(sentence) > limit else ""}"'


CHECKS = (check_quantities, check_names, check_qualifiers, check_words, check_polarity, check_modality)


def run_checks(claim: Content, passage: Passage) -> list[Check]:
    return [check(claim, passage) for check in CHECKS]
