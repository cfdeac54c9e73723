"""Tessera sanitaria (TEAM card) numbers: 20 digits, 80 (health) 380 (Italy), issuer, serial
and a Luhn check digit; spaces between groups allowed.

A number with the right shape and a wrong check digit still counts when a card word stands
before it ("tessera sanitaria n."), since typos happen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dsm_clinic.deid.recognizers.base import TextRecognizer, left_context

_CARD = re.compile(r"(?<![\w])8\s?0\s?3\s?8\s?0(?:\s?\d){15}(?![\w])")
_CARD_WORDS = {"tessera", "sanitaria", "ts", "t.s.", "team", "tesserino", "card", "tessera:",
               "n.", "nr.", "numero", ":"}


def luhn_ok(digits: str) -> bool:
    """True when the last digit of `digits` is their Luhn check digit."""
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


class HealthCardRecognizer(TextRecognizer):
    ENTITY = "TESSERA_SANITARIA"
    NAME = "HealthCardRecognizer"
    VERSION = "1"

    def find(self, text: str) -> Iterator[tuple[int, int, float]]:
        for m in _CARD.finditer(text):
            digits = re.sub(r"\s", "", m.group())
            if luhn_ok(digits):
                yield m.start(), m.end(), 1.0
            elif any(w in _CARD_WORDS for w in left_context(text, m.start(), n=4)):
                yield m.start(), m.end(), 0.6
