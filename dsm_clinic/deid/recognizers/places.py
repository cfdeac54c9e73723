"""Places: Italian comuni from the ISTAT list, and any capitalized place after a birth or
residence phrase ("nato a Casablanca").

A comune that is also an Italian word or a person's name (Bra, Ne, Vita, Paese, Marino) counts
only with strong context: a birth, residence or hospital phrase before it ("nata a", "residente
in", "Ospedale di", "AUSL di"), a CAP before it, or a date after it as in a letter's place and
date ("Bra, 12/03/2021"). Other comuni count when capitalized, more so after a preposition.

A comune that is also a name or a word still counts capitalized after a preposition inside a
sentence ("operata a Modena", "di Cento") or between the dashes of a heading ("- RAVENNA -").
Abroad, a capitalized word counts after a birth, residence, work or travel phrase ("lavora a
Lugano", "rientro da Iași"), and a city of the GeoNames list after a preposition ("in viva voce
da Melbourne"). Countries ("in Romania") are never places here, nor a hospital named after a
saint ("Policlinico di Sant'Orsola").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dsm_clinic.deid.eponyms import is_always_allowed
from dsm_clinic.deid.gazetteers import Gazetteers, norm
from dsm_clinic.deid.recognizers.addresses import CONTINENTAL_POSTCODE, NUMBER_FIRST_STREET
from dsm_clinic.deid.recognizers.base import (
    CAPITAL_AFTER,
    TextRecognizer,
    Word,
    column_cells,
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
          "prefettura", "questura", "tribunale", "ps", "p.s.", "csm", "dsm", "sert", "serd",
          "consultorio", "soccorso", "118", "municipio", "sindaco", "carabinieri", "polizia",
          "università", "universita", "ateneo", "aorn", "tangenziale",
          "stazione", "aeroporto", "porto", "penitenziari",
          "penitenziario", "circondariale", "istituti", "istituto", "carceri", "ast", "urp",
          "frontiera", "turistica", "guardia", "amb.", "ambulatorio", "universität", "ambito",
          "spdc", "trib.", "msa", "msb", "msi", "pet", "postazione"}
# Hospitals and institutions: a saint's name after them names the building, not a place.
_INSTITUTION_HEADS = {"ospedale", "policlinico", "clinica", "istituto", "presidio", "casa",
                      "cura", "hospice", "fondazione", "irccs", "rsa", "p.o.", "po"}
_SAINT_WORD = re.compile(r"(?:san|santa|santo|sant['’]|s\.|ss\.|santi|madonna|beata|beato)\b",
                         re.IGNORECASE)
_HEADING_DASHES = re.compile(r"[ \t][-–][ \t]*\Z")
_HEADING_DASH_AFTER = re.compile(r"[ \t]*(?:[-–][ \t]|,|\n|\Z|\.(?:[ \t]|\n|\Z))")
_PREPOSITIONS = {"a", "in", "da", "di", "ad", "presso", "per", "verso", "dal", "del", "nel",
                 "fra", "tra", "su", "sul"}
_LINKERS = {"di", "del", "della", "dei", "delle", "degli", "sul", "sulla", "in", "d'", "de", "san",
            "santa", "sant'", "s.", "la", "le", "lo"}
_DATE_AFTER = re.compile(
    r"(?:[ \t]*\([A-ZÀ-Þ][^()\n]{1,30}\))?\s*,?\s*(?:(?:l[iì]|addì|addi|am|den|le)\.?,?\s*)?(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}[°.]?\s+[a-zä]+\.?\s+\d{4}|"
    r"\d{1,2}\.[IVX]{1,4}\.\d{4}"
    r"|\d{4}-\d{2}-\d{2}|(?<=[iì] )[a-zé]+\s+(?:gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|"
    r"agosto|settembre|ottobre|novembre|dicembre))", re.IGNORECASE)
_MAX_TOKENS = 7
_LIVES_BEFORE = re.compile(r"\b(?:abita|abitano|vive|vivono|risiede|lavora|lavorano|sta|stanno|"
                           r"domiciliat[oa]|residente)\b[^\n.;]{0,30}\Z", re.IGNORECASE)
# Comuni as everyone writes them, not as ISTAT does ("Reggio di Calabria", "Lampedusa e Linosa").
_SHORT_NAMES = {"reggio calabria", "reggio emilia", "lampedusa", "linosa"}
# A service or ward directly before a comune names where it is: "UCP Fermo", "ADI Potenza".
_SERVICES = {"ucp", "obi", "adi", "poliambulatorio", "osp.", "dss", "u.o.", "uo", "uoc", "u.o.c.",
             "ortopedia", "pediatria", "dialisi", "laboratorio", "lab", "vaccinazioni",
             "riabilitazione", "lungodegenza", "urologia", "cup", "dea", "medicina"}
_NUMBERED_HEADS = {"asl", "ulss", "ausl", "asp", "asst", "dss", "distretto", "ats", "ast"}
_DEPARTMENT_SUFFIX = re.compile(r"(?:logia|iatria|terapia|medicina|chirurgia|ostetricia)\b", re.IGNORECASE)
_CIVIC_BEFORE = re.compile(
    r"(?i:\b(?:via|viale|piazza|corso|largo|vicolo|strada|p\.zza|c\.so|v\.le|v\.|loc\.|località|"
    r"contrada|c\.da|frazione|fraz\.)\s)[^\n,;]{2,40}?"
    r"\s(?:\d{1,4}(?:/?[A-Za-z])?|(?i:snc))[ \t]*(?:,|[ \t][-–])[ \t]*(?:\d{5}[ \t]+)?\Z|"
    r"(?i:\b(?:contrada|c\.da|c/da|località|loc\.|frazione|fraz\.|masseria)\s)[^\n,;()]{2,30}[ \t]*,[ \t]*\Z|"
    r"(?i:\b(?:via|viale|piazza|corso|largo|vicolo|strada)\s)[^\n,;]{2,40}?\s\d{1,4}[ \t]+\d{5}[ \t]+\Z")
# A comune before its street in brackets: "Riccia (corso Carlo Gesualdo 12)".
_STREET_AFTER = re.compile(r"[ \t]*\((?i:via|viale|piazza|corso|largo|vicolo|strada|loc\.|località|"
                           r"contrada|p\.zza|c\.so)\b")
# A hospital or service word, one or two words of its name, then "di": "P.O. Segni di".
_HEAD_FAR = re.compile(
    r"(?<![\w.])(?i:" + "|".join(re.escape(h) for h in sorted(_HEADS, key=len, reverse=True)) +
    r"|p\.\s?o\.)(?:[ \t]+[\w'’.\"”«»]+){1,2}[ \t]+(?i:di|a)[ \t]*\Z")
# A district in brackets after a place: "20126 Milano (Gorla)".
_DISTRICT_AFTER = re.compile(r"[ \t]*\((?P<p>[A-ZÀ-Þ][\w'’]+(?:[ \t](?:di|del|della|delle|dei|degli|la|le|"
                             r"[A-ZÀ-Þ][\w'’]+)){0,3})\)")
# A frazione named after its comune: "Lido di Camaiore", "Marina di Ragusa", "Porto d'Ascoli".
_FRAZIONE_BEFORE = re.compile(r"(?<![\w'’])(?:Lido|Marina|Porto|Borgo|Bagni|Villaggio|Castel|Torre|Ponte|"
                              r"Pieve|Rocca|Riva|Scalo)[ \t]+(?:(?:di|del|della|dei)[ \t]+|d['’][ \t]*)?\Z")
# Another place after a found one, in a list or a route.
_JOINED_AFTER = re.compile(r"(?P<link>[ \t]*,[ \t]*|[ \t]+(?:e|ed|o|poi)[ \t]+|[ \t]*/[ \t]*)"
                           r"(?P<p>(?:St\.[ ]?)?[A-ZÀ-Þ][\w'’-]+(?:[ \t][A-ZÀ-Þ][\w'’]+){0,2})(?![\w'’-])")
# A table's place columns: "comune_res", "Luogo di nascita", "| Residenza |".
_PLACE_HEADER = re.compile(
    r"comune|comune[_ ]\w+|luogo|luogo[_ ]\w+|luogo di nascita|comune di (?:residenza|nascita)|"
    r"citt[aà]|residenza|domicilio|provenienza|localit[aà]|frazione|nato a|nata a|nato/a a|"
    r"res\.?|place_of_birth|city|birthplace")
_CELL_PLACE = re.compile(r"[ \t\"']*(?P<p>[A-ZÀ-Þ][\w'’-]*(?:[ ](?:[A-ZÀ-Þ][\w'’-]*|di|del|della|"
                         r"dei|d['’]\w+|in|sul|sulla|al|e)){0,4})[ \t\"']*(?:\([A-Z]{2}\))?[ \t\"']*")
_CALENDAR = {"lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica", "lunedi",
             "martedi", "mercoledi", "giovedi", "venerdi", "gennaio", "febbraio", "marzo", "aprile",
             "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}
_OF_PLACE_AFTER = re.compile(r"[ \t]+(?:di|de|in)[ \t]+[A-ZÀ-Þ]")  # "P.O. Segni di Ozieri"
_STREET_HEAD = (r"(?i:\b(?:via|viale|piazza|corso|largo|vicolo|strada|p\.zza|c\.so|v\.le|loc\.|"
                r"località|contrada|c\.da)\s)[^\n,;()]{2,40}?\s\d{1,4}(?:/?[A-Za-z])?")
_CIVIC_BRACKET = re.compile(_STREET_HEAD + r"[ \t]*\((?P<p>[A-ZÀ-Þ][\w'’]+(?:[ ][A-ZÀ-Þ][\w'’]+)?)\)")
_CIVIC_COMUNE = re.compile(_STREET_HEAD + r"[ \t]+(?P<p>[A-ZÀ-Þ][\w'’]+(?:[ ][A-ZÀ-Þ][\w'’]+)?)"
                           r"(?=[ \t]*(?:[-–(]|\n|$|,))", re.MULTILINE)
_TAGGED_PLACE = re.compile(
    r"(?<![\w'’-])(?P<p>[A-ZÀ-Þ][\w'’-]+(?:[ ](?:di|del|della|d['’]\w+|[A-ZÀ-Þ][\w'’-]+)){0,3})"
    r"[ \t]+\((?P<tag>[A-Z]{2}|[A-ZÀ-Þ][a-zà-ÿ]+)\)")
_CITY_COUNTRY = re.compile(r"\((?P<p>[A-ZÀ-Þ][\w'’-]+(?:[ ][A-ZÀ-Þ][\w'’-]+){0,2})[ \t]*,[ \t]*"
                           r"(?P<c>[A-ZÀ-Þ][\w'’]+(?:[ ][A-ZÀ-Þ]?[\w'’]+){0,2})\)")
_BRACKET_CITY = re.compile(r"\((?P<p>[A-ZÀ-Þ][a-zà-ÿ]+(?:[ ][A-ZÀ-Þ][a-zà-ÿ]+)?)\)")
_PO_BEFORE = re.compile(r"(?i:(?<![\w.])(?:p\.[ ]?[os]\.|a\.[ ]?s\.[ ]?[lp]\.|a\.[ ]?u\.[ ]?s\.[ ]?l\.))[ \t]*\Z")
_PREV_NAME_WORD = re.compile(r"(?P<w>[A-ZÀ-Þ][\w'’]*)[\"”»]?[ \t]+\Z")
_SAINT_BEFORE = re.compile(r"(?i:\b(?:san|santa|santo|s\.|ss\.|santi)|\bsant['’])[ \t]*\Z")
# After a street or a postcode abroad: "14 Orchard Lane, Tewkesbury", "31-147 Kraków".
_ABROAD_BEFORE = re.compile(rf"(?:{NUMBER_FIRST_STREET.pattern})[ \t]*,[ \t]*\Z|"
                            rf"(?<![\w-])(?:{CONTINENTAL_POSTCODE.pattern})[ \t]+\Z")
_HEADING_COMMA = re.compile(r",[ \t]*\Z")
_BIRTH_DATE_BEFORE = re.compile(r"(?<![\w/.-])(?P<cue>(?i:n\.|nat[oa](?:[ \t]+il)?|nascita:?|dob)[ \t]*)?"
                                r"\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2}[ \t]+\Z")
_BIRTH_PLACE_END = re.compile(r"[ \t]*(?:[-–,;(]|\n|\Z)")
_INSTITUTION_LINE = re.compile(
    r"(?i:\b(?:ospedale|policlinico|presidio|istituto|clinica|azienda|asl|ausl|asst|aou|aorn|aor(?!\w)|"
    r"a\.o\.(?:r\.|u\.)?|p\.o\.|"
    r"irccs|universit[àa]|casa\s+di\s+cura|centro|hospice|rsa|studio|ambulatorio))")
_ABBREVIATIONS = {"St", "S", "Ss", "Sta", "Sto", "Mt", "Ste", "SS", "ST"}  # St.Jakob, S. Agata
_CAP_BEFORE = re.compile(r"(?<![\w./-])(?<!\d[ \t])\d{5}[ \t]*[-–]?[ \t]*\Z")
_HOME_BEFORE = re.compile(
    r"(?:\b(?:nat[oa]|nati|nasce|nascita|residente|residenti|res\.?|domiciliat[oa]|domicilio|"
    r"dom\.|abita|vive|risiede|residenza|provenient[ei]|originari[oa]|trasferit[oa](?:si)?|"
    r"emigrat[oa]|lavora|lavorava|lavorano|lavoro|rientro|rientrat[oa]|rientra|ritorno|"
    r"tornat[oa]|torna|rimpatriat[oa]|viaggio|soggiorno|soggiorna|studia|vacanza|trasferta|"
    r"partit[oa]|arrivat[oa]|giunt[oa]|stava|stavano|abitava|abitavano|viveva|vivevano|"
    r"cresciut[oa]|sposat[oa]|decedut[oa]|mort[oa]|vissut[oa]|domiciliati|ospite|vado|va|vanno|"
    r"andat[oa]|andrà|wohnhaft|geboren|wohnt)\b(?:(?!\.\s)[^\n;]){0,36}?\b(?:a|in|ad|da|presso)[ \t]*:?|"
    r"\b(?:frazione(?:\s+di)?|fraz\.|località|localita'?|loc\.|quartiere(?:\s+di)?|rione|"
    r"borgata|contrada|c\.da|sestiere|municipio|zona|fraktion|ortsteil)|"
    r"\b(?:comune|luogo|provincia)\s+di\s+[a-zà-ù]+\s*:|"
    r"\bres\.|\bdom\.|\b(?:domicilio|residenza)\s*,|(?-i:\bdomicilio)\s|"
    r"\b(?:residenza|domicilio|nascita|"
    r"luogo\s+di\s+nascita|luogo(?:\s+(?:intervento|evento|incidente|infortunio|soccorso))?|comune|"
    r"località|loc\.|citt[aà])\s*:)\s*$", re.IGNORECASE)


class PlaceRecognizer(TextRecognizer):
    ENTITY = "LUOGO"
    NAME = "ItalianPlaceRecognizer"
    VERSION = "7"

    def __init__(self, gazetteers: Gazetteers) -> None:
        super().__init__()
        self.gaz = gazetteers
        index: dict[str, list[tuple[str, ...]]] = {}
        for key in {*gazetteers.comuni, *_SHORT_NAMES}:
            # ISTAT writes some names hyphenated (Montecatini-Terme); notes may not.
            for variant in {key, key.replace("-", " ")}:
                toks = tuple(norm(w.text) for w in words(variant))
                if toks and len(toks) <= _MAX_TOKENS:
                    index.setdefault(toks[0], []).append(toks)
        for seqs in index.values():
            seqs.sort(key=len, reverse=True)
        self.index = index
        # each comune and the words it starts with: "san polo" of "san polo d'enza"
        self.prefixes = {" ".join(key.split(" ")[:k]) for key in gazetteers.comuni
                         for k in range(1, key.count(" ") + 2)}

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
        name = text[start:end]
        if _HOME_BEFORE.search(text, max(0, start - 70), start):
            return "home"
        left = left_context(text, start, n=4)
        near = [w for w in left if w not in {"(", ","}]
        if _CAP_BEFORE.search(text, max(0, start - 12), start):
            return "home"  # after a CAP
        if _CIVIC_BEFORE.search(text, max(0, start - 60), start) or _STREET_AFTER.match(text, end) or \
                _ABROAD_BEFORE.search(text, max(0, start - 60), start):
            return "home"  # after a street and its civic number, or before it
        birth = _BIRTH_DATE_BEFORE.search(text, max(0, start - 24), start)
        if birth is not None and (birth.group("cue") or norm(name) in self.gaz.comuni) and \
                _BIRTH_PLACE_END.match(text, end):
            return "home"  # a place of birth after the date
        if _HEADING_COMMA.search(text, max(0, start - 3), start) and \
                _HEADING_DASH_AFTER.match(text, end) and \
                _INSTITUTION_LINE.search(text, text.rfind("\n", 0, start) + 1, start):
            return "head"  # "Ospedale Pediatrico Giovanni XXIII, Bari"
        if len(near) >= 2 and near[-1] in _PREPOSITIONS and (
                near[-2] in _HEADS or near[-2].rstrip(".") in _HEADS):
            return "head"
        if near and near[-1] in ("di", "a") and _HEAD_FAR.search(text, max(0, start - 60), start):
            return "head_far"  # "Consultorio Familiare di San Polo", "P.O. Segni di Ozieri"
        if self._ends_institution(text, start, end):
            return "head"  # "Ospedale San Donato Arezzo - UOC", "(F.T. - Diabetologia Cassino)"
        if _PO_BEFORE.search(text, max(0, start - 8), start) and not _OF_PLACE_AFTER.match(text, end) \
                and norm(name) not in self.gaz.clinical and not _SAINT_WORD.match(name):
            return "head_direct"  # "P.O. Monfalcone", "P.O. Fermo" (a surname too)
        if near and near[-1] in _HEADS and text[start - 1:start] == " " and \
                near[-1] not in {"civile", "sede", "clinica"}:
            return "head_direct"  # "AUSL Bologna": enough for a comune, not for any word
        if near and text[start - 1:start] == " " and norm(name) not in self.gaz.clinical and (
                near[-1] in _SERVICES or _DEPARTMENT_SUFFIX.fullmatch(near[-1]) or
                len(near) >= 2 and near[-2] in _NUMBERED_HEADS and near[-1].isdigit()) and \
                not CAPITAL_AFTER.match(text, end):
            return "head_direct"  # "OBI Macerata", "Ortopedia Macerata", "ASL 2 Lanciano"
        if _DATE_AFTER.match(text, end) and (sentence_start(text, start) or text[start - 2:start] in (
                "  ", "\t") and norm(name) in self.gaz.comuni):  # "    Roma, 07/05/2024"
            return "date"
        return None

    def _ends_institution(self, text: str, start: int, end: int) -> bool:
        """A place that closes an institution's name on a heading line: "Ospedale Ca' Foncello
        Treviso - ", "AO San Pio Benevento - ". The word before it is part of the name, and a
        first name there must follow a saint ("Ospedale Luigi Sacco" names a person)."""
        if not (_HEADING_DASH_AFTER.match(text, end) or text[end:end + 1] == ")"):
            return False
        if norm(text[start:end]) not in self.gaz.comuni:
            return False
        line = text.rfind("\n", 0, start) + 1
        prev = _PREV_NAME_WORD.search(text, max(line, start - 40), start)
        if prev is None:
            return False
        word = prev.group("w")
        if _SAINT_WORD.fullmatch(word):
            return False  # "Ospedale San Donato, Arezzo": Donato is the saint's
        if _DEPARTMENT_SUFFIX.search(word):
            return True  # "Diabetologia Cassino"
        if not _INSTITUTION_LINE.search(text, line, start):
            return False
        if self.gaz.is_first_name(word) and not _SAINT_BEFORE.search(text, max(line, prev.start() - 10),
                                                                     prev.start("w")):
            return False
        return not _DEPARTMENT_SUFFIX.search(text[start:end])

    def _saint_comune(self, text: str, start: int, end: int) -> bool:
        """"Presidio Ospedaliero di San Polo": after a preposition, a saint's name that begins
        a comune's name (San Polo d'Enza, San Giovanni Rotondo) locates the hospital."""
        left = left_context(text, start, n=1)
        if not left or left[-1] not in {"di", "a", "da", "in"}:
            return False
        return norm(text[start:end]) in self.prefixes

    def _after_institution(self, text: str, start: int) -> bool:
        left = [w.rstrip(".") for w in left_context(text, start, n=3)]
        return any(w in _INSTITUTION_HEADS or w + "." in _INSTITUTION_HEADS for w in left[:-1])

    def _loose_comune(self, text: str, ws: list[Word], i: int, n: int) -> bool:
        """A comune that is also a name or a word, where only a place fits: capitalized after
        a preposition inside a sentence ("operata a Modena"), or between heading dashes
        ("OSPEDALE SANTA MARIA DELLE CROCI - RAVENNA - ORE 21:07")."""
        start, end = ws[i].start, ws[i + n - 1].end
        key = norm(text[start:end])
        dashes = _HEADING_DASHES.search(text, max(0, start - 3), start) is not None and \
            _HEADING_DASH_AFTER.match(text, end) is not None
        if dashes and key not in self.gaz.clinical and \
                _INSTITUTION_LINE.search(text, text.rfind("\n", 0, start) + 1, start):
            return True  # "AZIENDA OSPEDALIERA SAN GIOVANNI BATTISTA - ROMA": not an acronym
        if key in self.gaz.clinical or is_always_allowed(text[start:end]) or len(key) < 4 or \
                text[start:end].isupper() and len(key) <= 4 and not upper_context(text, start, end):
            return False  # "esiti di PTA": an acronym
        if dashes:
            return True
        if upper_context(text, start, end) and text[start:end].isupper():
            # an all-caps note: a comune that is no Italian word, after a preposition or a
            # direction ("DA CASERTA", "DIREZ. PACHINO", "BIVIO PER MARZAMEMI")
            left = left_context(text, start, n=1)
            return bool(left) and left[-1] in {"a", "da", "di", "in", "per", "verso", "direz.",
                                               "dir.", "direzione"} and \
                not self.gaz.is_word(text[start:end])
        if upper_context(text, start, end) or sentence_start(text, start):
            return False
        left = left_context(text, start, n=1)
        if not left or left[-1] not in {"a", "in", "da", "di", "presso", "ad"}:
            return False
        # "di Medicina Interna": a capitalized word after it makes a department's name
        nxt = ws[i + n] if i + n < len(ws) else None
        return not (nxt is not None and text[end:nxt.start] == " " and nxt.text[:1].isupper())

    def _city_abroad(self, text: str, ws: list[Word], i: int, n: int) -> bool:
        """A city of the GeoNames list, capitalized after a preposition inside a sentence, that
        is no Italian word and no name ("da Melbourne", not "da Marco" or "in Terapia")."""
        w = ws[i]
        if w.text.isupper() or len(w.text) < 4:
            return False
        name = text[w.start:ws[i + n - 1].end]
        if not self.gaz.is_city_abroad(name):
            return False
        if any(self.gaz.is_word(x.text) or self.gaz.is_name(x.text) or x.text.isupper() or
               len(x.text) < 4 for x in ws[i:i + n]) or upper_context(text, w.start, w.end) or \
                sentence_start(text, w.start):
            return False
        left = left_context(text, w.start, n=1)
        return bool(left) and left[-1] in {"a", "in", "da", "di", "presso", "ad", "verso", "to", "per", "à",
                                           "from", "nach", "aus", "via"}

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

    def _dictated_places(self, text: str, ws: list[Word]) -> Iterator[tuple[int, int, float]]:
        """Places in a note written all in lower case (a dictation, a transcript): a comune or
        a city abroad after a preposition ("di lumezzane"), or any word that is no Italian
        word after a birth or residence phrase ("nato in pakistan a sialkot")."""
        i = 0
        while i < len(ws):
            w = ws[i]
            left = left_context(text, w.start, n=1)
            if not w.text.islower() or len(w.text) < 3 or not left or \
                    left[-1] not in {"a", "di", "da", "in", "ad", "presso"}:
                i += 1
                continue
            n = self._match_comune(ws, i, text)
            end = ws[i + n - 1].end if n else w.end
            name = text[w.start:end]
            home = _HOME_BEFORE.search(text, max(0, w.start - 70), w.start) is not None
            foreign = not n and not self.gaz.is_word(w.text) and not self.gaz.is_country(w.text) \
                and norm(w.text) not in self.gaz.clinical
            if n and (home or not self._ambiguous(name)) or \
                    foreign and (home or self.gaz.is_city_abroad(w.text.title())):
                yield w.start, end, 0.5
                i += max(n, 1)
                continue
            i += 1

    def _hyphenated_comuni(self, w: Word) -> list[tuple[int, int, float]]:
        """Each comune of a hyphenated run of comuni ("Avezzano-Sulmona-L'Aquila")."""
        if "-" not in w.text:
            return []
        spans, pos = [], w.start
        for part in w.text.split("-"):
            if norm(part) not in self.gaz.comuni:
                return []
            spans.append((pos, pos + len(part), 0.7))
            pos += len(part) + 1
        return spans if len(spans) >= 2 else []

    def _unknown_place(self, text: str, ws: list[Word], i: int, n: int) -> bool:
        """A capitalized run in no list, after "a" or "in" inside a sentence ("vado a
        Capodistria", "a Cala Liberotto"), or after "di" on an institution's line ("Centro di
        Salute Mentale di Barcola"), or in brackets after a country ("Sudan (El Fasher)")."""
        run = ws[i:i + n]
        start, end = run[0].start, run[-1].end
        if any(norm(x.text) in self.gaz.clinical or is_always_allowed(x.text) for x in run) or \
                all(self.gaz.is_word(x.text) or self.gaz.is_name(x.text) or len(x.text) < 4
                    for x in run) or upper_context(text, start, end) or \
                re.match(r"\s*\d|[-/]", text[end:end + 3]):
            return False  # "a Keppra 500 mg", "positivo a SARS-CoV-2"
        left = left_context(text, start, n=2)
        if text[start - 1:start] == "(" and (text[end:end + 1] in ("),") or text[end:end + 3] == " e ") \
                and len(left) >= 2 and \
                self.gaz.is_country(left[-2].title()):
            return True
        if sentence_start(text, start) or not left:
            return False
        if left[-1] in ("a", "ad"):  # not "in": "in Flixotide spray", "in Oncoematologia"
            return True
        if left[-1] in ("al", "ai", "alla", "nel", "nella") and _LIVES_BEFORE.search(
                text, max(0, start - 40), start):
            return True  # "lavora in una confezione al Macrolotto", "vive ai Parioli"
        return left[-1] == "di" and not _DEPARTMENT_SUFFIX.search(text[start:end]) and not any(
            self.gaz.is_word(x.text) or self.gaz.is_name(x.text) for x in run) and \
            _INSTITUTION_LINE.search(
            text, text.rfind("\n", 0, start) + 1, start) is not None

    def find(self, text: str) -> Iterator[tuple[int, int, float]]:
        found = list(self._find(text))
        yield from found
        yield from self._around(text, found)
        yield from self._column_places(text, found)
        yield from self._tagged_places(text, found)
        yield from self._civic_districts(text, found)

    def _plain(self, name: str) -> bool:
        """Whether every word of `name` is an Italian, clinical or allow-listed word."""
        return all(self.gaz.is_word(w.text) or norm(w.text) in self.gaz.clinical or
                   is_always_allowed(w.text) or norm(w.text) in _LINKERS for w in words(name))

    def _around(self, text: str, found: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
        """Places joined to a found one: a district in brackets ("Milano (Gorla)") and places
        in a list or route ("passato per Agadez e Sabratha", "Arezzo, Cortona")."""
        extra: list[tuple[int, int, float]] = []
        todo = [(s, e, score) for s, e, score in found if score >= 0.55]
        taken = {(s, e) for s, e, _ in found}
        for s, e, score in todo:
            m = _FRAZIONE_BEFORE.search(text, max(0, s - 14), s)
            if m is not None and score >= 0.6 and (m.start(), e) not in taken:
                taken.add((m.start(), e))
                extra.append((m.start(), e, score))
        while todo:
            s, e, score = todo.pop()
            m = _DISTRICT_AFTER.match(text, e)
            if m is not None:
                name = m.group("p")
                strong = score >= 0.85 and " " not in name and norm(name) not in self.gaz.clinical \
                    and not self.gaz.is_name(name)  # "Ancona (Torrette)", not "Roma (Italia)"
                if not (len(name) <= 3 and name.isupper()) and not self.gaz.is_country(name) \
                        and (strong or not self._plain(name)):
                    span = m.span("p")
                    if span not in taken:
                        taken.add(span)
                        extra.append((*span, 0.6))
                continue
            m = _JOINED_AFTER.match(text, e)
            if m is None:
                continue
            name, span = m.group("p"), m.span("p")
            known = norm(name) in self.gaz.comuni and not self._ambiguous(name) or \
                self.gaz.is_city_abroad(name) and not self.gaz.is_name(name)
            unknown = m.group("link").strip() in ("e", "o", "ed", "poi", "/") and not self._plain(name) \
                and not any(self.gaz.is_name(w.text) for w in words(name))
            if span not in taken and (known or unknown) and not self.gaz.is_country(name) and \
                    not upper_context(text, *span):
                taken.add(span)
                extra.append((*span, 0.55))
                todo.append((*span, 0.55))
        return extra

    def _tagged_places(self, text: str,
                       found: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
        """A place followed by its province or country in brackets ("BERGAMO (BG)", "Dnipro
        (Ucraina)", "Imponzo di Tolmezzo (UD)"), and a city abroad alone in brackets ("(Asyut)")."""
        extra = []
        for m in _TAGGED_PLACE.finditer(text):
            name, tag = m.group("p"), m.group("tag")
            s_, e_ = m.span("p")
            if any(x < e_ and s_ < y for x, y, _ in found) or norm(name) in self.gaz.clinical or \
                    self.gaz.is_country(name) or is_always_allowed(name):
                continue
            province = re.fullmatch(r"[A-Z]{2}", tag) is not None
            known = norm(name) in self.gaz.comuni or self.gaz.is_city_abroad(name)
            if (province or self.gaz.is_country(tag)) and (known or not self._plain(name) and not any(
                    self.gaz.is_name(w.text) for w in words(name))):
                extra.append((s_, e_, 0.6))
        for m in _CITY_COUNTRY.finditer(text):
            s_, e_ = m.span("p")
            if self.gaz.is_country(m.group("c")) and not self.gaz.is_country(m.group("p")) and \
                    (self.gaz.is_city_abroad(m.group("p")) or norm(m.group("p")) in self.gaz.comuni) and \
                    norm(m.group("p")) not in self.gaz.clinical and not any(x < e_ and s_ < y for x, y, _ in found):
                extra.append((s_, e_, 0.6))
        for m in _BRACKET_CITY.finditer(text):
            s_, e_ = m.span("p")
            name = m.group("p")
            if self.gaz.is_city_abroad(name) and not self.gaz.is_word(name) and \
                    not self.gaz.is_name(name) and not any(x < e_ and s_ < y for x, y, _ in found):
                extra.append((s_, e_, 0.55))
        return extra

    def _civic_districts(self, text: str,
                         found: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
        """A district in brackets after a street and its civic number: "via Galermo 212 (Librino)";
        a comune right after them with no comma: "via Matera 71 Altamura - recapito"."""
        extra = []
        for m in _CIVIC_BRACKET.finditer(text):
            s_, e_ = m.span("p")
            if not self._plain(m.group("p")) and not self.gaz.is_country(m.group("p")) and \
                    not any(x < e_ and s_ < y for x, y, _ in found):
                extra.append((s_, e_, 0.6))
        for m in _CIVIC_COMUNE.finditer(text):
            s_, e_ = m.span("p")
            if norm(m.group("p")) in self.gaz.comuni and not any(x < e_ and s_ < y for x, y, _ in found):
                extra.append((s_, e_, 0.6))
        return extra

    def _column_places(self, text: str,
                       found: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
        """The cells of a table's place columns ("comune_res", "| Luogo di nascita |")."""
        extra = []
        for start, line, (a, b) in column_cells(text, _PLACE_HEADER):
            m = _CELL_PLACE.fullmatch(line, a, b)
            if m is None:
                continue
            name = m.group("p")
            s_, e_ = start + m.start("p"), start + m.end("p")
            if self.gaz.is_country(name) or norm(name) in self.gaz.clinical or \
                    any(x < e_ and s_ < y for x, y, _ in found):
                continue
            extra.append((s_, e_, 0.6))
        return extra

    def _find(self, text: str) -> Iterator[tuple[int, int, float]]:
        ws = words(text)
        capitals = sum(w.text[:1].isupper() for w in ws)
        if len(ws) >= 30 and capitals <= len(ws) * 0.02:
            yield from self._dictated_places(text, ws)
        i = 0
        while i < len(ws):
            w = ws[i]
            if not w.text[:1].isupper() or is_always_allowed(w.text):
                i += 1
                continue
            n = self._match_comune(ws, i, text)
            if n and norm(w.text) in self.gaz.clinical and i + n < len(ws) and \
                    text[ws[i + n - 1].end:ws[i + n].start] == " " and \
                    ws[i + n].text[:1].isupper():
                i += n  # "trasferito in Medicina Interna": a ward, not the comune Medicina
                continue
            parts = self._hyphenated_comuni(w)
            if parts:
                yield from parts  # "ASL 1 Avezzano-Sulmona-L'Aquila"
                i += 1
                continue
            if n:
                start, end = w.start, ws[i + n - 1].end
                name = text[start:end]
                strong = self._context(text, start, end)
                if strong is None and text[start - 1:start] == "(" and text[end:end + 1] in "),":
                    strong = "paren"  # "presso altro centro (Avellino)"
                longer = max(n, self._foreign_run(ws, i, text))
                if strong is None and longer > n:  # "Padula Scalo, 17/07/2020"
                    strong = self._context(text, start, ws[i + longer - 1].end)
                    if strong == "head_direct" and any(norm(x.text) in _LINKERS
                                                       for x in ws[i:i + longer]):
                        strong = None  # "P.O. Segni di Ozieri": the hospital's name, then its place
                if strong == "head_direct" and _SAINT_WORD.match(w.text) and any(
                        x.rstrip(".") in _INSTITUTION_HEADS or x in _INSTITUTION_HEADS
                        for x in left_context(text, start, n=2)):
                    i += n  # "Ospedale San Paolo, Savona": the hospital's saint, not San Paolo (BS)
                    continue
                if strong in ("head", "head_far", "head_direct") and norm(name) in self.gaz.clinical:
                    strong = None  # "Ambulatorio di Medicina dei Viaggi": a ward, not the comune
                if strong:
                    if strong != "head_direct":  # a frazione after its comune: "Padula Scalo"
                        n = max(n, self._foreign_run(ws, i, text))
                        end = ws[i + n - 1].end
                    yield start, end, 0.85
                    i += n
                    continue
                if self._loose_comune(text, ws, i, n):
                    yield start, end, 0.6
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
                if n == 1 and (w.text.isupper() and len(w.text) <= 4 and
                               not upper_context(text, w.start, w.end) or norm(w.text) in _CALENDAR):
                    i += 1  # "UM 20/07/2024", "CAP 34015", "GIOVEDI 14/03": no place
                    continue
                if n and len(w.text) > 1 and norm(w.text) not in self.gaz.clinical and \
                        not self.gaz.is_country(text[w.start:ws[i + n - 1].end]) and \
                        not (n == 1 and self.gaz.is_country(w.text)):
                    end = ws[i + n - 1].end
                    context = self._context(text, w.start, end)
                    if context == "head_far" and not self._saint_comune(text, w.start, end) and all(
                            self.gaz.is_word(x.text) or norm(x.text) in self.gaz.clinical
                            for x in ws[i:i + n] if norm(x.text) not in _LINKERS):
                        context = None  # "Distretto Sanitario di Base"
                    if context in ("head", "head_far") and _SAINT_WORD.match(w.text) and \
                            self._after_institution(text, w.start) and \
                            not self._saint_comune(text, w.start, end):
                        i += n  # Policlinico di Sant'Orsola: a hospital's name
                        continue
                    if context == "date" and text[end:end + 1] != "," and all(
                            self.gaz.is_word(x.text) for x in ws[i:i + n]):
                        i += 1  # "Data 18/04/2024", "TURNO NOTTE 21-22/03": a heading;
                        continue  # "Conscio, 12/03/2021" a place
                    if context == "head_direct" and n == 1 and self.gaz.is_city_abroad(w.text) \
                            and not self.gaz.is_word(w.text):
                        yield w.start, end, 0.6  # "Universität München"
                        i += n
                        continue
                    if context is None and self._city_abroad(text, ws, i, n):
                        yield w.start, end, 0.6
                        i += n
                        continue
                    if context is None and self._unknown_place(text, ws, i, n):
                        yield w.start, end, 0.5
                        i += n
                        continue
                    # "nato in Nigeria": a country or region, not a place that identifies.
                    country = left_context(text, w.start, n=2)[-2:] in (
                        ["nato", "in"], ["nata", "in"], ["nati", "in"])
                    # after a hospital or a letter's place-and-date, a capitalized run is a place
                    # (after a trust's acronym only a comune: "ASST Lariana" names the trust)
                    if context == "home" and not country or context in ("head", "head_far", "date"):
                        yield w.start, end, 0.7
                        i += n
                        continue
            i += 1
