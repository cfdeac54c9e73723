"""Dates as Italian notes write them: 12/03/1956, 12.03.56, 5-3-2021, 2021-03-05, 2021/03/05,
5 marzo 2021, 1° marzo 2021, 05-MAR-21, marzo 2021, marzo del 2021, 03/2021, and a day with
a month and no year ("il 5 marzo", "il 12/03") when a preposition says it is a date.

Also Roman-numeral months (1.II.2024, 2/III/24), a day/month written as a table cell ("| 11/3 |")
or before a clock time ("12/6 07:58", the lines of a message log), a day alone that stands
for a date ("il 2 u.s.", "dal 3 all'11 febbraio", "tra il 27 e il 28/01") and dates spelled
out as in dictation ("il quattro settembre millenovecentonovantadue").

A year alone is not a date (the corpus convention: "diagnosticata nel 2013" keeps its year),
nor are lab values, times or fractions that look like day.month: "Hb 12.3", "ore 10.30" and
"1/2 cp" carry no date word before them. A day.month that ends a heading after a dash
("Consegne - pomeriggio -> notte - 13.10") is the heading's date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dsm_clinic.deid.recognizers.base import TextRecognizer, column_cells, left_context

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
    (re.compile(rf"(?<!\w)(?:{_DAY}|1°|1º)(?:[ \t]+|-|/)(?:{_MONTH}|{_MONTH_ABBR})(?:[ \t]+|-|/)"
                rf"(?:del[ \t]+)?{_YEAR_ANY}(?!\w)", re.IGNORECASE), 0.85),
    # month-name year: marzo 2021, marzo del 2021, mar. 2021
    (re.compile(rf"(?<!\w)(?:{_MONTH}|{_MONTH_ABBR})\s+(?:del\s+|'|’)?{_YEAR}(?!\w)", re.IGNORECASE),
     0.7),
    (re.compile(rf"(?<!\w){_MONTH}\s+['’]\d{{2}}(?!\w)", re.IGNORECASE), 0.7),
    # month/year: 03/2021
    (re.compile(rf"(?<![\w./-])(?:0[1-9]|1[0-2]|[1-9])[/.-]{_YEAR}(?![\w]|[./-]\d)"), 0.6),
    # day and abbreviated month with its dot, no year: "12 sett.", "3 genn."
    # ("sett." and "mar." also abbreviate settimane and martedì: "40+3 sett.")
    (re.compile(rf"(?<![\w./+])(?:{_DAY}|1°|1º)\s+(?:genn?|febb?r?|apr|magg?|giu|lug|ago|ott|nov|"
                r"dic)\.(?!\w)", re.IGNORECASE), 0.6),
    # day and abbreviated month in a table or list, no dot: "| 7 feb |", "12 gen,"
    (re.compile(r"(?:(?<![\w./])|(?<=\s\d/)|(?<=\s\d\d/))(?:0?[1-9]|[12]\d|3[01])\s+(?:gen|feb|febr|mar|apr|"
                r"mag|giu|lug|ago|set|ott|nov|dic)(?![\w.])", re.IGNORECASE), 0.55),
    # day and abbreviated month joined by a hyphen, no year: "28-feb", "3-MAR"
    (re.compile(r"(?<![\w./-])(?:0?[1-9]|[12]\d|3[01])-(?:gen|feb|mar|apr|mag|giu|lug|ago|set|ott|"
                r"nov|dic)(?![\w.-])", re.IGNORECASE), 0.55),
    # French: "03 janvier 2024", "1er août", "en février 2024" ("mars" and "mai" need a day or year)
    (re.compile(r"(?<![\w./])(?:(?:0?[1-9]|[12]\d|3[01]|1er)\s+)?(?:janvier|février|fevrier|avril|"
                r"juin|juillet|août|aout|septembre|octobre|décembre)"
                r"(?:\s+(?:1[89]\d{2}|2[01]\d{2}))?(?!\w)"), 0.6),
    (re.compile(r"(?<![\w./])(?:(?:0?[1-9]|[12]\d|3[01]|1er)\s+)?(?:mars|mai)\s+(?:1[89]\d{2}|2[01]\d{2})(?!\w)"
                r"|(?<![\w./])(?:0?[1-9]|[12]\d|3[01]|1er)\s+(?:mars|mai)(?!\w)"), 0.6),
    # German (South Tyrol): "15. März 2024", "am 3. Jänner"
    (re.compile(r"(?<![\w.])(?:0?[1-9]|[12]\d|3[01])\.\s?(?:Jänner|Januar|Februar|Feber|März|April|"
                r"Mai|Juni|Juli|August|September|Oktober|November|Dezember)(?:\s+\d{4})?(?!\w)"),
     0.7),
    # a German month and year: "Bruneck, Oktober 2024" ("Mai" and "April" are Italian enough)
    (re.compile(r"(?<![\w.])(?:Jänner|Januar|Februar|Feber|März|Juni|Juli|Oktober|Dezember)\s+"
                r"(?:19|20)\d\d(?!\w)"), 0.7),
    # abbreviated month and two-digit year: "mar-24", "sett/23"
    (re.compile(r"(?<![\w./-])(?:" + "|".join(_ABBR) + r")[-/](?:\d{2}|(?:19|20)\d{2})(?![\w/.-])",
                re.IGNORECASE), 0.55),
    # day month-name without a year: 5 marzo, 1° marzo (the month name is enough context)
    # ("13/14 luglio": the second day of a night shift)
    (re.compile(rf"(?:(?<![\w./])|(?<=\s\d/)|(?<=\s\d\d/))(?:{_DAY}|1°|1º)\s+{_MONTH}(?!\w)",
                re.IGNORECASE), 0.7),
]
# a year written with an apostrophe: "26/2/'24"
_PATTERNS.append((re.compile(rf"(?<![\w./-]){_DAY}/{_MON}/['’]\d{{2}}(?![\w/])"), 0.8))
# a compact day, month and year as triage systems print them: "03MAR25", "5GEN2024", "12mar24"
_PATTERNS.append((re.compile(
    rf"(?<![\w]){_DAY}(?-i:GEN|FEB|MAR|APR|MAG|GIU|LUG|AGO|SET|OTT|NOV|DIC|JAN|MAY|JUN|JUL|AUG|"
    rf"SEP|OCT|DEC|gen|feb|mar|apr|mag|giu|lug|ago|sett?|ott|nov|dic)(?:{_YEAR}|\d{{2}})(?!\w)"),
    0.7))
# an English day alone: "on the 23rd"
_PATTERNS.append((re.compile(r"(?<=\b[Tt]he )(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)(?!\w)"), 0.6))
_ROMAN = r"(?:XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"
_PATTERNS.insert(1, (re.compile(
    rf"(?<![\w./-]){_DAY}(?P<sep>[./ -]){_ROMAN}(?P=sep)(?:{_YEAR}|\d{{2}})(?![\w]|[./-]\d)"), 0.85))
_ENGLISH_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|"
                  r"November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?)")
_PATTERNS.append((re.compile(
    rf"(?<![\w./])(?:{_DAY})(?:st|nd|rd|th)?\s+{_ENGLISH_MONTH}(?:,?\s+{_YEAR})?(?!\w)"), 0.7))
_PATTERNS.append((re.compile(
    rf"(?<!\w){_ENGLISH_MONTH}\s+{_DAY}(?:st|nd|rd|th)?,?\s+{_YEAR}(?!\w)"), 0.7))
_DAY_WORDS = ("primo|uno|due|tre|quattro|cinque|sei|sette|otto|nove|dieci|undici|dodici|tredici|"
              "quattordici|quindici|sedici|diciassette|diciotto|diciannove|venti|ventuno|ventidue|"
              "ventitr[eé]|ventiquattro|venticinque|ventisei|ventisette|ventotto|ventinove|"
              "trenta|trentuno")
_YEAR_WORDS = r"(?:millenovecento|millenove|duemila)[a-zàèéìòù]*"
_PATTERNS.append((re.compile(
    rf"(?<!\w)(?:(?:{_DAY_WORDS})\s+{_MONTH}|{_MONTH})(?:\s+(?:del\s+)?{_YEAR_WORDS})(?!\w)",
    re.IGNORECASE), 0.7))
_PATTERNS.append((re.compile(rf"(?<!\w)(?:{_DAY_WORDS})\s+{_MONTH}(?!\w)", re.IGNORECASE), 0.65))
# "il giorno 2 di Agosto", "ventinove del mese di febbraio dell'anno duemilaventiquattro"
_PATTERNS.insert(0, (re.compile(
    rf"(?<![\w./])(?:{_DAY}|{_DAY_WORDS})\s+(?:di|del\s+mese\s+di)\s+{_MONTH}"
    rf"(?:\s+(?:dell['’]anno\s+|del\s+)?(?:{_YEAR}|{_YEAR_WORDS}))?(?!\w)", re.IGNORECASE), 0.7))
# a day spelt out and a year in digits: "li ventitré agosto 2024"
_PATTERNS.insert(0, (re.compile(rf"(?<!\w)(?:{_DAY_WORDS})[ \t]+{_MONTH}[ \t]+(?:del[ \t]+)?{_YEAR}(?!\w)",
                                re.IGNORECASE), 0.7))
# a range of months and its year: "(luglio-agosto 2023)", "periodo luglio-settembre 2023"
_PATTERNS.insert(0, (re.compile(rf"(?<!\w){_MONTH}[ \t]*[-–/][ \t]*{_MONTH}[ \t]+{_YEAR}(?!\w)",
                                re.IGNORECASE), 0.7))
# misspelt months in notes typed in a hurry: "7 febraio", "3 setembre"
_PATTERNS.append((re.compile(
    rf"(?<![\w./])(?:{_DAY})\s+(?:febraio|febbrario|setembre|otobre|novenbre|dicenbre|genaio|"
    r"aprle|giuglio|lulio|agusto)(?:\s+\d{4})?(?!\w)", re.IGNORECASE), 0.6))
# day/month (maybe with a year) in a table cell, at a line start before a dash, or before a
# clock time: "| 11/3 |", "12/6 07:58 - Luisa:", "11/3 ore 20".
_CELL_DAY_MONTH = re.compile(
    rf"(?:(?<=\|)|(?<=\t)|(?<=\|[ \t])|(?<=^)|(?<=\n))[ \t]*(?P<d>{_DAY}/{_MON})"
    r"(?=[ \t]*(?:\||\t|\n|\Z|[-–:][ \t]|(?:ore|h\.?)?[ \t]*\d{1,2}[:.]\d{2}(?!\d)|ore[ \t]+\d))")
# At a line start before a dash or a time ("3.4 - presa in carico"), or after one word as a
# diary heading ("marti 6/2", "joi 8.02"; a lab value "Hb 12.3" has a one-digit decimal).
_LINE_DAY_MONTH = re.compile(
    rf"(?m)^[ \t]*(?:(?P<d>{_DAY}[./]{_MON}|(?:0[1-9]|[12]\d|3[01])-(?:0[1-9]|1[0-2])|"
    rf"{_DAY}-{_MON}(?=[ \t]+(?:h|ore)?[ \t.]*\d{{1,2}}[:.]\d{{2}}))\.?(?=[ \t]*(?:[-–:][ \t]|ore[ \t]|h[ \t.]?\d|"
    r"\d{1,2}[:.]\d{2}))"
    rf"|(?P<w>[A-Za-zà-ù]{{2,12}})\.?[ \t]+(?P<d2>{_DAY}/{_MON}|{_DAY}\.\d\d)\.?[ \t]*$)")
_BRACKET_DAY_MONTH = re.compile(rf"\((?P<d>(?:(?:[0-2]\d|3[01])/{_MON}|{_DAY}/(?:0[1-9]|1[0-2])|"
                                r"(?:0[1-9]|[12]\d|3[01])\.(?:0[1-9]|1[0-2])))\)")
# A month and a two-digit year of these decades in brackets: "Fondo oculare (11/23)", "MOC (2/24)".
_BRACKET_MONTH_YEAR = re.compile(r"\((?P<d>(?:0?[1-9]|1[0-2])/(?:1[5-9]|2\d))\)")
# A law's number looks like a month and year: "L.R. 11/1985", "D.Lgs. 81/2008".
# Each law word starts a word: "mart. 5/11/2024" is a Tuesday, not "art.".
_LAW_BEFORE = re.compile(r"(?<![^\W\d_])(?i:l\.|l\.\s?r\.|legge|d\.\s?lgs\.?|dlgs|d\.p\.r\.|dpr|"
                         r"d\.m\.|dm|dpcm|art\.)\s*\Z")
_TIME_AFTER = re.compile(rf"(?<![\w./,-])(?P<d>{_DAY}/{_MON})[ \t]+(?:(?:ore[ \t]+|h\.?[ \t]*)?"
                         r"\d{1,2}[:.]\d{2}(?!\d)|h[ \t]?\d{1,2}(?![\d.,:/]))")
# A day alone that stands for a date: "il 2 u.s.", "il 17 c.m.", "il 5 scorso".
_DAY_ALONE = re.compile(
    rf"(?<!\w)(?:il|l['’]|dal|del|al|entro\s+il|fino\s+al)\s+(?P<d>{_DAY})°?\s+(?=(?:u\.\s?s\.|c\.\s?m\.|"
    r"p\.\s?v\.|m\.\s?s\.|scorso|corrente|successivo|seguente|stesso\s+mese|u\.s(?!\w)|c\.m(?!\w)|"
    r"us(?!\w)|cm(?!\w)))", re.IGNORECASE)
# The first day of a range or list before a date: "dal 3 all'11 febbraio", "il 3 e il 5/03".
_DAY_BEFORE_DATE = re.compile(
    rf"(?<![\w./])(?P<d>{_DAY})°?[ \t]*(?:,|e(?:[ \t]+(?:il|l['’]))?|ed|-|–|al|all['’]|a|e[ \t]+poi|(?P<or>o|/))[ \t]*\Z",
    re.IGNORECASE)
_RANGE_WORD = re.compile(r"(?:\b(?:il|dal|del|tra\s+il|fra\s+il|dall['’]|giorni|nei\s+giorni|l['’])|,|(?<!\w)e)"
                         r"[ \t]*\Z", re.IGNORECASE)
# A compact date after a date word: "Data di nascita: 19350402".
_COMPACT = re.compile(r"(?i:data|nascita|nato|nata|dob|del|dal|il)\b[^\n\d]{0,14}"
                      r"(?P<d>(?<!\d)(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d))")
# A day alone after a weekday or a date-introducing word, before punctuation or a time:
# "lunedì 29 il laboratorio", "il 25 è festa", "Controllo il 21 con esami", "fino al 6.".
_WEEKDAY = (r"(?:lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica|lunedi|martedi|"
            r"mercoledi|giovedi|venerdi)")
_DAY_AFTER_WORD = re.compile(
    rf"(?<!\w)(?:(?P<wd>{_WEEKDAY}|(?:lun|mar|mer|gio|ven|sab|dom)\.?)|(?P<prep>il\s+giorno|giorno|il|del|dal|al|entro\s+il|fino\s+al|a\s+partire\s+dal))\s+"
    rf"(?P<d>{_DAY})(?!\w|[.,]\d|\s*(?:%|°|/|-\d|mg|ml|g\b|kg|anni|mesi|giorni|settimane|ore\b|volte|"
    r"cp|cpr|compresse|fiale|gocce|ui|unità|cicli|dosi|punti|cm|mm))"
    r"(?P<after>\s*(?:[.;:)|]|,(?!\d)|\s\((?!\d)|\s(?:è|e\s+il|con|per|alle|ore|h\b|mattina|pomeriggio|sera|"
    r"(?:trasferit|dimess|ricoverat|rientrat|operat|sottopost|visitat|ripetut)[oaie]\b|"
    r"notte|il\s+laboratorio|riapre|chiuso|chiusa|in\s+mattinata|e\s+(?!\d))))?", re.IGNORECASE)
# Ranges of day/month: "10/4-18/4", "20-21/09".
_SLASH_RANGE = re.compile(rf"(?<![\w./,+-])(?P<d>{_DAY}(?:/{_MON})?)-(?P<d2>{_DAY}/{_MON}(?:/(?:\d{{4}}|\d{{2}}))?)"
                          r"(?![\w/]|[.,]\d)")
# A date written with spaces: "28 / 04 / 1979", "Data parto precedente: 14 04 2020".
_SPACED_DATE = re.compile(rf"(?<![\w./])(?P<d>{_DAY}[ ]/[ ]{_MON}[ ]/[ ](?:{_YEAR}|\d{{2}}))(?![\w/])|"
                          rf"(?i:data|nascita|nat[oa]|parto|il)\b[^\n\d]{{0,14}}(?P<d2>(?<!\d)(?:0[1-9]|[12]\d|3[01])[ ]"
                          rf"(?:0[1-9]|1[0-2])[ ]{_YEAR})(?!\d)|"
                          rf"(?i:data|nascita|nat[oa]|dob)\b[^\n\d]{{0,14}}(?P<d3>(?<!\d)(?:0[1-9]|[12]\d|3[01])"
                          rf"(?:0[1-9]|1[0-2])(?:19|20)\d{{2}})(?!\d)")
# Two days alone joined by "e" or "o" after a date word: "il 12 e 13, trattato con".
_TWO_DAYS = re.compile(
    rf"(?<!\w)(?:il|dal|nei\s+giorni|giorni|tra\s+il|fra\s+il)\s+(?P<d>{_DAY})\s+(?:e|o|ed)\s+(?:il\s+)?"
    rf"(?P<d2>{_DAY})(?=\s*[,.;)]|\s+(?:mattina|sera|notte|pomeriggio|successiv|seguent|u\.\s?s|c\.\s?m|"
    r"scorsi|sono|è|con|per))", re.IGNORECASE)
# A date column of a table or CSV export ("data_nascita;...", "| Data | Ora |"), any shape.
_DATE_HEADER = re.compile(r"data|data[_ ]\w+|\w+_data|nat[oa]_il|nascita|dob|scadenza|giorno|"
                          r"data di \w+|date|birth_date|data_nascita")
_DATE_CELL = re.compile(
    rf"[ \t\"']*(?P<d>{_DAY}[./-]{_MON}(?:[./-](?:{_YEAR}|\d{{2}}))?|{_YEAR}-{_MON}-{_DAY}|"
    r"(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?:[ T]\d{1,2}[:.]\d{2}(?::\d{2})?)?[ \t\"']*")
# A day and a Roman-numeral month without a year: "3/VI h 02.10", "del 2/VI".
_ROMAN_DAY_MONTH = re.compile(rf"(?<![\w./-])(?P<d>{_DAY}/{_ROMAN})(?![\w/-]|\.\w)")
# A day/month with a slash anywhere, unless a score, a dose or a fraction: "(ultima dose
# 11/2 ore 20)", "caduta notturna 13/2", "26/06: colinesterasi".
_SLASH_DAY_MONTH = re.compile(
    rf"(?<![\w./,+-])(?P<d>{_DAY}/{_MON})(?![\w/]|[.,-]\d|\s*(?:del|dei|delle|degli|di|mg|ml|cp|"
    r"cpr|compress\w*|fiale|gtt|ui|die|dose|dosi|visite|sedute|cicli|volte|anni|mesi|giorni|"
    r"settimane|ora|%|mm|cm|kg|bilateral\w*|oo|od|os)(?!\w))")
# An examination before a day/month names its date, acronym or not: "ECG 29/01", "Ecocardio
# TT (5/1)", "ERCP (07/05, endoscopista", "UM 14/02", "Ecografia cerebrale (20.06, 11.07)".
_EXAM_BEFORE = re.compile(
    r"(?i:\b(?:ecg|ega|eco|ecografia|ecocardio|ecocardiogramma|ett|tc|tac|rx|rm|rmn|eeg|emg|ercp|"
    r"egds|colonscopia|gastroscopia|pet|moc|um|ogtt|holter|spirometria|doppler|ecodoppler|"
    r"coronarografia|angio-?tc|emocolture|urinocoltura|tampone|biopsia|esami|emocromo|"
    r"dea|obi|dh))"
    r"(?:[ \t]+(?:[A-Z]{2,4}|[a-zà-ù]{4,12}))?[ \t]*\(?[ \t]*\Z")
# Two-digit day and month, one with a leading zero or a day over 12: "05/03", "21/08".
_PADDED_DAY_MONTH = re.compile(r"(?:0[1-9]|1[3-9]|2\d|3[01])/(?:0[1-9]|1[0-2])|1[0-2]/0[1-9]")
_VISUS_BEFORE = re.compile(r"(?i:\b(?:od|os|oo|vod|vos|av|visus|acuit[àa]|naso)\b)[ \t:=]*\Z")
# After a date in a list: "(20.06, 11.07)", "05/03 e 07/03".
_LIST_AFTER_DATE = re.compile(r"[ \t]*(?:,|e|ed)[ \t]*\Z")
_SCORE_BEFORE = re.compile(
    r"(?i:forza|punteggio|score|scala|grado|classe|stadio|rapporto|ratio|frazione|adl|iadl|"
    r"katz|lawton|tinetti|barthel|mrc|gcs|nihss|mmse|moca|apgar|vas|nrs|ecog|nyha|lotto|"
    r"elementi|prelievi|frustoli|linfonodi|positivi|punti|items|quadranti|p?n\d\w?|pn|in|"
    r"sistolico|diastolico|soffio|snellen|visus|aderenza|acuit[àa]|ottotipo|olio|fio2)"
    r"[ \t]*[:=(]?[ \t]*\Z|(?<![A-Z])(?!(?:NOTTE|TURNO|MATTINA|MATTINO|POMERIGGIO)\b)[A-Z]{2,}[ \t]*\(?[ \t]*\Z|"
    r"\d[ \t]*[x×][ \t]*\Z|\)[ \t]*\Z")
# day/month without a year: only after a word that introduces a date.
_DAY_MONTH = re.compile(rf"(?<![\w./,-]){_DAY}(?P<sep>[./]){_MON}(?![\w]|[./,-]\d)")
_DATE_WORDS = {"il", "dal", "al", "del", "dall'", "all'", "data", "giorno", "entro", "fino",
               "da", "in", "ed", "e", "ricoverato", "ricoverata", "visto", "vista", "controllo",
               "dimesso", "dimessa", "nato", "nata", "eseguito", "eseguita", "effettuato",
               "effettuata", "ingresso", "dimissione", "del:", "data:", "il:", "notte", "turno",
               "mattina", "pomeriggio", "sera", "giornata", "diario", "oggi", "ieri", "domani",
               "prelievo", "visita", "accesso", "posizionato", "posizionata", "rimosso",
               "rimossa", "inserito", "inserita", "sostituito", "sostituita", "appuntamento",
               "appuntamento:", "prossimo", "scadenza", "dell'", "nell'", "sabato", "domenica",
               "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "lunedi", "martedi",
               "mercoledi", "giovedi", "venerdi", "lun", "mar", "mer", "gio", "ven", "sab", "dom",
               "lun.", "mar.", "mer.", "gio.", "ven.", "sab.", "dom.", "ricovero", "intervento",
               "esame", "esami", "seduta", "rientro", "partenza", "arrivo", "dell", "nell", "dall",
               "all", "from", "since", "on", "until", "seit", "am", "vom", "bis", "ab"}
_DECIMAL_LIST = re.compile(r"\d[.,]\d+[ \t]*(?:e|ed|,|-)[ \t]*\Z")  # "3.6 e 3.7": tooth numbers
# "ciclo 4 del 6", "punteggio 12 al 6": a count or a score, not a day
_NOT_DAY_BEFORE = re.compile(r"(?:\d|\bn\.)\s*\Z")
_TOOTH = re.compile(r"[1-8]\.[1-8]")  # "al 3.7": a tooth (FDI numbering), not 3 July
_DAY_BEFORE_TOOTH = {"il", "lun", "mar", "mer", "gio", "ven", "sab", "dom", "lun.", "mar.", "mart.",
                     "mer.", "merc.", "gio.", "giov.", "ven.", "sab.", "dom."}
_DENTAL = re.compile(r"(?i:dent|estratt|estrazion|gengiv|carie|odont|elemento|endodon|protesi)")
_LINE_END = re.compile(r"[ \t]*(?:\n|\Z)")
# A day.month before an hour or a shift: "(24.6 h 11, sala 2)", "04.11 NOTTE – riposo".
_HOUR_OR_SHIFT_AFTER = re.compile(r"[ \t]+(?:h\.?[ \t]?\d{1,2}(?![\d:/]|[.,]\d)|(?i:notte|mattina|pomeriggio)\b)")
_NOT_DATE_BEFORE = {"ore", "h", "h.", "alle", "dalle", "hb", "pa", "fc", "inr", "pcr", "k",
                    "na", "glicemia", "creatinina", "ph", "hco3", "ratio", "rapporto"}


class ItalianDateRecognizer(TextRecognizer):
    ENTITY = "DATA"
    NAME = "ItalianDateRecognizer"
    VERSION = "7"

    def find(self, text: str) -> Iterator[tuple[int, int, float]]:
        taken: list[tuple[int, int]] = []
        laws: list[tuple[int, int]] = []
        for pattern, score in _PATTERNS:
            for m in pattern.finditer(text):
                s, e = m.span()
                if any(s < te and ts < e for ts, te in taken):
                    continue  # a longer form already holds this text
                if _LAW_BEFORE.search(text, max(0, s - 10), s):
                    laws.append((s, e))  # "L.R. 11/1985", "DPCM 12 gennaio 2017": a law
                    continue
                if any(s < le and ls < e for ls, le in laws):
                    continue
                taken.append((s, e))
                yield s, e, score
        for m in _DAY_AFTER_WORD.finditer(text):
            s, e = m.span("d")
            if m.group("after") and m.group("after").strip().startswith(",") and \
                    m.group("prep") and m.group("prep").lower() in ("al", "del", "dal"):
                continue  # "aumentato al 6, poi": a dose
            on_day = (m.group("prep") or "").lower().split()[-2:] == ["il", "giorno"] and \
                not re.match(r"\s+(?:di|del|dopo|post|dall)", text[e:e + 6])  # "il giorno 2 di terapia"
            if (m.group("wd") or m.group("after") or on_day) and \
                    not any(s < te and ts < e for ts, te in taken) and \
                    not _NOT_DAY_BEFORE.search(text, max(0, m.start() - 24), m.start()):
                taken.append((s, e))
                yield s, e, 0.5
        for m in _TWO_DAYS.finditer(text):
            if _NOT_DAY_BEFORE.search(text, max(0, m.start() - 24), m.start()):
                continue
            for group in ("d", "d2"):
                s, e = m.span(group)
                if not any(s < te and ts < e for ts, te in taken):
                    taken.append((s, e))
                    yield s, e, 0.5
        for pattern, groups in ((_SLASH_RANGE, ("d", "d2")), (_SPACED_DATE, ("d", "d2", "d3"))):
            for m in pattern.finditer(text):
                for group in groups:
                    if m.group(group) is None:
                        continue
                    s, e = m.span(group)
                    if not any(s < te and ts < e for ts, te in taken) and (
                            not _SCORE_BEFORE.search(text, max(0, m.start() - 16), m.start())
                            or _EXAM_BEFORE.search(text, max(0, m.start() - 40), m.start())):
                        taken.append((s, e))
                        yield s, e, 0.55
        for m in _COMPACT.finditer(text):
            s, e = m.span("d")
            if not any(s < te and ts < e for ts, te in taken):
                taken.append((s, e))
                yield s, e, 0.6
        for start, line, (a, b) in column_cells(text, _DATE_HEADER):
            m = _DATE_CELL.fullmatch(line, a, b)
            if m is not None:
                s, e = start + m.start("d"), start + m.end("d")
                if not any(s < te and ts < e for ts, te in taken):
                    taken.append((s, e))
                    yield s, e, 0.6
        for m in _BRACKET_MONTH_YEAR.finditer(text):
            s, e = m.span("d")
            if not any(s < te and ts < e for ts, te in taken) and (
                    not _SCORE_BEFORE.search(text, max(0, m.start() - 16), m.start() + 1)
                    or _EXAM_BEFORE.search(text, max(0, m.start() - 40), m.start() + 1)):
                taken.append((s, e))  # (not a lymph-node count: "pN1a (2/14)")
                yield s, e, 0.5
        for pattern in (_CELL_DAY_MONTH, _TIME_AFTER, _DAY_ALONE, _LINE_DAY_MONTH, _BRACKET_DAY_MONTH,
                        _ROMAN_DAY_MONTH):
            for m in pattern.finditer(text):
                group = "d2" if pattern is _LINE_DAY_MONTH and m.group("d") is None else "d"
                if group == "d2" and m.group("w").lower() in _NOT_DATE_BEFORE:
                    continue
                s, e = m.span(group)
                if not any(s < te and ts < e for ts, te in taken):
                    taken.append((s, e))
                    yield s, e, 0.6
        for m in _DAY_MONTH.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            left = left_context(text, s, n=3)
            if left[-1:] == [":"]:
                left = left[:-1]  # "Prossimo appuntamento: 24/5"
            if any(te <= s and _LIST_AFTER_DATE.fullmatch(text, te, s) and
                   re.fullmatch(r"\d{1,2}[./]\d{1,2}", text[ts:te]) for ts, te in taken):
                taken.append((s, e))  # "(20.06, 11.07)"
                yield s, e, 0.5
                continue
            if not left or left[-1] in _NOT_DATE_BEFORE or \
                    _DECIMAL_LIST.search(text, max(0, s - 16), s):
                continue
            if _TOOTH.fullmatch(m.group()) and (left[-1] not in _DAY_BEFORE_TOOTH or
                                                _DENTAL.search(text, max(0, s - 60), e + 40)):
                continue  # "al 3.7": a tooth; "il 3.4", "lun 8.7": a day (not "ha estratto il 3.6")
            if left[-1] in _DATE_WORDS or left[-1].endswith("'") and left[-1] in _DATE_WORDS:
                taken.append((s, e))
                yield s, e, 0.6
            elif left[-1] in ("-", "–") and _LINE_END.match(text, e) and \
                    re.fullmatch(r"\d\d[./]\d\d", m.group()):
                taken.append((s, e))
                yield s, e, 0.5
            elif _EXAM_BEFORE.search(text, max(0, s - 40), s) or _HOUR_OR_SHIFT_AFTER.match(text, e):
                taken.append((s, e))
                yield s, e, 0.5
        for m in _SLASH_DAY_MONTH.finditer(text):
            s, e = m.span("d")
            if any(s < te and ts < e for ts, te in taken):
                continue
            if _SCORE_BEFORE.search(text, max(0, s - 16), s) and not (
                    _EXAM_BEFORE.search(text, max(0, s - 40), s) or
                    _PADDED_DAY_MONTH.fullmatch(m.group("d")) and
                    not _VISUS_BEFORE.search(text, max(0, s - 12), s)):
                continue
            left = left_context(text, s, n=1)
            if left and left[-1] in _NOT_DATE_BEFORE:
                continue
            taken.append((s, e))
            yield s, e, 0.45
        yield from self._days_before(text, taken)

    @staticmethod
    def _days_before(text: str, taken: list[tuple[int, int]]) -> Iterator[tuple[int, int, float]]:
        """Days alone that open a range or list ending in a found date ("dal 3 all'11
        febbraio", "tra il 27 e il 28/01", "il 3, 5 e 7 marzo"), walking left from each date."""
        for start, _ in sorted(taken, reverse=True):
            pos = start
            while True:
                m = _DAY_BEFORE_DATE.search(text, max(0, pos - 16), pos)
                tight = m is not None and text[m.end("d"):m.end("d") + 1] == "-"
                if m is None or not m.group("or") and not tight and \
                        not _RANGE_WORD.search(text, max(0, m.start() - 14), m.start()):
                    break
                if any(m.start("d") < te and ts < m.end("d") for ts, te in taken):
                    break
                yield m.start("d"), m.end("d"), 0.55
                pos = m.start("d")
