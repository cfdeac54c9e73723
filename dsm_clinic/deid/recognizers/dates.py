"""Dates as Italian notes write them: 12/03/1956, 12.03.56, 5-3-2021, 2021-03-05, 2021/03/05,
5 marzo 2021, 1° marzo 2021, 05-MAR-21, marzo 2021, marzo del 2021, 03/2021, and a day with
a month and no year ("il 5 marzo", "il 12/03") when a preposition says it is a date.

A year alone is not a date (the corpus convention: "diagnosticata nel 2013" keeps its year),
nor are lab values, times or fractions that look like day.month: "Hb 12.3", "ore 10.30" and
"1/2 cp" carry no date word before them. A day.month that ends a heading after a dash
("Consegne - pomeriggio -> notte - 13.10") is the heading's date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dsm_clinic.deid.recognizers.base import TextRecognizer, left_context

_MONTHS = ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre")
_ABBR = ("genn?", "febb?r?", "mar", "apr", "magg?", "giu", "lug", "ago", "sett?", "ott",
         "nov", "dic")
_MONTH = r"(?:" + "|".join(_MONTHS) + r")"
_MONTH_ABBR = r"(?:" + "|".join(_ABBR) + r")\.?"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MON = r"(?:0?[1-9]|1[0-2])"
_YEAR = r"(?:1[89]\d{2}|2[01]\d{2})"
_YEAR_ANY = r"(?:1[89]\d{2}|2[01]\d{2}|'?\d{2})"

_PATTERNS: list[tuple[re.Pattern, float]] = [
    # day-month-year with one separator repeated: 12/03/1956, 12.03.56, 5-3-2021
    (re.compile(rf"(?<![\w./-]){_DAY}(?P<sep>[./-]){_MON}(?P=sep)(?:{_YEAR}|\d{{2}})(?![\w]|[./-]\d)"),
     0.85),
    # year first: 2021-03-05, 2021/03/05
    (re.compile(rf"(?<![\w./-]){_YEAR}(?P<sep>[-/.]){_MON}(?P=sep){_DAY}(?![\w]|[./-]\d)"), 0.85),
    # day month-name year: 5 marzo 2021, 1° marzo '21, 05-MAR-21, 5 mar. 2021
    (re.compile(rf"(?<!\w)(?:{_DAY}|1°|1º)(?:\s+|-|/)(?:{_MONTH}|{_MONTH_ABBR})(?:\s+|-|/)"
                rf"(?:del\s+)?{_YEAR_ANY}(?!\w)", re.IGNORECASE), 0.85),
    # month-name year: marzo 2021, marzo del 2021, mar. 2021
    (re.compile(rf"(?<!\w)(?:{_MONTH}|{_MONTH_ABBR})\s+(?:del\s+|'|’)?{_YEAR}(?!\w)", re.IGNORECASE),
     0.7),
    (re.compile(rf"(?<!\w){_MONTH}\s+['’]\d{{2}}(?!\w)", re.IGNORECASE), 0.7),
    # month/year: 03/2021
    (re.compile(rf"(?<![\w./-])(?:0[1-9]|1[0-2]|[1-9])[/.-]{_YEAR}(?![\w]|[./-]\d)"), 0.6),
    # day month-name without a year: 5 marzo, 1° marzo (the month name is enough context)
    (re.compile(rf"(?<![\w./])(?:{_DAY}|1°|1º)\s+{_MONTH}(?!\w)", re.IGNORECASE), 0.7),
]
# day/month without a year: only after a word that introduces a date.
_DAY_MONTH = re.compile(rf"(?<![\w./,-]){_DAY}(?P<sep>[./]){_MON}(?![\w]|[./,-]\d)")
_DATE_WORDS = {"il", "dal", "al", "del", "dall'", "all'", "data", "giorno", "entro", "fino",
               "da", "in", "ed", "e", "ricoverato", "ricoverata", "visto", "vista", "controllo",
               "dimesso", "dimessa", "nato", "nata", "eseguito", "eseguita", "effettuato",
               "effettuata", "ingresso", "dimissione", "del:", "data:", "il:", "notte", "turno",
               "mattina", "pomeriggio", "sera", "giornata", "diario", "oggi", "ieri", "domani",
               "prelievo", "visita", "accesso"}
_LINE_END = re.compile(r"[ \t]*(?:\n|\Z)")
_NOT_DATE_BEFORE = {"ore", "h", "h.", "alle", "dalle", "hb", "pa", "fc", "inr", "pcr", "k",
                    "na", "glicemia", "creatinina", "ph", "hco3", "ratio", "rapporto"}


class ItalianDateRecognizer(TextRecognizer):
    ENTITY = "DATA"
    NAME = "ItalianDateRecognizer"
    VERSION = "2"

    def find(self, text: str) -> Iterator[tuple[int, int, float]]:
        taken: list[tuple[int, int]] = []
        for pattern, score in _PATTERNS:
            for m in pattern.finditer(text):
                s, e = m.span()
                if any(s < te and ts < e for ts, te in taken):
                    continue  # a longer form already holds this text
                taken.append((s, e))
                yield s, e, score
        for m in _DAY_MONTH.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            left = left_context(text, s, n=2)
            if not left or left[-1] in _NOT_DATE_BEFORE:
                continue
            if left[-1] in _DATE_WORDS or left[-1].endswith("'") and left[-1] in _DATE_WORDS:
                yield s, e, 0.6
            elif left[-1] in ("-", "–") and _LINE_END.match(text, e) and \
                    re.fullmatch(r"\d\d[./]\d\d", m.group()):
                yield s, e, 0.5
