"""What a claim rests on, read from its text: its quantities, the names it names, whether it is negated or
hedged, its qualifiers ("more than", "largest", "first", "all"), and its other content words.

Each is found by a general signal of English (capitalisation, number syntax, closed classes of function
words), not by lists tuned to one corpus: no model, no download, microseconds per sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimcheck.core.text import normalize, prose
from claimcheck.reading.match import STOPWORDS, terms
from claimcheck.entail.quantities import Quantity, quantities

_TOKEN = re.compile(r"\w+(?:['’.-]\w+)*")
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+$")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)

# Closed classes of English: these say whether, and how surely, something is so.
NEGATIONS = frozenset({"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot",
                       "n't", "nowhere"})
HEDGES = frozenset({"may", "might", "could", "possibly", "perhaps", "probably", "reportedly", "allegedly",
                    "likely", "unlikely", "rumored", "rumoured", "supposedly", "apparently", "plans", "planned",
                    "expects", "expected", "proposed", "considering"})
QUALIFIERS = frozenset({"all", "every", "each", "only", "more", "most", "less", "least", "fewer", "fewest",
                        "nearly", "almost", "approximately", "roughly", "last", "largest", "smallest",
                        "biggest", "highest", "lowest", "longest", "shortest", "fastest", "slowest", "oldest",
                        "newest", "youngest", "earliest", "latest", "best", "worst", "sole", "entire", "always",
                        "majority", "minority", "half", "twice", "double", "triple"})
_NOT_NEGATING = re.compile(r"\bnot\s+only\b|\bno\s+(?:fewer|less|more)\s+than\b|\bnothing\s+but\b")


def words(text: str) -> list[str]:
    """The text's words as written (case kept), contractions split so that "didn't" holds "n't"."""
    out: list[str] = []
    for token in _TOKEN.findall(prose(text)):
        lower = token.lower()
        if lower.endswith("n't") and len(token) > 3:
            out.extend((token[:-3], "n't"))
        elif lower.endswith("n’t") and len(token) > 3:
            out.extend((token[:-3], "n't"))
        else:
            out.append(token)
    return out


def _is_name_token(token: str) -> bool:
    if token.lower() in NEGATIONS | QUALIFIERS or token in ("I", "A"):
        return False
    if token.lower() in STOPWORDS | HEDGES and not (token[:1].isupper() and len(token) > 2):
        return False  # "may" is a hedge, "May 7" a month; a sentence's opening "The" is dealt with below
    if any(ch.isdigit() for ch in token) and any(ch.isalpha() for ch in token):
        return True  # A16, N2P, H100, 2.5D: product names
    return token[:1].isupper() or any(ch.isupper() for ch in token[1:])


@dataclass(frozen=True)
class Name:
    """A run of capitalised words: "New Mexico", "EMIB", "Richard Amardi"."""

    tokens: tuple[str, ...]

    def __str__(self) -> str:
        return _POSSESSIVE.sub("", " ".join(self.tokens))  # "TSMC's" names TSMC

    @property
    def keys(self) -> tuple[str, ...]:
        """The name's words as passages are searched for them: normalised, a possessive 's dropped."""
        return tuple(_POSSESSIVE.sub("", normalize(token)) for token in self.tokens)


def names(text: str) -> list[Name]:
    """The names `text` names: runs of capitalised or mixed-case words, product names like A16; a capitalised
    word that opens a sentence only when it is joined to another capitalised word and the text never has it
    in lower case, since every sentence opens with a capital."""
    plain = prose(text)
    tokens = [(m.group(), m.start()) for m in _TOKEN.finditer(plain)]
    lower_elsewhere = {t.lower() for t, _ in tokens if t[:1].islower()}
    found: list[Name] = []
    run: list[str] = []
    for index, (token, at) in enumerate(tokens):
        name_like = _is_name_token(token) and not token.isdigit()
        opens_sentence = index == 0 or bool(_SENTENCE_END.search(plain[max(0, at - 4):at]))
        if name_like and opens_sentence and token[1:].islower():
            following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
            name_like = (token.lower() not in lower_elsewhere and token.lower() not in STOPWORDS | HEDGES
                         and _is_name_token(following) and not following.isdigit())
        joined = index > 0 and plain[tokens[index - 1][1] + len(tokens[index - 1][0]):at].strip() == ""
        if run and (not name_like or not joined or _POSSESSIVE.search(run[-1])):
            found.append(Name(tuple(run)))  # a name ends at punctuation and at a possessive ("TSMC's CoWoS")
            run = []
        if name_like:
            run.append(token)
    if run:
        found.append(Name(tuple(run)))
    unique: dict[tuple[str, ...], Name] = {}
    for name in found:
        unique.setdefault(name.keys, name)
    return list(unique.values())


def negated(text: str) -> list[str]:
    """The negations `text` states ("not", "never", "n't", "no longer"), in order; "not only" and "no fewer
    than" are emphasis, not negation."""
    cleaned = _NOT_NEGATING.sub(" ", prose(text).lower())
    return [w for w in words(cleaned) if w.lower() in NEGATIONS]


def hedges(text: str) -> list[str]:
    return [w.lower() for w in words(text) if w.lower() in HEDGES]


def qualifiers(text: str) -> list[str]:
    return sorted({w.lower() for w in words(text) if w.lower() in QUALIFIERS})


@dataclass(frozen=True)
class Content:
    """What a claim (or a passage) states, as the support checks read it."""

    text: str
    quantities: tuple[Quantity, ...]
    names: tuple[Name, ...]
    negations: tuple[str, ...]
    hedges: tuple[str, ...]
    qualifiers: tuple[str, ...]
    words: tuple[str, ...]  # content words (match.terms: normalised, stop words out, plurals folded)

    @property
    def name_keys(self) -> set[str]:
        return {key for name in self.names for key in name.keys}


def content_of(text: str) -> Content:
    stated = quantities(text)
    quantity_texts = {normalize(q.text) for q in stated}
    found_names = [name for name in names(text) if normalize(str(name)) not in quantity_texts]  # 3D, 2.5D
    name_keys = {key for name in found_names for key in terms(str(name))}
    quantity_words = {normalize(w) for q in stated for w in words(q.text)}
    content_words = tuple(dict.fromkeys(
        t for t in terms(text) if t not in name_keys and t not in quantity_words and not t.isdigit()
        and t not in QUALIFIERS and t not in HEDGES))
    return Content(text, tuple(stated), tuple(found_names), tuple(negated(text)), tuple(hedges(text)),
                   tuple(qualifiers(text)), content_words)
