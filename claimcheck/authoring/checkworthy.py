"""Whether a sentence is check-worthy: it asserts something a source could confirm or refute.

Rules, in order, each with the reason a person reads. Not check-worthy: a heading, a list entry that is a
bare name, an entry of the Sources list, a question, under four words. Check-worthy: a number or date; an
attribution ("X describes", "according to"). Not check-worthy: the first or second person; a figure of
speech ("mirror", "ritual"); a judgement of importance ("matters", "central") with fewer than three of the
article's subject words. Check-worthy: two of the article's subject words (`vocabulary`: content words used
in three or more of its sentences) and a verb form (crudely: a modal, be or have, or a word in -s or -ed,
so plurals pass too); then, in sentences of eight words or more, a named organisation, product or
technology, a comparison, or a cause; then a twelve-word statement with an assertive verb. Anything else is
short and general. Measured in the README (bench/eval_checkworthy.py).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from claimcheck.reading.match import terms

# Quantities and dates; "3D" and "2.5D" name technologies, "one" is rarely a count.
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)*(?![\w.]|\.\d)|\b\d+(?:[.,]\d+)*\s*(?:%|percent|nm|mm|GB|TB|GHz|MW|GW)\b|"
                     r"\b(?:two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|hundreds?|thousands?|"
                     r"millions?|billions?|trillions?|dozens?)\b", re.IGNORECASE)
_ATTRIBUTION = re.compile(r"\b(?:according to|describes?d?|says?|said|argues?d?|reports?e?d?|announced?|states?d?|"
                          r"claims?e?d?|notes?d?|noting|frames?d?|presents?e?d?|estimates?d?|found|finds|shows?e?d?|"
                          r"writes?|wrote|explains?e?d?|calls?e?d?|lists?e?d?|confirms?e?d?|told)\b",
                          re.IGNORECASE)
_COMPARISON = re.compile(r"\b(?:more|less|fewer|most|least|larger|smaller|faster|slower|higher|lower|greater|"
                         r"better|worse|best|worst|than|increase[sd]?|reduce[sd]?|double[sd]?|halve[sd]?|"
                         r"exceeds?|surpass(?:es)?|outperforms?|largest|first|only|\w+est)\b",
                         re.IGNORECASE)
_CAUSE = re.compile(r"\b(?:because|due to|since|so that|therefore|thus|leads? to|causes?d?|results? in|enables?d?|"
                    r"allows?e?d?|lets|makes?|drives?|requires?d?|depends? on|determined by)\b", re.IGNORECASE)
_QUOTED = re.compile(r"\"[^\"]*\"|\u201c[^\u201d]*\u201d")
_PERSON = re.compile(r"\b(?:I|(?i:we|us|our|ours|you|your|yours|my))\b")
_FIGURATIVE = re.compile(r"\b(?:I think|we think|I believe|we believe|in my view|in our view|arguably|perhaps|"
                         r"maybe|ought|beautiful|ugly|wonderful|terrible|ritual|soul|mind|magic|destiny|spirit|"
                         r"sacred|mirror|dream)\b", re.IGNORECASE)
# Judgements of importance or value: a source may share them, but cannot confirm them.
_EVALUATIVE = re.compile(r"\b(?:matters?|central|useful|useless|clear|important|crucial|key|essential|"
                         r"interesting|remarkable|should|must)\b", re.IGNORECASE)
_ASSERTIVE = re.compile(r"\b(?:is|are|was|were|has|have|had|can|cannot|will|does|do|did|uses?|needs?|means|"
                        r"contains?|includes?|consists?|provides?|places?|integrates?|connects?|stacks?|"
                        r"combines?|divides?|moves?|sits?|refers?|matters?|depends?)\b", re.IGNORECASE)
# Any finite verb will do once the subject words are there: "Large packages can stress substrates".
_ASSERTIVE_OR_MODAL = re.compile(r"\b(?:is|are|was|were|has|have|had|can|cannot|could|may|might|will|would|does|"
                                 r"do|did|\w+s|\w+ed)\b")
_ACRONYM = re.compile(r"\b[A-Z][A-Za-z]*[A-Z][A-Za-z0-9]*\b")  # HBM, CoWoS, SoIC, TSMC
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:[A-Z][a-z]+)*\b")

# Common verbs, adjectives and quantifiers that recur in any article without being its subject.
_GENERAL_WORDS = frozenset("""one make become matter need enough part public describe sit place side close high
low large larger small smaller multiple increase decrease good better new old use used way also many much
more most very well often only like first last same different work working give take get""".split())

_MIN_WORDS = 4
_PLAIN_MIN_WORDS = 12  # a general statement with nothing else checkable must be at least this long


@dataclass(frozen=True)
class Verdict:
    checkworthy: bool
    reason: str


def _names(text: str) -> list[str]:
    """Acronyms and capitalised words not opening the sentence: organisations, products, technologies."""
    words = text.split()
    rest = " ".join(words[1:])
    found = [m.group(0) for m in _ACRONYM.finditer(text) if m.group(0) not in ("I", "AI")]
    found += [m.group(0) for m in _CAPITALISED.finditer(rest)]
    return found


def vocabulary(sentences: list[str], *, least: int = 3) -> frozenset[str]:
    """The article's subject words: content words (stemmed) used in at least `least` of its sentences."""
    counts: Counter[str] = Counter()
    for sentence in sentences:
        counts.update(set(terms(sentence)))
    return frozenset(word for word, n in counts.items() if n >= least and word not in _GENERAL_WORDS)


def judge(text: str, kind: str = "sentence", subject: frozenset[str] = frozenset()) -> Verdict:
    """`kind` as the article reader gives it: sentence, heading, item or reference; `subject`: the article's
    subject words (`vocabulary`)."""
    if kind == "heading":
        return Verdict(False, "heading")
    if kind == "item":
        return Verdict(False, "list entry, not a statement")
    if kind == "reference":
        return Verdict(False, "entry of the sources list")
    stripped = text.strip()
    words = stripped.split()
    if stripped.endswith("?"):
        return Verdict(False, "question")
    if len(words) < _MIN_WORDS:
        return Verdict(False, "too short to state a fact")
    names = _names(stripped)
    if _NUMBER.search(stripped):
        return Verdict(True, "states a number or date")
    if _ATTRIBUTION.search(stripped) and (names or len(words) >= 8):
        return Verdict(True, "attributes a statement to a source")
    if _PERSON.search(_QUOTED.sub("", stripped)):
        return Verdict(False, "first or second person: the author's voice")
    if figurative := _FIGURATIVE.search(stripped):
        return Verdict(False, f"opinion or figure of speech ({figurative.group(0).lower()!r})")
    topical = [w for w in dict.fromkeys(terms(stripped)) if w in subject]
    if _EVALUATIVE.search(stripped) and len(topical) < 3:
        return Verdict(False, "a judgement of importance, not a fact")
    if len(topical) >= 2 and _ASSERTIVE_OR_MODAL.search(stripped):
        return Verdict(True, f"states a technical fact ({', '.join(topical[:3])})")
    if names and len(words) >= 8:
        return Verdict(True, f"names {', '.join(dict.fromkeys(names[:3]))}")
    if _COMPARISON.search(stripped) and len(words) >= 8:
        return Verdict(True, "makes a comparison")
    if _CAUSE.search(stripped) and len(words) >= 8:
        return Verdict(True, "states a cause or effect")
    if len(words) >= _PLAIN_MIN_WORDS and _ASSERTIVE.search(stripped):
        return Verdict(True, "states how things are")
    return Verdict(False, "nothing a source could confirm: short and general")
