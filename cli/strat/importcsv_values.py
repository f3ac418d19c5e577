"""`strat import csv`: the text of cells as ids, numbers and dates (`strat.importcsv`).

Pure functions over one cell's text; the file-level decisions (the decimal mark, the
day/month order) are made from their evidence by `strat.importcsv_rows`."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")

CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
MULTIPLIERS = {"k": 3, "K": 3, "M": 6, "MM": 6, "mn": 6, "Mn": 6, "m": 6, "bn": 9, "Bn": 9, "BN": 9, "B": 9}


# --- ids --------------------------------------------------------------------------------

_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "œ": "oe", "Œ": "oe", "ł": "l",
                       "Ł": "l", "đ": "d", "Đ": "d", "þ": "th", "ð": "d", "&": " and ", "%": " percent ",
                       "+": " plus "})


# Patterns compiled once: a 200,000-row sheet calls these a million times.
_APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)")
_THOUSANDS = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


def slugify(text: str, limit: int = 80) -> str:
    """Lowercase ASCII letters, digits and dashes: `Café's +20% NPS` → `cafes-plus-20-percent-nps`.
    Cut at a dash to at most `limit` characters."""
    text = _APOSTROPHE.sub("", text)  # Chen's → chens
    text = _THOUSANDS.sub("", text)  # 1,000 → 1000
    t = text.translate(_FOLD)
    if not t.isascii():  # ASCII has nothing to decompose, no combining marks
        t = unicodedata.normalize("NFKD", t)
        t = "".join(c for c in t if not unicodedata.combining(c))
    t = _NOT_SLUG.sub("-", t.lower()).strip("-")
    if len(t) > limit:
        cut = t[:limit + 1].rfind("-")
        t = t[:cut] if cut > limit // 2 else t[:limit]
        t = t.strip("-")
    return t


# --- values -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NumberText:
    """A number cell taken apart: sign, digits with their separators, scale."""

    negative: bool
    core: str  # digits with `.` and `,` (spaces and apostrophes between groups removed)
    percent: bool
    exponent: int  # from a k / M / bn suffix
    currency: str | None


_CURRENCY_FIRST = re.compile(r"([$€£¥₹]|[A-Z]{3}(?![A-Za-z]))\s*")
_CURRENCY_LAST = re.compile(r"\s*([$€£¥₹]|(?<![A-Za-z])[A-Z]{3})$")
_SUFFIX = re.compile(r"(?<=[0-9.])\s*(k|K|MM|M|Mn|mn|m|bn|Bn|BN|B)\.?$")
_SPACED_DIGITS = re.compile(r"[0-9][ '\u00a0\u202f\u2009’][0-9]")
_BAD_GROUP = re.compile(r"[ '\u00a0\u202f\u2009’](?![0-9]{3}(?:[^0-9]|$))")
_DIGITS = re.compile(r"[0-9][0-9.,]*|[.,][0-9]+")
_DOUBLE_MARK = re.compile(r"[.,]{2}")


def split_number(text: str) -> NumberText | str:
    """A number cell's parts, or why it is not a number."""
    s = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    currency = None
    if s[:1] in "+-":
        negative, s = negative != (s[0] == "-"), s[1:].strip()
    match = _CURRENCY_FIRST.match(s)
    if match:
        currency, s = match.group(1), s[match.end():]
        if s[:1] in "+-":
            negative, s = negative != (s[0] == "-"), s[1:].strip()
    match = _CURRENCY_LAST.search(s)
    if match and currency is None:
        currency, s = match.group(1), s[:match.start()]
    percent = s.endswith("%")
    if percent:
        s = s[:-1].rstrip()
    exponent = 0
    match = _SUFFIX.search(s)
    if match:
        suffix = match.group(1)
        if suffix == "m" and currency is None:
            return "ends in m, which could mean million, minutes or metres: write M for million"
        if percent:
            return "is a percentage with a k/M/bn suffix"
        exponent, s = MULTIPLIERS[suffix], s[:match.start()]
    groups = re.compile(r"[ '\u00a0\u202f\u2009’](?=[0-9]{3}(?:[^0-9]|$))")
    if _SPACED_DIGITS.search(s):
        if _BAD_GROUP.search(s):
            return "is not a number"
        s = groups.sub("", s)
    if not _DIGITS.fullmatch(s) or _DOUBLE_MARK.search(s):
        return "is not a number"
    return NumberText(negative, s, percent, exponent, currency)


def decimal_evidence(core: str) -> str | None:
    """`point` or `comma` when the digits can only be read with that decimal mark,
    None when either reading works (`1,200`, `1.200`) or no mark is used."""
    dots, commas = core.count("."), core.count(",")
    if dots and commas:
        return "point" if core.rfind(".") > core.rfind(",") else "comma"
    if not dots and not commas:
        return None
    mark = "." if dots else ","
    if core.count(mark) > 1:  # a grouping mark
        return "comma" if mark == "." else "point"
    whole, frac = core.split(mark)
    if len(frac) != 3 or whole in ("", "0") or len(whole) > 3:
        return "point" if mark == "." else "comma"
    return None


def number_value(parts: NumberText, mark: str, percent_points: bool) -> tuple[Decimal | None, str | None]:
    """The number, with the file's decimal mark (`point` | `comma`), or why not."""
    decimal, group = (".", ",") if mark == "point" else (",", ".")
    core = parts.core
    if core.count(decimal) > 1:
        return None, f"has {core.count(decimal)} decimal marks ({decimal!r})"
    whole, _, frac = core.partition(decimal)
    if group in frac:
        return None, "has a thousands separator after the decimal mark"
    if group in whole:
        chunks = whole.split(group)
        if not (1 <= len(chunks[0]) <= 3 and all(len(c) == 3 for c in chunks[1:])):
            return None, f"is not grouped in thousands (with the decimal {'comma' if mark == 'comma' else 'point'})"
        whole = "".join(chunks)
    try:
        value = Decimal(f"{whole or '0'}.{frac or '0'}")
    except InvalidOperation:
        return None, "is not a number"
    value = value.scaleb(parts.exponent)
    if parts.percent and not percent_points:
        value = value / 100
    if parts.negative:
        value = -value
    if value == 0:
        value = Decimal(0)
    if len(value.normalize().as_tuple().digits) > 30 or abs(value.adjusted()) > 30:
        return None, "has more digits than a goal can mean"
    return value, None


def number_text(value: Decimal) -> str:
    """The YAML text of a number: positional, no exponent (a YAML 1.1 reader takes `1e3`
    for text), no trailing zeros."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


_MONTHS = {name: i + 1 for i, names in enumerate(
    ("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july", "aug august",
     "sep sept september", "oct october", "nov november", "dec december")) for name in names.split()}
_WEEKDAY = re.compile(r"(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)
_TIME = r"(?:[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC)?)?"
_ISO_DATE = re.compile(rf"(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}}){_TIME}")
_NUMERIC_DATE = re.compile(rf"(\d{{1,2}})([/.-])(\d{{1,2}})\2(\d{{4}}|\d{{2}}){_TIME}")
_DAY_MONTH = re.compile(rf"(\d{{1,2}})(?:st|nd|rd|th)?[ -]([A-Za-z]+)\.?,?[ -](\d{{4}}|\d{{2}}){_TIME}")
_MONTH_DAY = re.compile(rf"([A-Za-z]+)\.?[ -](\d{{1,2}})(?:st|nd|rd|th)?,?[ -](\d{{4}}){_TIME}")


@dataclass(frozen=True, slots=True)
class DateText:
    """A date cell: either certain (`iso`), or day and month in an order to decide."""

    iso: str | None = None
    first: int = 0  # numeric dates: the two numbers before the year, as written
    second: int = 0
    year: int = 0


def split_date(text: str, pattern: str | None = None) -> DateText | str:
    """A date cell's parts, or why it is not a date. With a strptime `pattern`, only that."""
    s = text.strip()
    if pattern:
        try:
            return DateText(dt.datetime.strptime(s, pattern).date().isoformat())
        except ValueError:
            return f"does not match --date-format {pattern}"
    s = _WEEKDAY.sub("", s, count=1) if _WEEKDAY.match(s) else s
    match = _ISO_DATE.fullmatch(s)
    if match:
        return _make_date(int(match.group(1)), int(match.group(3)), int(match.group(4)))
    match = _NUMERIC_DATE.fullmatch(s)
    if match:
        year = _year(match.group(4))
        first, second = int(match.group(1)), int(match.group(3))
        if match.group(2) == ".":  # 31.03.2026: day first wherever dots are used
            return _make_date(year, second, first)
        if first > 12 and second > 12:
            return "is not a date (no month)"
        if first == second:
            return _make_date(year, first, first)
        return DateText(None, first, second, year)
    for regex, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        match = regex.fullmatch(s)
        if match:
            month = _MONTHS.get(match.group(month_group).lower())
            if month is None:
                return f"has no month called {match.group(month_group)!r}"
            return _make_date(_year(match.group(3)), month, int(match.group(day_group)))
    if re.fullmatch(r"\d{5}(\.\d+)?", s):
        return "is a number, not a date (a spreadsheet's day count? format the column as a date before exporting)"
    return "is not a date strat can read (write it as YYYY-MM-DD)"


def date_order_evidence(parts: DateText) -> str | None:
    if parts.iso is not None:
        return None
    return "dmy" if parts.first > 12 else "mdy" if parts.second > 12 else None


def date_value(parts: DateText, order: str | None) -> tuple[str | None, str | None]:
    if parts.iso is not None:
        return parts.iso, None
    if order is None:
        return None, None
    day, month = (parts.first, parts.second) if order == "dmy" else (parts.second, parts.first)
    made = _make_date(parts.year, month, day)
    return (made.iso, None) if isinstance(made, DateText) else (None, made)


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def _make_date(year: int, month: int, day: int) -> DateText | str:
    try:
        return DateText(dt.date(year, month, day).isoformat())
    except ValueError:
        return f"is not a calendar date ({year:04d}, month {month}, day {day})"


def one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()
