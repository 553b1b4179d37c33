"""Dates as they are written: in prose in many languages ("6 September 2023", "15 августа 2016"), in
metadata (ISO 8601, compact), in URLs (/2024/03/20/), each checked to be a real day no later than `latest`."""

from __future__ import annotations

import re
from datetime import date

from claimcheck.core.dates import ENGLISH_MONTHS, FuzzyDate, Precision

MONTHS = {
    **ENGLISH_MONTHS,
    # The commonest European month names, for pages in German, French, Spanish and Italian.
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "juni": 6, "juli": 7, "oktober": 10,
    "dezember": 12, "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
    "decembre": 12, "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7, "settembre": 9,
    "ottobre": 10, "dicembre": 12,
    # German abbreviations; Portuguese, Dutch, Romanian, Turkish, Polish (genitive) month names.
    "mär": 3, "mrz": 3, "okt": 10, "dez": 12, "janeiro": 1, "fevereiro": 2, "março": 3, "maio": 5,
    "junho": 6, "julho": 7, "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12, "januari": 1,
    "februari": 2, "maart": 3, "mei": 5, "augustus": 8, "ianuarie": 1, "februarie": 2, "martie": 3,
    "aprilie": 4, "iunie": 6, "iulie": 7, "septembrie": 9, "octombrie": 10, "noiembrie": 11,
    "decembrie": 12, "ocak": 1, "şubat": 2, "subat": 2, "mart": 3, "nisan": 4, "mayıs": 5, "haziran": 6,
    "temmuz": 7, "ağustos": 8, "eylül": 9, "ekim": 10, "kasım": 11, "aralık": 12, "stycznia": 1,
    "lutego": 2, "marca": 3, "kwietnia": 4, "maja": 5, "czerwca": 6, "lipca": 7, "sierpnia": 8,
    "września": 9, "października": 10, "listopada": 11, "grudnia": 12,
    # Russian and Ukrainian, in the genitive a date takes ("15 августа 2016", "7 червня 2020").
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7, "августа": 8,
    "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12, "січня": 1, "лютого": 2, "березня": 3,
    "квітня": 4, "травня": 5, "червня": 6, "липня": 7, "серпня": 8, "вересня": 9, "жовтня": 10,
    "листопада": 11, "грудня": 12,
}
_MONTH = r"(?P<month>" + "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\.?"

# Each pattern matches a whole date written out; order matters only for speed.
TEXT_DATE_PATTERNS = [
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),            # September 6, 2023 / Nov 11, 2025
    re.compile(rf"\b{_DAY}\s+(?:de\s+)?{_MONTH},?\s+(?:de\s+)?{_YEAR}\b", re.IGNORECASE),  # 6 September 2023
    re.compile(rf"\b{_YEAR}\s*[-/.]\s*(?P<month>[01]?\d)\s*[-/.]\s*(?P<day>[0-3]?\d)\b"),  # 2024 / 03 / 20
    re.compile(rf"\b(?P<day>[0-3]?\d)\.\s?(?P<month>[01]?\d)\.\s?{_YEAR}\b"),  # 20.03.2024 (day first)
]
MONTH_YEAR_PATTERN = re.compile(rf"\b{_MONTH}\s+{_YEAR}\b", re.IGNORECASE)
ISO_PATTERN = re.compile(r"(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)")
URL_DATE_PATTERNS = [
    re.compile(r"/(?P<year>(?:19|20)\d\d)[/-](?P<month>[01]\d)[/-](?P<day>[0-3]\d)(?:[/_.-]|$)"),
    re.compile(r"/(?P<year>(?:19|20)\d\d)(?P<month>[01]\d)(?P<day>[0-3]\d)(?:[/_.-]|$)"),
]


def valid_day(year: int, month: int, day: int, latest: date) -> date | None:
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    if found.year < 1995 or found > latest:
        return None
    return found


def _month_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return MONTHS.get(text.lower().rstrip("."))


def date_in_text(text: str, latest: date) -> FuzzyDate | None:
    """The first full date written out in `text`, or None."""
    best: tuple[int, FuzzyDate] | None = None
    for pattern in TEXT_DATE_PATTERNS:
        for match in pattern.finditer(text):
            month = _month_number(match.group("month"))
            if month is None:
                continue
            found = valid_day(int(match.group("year")), month, int(match.group("day")), latest)
            if found and (best is None or match.start() < best[0]):
                best = (match.start(), FuzzyDate.of(found))
                break
    return best[1] if best else None


def month_in_text(text: str, latest: date) -> FuzzyDate | None:
    """A month-precision date ('December 2024') written out in `text`, or None."""
    for match in MONTH_YEAR_PATTERN.finditer(text):
        month = _month_number(match.group("month"))
        if month:
            found = valid_day(int(match.group("year")), month, 1, latest)
            if found:
                return FuzzyDate(found, Precision.MONTH)
    return None


def parse_machine_date(value: str, latest: date) -> FuzzyDate | None:
    """An ISO-style date from metadata (2023-09-06T08:00:00-07:00, 2023-09-06, 20230906)."""
    value = value.strip()
    match = ISO_PATTERN.search(value)
    if match:
        found = valid_day(int(match["year"]), int(match["month"]), int(match["day"]), latest)
        return FuzzyDate.of(found) if found else None
    compact = re.match(r"^((?:19|20)\d\d)(\d\d)(\d\d)", value)
    if compact:
        found = valid_day(int(compact[1]), int(compact[2]), int(compact[3]), latest)
        return FuzzyDate.of(found) if found else None
    return date_in_text(value, latest)


def date_in_url(url: str, latest: date) -> FuzzyDate | None:
    for pattern in URL_DATE_PATTERNS:
        match = pattern.search(url)
        if match:
            found = valid_day(int(match["year"]), int(match["month"]), int(match["day"]), latest)
            if found:
                return FuzzyDate.of(found)
    return None
