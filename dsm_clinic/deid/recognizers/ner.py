"""Entities from a trained spaCy NER pipeline (`deid train-ner`), as a Presidio recognizer.

The trained pipeline is the analyzer's spaCy pipeline itself (see analyzer.py), so its entities
arrive in Presidio's NlpArtifacts and the note is tokenized once. Only labels that are PHI types
count; their score is fixed, since spaCy's NER gives none.

The model was trained on lines and reads whole notes, and it is wrong far more often than the
rules where it alone sees something: most of what it adds that is not PHI is a common word, a
drug or device brand, an eponym, an institution named after someone, a score ("VAS 8/10") or
a number that is no identifier. `check_entity` removes those shapes (measured by leave-one-set-out
cross-validation on the hand-written sets, benchmarks/ner_cv.py): it cuts an entity at a line
break, a quote, a bar or a tab, drops person and place entities made only of common, clinical
or allow-listed words, and asks codes, dates and addresses for the shape their type has.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from dsm_clinic.deid import eponyms
from dsm_clinic.deid.entities import PHI_TYPES
from dsm_clinic.deid.gazetteers import Gazetteers, norm
from dsm_clinic.deid.recognizers.base import LANGUAGE

_WORD = re.compile(r"[^\W_]+")
# The model never saw these inside an entity (it learns on lines, table cells are split by them).
_CUT = re.compile(r"[\n\r\t\"|;“”«»]")
_TRAILING = " ,.:;-–/(\t"
_PARTICLES = {"di", "de", "da", "del", "della", "dello", "dei", "degli", "dal", "dalla", "la",
              "lo", "le", "e", "d", "dell", "van", "von", "der", "el", "al"}
_SAINT = {"s", "san", "santa", "santo", "sant", "ss", "santi", "madonna", "beato", "beata"}
_MONTHS = (r"(?:gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|"
           r"novembre|dicembre|gen|feb|mar|apr|mag|giu|lug|ago|sett?|ott|nov|dic)")
_MONTH = re.compile(rf"(?i)(?<![^\W\d_]){_MONTHS}\.?(?![^\W\d_])")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_FULL_DATE = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]['’]?(?:\d{2}|\d{4})")
_MONTH_AFTER = re.compile(rf"(?i)\s*{_MONTHS}(?![^\W\d_])")
_INITIALS = re.compile(r"[A-Z]\.\s?[A-Z](?:\.\s?[A-Z])?")
_NOT_INITIALS = {"ic", "po", "uo", "sc", "ps", "as", "nb", "ss", "cc", "ao", "sn", "vs", "pm", "am",
                 "rg", "dm", "cf", "ts", "mmg", "uoc", "uos", "asl", "spa", "srl"}
# A date that dates a law, not a person: "D.Lgs. 30 giugno 2003", "(DM 18 febbraio 1982)".
_LAW_BEFORE = re.compile(r"(?i)(?<![^\W\d_])(?:d\.?\s?lgs\.?|d\.?p\.?r\.?|d\.?m\.?|dpcm|l\.|legge|art\.?\s*\d*"
                         r"|reg\.?|decreto)\s*(?:n\.\s*\d+\s*)?(?:del\s+)?\Z")
# An institution named after someone: Istituto "Giannina Gaslini", Osp. S. Maria, liceo "Galilei".
_INSTITUTION_BEFORE = re.compile(
    r"(?i)(?<![^\W\d_])(?:ospedale|osp\.|policlinico|clinica|istituto|ist\.|centro|casa di cura|"
    r"casa di riposo|scuola(?: dell['’]infanzia| primaria| media)?|liceo|i\.\s?c\.|asst|aou|"
    r"a\.?o\.?u?\.?|irccs|presidio|p\.\s?o\.|fondazione|hospital|hotel|villa|residenza|rsa|"
    r"universit[àa]|ditta|banca|polizia|carabinieri)(?:\s+[A-ZÀ-Þ][^\W\d_]*\.?){0,2}"
    r"\s*[\"“«]?\s*\Z")
_SENTENCE_START = re.compile(r"(?:\A|[.!?:;]\s+|\n\s*)\Z")
_IBAN = re.compile(r"[A-Z]{2}\d\d")
# Where an address ends: a sentence, a colon, a bracket closed after it.
_ADDRESS_END = re.compile(r"\.\s+[A-ZÀ-Þ]|:\s|\)")


class _Words:
    """The gazetteer questions the checks ask of a word."""

    def __init__(self, gaz: Gazetteers):
        self.gaz = gaz

    def place(self, word: str) -> bool:
        return norm(word) in self.gaz.comuni or self.gaz.is_city_abroad(word)

    def plain(self, word: str) -> bool:
        """A word that names no one: a common, clinical or allow-listed word, a lone letter."""
        if len(word) == 1 or word.lower() in _PARTICLES:
            return True
        if eponyms.is_always_allowed(word) or norm(word) in self.gaz.clinical:
            return True
        if _MONTH.fullmatch(word):  # "marzo"; "Mario" is no month
            return True
        if word.islower() and self.gaz.is_word(word):
            return True  # "fini", "ben": names written with a capital
        if self.gaz.is_name(word) or self.place(word):
            return False
        return self.gaz.is_word(word)


def _cut(text: str, start: int, end: int) -> tuple[int, int] | None:
    m = _CUT.search(text, start, end)
    if m is not None:
        end = m.start()
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    while start < end and text[start] in _TRAILING:
        start += 1
    return (start, end) if end > start else None


def _name_or_place(text: str, start: int, end: int, label: str,
                   words: _Words) -> tuple[int, int] | None:
    span = text[start:end]
    if any(c.isdigit() for c in span) or words.gaz.is_country(span):
        return None
    if words.place(span):
        return start, end  # "Vado Ligure", "Cividale del Friuli"
    if label == "PERSONA" and _INITIALS.fullmatch(span) and \
            span.replace(".", "").replace(" ", "").lower() not in _NOT_INITIALS:
        return start, end + (text[end:end + 1] == ".")  # "Consegna: F.M."
    found = list(_WORD.finditer(text, start, end))
    # Leading and trailing plain words are cut ("Figlio Gerardo", "Ingresso Pierpaolo Rossi");
    # an initial or a particle before a name stays ("A. De Feo").
    while found and words.plain(found[0].group()) and (
            len(found[0].group()) > 1 and found[0].group().lower() not in _PARTICLES
            or all(words.plain(w.group()) for w in found)):
        found.pop(0)
    while found and words.plain(found[-1].group()):
        found.pop()
    if not found:
        return None
    start, end = found[0].start(), found[-1].end()
    if end < len(text) and text[end] in ".'’" and len(found[-1].group()) == 1:
        end += 1  # the dot of a final initial
    names = [w.group() for w in found if w.group().lower() not in _PARTICLES]
    if all(words.plain(w) for w in names):
        return None
    line_before = text[max(0, start - 48):start].rsplit("\n", 1)[-1]
    if _INSTITUTION_BEFORE.search(line_before):
        return None  # the rules read places after an institution's name themselves
    if label == "PERSONA":
        if names[0].lower() in _SAINT:
            return None
        if start > 0 and text[start - 1] in "\"“«" and text[end:end + 1] in "\"”»":
            return None  # a quoted name is a school's, a centre's, a nickname the rules read
    if len(names) == 1:
        word = names[0]
        known = words.gaz.is_name(word) or words.place(word)
        if not known:
            # Alone, a word no list knows is far more often a brand, an eponym or a foreign
            # word ("occhiali di Frenzel", "Enbrel", "Kontrolle") than a name the rules missed.
            return None
        if words.gaz.is_word(word) and _SENTENCE_START.search(text[max(0, start - 4):start]):
            return None  # "Ferro e vitamina D": a capital for the sentence
    return start, end


def _address(text: str, start: int, end: int) -> tuple[int, int] | None:
    """An address without what runs on after it: "via Pistoiese presso connazionali"."""
    m = _ADDRESS_END.search(text, start, end)
    if m is not None:
        end = m.start()
    found = list(_WORD.finditer(text, start, end))
    while len(found) > 1 and found[-1].group().isalpha() and found[-1].group().islower():
        found.pop()
    if not found:
        return None
    end = found[-1].end()
    span = text[start:end]
    if not any(c.isupper() for c in span[1:]):
        return None  # "via fax", "via aerea difficile": no name in it
    if not any(c.isdigit() for c in span) and len(found) < 2:
        return None
    return start, end


def check_entity(text: str, start: int, end: int, label: str,
                 words: _Words) -> tuple[int, int] | None:
    """The part of a NER entity worth keeping, or None: see the module docstring."""
    cut = _cut(text, start, end)
    if cut is None:
        return None
    start, end = cut
    if label in ("PERSONA", "LUOGO"):
        return _name_or_place(text, start, end, label, words)
    if label == "INDIRIZZO":
        return _address(text, start, end)
    span = text[start:end]
    digits = sum(c.isdigit() for c in span)
    ok = {
        "DATA": lambda: (bool(_MONTH.search(span)) or _FULL_DATE.search(span) is not None
                         or _MONTH_AFTER.match(text, end) is not None
                         or (_YEAR.search(span) is not None and digits > 4))
        and not _LAW_BEFORE.search(text[max(0, start - 24):start]),
        "ID": lambda: digits >= 5,
        "TELEFONO": lambda: digits >= 6,
        "EMAIL": lambda: "@" in span,
        "IBAN": lambda: _IBAN.match(span) is not None and digits >= 10,
        "TESSERA_SANITARIA": lambda: digits >= 10,
        "CODICE_FISCALE": lambda: len(re.sub(r"\W", "", span)) == 16,
    }.get(label)
    return (start, end) if ok is not None and ok() else None


class TrainedNerRecognizer(EntityRecognizer):
    VERSION = "2"

    def __init__(self, labels: list[str], *, score: float = 0.75,
                 gazetteers: Gazetteers | None = None) -> None:
        self.labels = sorted(set(labels) & set(PHI_TYPES))
        self.score = score
        # Without gazetteers the entities are kept as the model gives them.
        self.words = _Words(gazetteers) if gazetteers is not None else None
        super().__init__(supported_entities=self.labels or ["PERSONA"], name="TrainedNerRecognizer",
                         supported_language=LANGUAGE, context=[])

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        if nlp_artifacts is None or not nlp_artifacts.entities:
            return []
        out = []
        for ent in nlp_artifacts.entities:
            if ent.label_ not in self.labels or (entities and ent.label_ not in entities):
                continue
            span = (ent.start_char, ent.end_char)
            if self.words is not None:
                span = check_entity(text, *span, ent.label_, self.words)
            if span is not None:
                out.append(RecognizerResult(entity_type=ent.label_, start=span[0], end=span[1],
                                            score=self.score))
        return out

    def describe(self) -> dict:
        return {"name": self.name, "labels": self.labels, "score": self.score,
                "checks": self.words is not None, "version": self.VERSION,
                "class": f"{type(self).__module__}.{type(self).__qualname__}"}
