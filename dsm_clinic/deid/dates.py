"""Dates as Italian notes write them: parsed, shifted by a number of days, written back in the
same form.

Forms understood (the written form is kept: separators, zero padding, 2- or 4-digit years,
month names full or abbreviated, their casing, a leading weekday, a trailing time):

- numeric day-month-year: 12/03/1956, 12.03.56, 5-3-2021, 5/3/21
- ISO and year-first: 2021-03-05, 2021/03/05
- Italian month names: 5 marzo 2021, 1° marzo 2021, 05-MAR-21, lunedì 5 marzo 2021, 5 marzo
- month and year: marzo 2021, marzo del 2021, 03/2021
- a year alone: 2021

Precision decides how a form is shifted. A day is shifted by the offset. A month-and-year
form is shifted as its 15th day, and the month of the result is written: with offsets of at
least 17 days the month always changes. A year alone moves one year in the offset's direction
(an offset of at most 180 days from 1 July may not leave the year). A form without a year is
shifted within 2001 (2000 for 29 February).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

MONTHS = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
          "settembre", "ottobre", "novembre", "dicembre"]
WEEKDAYS = ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"]
_ABBR = [m[:3] for m in MONTHS]
# A two-digit year up to this one is read as 20yy, above as 19yy. Only 00 (a leap year in one
# century, not the other) depends on it, since the year is written back with two digits.
_PIVOT = 30

_MONTH_WORD = r"[A-Za-zÀ-ÿ]{3,9}\.?"
_WEEKDAY_WORD = r"(?:luned|marted|mercoled|gioved|venerd)(?:ì|i|í)|sabato|domenica"
_TIME = re.compile(r"^(?P<date>.+?)(?P<time>(?:T|,?\s+(?:(?:ore|alle|alle ore|h)\.?\s*)?)"
                   r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)$", re.IGNORECASE)
_DMY = re.compile(r"^(?P<d>\d{1,2})(?P<s1>[/.\-])(?P<m>\d{1,2})(?P<s2>[/.\-])(?P<y>\d{4}|\d{2})$")
_YMD = re.compile(r"^(?P<y>\d{4})(?P<s1>[/.\-])(?P<m>\d{1,2})(?P=s1)(?P<d>\d{1,2})$")
_MY_NUM = re.compile(r"^(?P<m>\d{1,2})(?P<s1>[/.\-])(?P<y>\d{4})$")
_TEXT = re.compile(rf"^(?:(?P<wd>{_WEEKDAY_WORD})(?P<wsep>,?\s+))?(?P<d>\d{{1,2}})(?P<ord>°|º)?"
                   rf"(?P<s1>\s+|-|/)(?P<mon>{_MONTH_WORD})"
                   rf"(?:(?P<s2>\s+|-|/)(?P<y>\d{{4}}|'?\d{{2}}))?$", re.IGNORECASE)
_MY_TEXT = re.compile(rf"^(?P<mon>{_MONTH_WORD})(?P<s1>\s+(?:del\s+|di\s+)?)(?P<y>\d{{4}}|'\d{{2}})$",
                      re.IGNORECASE)
_YEAR = re.compile(r"^(?:19|20)\d{2}$")


def _fold(word: str) -> str:
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()


def month_number(word: str) -> int | None:
    """1-12 for an Italian month name or abbreviation (marzo, Mar., SETT), else None."""
    w = _fold(word).rstrip(".")
    for i, name in enumerate(MONTHS):
        if w == name or w == name[:3] or (i == 8 and w == "sett"):
            return i + 1
    return None


def _like(template: str, word: str) -> str:
    """`word` in the casing pattern of `template` (UPPER, lower or Title)."""
    if template.isupper():
        return word.upper()
    if template.islower():
        return word.lower()
    return word[:1].upper() + word[1:].lower()


def _full_year(y: str) -> int:
    digits = y.lstrip("'")
    if len(digits) == 4:
        return int(digits)
    yy = int(digits)
    return 2000 + yy if yy <= _PIVOT else 1900 + yy


def _year_text(template: str, year: int) -> str:
    if template.startswith("'"):
        return f"'{year % 100:02d}"
    return f"{year % 100:02d}" if len(template) == 2 else f"{year:04d}"


def _num(template: str, value: int) -> str:
    """`value` zero-padded to two digits when the template had two digits."""
    return f"{value:02d}" if len(template) == 2 else str(value)


@dataclass(frozen=True)
class ParsedDate:
    """A date found in a string: its value, precision (day, month, year) and written form."""

    value: dt.date
    precision: str
    form: str
    parts: dict
    time: str = ""
    has_year: bool = True
    valid: bool = True

    def render(self, d: dt.date) -> str:
        """`d` written in this date's form."""
        p = self.parts
        if self.form == "dmy":
            out = (f"{_num(p['d'], d.day)}{p['s1']}{_num(p['m'], d.month)}{p['s2']}"
                   f"{_year_text(p['y'], d.year)}")
        elif self.form == "ymd":
            out = f"{d.year:04d}{p['s1']}{_num(p['m'], d.month)}{p['s1']}{_num(p['d'], d.day)}"
        elif self.form == "my_num":
            out = f"{_num(p['m'], d.month)}{p['s1']}{d.year:04d}"
        elif self.form == "text":
            out = ""
            if p.get("wd"):
                out = _like(p["wd"], WEEKDAYS[d.weekday()]) + p["wsep"]
            if p.get("ord") and d.day == 1:
                day = "1" + p["ord"]
            else:  # a written day is padded only when it starts with 0 (05 marzo)
                day = f"{d.day:02d}" if p["d"].startswith("0") else str(d.day)
            out += day + p["s1"] + self._month(d.month)
            if self.has_year:
                out += p["s2"] + _year_text(p["y"], d.year)
        elif self.form == "my_text":
            out = self._month(d.month) + p["s1"] + _year_text(p["y"], d.year)
        else:  # year
            out = f"{d.year:04d}"
        return out + self.time

    def _month(self, month: int) -> str:
        word = self.parts["mon"]
        bare = word.rstrip(".")
        folded = _fold(bare)
        if folded in MONTHS:
            name = MONTHS[month - 1]
        elif folded == "sett" and month == 9:
            name = "sett"
        else:
            name = _ABBR[month - 1]
        return _like(bare, name) + ("." if word.endswith(".") else "")


def parse_date(text: str, *, lenient: bool = False) -> ParsedDate | None:
    """Parse an Italian date string in one of the module's forms; None when it is not one.

    With `lenient`, a string in a known form holding an impossible date (31/02/2021) is
    returned with `valid=False` and a placeholder value, so a fake date can take its form.
    """
    s = text.strip()
    if s != text:  # spans are trimmed by the analyzer; padding would be lost on rendering
        return None
    parsed = _parse_plain(s)
    if parsed is None:
        m = _TIME.match(s)
        if m:
            inner = _parse_plain(m.group("date"))
            if inner is not None:
                parsed = ParsedDate(inner.value, inner.precision, inner.form, inner.parts,
                                    m.group("time"), inner.has_year, inner.valid)
    if parsed is not None and not parsed.valid and not lenient:
        return None
    return parsed


def _date(y: int, m: int, d: int) -> tuple[dt.date, bool]:
    try:
        return dt.date(y, m, d), True
    except ValueError:
        return dt.date(2001, 1, 1), False


def _parse_plain(s: str) -> ParsedDate | None:
    m = _DMY.match(s)
    if m:
        value, ok = _date(_full_year(m["y"]), int(m["m"]), int(m["d"]))
        return ParsedDate(value, "day", "dmy", m.groupdict(), valid=ok)
    m = _YMD.match(s)
    if m:
        value, ok = _date(int(m["y"]), int(m["m"]), int(m["d"]))
        return ParsedDate(value, "day", "ymd", m.groupdict(), valid=ok)
    m = _MY_NUM.match(s)
    if m:
        value, ok = _date(int(m["y"]), int(m["m"]), 15)
        return ParsedDate(value, "month", "my_num", m.groupdict(), valid=ok)
    m = _TEXT.match(s)
    if m and month_number(m["mon"]):
        parts = {k: (v or "") for k, v in m.groupdict().items()}
        has_year = bool(m["y"])
        day, month = int(m["d"]), month_number(m["mon"])
        year = _full_year(m["y"]) if has_year else (2000 if (day, month) == (29, 2) else 2001)
        value, ok = _date(year, month, day)
        return ParsedDate(value, "day", "text", parts, has_year=has_year, valid=ok)
    m = _MY_TEXT.match(s)
    if m and month_number(m["mon"]):
        value, ok = _date(_full_year(m["y"]), month_number(m["mon"]), 15)
        return ParsedDate(value, "month", "my_text", m.groupdict(), valid=ok)
    if _YEAR.match(s):
        return ParsedDate(dt.date(int(s), 7, 1), "year", "year", {})
    return None


def shift_parsed(parsed: ParsedDate, days: int) -> str:
    """The parsed date moved by `days` (see the module docstring), in its own form."""
    if parsed.precision == "year":
        step = 1 if days > 0 else -1 if days < 0 else 0
        return parsed.render(parsed.value.replace(year=parsed.value.year + step))
    return parsed.render(parsed.value + dt.timedelta(days=days))


def shift_date_text(text: str, days: int) -> str | None:
    """`text` shifted by `days` and written in the same form; None when it is not a date."""
    parsed = parse_date(text)
    return None if parsed is None else shift_parsed(parsed, days)
