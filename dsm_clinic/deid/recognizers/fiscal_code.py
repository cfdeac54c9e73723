"""Codice fiscale: Presidio's Italian recognizer, with a wrong check character still PHI.

Presidio scores a code whose check character is wrong at the pattern's base score, below any
useful threshold; a typo in one character does not make a fiscal code anonymous, so here a
well-formed code scores 0.7 and a valid one 1.0. A looser shape (16 characters that read as
surname, name, date and place letters, with a digit mistyped as a letter or vice versa) counts
after "C.F." or "codice fiscale". A code written in its four groups with spaces ("LDR KDJ 88A57
Z330X") counts when its check character is right, or after a fiscal-code word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import ItFiscalCodeRecognizer

from dsm_clinic.deid.recognizers.base import TextRecognizer

_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25,
        24, 23]


def cf_check_char(first15: str) -> str:
    """The check character of a codice fiscale from its first 15 characters."""
    total = 0
    for i, c in enumerate(first15.upper()):
        k = int(c) if c.isdigit() else ord(c) - 65
        total += _ODD[k] if i % 2 == 0 else k
    return chr(65 + total % 26)


class FiscalCodeRecognizer(ItFiscalCodeRecognizer):
    """Presidio's ItFiscalCodeRecognizer; any well-formed code counts, a valid one more."""

    VERSION = "1"

    def __init__(self) -> None:
        patterns = [Pattern(p.name, p.regex, 0.7) for p in ItFiscalCodeRecognizer.PATTERNS]
        super().__init__(patterns=patterns, supported_entity="CODICE_FISCALE",
                         name="FiscalCodeRecognizer")
        self.context = []  # scores are final: no lemma context boost

    def validate_result(self, pattern_text: str) -> bool | None:
        code = pattern_text.upper()
        return True if cf_check_char(code[:15]) == code[15] else None

    def describe(self) -> dict:
        return {"name": self.name, "entity": "CODICE_FISCALE", "version": self.VERSION,
                "class": f"{type(self).__module__}.{type(self).__qualname__}",
                "presidio_patterns": [p.regex for p in self.patterns]}


_LOOSE = re.compile(r"(?<![\w])[A-Z]{6}[0-9A-Z]{2}[A-Z][0-9A-Z]{2}[A-Z][0-9A-Z]{3}[A-Z](?![\w])",
                    re.IGNORECASE)
_CF_BEFORE = re.compile(r"(?:\bc\.?\s?f\.?|codice\s+fiscale|cod\.?\s*fisc\.?)\s*[:=]?\s*\Z",
                        re.IGNORECASE)


# surname, name, year+month+day, place+check: the parts a code is written in
_SPACED = re.compile(r"(?<![\w])[A-Z]{3}[ \t][A-Z]{3}[ \t][0-9LMNPQRSTUV]{2}[A-EHLMPRST]"
                     r"[0-9LMNPQRSTUV]{2}[ \t]?[A-Z][0-9LMNPQRSTUV]{3}[ \t]?[A-Z](?![\w])",
                     re.IGNORECASE)


class SpacedFiscalCodeRecognizer(TextRecognizer):
    """A fiscal code written in groups: valid check character, or a fiscal-code word before."""

    ENTITY = "CODICE_FISCALE"
    NAME = "SpacedFiscalCodeRecognizer"
    VERSION = "1"

    def find(self, text: str) -> Iterator[tuple[int, int, float]]:
        for m in _SPACED.finditer(text):
            code = "".join(m.group().split()).upper()
            if cf_check_char(code[:15]) == code[15]:
                yield m.start(), m.end(), 0.95
            elif _CF_BEFORE.search(text, max(0, m.start() - 24), m.start()):
                yield m.start(), m.end(), 0.6


class LooseFiscalCodeRecognizer(TextRecognizer):
    """A 16-character code after a fiscal-code word, whatever its letters and digits say."""

    ENTITY = "CODICE_FISCALE"
    NAME = "LooseFiscalCodeRecognizer"
    VERSION = "1"

    def find(self, text: str) -> Iterator[tuple[int, int, float]]:
        for m in _LOOSE.finditer(text):
            if _CF_BEFORE.search(text, max(0, m.start() - 24), m.start()):
                yield m.start(), m.end(), 0.6
