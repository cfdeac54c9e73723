"""Record numbers: cartella clinica, nosologico, ID paziente, SDO, verbale di pronto soccorso,
ricovero, pratica, MRN, codici STP/ENI, documents (carta d'identità, passaporto, patente).

A number is a record number when a record word stands just before it ("Cartella clinica n.
2021/000123", "nosologico: 21000123"); codes with a telling prefix and six or more digits
(PZ000123, ID00012345, CC-2020-000123, PS21000123) count without one. A record word may carry
one qualifier ("ID anagrafico 7734519", "certificato internazionale n. ITA-EMR-2024-118077");
protocol numbers ("prot. URP/2024/1187") are record numbers too. After "n." or "numero" any
document word will do ("Intervento n. BO-2024-001877", "Cartella odontoiatrica n. 2311"), and
dotted numbers count ("Cartella clinica n. 24.018.552"). Without any context, a code of several
groups that holds letters, or three groups of digits, with five digits or more is a record
number too (ONC-CN-2019-00871, MI-HIV-04471, 2024-0312-0087), unless it is a lot, a standard or
a law ("lotto AB-2024-119", "ISO 13485", "L. 219/2017").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dsm_clinic.deid.recognizers.base import TextRecognizer, column_cells

_KEYWORDS = (
    r"cartella(?:\s+clinica)?|cart\.(?:\s*clin\.)?|c\.c\.|n\.?\s*cartella|"
    r"(?:n(?:umero|r)?\.?\s*)?nosologico|nosol\.|nos\.|"
    r"id\.?\s*(?:paziente|paz\.?|pz\.?|pat\.?|assistito)|id|codice\s+(?:paziente|assistito|ricovero|"
    r"accesso|identificativo)|cod\.?\s*(?:paz(?:iente)?|pz|ass(?:istito)?)\.?|"
    r"patient\s+id|mrn|"
    r"sdo|scheda\s+di\s+dimissione(?:\s+ospedaliera)?|"
    r"verbale(?:\s+(?:di\s+)?(?:ps|p\.s\.|pronto\s+soccorso|dea))?|n\.?\s*verbale|"
    r"(?:n\.?\s*)?ricovero|(?:n\.?\s*)?accesso(?:\s+ps)?|episodio|pratica|prenotazione|"
    r"impegnativa|ricetta|nre|referto|richiesta|campione|provetta|barcode|"
    r"(?:tessera\s+)?stp|eni|"
    r"carta\s+d['’]identit[aà]|c\.i\.|passaporto|patente(?:\s+di\s+guida)?|"
    r"permesso\s+di\s+soggiorno|prot\.?|protocollo|certificato|cert\.|tessera|pos\.|posizione|"
    r"pratica|fascicolo|matricola|badge|scheda|esame|registrazione|fattura|domanda|sigla|"
    r"intervento|codice|cod\.|istologico|citologico|vetrin[oi]|blocchett[oi]|pratica|sinistro|"
    r"denuncia|ticket|cup|ordine|istanza|segnalazione|rapporto|modulo|certificato\s+inail|"
    r"prestazione|accettazione|lettera|ricetta\s+elettronica|accession|r\.\s?g\.(?:\s*v\.\s?g\.)?|"
    r"procedimento|proc\.|atto|unit[àa]|sacca|emocomponente|avviso|iuv|pagopa|targa|"
    r"passport|passaporto|matr\.|matricole|utente|id_\w+|documento|doc\.|c\.i\.|ci|rg|cui|"
    r"nhs(?:\s+number)?|hosp(?:ital)?|puc|pat|reg\.|acc\.|accession|registro|n\.?\s*registro|"
    r"fall-?nr\.?|ipp|avs|pds|targat[oa]|n\.?\s*avs|caso|n\.?\s*caso|identificativo|iscrizione|serie|n\.?\s*serie|"
    r"cro|trn|raccomandata(?:\s+a/?r)?|seriale|serial(?:\s+number)?|s/n|scheda\s+di\s+(?:ps|triage)|"
    r"ric\.|prat\.|patienten-?nr\.?|team|prelievo|rif\.|riferimento|fasc\.|sn"
)
# The acronyms of health and welfare institutions: they stand before a code, never in it.
_INSTITUTIONS = r"INPS|INAIL|ASL|AUSL|ASST|ATS|ULSS|USL|AOU|ASP"
# One qualifier word after the record word: "ID anagrafico", "certificato internazionale".
_QUALIFIER = (r"(?:\s+(?:di\s+(?=[a-zà-ù]{4,15}\b))?"
              r"(?!(?:del|dal|della|dalla|il|in|al|alla|di|da|e|ed|con|per)\b)"
              r"(?-i:[a-zà-ù]{4,15}|[a-zà-ù]{2,6}\.|[A-ZÀ-Ù][a-zà-ù]{3,14}|"
              r"[A-Z]{2,5}(?=\s*(?:n\.|nr\.|n°|:)|\s+[A-Z]{1,5}[-/]\w)|"
              rf"(?:{_INSTITUTIONS})(?=\s+\d))\.?){{0,2}}")
# ("n" and "nr" need their dot or a space: the N of "cartella NEF-PN-2023-388" is the code's)
_NUMBER_MARK = r"(?:\s*(?:n\.|n(?=\s)|nr\.|nr(?=\s)|num(?:ero)?\.?|n°|nº|#|no\.|:|=|-|\())*\s*"
# The code itself is case-sensitive: an upper-case prefix (PZ, CC-) never a word ("del"); up to
# three letter groups before the digits (ITA-EMR-2024-118077, URP/2024/1187).
# (a letter prefix may stand apart: "CIT 24/1187", "BO-DERM 0087231", "AY 2209471")
_CODE = (rf"(?P<code>(?-i:(?:(?!(?:{_INSTITUTIONS}|UE|CE|CEE|EU|PA|PAS|PAD|PAM|FC|FR|HR|BP|TA|"
         r"SAT|SPO2|HB|PLT|GB|GR|INR|VAS|NRS|GCS)[ ])"
         r"(?:[A-Z][A-Z0-9]{0,4}(?:-[A-Z]{1,5})?[ ](?=\d{2,4}[/-]\d{2,7}(?![\w/])|\d{5,}(?!\w))|"
         r"[A-Z]{1,5}-[A-Z]{1,5}[ ](?=\d{3,4}(?![\w/]))))?(?:[A-Z][A-Za-z]{0,4}[-/.]){0,3}"
         r"(?:[A-Z]{1,4}[-/]?)?\d[\dA-Z]*"
         r"(?:[-/][\dA-Z]+|\.[A-Z]{1,4}(?=\.\d)|\.\d+(?=[^\w.]|\.\d|\.?\Z|\.\s))*))")
# "n." or "numero" before a code: any document word stands before it, three digits are enough.
_AFTER_NUMBER = re.compile(
    r"(?<![\w.])(?:[A-Za-zà-ù]{3,}\.?,?\s+(?:[-–]\s+)?\(?)(?:[a-zà-ù]{4,15}\s+|\d{2,4}\s+)?(?:n\.|nr\.|n°|nº|N\.|Nr\.|N°|numero|num\.|no\.|No\.)"
    rf"\s*:?\s*(?:(?P<spaced>\d{{3,4}}(?:[ ]\d{{1,4}}){{2,6}}|[A-Z]{{2,5}}[ ]\d{{4}}[ ]?/[ ]?\d{{3,6}})"
    rf"(?![\w])|{_CODE}(?![\w]))")
_NOT_DOCUMENT = {"letto", "stanza", "camera", "box", "sala", "piano", "dose", "dosi", "lotto",
                 "lot", "legge", "art", "articolo", "comma", "tavola", "figura", "fig", "tab",
                 "tabella", "pag", "pagina", "capitolo", "compresse", "cp", "fiale", "cicli",
                 "ciclo", "seduta", "sedute", "giorno", "giorni", "punto", "posto", "figli",
                 "gravidanze", "episodi", "accessi", "ricoveri", "dente", "elemento",
                 "lgs", "dlgs", "dpr", "decreto", "circolare", "regolamento", "direttiva",
                 "norma", "allegato", "modello", "mod", "drg", "icd", "atc", "aic", "ordine"}
# A code alone: groups joined by - or /, with letters or three digit groups.
_BARE_CODE = re.compile(r"(?<![\w/.-])(?-i:[A-Z0-9]{1,8}(?:[-/][A-Z0-9]{1,12}){1,4})(?![\w/]|-\w|\.\d)")
_NOT_BARE_BEFORE = re.compile(
    r"(?i:lott[oi]|lot\.?|iso|uni|en|cei|l\.|legge|d\.\s?lgs\.?|dlgs|dpr|d\.p\.r\.|dm|d\.m\.|"
    r"reg\.|regolamento|direttiva|art\.|atc|aic|minsan|icd-?\d*(?:-cm)?|drg)\s*[:.]?\s*"
    r"(?:(?:n\.|nr\.|n°|num\.|numero)\s*:?\s*)?\Z")
# A record word and its qualifier, maybe an acronym in brackets: "codice avviso (IUV)".
_RECORD_WORD = rf"(?<!\w)(?:{_KEYWORDS})(?!\w){_QUALIFIER}"
_WITH_CONTEXT = re.compile(rf"{_RECORD_WORD}(?:[ \t]*\([A-Z]{{2,6}}\))?{_NUMBER_MARK}{_CODE}(?![\w])",
                           re.IGNORECASE)
# A code in spaced groups after a record word: "nosologico 2024 0033712", "TEAM n. 80276 00012
# 3456 7890", "Codice certificato: M1A 4DT7 0009 2213".
# (the shape is searched first: the record words are a long alternation)
_SPACED_SHAPE = re.compile(r"(?<![\w/])(?=[A-Z]{0,4}\d|[A-Z]{2,5}[ ]\d)(?:[A-Z0-9]{3,5}(?:[ ][A-Z0-9]{1,8}){1,4})(?![\w/])")
_INSTITUTION = re.compile(rf"(?:{_INSTITUTIONS}|SSN)")
# An Italian number plate (two letters, three digits, two letters) after a vehicle word:
# "targa GH 481 KZ", "veicolo targato FK 418 TR".
_VEHICLE_PLATE = re.compile(r"(?i:targa|targat[oa]|veicolo|autovettura|auto|moto|furgone|camion)\b[^\n]{0,24}?"
                            r"(?<![\w])(?P<code>(?-i:[A-Z]{2}[ ]?\d{3}[ ]?[A-Z]{2}))(?![\w])")
_SPACED_BEFORE = re.compile(rf"{_RECORD_WORD}[ \t]*(?:\([A-Z]{{2,6}}\))?{_NUMBER_MARK}\Z", re.IGNORECASE)
_DATE_LIKE = re.compile(r"^\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?$|^\d{4}$")
_PREFIXED = re.compile(
    r"(?<![\w/-])(?P<code>(?:PZ|ID|CC|PS|SDO|MRN|NOS|STP|ENI|RIC|CART|PAZ)[-/]?\d{6,}"
    r"|CC-\d{4}-\d{4,}|\d{4}/PS/\d{4,})(?![\w/-])")


def _enough_digits(code: str) -> bool:
    """Five digits, or four in a code with letters or separators: "richiesta 2021" is a year."""
    digits = sum(c.isdigit() for c in code)
    return digits >= 5 or digits == 4 and not code.isdigit() or \
        digits == 3 and any(c.isalpha() for c in code) and (
            any(c in "-/." for c in code) or len(code) >= 6)  # C-207, a plate FT482ZK


class RecordNumberRecognizer(TextRecognizer):
    ENTITY = "ID"
    NAME = "RecordNumberRecognizer"
    VERSION = "6"

    def find(self, text: str) -> Iterator[tuple[int, int, float]]:
        seen: set[tuple[int, int]] = set()
        for m in (*_NRE.finditer(text), *_DONATION.finditer(text)):
            span = m.span()
            if not any(s < span[1] and span[0] < e for s, e in seen):
                seen.add(span)
                yield span[0], span[1], 0.6
        for m in _SPACED_SHAPE.finditer(text):
            if sum(c.isdigit() for c in m.group()) < 7:
                continue
            # "n. PUC 2024 4471 9980" keeps its prefix; "SDO 2025 0044 7710" (a record word before
            # the digits) and "INPS 31457209" (an institution) do not
            prefix = re.match(r"[A-Z]{2,5}[ ](?=\d)", m.group())
            spans = [m.span()]
            if prefix is not None:
                spans = ([] if _INSTITUTION.fullmatch(prefix.group().strip()) else spans) + [
                    (m.start() + prefix.end(), m.end())]
            for span in spans:
                if not any(s < span[1] and span[0] < e for s, e in seen) and \
                        _SPACED_BEFORE.search(text, max(0, span[0] - 70), span[0]):
                    seen.add(span)
                    yield span[0], span[1], 0.7
                    break
        for m in _WITH_CONTEXT.finditer(text):
            code = m.group("code")
            if not _enough_digits(code) or _DATE_LIKE.match(code):
                continue
            span = _glued_start(text, m.span("code"))
            if any(s < span[1] and span[0] < e for s, e in seen):
                continue
            seen.add(span)
            yield span[0], span[1], 0.85
        for m in _AFTER_NUMBER.finditer(text):
            group = "spaced" if m.group("spaced") else "code"
            code = m.group(group)
            span = m.span(group)
            head = re.match(r"[A-Za-zà-ù]+", m.group()).group().lower()
            digits = sum(c.isdigit() for c in code)
            letters = any(c.isalpha() for c in code) and any(c in "-/." for c in code)
            if any(s < span[1] and span[0] < e for s, e in seen) or head in _NOT_DOCUMENT or \
                    digits < (2 if letters else 3) or \
                    _DATE_SHAPE.match(code) or _UNIT_AFTER.match(text, span[1]):
                continue
            seen.add(span)
            yield span[0], span[1], 0.7
        for m in _PREFIXED.finditer(text):
            span = m.span("code")
            if span not in seen:
                seen.add(span)
                yield span[0], span[1], 0.6
        for span in _column_codes(text):
            if not any(s < span[1] and span[0] < e for s, e in seen):
                seen.add(span)
                yield span[0], span[1], 0.6
        for m in _LIST_AFTER.finditer(text):  # "matricole 00412, 00611"
            for code in re.finditer(r"[A-Z0-9][A-Z0-9/.-]*\d[A-Z0-9/.-]*", m.group("list")):
                span = (m.start("list") + code.start(), m.start("list") + code.end())
                if not any(s < span[1] and span[0] < e for s, e in seen) and \
                        sum(c.isdigit() for c in code.group()) >= 3:
                    seen.add(span)
                    yield span[0], span[1], 0.6
        for m in (*_REGISTRATION.finditer(text), *_VEHICLE_PLATE.finditer(text)):
            span = m.span("code")
            if not any(s < span[1] and span[0] < e for s, e in seen):
                seen.add(span)
                yield span[0], span[1], 0.6
        for start, end in sorted(seen):
            shape = _shape(text[start:end])
            while shape.count("9") >= 4:
                m = _NEXT_IN_LIST.match(text, end)
                if m is None or _shape(m.group("code")) != shape or \
                        any(s < m.end("code") and m.start("code") < e for s, e in seen):
                    break
                start, end = m.span("code")
                seen.add((start, end))
                yield start, end, 0.6
        for m in _PLATE.finditer(text):
            span = m.span()
            if not any(s < span[1] and span[0] < e for s, e in seen) and \
                    not _NOT_BARE_BEFORE.search(text, max(0, span[0] - 12), span[0]):
                seen.add(span)
                yield span[0], span[1], 0.5
        for m in _BARE_CODE.finditer(text):
            span = m.span()
            if any(s < span[1] and span[0] < e for s, e in seen) or not _bare_code(m.group()) or \
                    _NOT_BARE_BEFORE.search(text, max(0, span[0] - 12), span[0]):
                continue
            yield span[0], span[1], 0.5


# An Italian number plate, alone: "RIMORCHIO XA418BT".
_PLATE = re.compile(r"(?<![\w-])[A-Z]{2}\d{3}[A-Z]{2}(?![\w-])")
_GLUED_GROUP = re.compile(r"[A-Z0-9]{1,6}[-/]\Z")


def _glued_start(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """Take back the groups a record word swallowed: "verbale PS-TS-24-000412" -> PS-TS-...."""
    start = span[0]
    while True:
        g = _GLUED_GROUP.search(text, max(0, start - 7), start)
        if g is None or (g.start() > 0 and text[g.start() - 1].isalnum()):
            return start, span[1]
        start = g.start()


# The NRE of an electronic prescription: region code, letter, digit, then ten digits.
_NRE = re.compile(r"(?<![\w])\d{3,4}[A-Z]\d{0,2}(?:[ ]?\d{3,4}){2,3}(?!\w)")
# A blood unit's donation number (ISBT 128): "IT0405 24 018772".
_DONATION = re.compile(r"(?<![\w])[A-Z]{1,2}\d{3,4}[ ]\d{2}[ ]\d{6}(?!\w)")
# A table's record-number columns: "matricola;cognome;...", "id_sms | data_invio | ...".
_ID_HEADER = re.compile(
    r"(?:n\.?|nr\.?|numero|num\.?)\s*(?:prenotazione|pratica|protocollo|ricetta|impegnativa|"
    r"accettazione|richiesta|tessera|documento|sacca|unit[àa])|matricola|id|id_\w+|\w+_id|codice(?:_\w+)?|cod\.?|cod_\w+|cartella|nosologico|n\.?\s*cartella|"
    r"nre|impegnativa|prenotazione|ricetta|ticket|"
    r"campione|n\.?\s*campione|pratica|protocollo|prot\.?|referto|n\.?\s*referto|sdo|"
    r"verbale|accesso|ricovero|barcode|provetta|n\.?|numero|nr\.?|progressivo|badge|"
    r"\w+[ _]id|id[ _]\w+|screening|randomizzazione|randomization")
_CELL_CODE = re.compile(r"[ \t\"']*(?P<code>[A-Z0-9][A-Z0-9/._-]*)[ \t\"']*")


def _column_codes(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the codes in a table's record-number columns, three digits or more."""
    for start, line, (a, b) in column_cells(text, _ID_HEADER):
        m = _CELL_CODE.fullmatch(line, a, b)
        if m and sum(c.isdigit() for c in m.group("code")) >= 3 and \
                not _DATE_SHAPE.match(m.group("code")):
            yield start + m.start("code"), start + m.end("code")


_LIST_AFTER = re.compile(r"(?i:matricole|codici|campioni|cartelle|pratiche|verbali|referti)"
                         r"(?:[ \t]+[A-Z]{2,4}(?!\w))?\s*:?\s*"
                         r"(?P<list>[A-Z0-9][A-Z0-9/.-]*\d(?:\s*(?:,|e|ed)\s*[A-Z0-9][A-Z0-9/.-]*\d)+)")
# A doctor's registration: "iscr. OMCeO FM n. 1187", "Ordine dei Medici di Bari al n. 9871".
_REGISTRATION = re.compile(r"(?i:ordine\s+dei\s+medici|omceo|iscr\.|iscritt[oa]|albo)[^\n]{0,40}?"
                           r"(?<![\w.])(?i:n\.|n°|nr\.|numero)\s*(?P<code>\d{3,6})(?![\w/])")
# The next code of a list after a found one, of the same shape: "(n. EC2502041, EC2502042)".
_NEXT_IN_LIST = re.compile(r"[ \t]*(?:,|;|\be\b|\bed\b)[ \t]*(?P<code>[A-Z0-9][A-Z0-9/.-]*\d)(?![\w/])")


def _shape(code: str) -> str:
    return re.sub(r"[A-Z]", "A", re.sub(r"\d", "9", code))


_UNIT_AFTER = re.compile(r"\s*(?:mg|ml|g|kg|cp|cpr|fl|gtt|ui|u\.i\.|mcg|µg|mmol|euro|€|%|anni|"
                         r"mesi|giorni|volte|ore|min|cm|mm)(?!\w)", re.IGNORECASE)
_DATE_SHAPE = re.compile(r"^\d{1,4}[-/]\d{1,2}[-/]\d{1,4}$")


def _bare_code(code: str) -> bool:
    """A record number by its shape alone: five digits or more, a run of three, and letters or
    three groups ("SARS-CoV-2", "CA 15-3", "120/80" and dates are not)."""
    groups = re.split(r"[-/]", code)
    digits = sum(c.isdigit() for c in code)
    if digits < 5 or not re.search(r"\d{3}", code) or _DATE_SHAPE.match(code):
        return False
    letters = any(c.isalpha() for c in code)
    return letters or len(groups) >= 3 and re.search(r"\d{4}", code) is not None
