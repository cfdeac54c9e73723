"""Italian phone and fax numbers: +39/0039 prefixes, mobiles starting with 3, landlines starting
with 0, toll-free 800/803 numbers, written with spaces, dashes, dots, slashes or parentheses;
foreign numbers after a + or 00 country code (+41 79 512 33 08, 0033 6 12 34 56 78), and a
number glued to its abbreviation ("cell.3284471902").

A number is a phone only when its digits fit an Italian numbering plan (mobile: 9-10 digits
from 3; landline: 6-11 digits from 0 and a non-zero second digit), and it is not a date, a
dose, a lab value or a blood pressure: those start with another digit, are too short, carry a
unit ("500 mg") or a clinical abbreviation ("Hb 12.3", "PA 130/80") before them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dsm_clinic.deid.recognizers.base import TextRecognizer, left_context

# One separator between digit groups; not a tab (table columns) and not " / " or " - ", which
# more often stand between two numbers ("0862.41.77.05 / 349 00 61 223"; see _SPACED_SLASH).
_SEP = r"(?:[ ]?\.[ ]?|-[ ]?|[ ]-(?! )|/| )"
_SPACED_SLASH = re.compile(r"(?<![\w/.,+-])[03]\d{1,3} ?[/-] ?\d(?:[ .]?\d){4,8}(?![\w]|[.,/-]\d)")
# A phone word with its dot right before the digits: "cell.3284471902", "tel.051234567".
_GLUED = r"(?<=(?i:tel)\.)|(?<=(?i:cell)\.)|(?<=(?i:cel)\.)|(?<=(?i:fax)\.)|(?<=(?i:mob)\.)"
_CANDIDATE = re.compile(
    r"(?:(?<![\w/.,+-])|" + _GLUED + r")"
    r"(?P<prefix>(?:\+|00)[ \t]?39[ \t./-]*|\(\+?39\)[ \t]*)?"
    r"(?P<body>\(0\d{1,3}\)[ \t]?\d[\d \t./-]*\d|\d(?:\d|" + _SEP + r"(?=\d)){5,16})"
    r"(?![\w]|[.,/-]\d)")
# Another country's number: + or 00, a country code that is not Italy's, then 6 to 12 digits
# in groups; E.164 numbers hold at most 15 digits in all.
# (No look-behind in front: the engine then scans for "+" or "0" only; find() checks the edge.)
_FOREIGN = re.compile(
    r"(?P<prefix>\+|00)(?P<cc>(?!39)[1-9]\d{0,2})(?:[ \t]?\(0\))?"
    r"(?P<body>(?:[ \t./-]?(?:\(\d{1,4}\)|\d)){5,12})(?![\w]|[.,/-]\d)")
_DATE = re.compile(r"^(?:\d{1,2}[./-]\d{1,2}[./-]\d{1,4}|(?:1[89]|2[01])\d{2}[./-]\d{1,2}[./-]\d{1,2})$")
_TIME_RANGE = re.compile(r"^\d{1,2}[.:]\d{2}\s*-\s*\d{1,2}[.:]\d{2}$")
_UNIT_AFTER = re.compile(
    r"^\s*(?:mg|mcg|µg|ug|g|gr|kg|ml|cc|l|dl|mmol|meq|mmhg|mm|cm|m|%|bpm|/min|x|u|ui|iu|"
    r"unit|cp|cpr|fl|gtt|puff|anni|aa|mesi|giorni|gg|ore|h|min|sec|volte|€|euro|"
    r"mila|milioni|copie|/mmc|/mm3|/µl|/ul|cells|cellule|pz|pazienti|casi)\b", re.IGNORECASE)
_PHONE_WORDS = {"tel", "tel.", "telefono", "telefonico", "telefonica", "cell", "cell.",
                "cellulare", "fax", "recapito", "recapiti", "reperibile", "chiamare",
                "contattare", "numero", "n.", "nr", "nr.", "cel", "cel.", "mob", "mob.",
                "mobile", "ufficio", "segreteria", "centralino", "int", "ph", "whatsapp",
                "contatto", "contatti", "telefonare", "tel:", "tel/fax", "telefax"}
# Clinical abbreviations that put a number before them out of the phone question.
_CLINICAL_BEFORE = {"pa", "fc", "fr", "hb", "hgb", "ht", "hct", "gb", "wbc", "plt", "pcr",
                    "inr", "spo2", "sat", "tc", "glicemia", "creatinina", "na", "k", "cl",
                    "peso", "altezza", "bmi", "dose", "mg", "ml", "cartella", "nosologico",
                    "sdo", "id", "verbale", "pratica", "cod", "cod.", "codice", "ricovero",
                    "tessera", "ts", "iban", "cc", "c/c", "prot", "prot.", "protocollo",
                    "referto", "lotto", "matricola", "impegnativa", "ricetta", "nre", "cf",
                    "c.f.", "ore", "h", "dalle", "alle", "orario"}


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def plausible_italian_number(digits: str, *, international: bool) -> bool:
    """True when `digits` (no prefix) fit an Italian mobile, landline or toll-free number."""
    n = len(digits)
    if digits.startswith("3"):
        return 9 <= n <= 10
    if digits.startswith("0"):
        return 6 <= n <= 11 and digits[1] != "0"
    if digits.startswith(("800", "803")):
        return n in (9, 10)
    return international and 8 <= n <= 11


class ItalianPhoneRecognizer(TextRecognizer):
    ENTITY = "TELEFONO"
    NAME = "ItalianPhoneRecognizer"
    VERSION = "4"

    def find(self, text: str) -> Iterator[tuple[int, int, float]]:
        taken: list[tuple[int, int]] = []
        for m in _FOREIGN.finditer(text):
            before = text[m.start() - 1:m.start()]
            if before and (before.isalnum() or before in "_/.,+-"):
                continue
            digits = _digits(m.group("cc") + m.group("body"))
            grouped = m.group("body")[:1] in " \t./-("
            # "00" is also how a number starts ("0041..." vs "003 mg"): ask for a separator
            if 8 <= len(digits) <= 15 and (m.group("prefix") == "+" or grouped):
                taken.append(m.span())
                yield m.start(), m.end(), 0.85
        # Blank the foreign numbers out, so that a number after one ("+880 1711-223344 / 320 887
        # 6655") is not swallowed by a candidate that starts inside it.
        scan = text
        for s, e in taken:
            scan = scan[:s] + " " * (e - s) + scan[e:]
        for m in _CANDIDATE.finditer(scan):
            body = m.group("body").rstrip(" \t./-")
            found = _judge(text, m.start(), m.start("body"), body, m.group("prefix") is not None)
            if found is not None:
                taken.append(found[:2])
                yield found
        # a prefix and a number around a spaced slash: "333 / 1234567"
        for m in _SPACED_SLASH.finditer(text):
            if not any(s < m.end() and m.start() < e for s, e in taken):
                found = _judge(text, m.start(), m.start(), m.group(), False)
                if found is not None:
                    yield found
        yield from _spelled_numbers(text)


def _judge(text: str, start: int, body_start: int, body: str,
           international: bool) -> tuple[int, int, float] | None:
    """(start, end, score) when the digits of `body` make a phone number here, else None."""
    end = body_start + len(body)
    compact = body.replace(" ", "")
    if not international and (_DATE.match(compact) or _TIME_RANGE.match(compact)):
        return None
    digits = _digits(body)
    if not plausible_italian_number(digits, international=international):
        return None
    if len(digits) < 9 and _UNIT_AFTER.match(text[end:end + 12]):
        return None  # "100000 UI", "48 ore": nine digits or more are no dose
    left = left_context(text, start, n=3)
    near = left[-2:]
    if any(w.rstrip(":.") in _CLINICAL_BEFORE for w in near) and not international:
        return None
    grouped = body.count(" ") + body.count("/") + body.count("-") + body.count(".") > 0
    score = 0.6
    if international or any(w.rstrip(":") in _PHONE_WORDS or w in _PHONE_WORDS for w in left):
        score = 0.9
    elif not grouped and digits.startswith("0") and len(digits) < 9:
        score = 0.45  # a bare 0-led number of 6-8 digits is often a code
    return start, end, score


_DIGIT_WORDS = r"(?:zero|uno|due|tre|quattro|cinque|sei|sette|otto|nove)"
# A number dictated digit by digit: "tre quattro sette sei sei nove uno due zero zero".
_SPELLED = re.compile(rf"(?<!\w){_DIGIT_WORDS}(?:[ \t,]+{_DIGIT_WORDS}){{5,14}}(?!\w)", re.IGNORECASE)
# Or in groups, after a phone word: "recapito trecentoquaranta, sette sette uno, ventidue".
_NUMBER_WORD = (r"(?:(?:duecento|trecento|quattrocento|cinquecento|seicento|settecento|ottocento|"
                r"novecento|cento)?(?:venti|trenta|quaranta|cinquanta|sessanta|settanta|ottanta|"
                r"novanta|dieci|undici|dodici|tredici|quattordici|quindici|sedici|diciassette|"
                r"diciotto|diciannove)?(?:uno|due|tre|tré|quattro|cinque|sei|sette|otto|nove)?)")
_GROUPED = re.compile(rf"(?<!\w)(?=[a-z]){_NUMBER_WORD}(?:[ \t]*,?[ \t]+(?=[a-z]){_NUMBER_WORD}){{3,12}}(?!\w)",
                      re.IGNORECASE)
_PHONE_BEFORE = re.compile(r"(?i:tel\.?|telefono|cell\.?|cellulare|recapito|numero|chiamare|fax)"
                           r"[^\n.;]{0,30}\Z")


def _spelled_numbers(text: str) -> Iterator[tuple[int, int, float]]:
    taken = []
    for m in _SPELLED.finditer(text):
        taken.append(m.span())
        yield m.start(), m.end(), 0.6
    for m in _GROUPED.finditer(text):
        words = [w for w in re.split(r"[\s,]+", m.group()) if w]
        if any(s < m.end() and m.start() < e for s, e in taken) or len(words) < 4 or \
                not all(words) or not _PHONE_BEFORE.search(text, max(0, m.start() - 40), m.start()):
            continue
        yield m.start(), m.end(), 0.55
