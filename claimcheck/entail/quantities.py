"""Numbers as a claim states them: "$3.5 billion", "50%", "fifty", "2.5D", "12 nm", "2012", "third".

A quantity keeps its value (scale words applied: 3.5 billion is 3.5e9, so "3,500 million" is the same), its
unit ("$", "%", "nm", "d" for 2.5D, or none), its kind (a year, an ordinal or a number) and the word that
follows it, which is how two different numbers are known to speak of the same thing ("two children", "three
children").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3, "m": 1e6, "mn": 1e6,
           "bn": 1e9, "b": 1e9, "tn": 1e12}
_UNITS = {"%": "%", "percent": "%", "per cent": "%", "percentage points": "pp", "nm": "nm", "mm": "mm",
          "cm": "cm", "km": "km", "kg": "kg", "gb": "gb", "tb": "tb", "mb": "mb", "ghz": "ghz", "mhz": "mhz",
          "w": "w", "kw": "kw", "mw": "mw", "gw": "gw", "d": "d", "x": "x", "°c": "°c", "°f": "°f"}
_CURRENCY = {"$": "$", "€": "€", "£": "£", "¥": "¥", "us$": "$", "usd": "$", "eur": "€", "gbp": "£"}

_NUMBER_WORDS = "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
_ORDINAL_WORDS = "|".join(sorted(_ORDINALS, key=len, reverse=True))
_SCALE_WORDS = "|".join(sorted(_SCALES, key=len, reverse=True))
_UNIT_WORDS = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))

_QUANTITY = re.compile(
    rf"""(?ix)
    (?:(?P<currency>US\$|[$€£¥])\s?)?
    (?:
        (?P<digits>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<suffix>st|nd|rd|th)?
      | (?P<words>(?:{_NUMBER_WORDS})(?:[-\s](?:{_NUMBER_WORDS}))*)\b
      | (?P<ordinal>{_ORDINAL_WORDS})\b
    )
    (?:[\s-]?(?P<scale>{_SCALE_WORDS})\b)?
    (?:\s?(?P<unit>{_UNIT_WORDS})(?![a-z]))?
    """)
_BOUNDARY_BEFORE = re.compile(r"[\w.]$")
# Words that sit beside numbers of any kind: sharing one says nothing about what two numbers count.
_LINKING = frozenset({"in", "on", "at", "of", "and", "or", "the", "a", "to", "by", "for", "from", "with", "than",
                      "about", "over", "under", "since", "until", "between", "is", "was", "were", "are", "be"})
_FOLLOWING_WORD = re.compile(r"\W*([A-Za-z]+)")
_PRECEDING_WORD = re.compile(r"([A-Za-z]+)\W*$")


@dataclass(frozen=True)
class Quantity:
    text: str  # as written
    value: float
    unit: str  # "$", "%", "nm", "d" ...; "" for none
    kind: str  # "year", "ordinal" or "number"
    next_word: str  # the word after it, lower case: what the number counts ("children")
    prev_word: str  # the word before it, lower case: what it dates or measures ("november", "in")
    start: int
    end: int

    def same_value(self, other: Quantity) -> bool:
        if self.kind == "year" or other.kind == "year":
            return self.kind == other.kind and self.value == other.value
        if self.unit and other.unit and self.unit != other.unit:
            return False
        return abs(self.value - other.value) <= 1e-9 * max(1.0, abs(self.value), abs(other.value))

    def comparable(self, other: Quantity) -> bool:
        """Whether the two speak of the same kind of thing, so that different values disagree."""
        if self.kind != other.kind:
            return False
        if self.kind == "year":
            return True
        if self.unit or other.unit:
            return self.unit == other.unit
        # "1 February" and "February 3" speak of the same thing: the words on either side, either way round.
        mine, theirs = {self.next_word, self.prev_word} - {""}, {other.next_word, other.prev_word} - {""}
        return bool(mine & theirs - _LINKING)


def _word_value(words: str) -> float:
    value = 0.0
    for part in re.split(r"[-\s]+", words.lower()):
        word = _WORD_NUMBERS[part]
        value = max(value, 1) * 100 if word == 100 else value + word  # "two hundred", "twenty-five"
    return value


def quantities(text: str) -> list[Quantity]:
    """Every quantity stated in `text`, in order."""
    found: list[Quantity] = []
    for match in _QUANTITY.finditer(text):
        start = match.start()
        if match.group("currency") is None and start and _BOUNDARY_BEFORE.search(text[:start]):
            continue  # inside a word or a longer number ("A16", "N2P" are names, not quantities)
        end = match.end()
        if end < len(text) and (text[end].isalnum() or text[end] == "_"):
            if not match.group("unit") and not match.group("scale"):
                continue  # "2.5Dx" or "3rd-party" glued to letters: part of a name
        digits, words, ordinal = match.group("digits"), match.group("words"), match.group("ordinal")
        scale = (match.group("scale") or "").lower()
        unit = _UNITS.get((match.group("unit") or "").lower(), "")
        currency = _CURRENCY.get((match.group("currency") or "").lower(), "")
        if ordinal or (digits and match.group("suffix")):
            value = float(_ORDINALS[ordinal.lower()] if ordinal else float(digits.replace(",", "")))
            kind = "ordinal"
        elif digits:
            value = float(digits.replace(",", ""))
            plain_year = (len(digits) == 4 and not currency and not unit and not scale and 1000 <= value <= 2199)
            kind = "year" if plain_year else "number"
        else:
            assert words is not None
            if words.lower() in ("one",) and not scale and not unit:
                continue  # "one of the best-known": a pronoun far more often than a count
            value, kind = _word_value(words), "number"
        if scale in ("m", "b", "k") and not currency:
            scale = ""  # "5 m" is five metres or a typo, not five million, unless it is money
        value *= _SCALES.get(scale, 1.0)
        following = _FOLLOWING_WORD.match(text, end)
        next_word = following.group(1).lower() if following else ""
        preceding = _PRECEDING_WORD.search(text, max(0, start - 40), start)
        prev_word = preceding.group(1).lower() if preceding else ""
        found.append(Quantity(match.group().strip(), value, currency or unit, kind, next_word, prev_word, start, end))
    return found
