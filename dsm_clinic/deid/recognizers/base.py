"""What the recognizers share: a Presidio recognizer that yields (start, end, score) triples,
and the word-level helpers they read context with.

Context is read from the raw text rather than through Presidio's lemma-based context enhancer:
the blank Italian pipeline has no lemmatizer, and notes write context as abbreviations
("Sig.ra", "tel.", "C.F.") that are easier to match as patterns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

LANGUAGE = "it"

# A word: letters, with inner apostrophes or hyphens (D'Angelo, dell'ospedale, Guillain-Barré).
WORD_RE = re.compile(r"[^\W\d_]+(?:['’`][^\W\d_]+|-[^\W\d_]+)*['’]?")
# A capitalized word next: "Medicina Interna", "ADI Marisa Tugnoli".
CAPITAL_AFTER = re.compile(r"[ \t]+[A-ZÀ-Þ]")
_LEFT_WORDS = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)?\.?|[:;,()\[\]/-]")


class Word(NamedTuple):
    start: int
    end: int
    text: str


def words(text: str, start: int = 0, end: int | None = None) -> list[Word]:
    """The words of text[start:end] with their offsets in `text`."""
    end = len(text) if end is None else end
    return [Word(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(text, start, end)]


def left_context(text: str, pos: int, n: int = 4, window: int = 60) -> list[str]:
    """Up to `n` lower-case words and punctuation marks before `pos`, nearest last.

    A word keeps a trailing dot (abbreviations: "sig.", "dott.") and stops at a line break
    only when the line ends with a full stop, since headings run into their values
    ("Paziente:\\nMario Rossi").
    """
    chunk = text[max(0, pos - window):pos]
    items = [m.group().lower() for m in _LEFT_WORDS.finditer(chunk)]
    return items[-n:]


def right_context(text: str, pos: int, n: int = 3, window: int = 40) -> list[str]:
    """Up to `n` lower-case words and punctuation marks after `pos`, nearest first."""
    chunk = text[pos:pos + window]
    return [m.group().lower() for m in _LEFT_WORDS.finditer(chunk)][:n]


def line_start(text: str, pos: int) -> bool:
    """True when only spaces, bullets or numbering stand between the line start and `pos`."""
    i = pos - 1
    while i >= 0 and text[i] in " \t-•*>0123456789.)":
        if text[i] in "0123456789." and (i == 0 or text[i - 1] not in " \t\n-•*>0123456789."):
            return False
        i -= 1
    return i < 0 or text[i] == "\n"


def sentence_start(text: str, pos: int) -> bool:
    """True when `pos` opens a line, a sentence, a heading value or a parenthesis."""
    if line_start(text, pos):
        return True
    i = pos - 1
    while i >= 0 and text[i] in " \t\"'«“":
        i -= 1
    return i < 0 or text[i] in ".!?:;(\n"


def upper_context(text: str, start: int, end: int, window: int = 40) -> bool:
    """True when the text around [start, end) is written in capitals (an all-caps note)."""
    left = text[max(0, start - window):start]
    right = text[end:end + window]
    letters = [c for c in left + right if c.isalpha()]
    if len(letters) < 8:
        return text[start:end].isupper()
    return sum(c.isupper() for c in letters) / len(letters) > 0.7


_SEPARATORS = ("|", "\t", ";")


def _quoted_cells(line: str) -> list[tuple[int, int]]:
    """Cell spans of a comma-separated row whose cells are quoted ("a","b, c",""), quotes kept."""
    spans, start, quoted = [], 0, False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(line)))
    return spans


def table_cells(line: str) -> tuple[str, list[tuple[int, int]]] | None:
    """(separator, cell spans) for a table row: cells split by |, tab or ; (3 or more), or by
    commas when the cells are quoted (a CSV export: "AV-CB-0771203","IACOVONE","GIULIA")."""
    if line.count('","') >= 2:
        return ",", _quoted_cells(line)
    for sep in _SEPARATORS:
        if line.count(sep) >= 2:
            spans, pos = [], 0
            for part in line.split(sep):
                spans.append((pos, pos + len(part)))
                pos += len(part) + 1
            if sep == "|" and not line[spans[0][0]:spans[0][1]].strip():
                # "| a | b |": the empty edges are no cells ("a | b | " ends in an empty cell)
                spans = spans[1:]
                if spans and not line[spans[-1][0]:spans[-1][1]].strip():
                    spans = spans[:-1]
            return sep, spans
    return None


def column_cells(text: str, header: re.Pattern,
                 spill: bool = False) -> Iterable[tuple[int, str, tuple[int, int]]]:
    """(line start, line, cell span) of each cell under a header cell matching `header`: a
    header row (no digits) names the columns, and the rows after it with the same separator
    and as many cells fill them ("matricola;cognome;nome", "| data | ora | operatore |").

    A row with far fewer cells ("10:10 | ---- SALTATO ----") is skipped, not the end of the
    table. With `spill`, a row with one cell more than the header gives the cell after each
    column too: "| Paziente |" over "| ROSSETTI | Elda |"."""
    columns: list[int] = []
    sep, width, pos = "", 0, 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        cells = table_cells(line)
        if cells is None:
            if not (columns and sep and sep in line):
                columns = []  # a row of one separator is a remark: "10:10 | SALTATO"
            continue
        line_sep, spans = cells
        heads = [header.fullmatch(line[a:b].strip(" \t\"'").lower()) for a, b in spans]
        if any(heads) and not any(ch.isdigit() for ch in line):
            columns, sep, width = [k for k, h in enumerate(heads) if h], line_sep, len(spans)
            continue
        if columns and line_sep == sep and spill and len(spans) == width + 1:
            for k in columns:
                yield start, line, spans[k]
                if k + 1 not in columns:
                    yield start, line, spans[k + 1]
            continue
        if not columns or line_sep != sep or len(spans) != width:
            if line_sep != sep or len(spans) > width + 1:
                columns = []  # another table; a row with one cell more or less is a typo
            continue
        for k in columns:
            yield start, line, spans[k]


class TextRecognizer(EntityRecognizer):
    """A Presidio recognizer for one entity type whose `find` yields (start, end, score).

    Subclasses set ENTITY, NAME and VERSION (VERSION goes into the analyzer configuration
    hash: bump it when the recognizer's behaviour changes).
    """

    ENTITY = ""
    NAME = ""
    VERSION = "1"

    def __init__(self) -> None:
        super().__init__(supported_entities=[self.ENTITY], name=self.NAME,
                         supported_language=LANGUAGE, context=[])

    def load(self) -> None:  # nothing to load: data comes through the constructor
        pass

    def find(self, text: str) -> Iterable[tuple[int, int, float]]:
        raise NotImplementedError

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        if entities and self.ENTITY not in entities:
            return []
        return [RecognizerResult(entity_type=self.ENTITY, start=s, end=e, score=score)
                for s, e, score in self.find(text)]

    def describe(self) -> dict:
        """The recognizer's identity for the configuration hash."""
        return {"name": self.NAME, "entity": self.ENTITY, "version": self.VERSION,
                "class": f"{type(self).__module__}.{type(self).__qualname__}"}

