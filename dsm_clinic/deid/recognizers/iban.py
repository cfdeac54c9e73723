"""Italian IBANs (IT, 27 characters), with or without spaces, checked with ISO 13616 mod 97.

A well-formed IBAN with a wrong check is still PHI (a typo), at a lower score. Presidio's own
IBAN recognizer stays in the analyzer for foreign IBANs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dsm_clinic.deid.recognizers.base import TextRecognizer

_IBAN_IT = re.compile(
    r"(?<![\w])IT\s?\d{2}\s?[A-Z]\s?(?:\d\s?){10}(?:[A-Z0-9]\s?){11}[A-Z0-9](?![\w])",
    re.IGNORECASE)


def iban_checksum_ok(iban: str) -> bool:
    """True when the IBAN's mod-97 check holds (spaces ignored)."""
    code = re.sub(r"\s", "", iban).upper()
    if len(code) < 15 or not code.isalnum():
        return False
    moved = code[4:] + code[:4]
    number = "".join(str(int(c, 36)) for c in moved)
    return int(number) % 97 == 1


class ItalianIbanRecognizer(TextRecognizer):
    ENTITY = "IBAN"
    NAME = "ItalianIbanRecognizer"
    VERSION = "1"

    def find(self, text: str) -> Iterator[tuple[int, int, float]]:
        for m in _IBAN_IT.finditer(text):
            yield m.start(), m.end(), 1.0 if iban_checksum_ok(m.group()) else 0.6
