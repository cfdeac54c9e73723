"""Places: Italian comuni from the ISTAT list, and any capitalized place after a birth or
residence phrase ("nato a Casablanca").

A comune that is also an Italian word or a person's name (Bra, Ne, Vita, Paese, Marino) counts
only with strong context: a birth, residence or hospital phrase before it ("nata a", "residente
in", "Ospedale di", "AUSL di"), a CAP before it, or a date after it as in a letter's place and
date ("Bra, 12/03/2021"). Other comuni count when capitalized, more so after a preposition.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dsm_clinic.deid.eponyms import is_always_allowed
from dsm_clinic.deid.gazetteers import Gazetteers, norm
from dsm_clinic.deid.recognizers.base import (
    TextRecognizer,
    Word,
    left_context,
    sentence_start,
    upper_context,
    words,
)

_BIRTH_OR_HOME = {"nato", "nata", "nati", "nascita", "nasce", "residente", "res.", "residenti",
                  "domiciliato", "domiciliata", "domicilio", "abita", "vive", "risiede",
                  "residenza", "proveniente", "provenienti", "originario", "originaria",
                  "trasferito", "trasferita", "trasferitosi", "emigrato", "emigrata",
                  "domic.", "dom.", "res"}
_HEADS = {"comune", "provincia", "città", "citta", "ospedale", "p.o.", "po", "ospedaliero",
          "ospedaliera", "universitaria", "ospedaliero-universitaria", "asl", "ausl", "asst",
          "ats", "ulss", "usl", "asp", "aou", "ao", "policlinico", "rsa", "distretto", "carcere",
          "civile", "presidio", "irccs", "hospice", "stabilimento", "sede", "clinica",
          "prefettura", "questura", "tribunale"}
_PREPOSITIONS = {"a", "in", "da", "di", "ad", "presso", "per", "verso", "dal", "del", "nel",
                 "fra", "tra", "su", "sul"}
_LINKERS = {"di", "del", "della", "dei", "delle", "sul", "sulla", "in", "d'", "de", "san",
            "santa", "sant'", "s."}
_DATE_AFTER = re.compile(
    r"\s*,?\s*(?:l[iì]\.?,?\s*)?(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}°?\s+[a-z]+\s+\d{4}"
    r"|\d{4}-\d{2}-\d{2})", re.IGNORECASE)
_MAX_TOKENS = 7
_ABBREVIATIONS = {"St", "S", "Ss", "Sta", "Sto", "Mt", "Ste", "SS", "ST"}  # St.Jakob, S. Agata
_CAP_BEFORE = re.compile(r"(?<![\w./-])(?<!\d[ \t])\d{5}[ \t]*[-–]?[ \t]*\Z")
_HOME_BEFORE = re.compile(
    r"(?:\b(?:nat[oa]|nati|nasce|nascita|residente|residenti|res\.?|domiciliat[oa]|domicilio|"
    r"dom\.|abita|vive|risiede|residenza|provenient[ei]|originari[oa]|trasferit[oa](?:si)?|"
    r"emigrat[oa])\b(?:(?!\.\s)[^\n;]){0,36}?\b(?:a|in|ad|da|presso)|"
    r"\b(?:residenza|domicilio|nascita|"
    r"luogo\s+di\s+nascita|comune|località|loc\.|citt[aà])\s*:)\s*$", re.IGNORECASE)


class PlaceRecognizer(TextRecognizer):
    ENTITY = "LUOGO"
    NAME = "ItalianPlaceRecognizer"
    VERSION = "1"

    def __init__(self, gazetteers: Gazetteers) -> None:
        super().__init__()
        self.gaz = gazetteers
        index: dict[str, list[tuple[str, ...]]] = {}
        for key in gazetteers.comuni:
            # ISTAT writes some names hyphenated (Montecatini-Terme); notes may not.
            for variant in {key, key.replace("-", " ")}:
                toks = tuple(norm(w.text) for w in words(variant))
                if toks and len(toks) <= _MAX_TOKENS:
                    index.setdefault(toks[0], []).append(toks)
        for seqs in index.values():
            seqs.sort(key=len, reverse=True)
        self.index = index

    def _ambiguous(self, name: str) -> bool:
        """True for a one-word comune that is also a word or a name (Bra, Vita, Marino)."""
        parts = [w.text for w in words(name)]
        if len(parts) != 1:
            return all(self.gaz.is_word(p) for p in parts)
        word = parts[0]
        return len(word) <= 3 or self.gaz.is_word(word) or self.gaz.is_name(word)

    def _context(self, text: str, start: int, end: int) -> str | None:
        """'home' after a birth, residence or CAP; 'head' after a hospital or 'comune di';
        'date' before a letter's date; None otherwise."""
        if _HOME_BEFORE.search(text, max(0, start - 70), start):
            return "home"
        left = left_context(text, start, n=4)
        near = [w for w in left if w not in {"(", ","}]
        if _CAP_BEFORE.search(text, max(0, start - 12), start):
            return "home"  # after a CAP
        if len(near) >= 2 and near[-1] in _PREPOSITIONS and (
                near[-2] in _HEADS or near[-2].rstrip(".") in _HEADS):
            return "head"
        if near and near[-1] in _HEADS and text[start - 1:start] == " " and \
                near[-1] not in {"civile", "sede", "clinica"}:
            return "head_direct"  # "AUSL Bologna": enough for a comune, not for any word
        if _DATE_AFTER.match(text, end) and sentence_start(text, start):
            return "date"
        return None

    def _match_comune(self, ws: list[Word], i: int, text: str) -> int:
        """Number of words from i that spell a comune, or 0."""
        first = norm(ws[i].text)
        for seq in self.index.get(first, ()):
            n = len(seq)
            if i + n > len(ws):
                continue
            ok = True
            for k in range(1, n):
                gap = text[ws[i + k - 1].end:ws[i + k].start]
                if norm(ws[i + k].text) != seq[k] or gap not in (" ", "-", ""):
                    ok = False
                    break
            if ok:
                return n
        return 0

    def _foreign_run(self, ws: list[Word], i: int, text: str) -> int:
        """Capitalized words from i (with linkers: "Testa di Lepre di Sopra"), at most 6."""
        n = 0
        while i + n < len(ws) and n < 6:
            w = ws[i + n]
            gap = text[ws[i + n - 1].end:w.start] if n else " "
            if gap != " " and not (gap in (".", ". ") and ws[i + n - 1].text in _ABBREVIATIONS):
                break
            if w.text[:1].isupper() and not is_always_allowed(w.text):
                n += 1
            elif n and norm(w.text) in _LINKERS and i + n + 1 < len(ws) \
                    and ws[i + n + 1].text[:1].isupper():
                n += 1
            else:
                break
        while n and norm(ws[i + n - 1].text) in _LINKERS:
            n -= 1
        return n

    def find(self, text: str) -> Iterator[tuple[int, int, float]]:
        ws = words(text)
        i = 0
        while i < len(ws):
            w = ws[i]
            if not w.text[:1].isupper() or is_always_allowed(w.text):
                i += 1
                continue
            n = self._match_comune(ws, i, text)
            if n:
                start, end = w.start, ws[i + n - 1].end
                name = text[start:end]
                strong = self._context(text, start, end)
                longer = max(n, self._foreign_run(ws, i, text))
                if strong is None and longer > n:  # "Padula Scalo, 17/07/2020"
                    strong = self._context(text, start, ws[i + longer - 1].end)
                if strong:
                    if strong != "head_direct":  # a frazione after its comune: "Padula Scalo"
                        n = max(n, self._foreign_run(ws, i, text))
                        end = ws[i + n - 1].end
                    yield start, end, 0.85
                    i += n
                    continue
                if not self._ambiguous(name):
                    left = left_context(text, start, n=1)
                    after_prep = bool(left) and left[-1] in _PREPOSITIONS
                    informative = not sentence_start(text, start) or upper_context(text, start, end)
                    if after_prep:
                        yield start, end, 0.75
                    elif informative or n > 1:
                        yield start, end, 0.55
                    i += n
                    continue
            else:
                n = self._foreign_run(ws, i, text)
                if n and norm(w.text) not in self.gaz.clinical:
                    end = ws[i + n - 1].end
                    context = self._context(text, w.start, end)
                    # "nato in Nigeria": a country or region, not a place that identifies.
                    country = left_context(text, w.start, n=2)[-2:] in (
                        ["nato", "in"], ["nata", "in"], ["nati", "in"])
                    # after a hospital or a letter's place-and-date, a capitalized run is a place
                    if context == "home" and not country or context in ("head", "date") or \
                            context == "head_direct" and not self.gaz.is_word(w.text):
                        yield w.start, end, 0.7
                        i += n
                        continue
            i += 1
