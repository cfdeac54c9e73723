"""Italian identifiers with real check characters: codice fiscale and tessera sanitaria.

A de-identifier that validates check characters must see valid codes, so the synthetic
corpus computes them with the official algorithms rather than drawing random letters.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata

MONTH_LETTERS = "ABCDEHLMPRST"
_VOWELS = "AEIOU"

# Check-character tables of the codice fiscale (DM 23/12/1976): characters in odd positions
# (1st, 3rd, ... counting from 1) map through _ODD; even positions map digits to themselves
# and letters to their alphabet index. Digits share the value of the letter at the same index.
_ODD_VALUES = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22,
               25, 24, 23]
_ODD = {chr(65 + i): v for i, v in enumerate(_ODD_VALUES)} | {str(i): _ODD_VALUES[i]
                                                              for i in range(10)}
_EVEN = {chr(65 + i): i for i in range(26)} | {str(i): i for i in range(10)}


def _letters(text: str) -> str:
    """Upper-case A-Z only: accents stripped, apostrophes and spaces dropped (D'Angelo -> DANGELO)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.upper() if "A" <= c <= "Z")


def _split(text: str) -> tuple[str, str]:
    letters = _letters(text)
    return ("".join(c for c in letters if c not in _VOWELS),
            "".join(c for c in letters if c in _VOWELS))


def surname_code(surname: str) -> str:
    """Three letters: consonants, then vowels, then X."""
    cons, vows = _split(surname)
    return (cons + vows + "XXX")[:3]


def name_code(name: str) -> str:
    """Three letters: 1st, 3rd and 4th consonant when there are four or more, else as surnames."""
    cons, vows = _split(name)
    if len(cons) >= 4:
        return cons[0] + cons[2] + cons[3]
    return (cons + vows + "XXX")[:3]


def cf_check_char(first15: str) -> str:
    """The 16th character of a codice fiscale from its first 15; raises ValueError."""
    code = first15.upper()
    if len(code) != 15 or any(c not in _EVEN for c in code):
        raise ValueError("a codice fiscale body is 15 letters or digits")
    total = sum(_ODD[c] if i % 2 == 0 else _EVEN[c] for i, c in enumerate(code))
    return chr(65 + total % 26)


def is_valid_cf(code: str) -> bool:
    """True when `code` has the codice fiscale shape and a correct check character."""
    code = code.upper()
    if len(code) != 16 or not code.isalnum():
        return False
    try:
        return cf_check_char(code[:15]) == code[15]
    except ValueError:
        return False


def codice_fiscale(surname: str, name: str, birth: dt.date, *, female: bool,
                   place_code: str) -> str:
    """Return the 16-character codice fiscale; `place_code` is the Belfiore code (e.g. H501)."""
    day = birth.day + (40 if female else 0)
    body = (surname_code(surname) + name_code(name) + f"{birth.year % 100:02d}"
            + MONTH_LETTERS[birth.month - 1] + f"{day:02d}" + place_code.upper())
    return body + cf_check_char(body)


def belfiore_code(rng: random.Random) -> str:
    """A plausible cadastral code: a comune (A-M + 3 digits) or, rarely, a foreign state (Z)."""
    if rng.random() < 0.05:
        return "Z" + str(rng.randint(100, 360))
    return rng.choice("ABCDEFGHILM") + f"{rng.randint(1, 999):03d}"


def luhn_digit(digits: str) -> str:
    """The Luhn check digit to append to `digits`."""
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 0:  # doubled: these sit at odd distance from the check digit
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def is_valid_luhn(number: str) -> bool:
    return number.isdigit() and luhn_digit(number[:-1]) == number[-1]


def tessera_sanitaria(rng: random.Random) -> str:
    """A 20-digit health card number: 80 (health) 380 (Italy), issuer, serial, Luhn digit."""
    body = "80380" + "000" + f"{rng.randint(1, 999):03d}" + "".join(
        str(rng.randint(0, 9)) for _ in range(8))
    return body + luhn_digit(body)
