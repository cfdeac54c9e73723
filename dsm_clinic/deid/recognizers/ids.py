"""Record numbers: cartella clinica, nosologico, ID paziente, SDO, verbale di pronto soccorso,
ricovero, pratica, MRN, codici STP/ENI, documents (carta d'identità, passaporto, patente).

A number is a record number when a record word stands just before it ("Cartella clinica n.
2021/000123", "nosologico: 21000123"); codes with a telling prefix and six or more digits
(PZ000123, ID00012345, CC-2020-000123, PS21000123) count without one. A record word may carry
one qualifier ("ID anagrafico 7734519", "certificato internazionale n. ITA-EMR-2024-118077");
protocol numbers ("prot. URP/2024/1187") are record numbers too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dsm_clinic.deid.recognizers.base import TextRecognizer

_KEYWORDS = (
    r"cartella(?:\s+clinica)?|cart\.(?:\s*clin\.)?|c\.c\.|n\.?\s*cartella|"
    r"(?:n(?:umero|r)?\.?\s*)?nosologico|nosol\.|nos\.|"
    r"id\.?\s*(?:paziente|pz\.?|pat\.?|assistito)|id|codice\s+(?:paziente|assistito|ricovero|"
    r"accesso|identificativo)|cod\.?\s*(?:paz(?:iente)?|pz|ass(?:istito)?)\.?|"
    r"patient\s+id|mrn|"
    r"sdo|scheda\s+di\s+dimissione(?:\s+ospedaliera)?|"
    r"verbale(?:\s+(?:di\s+)?(?:ps|p\.s\.|pronto\s+soccorso|dea))?|n\.?\s*verbale|"
    r"(?:n\.?\s*)?ricovero|(?:n\.?\s*)?accesso(?:\s+ps)?|episodio|pratica|prenotazione|"
    r"impegnativa|ricetta|nre|referto|richiesta|campione|provetta|barcode|"
    r"(?:tessera\s+)?stp|eni|"
    r"carta\s+d['’]identit[aà]|c\.i\.|passaporto|patente(?:\s+di\s+guida)?|"
    r"permesso\s+di\s+soggiorno|prot\.?|protocollo|certificato|cert\.|tessera|pos\.|posizione|"
    r"pratica|fascicolo|matricola|badge"
)
# One qualifier word after the record word: "ID anagrafico", "certificato internazionale".
_QUALIFIER = r"(?:\s+(?!(?:del|dal|della|dalla|il|in|al|alla|di|da|e|ed|con|per)\b)[a-zà-ù]{4,15}\.?)?"
_NUMBER_MARK = r"(?:\s*(?:n\.?|nr\.?|num(?:ero)?\.?|n°|nº|#|no\.|:|=|-))*\s*"
# The code itself is case-sensitive: an upper-case prefix (PZ, CC-) never a word ("del"); up to
# three letter groups before the digits (ITA-EMR-2024-118077, URP/2024/1187).
_CODE = r"(?P<code>(?-i:(?:[A-Z]{1,5}[-/]){0,2}(?:[A-Z]{1,4}[-/]?)?\d[\dA-Z]*(?:[-/][\dA-Z]+)*))"
_WITH_CONTEXT = re.compile(
    rf"(?<!\w)(?:{_KEYWORDS})(?!\w){_QUALIFIER}{_NUMBER_MARK}{_CODE}(?![\w])", re.IGNORECASE)
_DATE_LIKE = re.compile(r"^\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?$|^\d{4}$")
_PREFIXED = re.compile(
    r"(?<![\w/-])(?P<code>(?:PZ|ID|CC|PS|SDO|MRN|NOS|STP|ENI|RIC|CART|PAZ)[-/]?\d{6,}"
    r"|CC-\d{4}-\d{4,}|\d{4}/PS/\d{4,})(?![\w/-])")


def _enough_digits(code: str) -> bool:
    """Five digits, or four in a code with letters or separators: "richiesta 2021" is a year."""
    digits = sum(c.isdigit() for c in code)
    return digits >= 5 or digits == 4 and not code.isdigit()


class RecordNumberRecognizer(TextRecognizer):
    ENTITY = "ID"
    NAME = "RecordNumberRecognizer"
    VERSION = "2"

    def find(self, text: str) -> Iterator[tuple[int, int, float]]:
        seen: set[tuple[int, int]] = set()
        for m in _WITH_CONTEXT.finditer(text):
            code = m.group("code")
            if not _enough_digits(code) or _DATE_LIKE.match(code):
                continue
            span = m.span("code")
            seen.add(span)
            yield span[0], span[1], 0.85
        for m in _PREFIXED.finditer(text):
            span = m.span("code")
            if span not in seen:
                yield span[0], span[1], 0.6
