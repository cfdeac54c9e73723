"""Undo the letter-for-digit confusions of OCR'd faxes before analysis ("O8/O4/2O24 1O:17",
"347 l9O 22 8l", "P0TENZA", "Nico1a"), one character for one, so spans found on the repaired
text hold for the original.

Only a note that shows the confusion in at least two numbers of two digits or more ("2O24",
"4431O2"), or in one such number and two words, is repaired: elsewhere "O2", "pT1c" or "B12"
are what they look like.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[^\W_]+")
_INNER = re.compile(r"[a-z][01][a-z]|[A-Z][01][A-Z]")
_TO_DIGIT = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1"})


def _number_like(token: str) -> bool:
    """Digits with letters OCR takes for digits among them: "4431O2", "2O24", "8l"."""
    return any(c.isdigit() for c in token) and any(c in "OolI" for c in token) and \
        all(c.isdigit() or c in "OolI" for c in token)


def _word_with_digits(token: str) -> bool:
    """A word with a 0 or 1 among its letters: "P0TENZA", "Nico1a", "Cordia1i", "i1"."""
    return token[0].isalpha() and any(c in "01" for c in token) and \
        all(c.isalpha() or c in "01" for c in token)


def repair(text: str) -> str:
    """`text` with OCR confusions undone where it shows them (see the module); same length."""
    tokens = list(_TOKEN.finditer(text))
    numbers: list[re.Match] = []
    for k, m in enumerate(tokens):
        token = m.group()
        if not _number_like(token):
            continue
        near = [tokens[j] for j in (k - 1, k + 1) if 0 <= j < len(tokens)]
        digits = sum(c.isdigit() for c in token)
        # enough digits of its own, or a digit group next to it ("347 l9O 22", "O8/O4/2O24")
        if digits >= 2 or any(n.group().isdigit() or _number_like(n.group()) for n in near
                              if abs(n.start() - m.end()) <= 1 or abs(m.start() - n.end()) <= 1):
            numbers.append(m)
    words = [m for m in tokens if _word_with_digits(m.group())]
    # the evidence: numbers with two digits or more of their own ("2O24", "4431O2"), not "O2"
    strong = sum(sum(c.isdigit() for c in m.group()) >= 2 for m in numbers)
    inner = sum(_INNER.search(m.group()) is not None for m in words)  # "Nico1a", "P0TENZA"
    if strong < 2 and not (strong == 1 and inner >= 2):
        return text
    chars = list(text)
    for m in numbers:
        chars[m.start():m.end()] = m.group().translate(_TO_DIGIT)
    for m in words:
        token = m.group()
        upper = sum(c.isupper() for c in token) > len(token) / 2
        chars[m.start():m.end()] = "".join(
            ("O" if upper else "o") if c == "0" else ("I" if upper else "l") if c == "1" else c
            for c in token)
    return "".join(chars)
