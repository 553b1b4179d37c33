"""Dates with a precision: a cited "November 2025" is a month, and Nov 11, 2025 lies inside it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

_HAS_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|2\d\d\d)(?!\d)")

# The signal name of a page date that only htmldate's reading gave (claimcheck's own cascade found none):
# shown to the user, but too weak on its own to flag a date-drift.
GUESSED_DATE_SIGNAL = "htmldate"
# Signals of machine-readable timestamps, whose zone may differ from the date a reader sees.
MACHINE_SIGNALS = frozenset({"json-ld", "meta", "time"})


class Precision(str, Enum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


_RANK = {Precision.YEAR: 0, Precision.MONTH: 1, Precision.DAY: 2}


@dataclass(frozen=True, order=True, slots=True)
class FuzzyDate:
    """A calendar date known to a precision; `value` holds the first day of the period."""

    value: date
    precision: Precision = Precision.DAY

    def iso(self) -> str:
        """ISO 8601 at the known precision: 2023-09-06, 2025-11 or 2024."""
        if self.precision is Precision.DAY:
            return self.value.isoformat()
        if self.precision is Precision.MONTH:
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return f"{self.value.year:04d}"

    def agrees_with(self, other: FuzzyDate) -> bool:
        """Whether two dates can name the same day, compared at the coarser precision of the two."""
        coarser = min(self.precision, other.precision, key=_RANK.__getitem__)
        if self.value.year != other.value.year:
            return False
        if coarser is Precision.YEAR:
            return True
        if self.value.month != other.value.month:
            return False
        return coarser is Precision.MONTH or self.value.day == other.value.day

    @classmethod
    def of(cls, day: date) -> FuzzyDate:
        return cls(day, Precision.DAY)

    @classmethod
    def from_iso(cls, text: str) -> FuzzyDate:
        """The inverse of `iso()`."""
        parts = [int(p) for p in text.split("-")]
        if len(parts) == 3:
            return cls(date(*parts), Precision.DAY)
        if len(parts) == 2:
            return cls(date(parts[0], parts[1], 1), Precision.MONTH)
        return cls(date(parts[0], 1, 1), Precision.YEAR)


ENGLISH_MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
    ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december")), start=1) for name in names}
_MONTH_DAY_YEAR = re.compile(r"^\s*([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})\s*$")
_DAY_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})\s*$")
_MONTH_YEAR = re.compile(r"^\s*([A-Za-z]+)\.?,?\s+(\d{4})\s*$")


def _common_form(text: str) -> FuzzyDate | None:
    """'September 6, 2023', '6 Sept 2023', 'November 2025': read without dateparser, which costs ~2 ms a
    date (seconds for a claims file of thousands of sources). Anything else goes to dateparser."""
    if match := _MONTH_DAY_YEAR.match(text):
        month, day, year = ENGLISH_MONTHS.get(match[1].lower()), int(match[2]), int(match[3])
    elif match := _DAY_MONTH_YEAR.match(text):
        day, month, year = int(match[1]), ENGLISH_MONTHS.get(match[2].lower()), int(match[3])
    elif match := _MONTH_YEAR.match(text):
        month = ENGLISH_MONTHS.get(match[1].lower())
        return FuzzyDate(date(int(match[2]), month, 1), Precision.MONTH) if month else None
    else:
        return None
    if month is None:
        return None
    try:
        return FuzzyDate(date(year, month, day), Precision.DAY)
    except ValueError:
        return None


@lru_cache(maxsize=1)
def _parser() -> DateDataParser:
    # Built once, and only when a date is not in a common form: dateparser is slow to import and to set up.
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["en"],
        settings={
            "PREFER_DAY_OF_MONTH": "first",
            "RETURN_TIME_AS_PERIOD": True,
            "PREFER_DATES_FROM": "past",
            "REQUIRE_PARTS": ["year"],
        },
    )


_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\s*$")


@lru_cache(maxsize=4096)
def parse_cited_date(text: str) -> FuzzyDate:
    """Parse a date as an article cites it, keeping its precision.

    Raises ValueError for text that is not an absolute date with a year ("last week", "soon").
    """
    if common := _common_form(text):
        return common
    iso = _ISO.match(text)
    if iso:
        year, month, day = iso.groups()
        if day:
            return FuzzyDate(date(int(year), int(month), int(day)), Precision.DAY)
        if month:
            return FuzzyDate(date(int(year), int(month), 1), Precision.MONTH)
        return FuzzyDate(date(int(year), 1, 1), Precision.YEAR)
    if not _HAS_YEAR.search(text):
        raise ValueError(f"{text!r} has no year")
    data = _parser().get_date_data(text)
    if data.date_obj is None:
        raise ValueError(f"{text!r} is not a date")
    found = data.date_obj.date()
    if data.period == "year":
        return FuzzyDate(date(found.year, 1, 1), Precision.YEAR)
    if data.period == "month":
        return FuzzyDate(date(found.year, found.month, 1), Precision.MONTH)
    return FuzzyDate(found, Precision.DAY)
