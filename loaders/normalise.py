"""Turning the raw values of the source pages into clean terms.

Each parser returns a value or raises `ValueError` with what it expected; the
CSV mapping turns that into a `LoadError` with file, line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

MONTHS: Final[dict[str, int]] = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
MIN_YEAR: Final = 1800
MAX_YEAR: Final = 2100

DATE_SHAPES: Final = (
    "a year (2006), a range (2013-2016), 'since/until/by YYYY', 'Month YYYY', "
    "DD/MM/YYYY, 'DDth Month [YYYY]', 'late 1800s', optionally followed by a note in brackets"
)


@dataclass(frozen=True)
class RawDate:
    """A date as precise as the page gave it.

    `value`/`xsd_type` is the most precise typed form (xsd:date, xsd:gYearMonth
    or xsd:gYear), None when the page gave no year. `year` is for filtering;
    `range_end` is the second year of a range like 2013-2016.
    """

    text: str
    year: int | None
    value: str | None
    xsd_type: str | None
    range_end: int | None = None
    qualifier: str | None = None


_NOTE = re.compile(r"^(?P<body>.*?)\s*\((?P<note>[^()]*)\)\s*$")
_QUALIFIER = re.compile(r"^(?P<q>since|from|until|by|before|after|early|mid|late)\s+", re.I)
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4})\s*[-–]\s*(\d{2}|\d{4})$")  # noqa: RUF001 (an en dash in ranges)
_DMY_NUMERIC = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?(?:\s+(\d{4}))?$", re.I)
_MONTH_YEAR = re.compile(r"^([a-z]+)\.?\s+(\d{4})$", re.I)
_CENTURY = re.compile(r"^(\d{2})00s$")


def _check_year(year: int, text: str) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year {year} in {text!r} is outside {MIN_YEAR}-{MAX_YEAR}")
    return year


def _month(name: str, text: str) -> int:
    number = MONTHS.get(name.lower())
    if number is None:
        raise ValueError(f"{name!r} in {text!r} is not a month name")
    return number


def parse_date(text: str) -> RawDate:
    """Parse one of the date shapes the source pages use (see `DATE_SHAPES`)."""
    raw = text.strip()
    body = raw
    note_match = _NOTE.match(body)
    if note_match and note_match["body"]:
        body = note_match["body"]
    qualifier = None
    qualifier_match = _QUALIFIER.match(body)
    if qualifier_match:
        qualifier = qualifier_match["q"].lower()
        body = body[qualifier_match.end():]
    if m := _YEAR.match(body):
        year = _check_year(int(m[1]), raw)
        return RawDate(raw, year, f"{year:04d}", "gYear", qualifier=qualifier)
    if m := _RANGE.match(body):
        start = _check_year(int(m[1]), raw)
        end_text = m[2] if len(m[2]) == 4 else m[1][:2] + m[2]
        end = _check_year(int(end_text), raw)
        if end < start:
            raise ValueError(f"range {raw!r} ends before it starts")
        return RawDate(raw, start, f"{start:04d}", "gYear", range_end=end, qualifier=qualifier)
    if m := _DMY_NUMERIC.match(body):
        day, month, year = int(m[1]), int(m[2]), _check_year(int(m[3]), raw)
        _check_day(day, month, raw)
        return RawDate(raw, year, f"{year:04d}-{month:02d}-{day:02d}", "date", qualifier=qualifier)
    if m := _DAY_MONTH_YEAR.match(body):
        day, month = int(m[1]), _month(m[2], raw)
        _check_day(day, month, raw)
        if m[3] is None:
            return RawDate(raw, None, None, None, qualifier=qualifier)
        year = _check_year(int(m[3]), raw)
        return RawDate(raw, year, f"{year:04d}-{month:02d}-{day:02d}", "date", qualifier=qualifier)
    if m := _MONTH_YEAR.match(body):
        month, year = _month(m[1], raw), _check_year(int(m[2]), raw)
        return RawDate(raw, year, f"{year:04d}-{month:02d}", "gYearMonth", qualifier=qualifier)
    if (m := _CENTURY.match(body)) and qualifier in {"early", "mid", "late"}:
        century = int(m[1]) * 100
        offset = {"early": 0, "mid": 40, "late": 70}[qualifier]
        year = _check_year(century + offset, raw)
        return RawDate(raw, year, None, None, qualifier=qualifier)
    raise ValueError(f"cannot read {raw!r} as a date")


def _check_day(day: int, month: int, text: str) -> None:
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} in {text!r} is not 1-12")
    if not 1 <= day <= 31:
        raise ValueError(f"day {day} in {text!r} is not 1-31")


def split_list(cell: str) -> list[str]:
    """A `;`-separated cell as its non-empty, stripped items."""
    return [item.strip() for item in cell.split(";") if item.strip()]


_COUNTRY_SPLIT = re.compile(r"\s*(?:,|;|\band\b|\(|\))\s*", re.I)
_COUNTRY_NOISE = re.compile(r"^(?:rural|urban|northern|southern|eastern|western|central)\s+", re.I)


def split_places(cell: str) -> list[str]:
    """'Queen Elizabeth Central Hospital, Blantyre, Malawi' -> its parts, in order."""
    parts = (_COUNTRY_NOISE.sub("", part.strip()) for part in _COUNTRY_SPLIT.split(cell))
    return [part for part in parts if part]


_AMOUNT = re.compile(r"£\s*(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>million|m|k|bn|billion)?", re.I)
_SCALES: Final = {"million": 10**6, "m": 10**6, "k": 10**3, "bn": 10**9, "billion": 10**9}


def parse_amount_gbp(text: str) -> Decimal | None:
    """The first pound amount in a cell ('around £50,000' -> 50000), None without a £ sign."""
    m = _AMOUNT.search(text)
    if m is None:
        return None
    number = Decimal(m["number"].replace(",", ""))
    if m["scale"]:
        number *= _SCALES[m["scale"].lower()]
    return number


_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_BARE_HOST = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(/[^\s]*)?$", re.I)


def parse_url(text: str) -> str:
    """An http(s) URL; a bare host such as 'www.example.scot' gets https://."""
    value = text.strip()
    if _BARE_HOST.match(value):
        value = "https://" + value
    if not _URL.match(value):
        raise ValueError(f"{text!r} is not an http(s) URL")
    return value


def normalise_name(text: str) -> str:
    """A key for matching names that differ in case, punctuation and a leading 'The'."""
    value = text.lower().replace("&", " and ").replace("’", "'")  # noqa: RUF001
    value = re.sub(r"[^a-z0-9]+", " ", value).strip()
    return re.sub(r"^the ", "", value)
