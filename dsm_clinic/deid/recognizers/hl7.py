"""HL7 v2 messages pasted into notes or exported by interfaces: the fields that identify a person
by their position, whatever they hold ("PID|1||PZ00988213||HOXHA^ARBEN||19790611|M|||VIA ...").

A segment starts a line with its three-letter name and a bar. Names are family^given
components (PID-5, NK1-2, the doctors of PV1 and OBR after their id), addresses are
street^other^city^state^zip (the street and the zip are INDIRIZZO, the city LUOGO), timestamps
(yyyymmdd[hhmm[ss]]) are DATA in whatever field they stand, identifiers ID, phones TELEFONO.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from presidio_analyzer import EntityRecognizer, RecognizerResult

from dsm_clinic.deid.recognizers.base import LANGUAGE

_SEGMENT = re.compile(r"(?m)^(?P<seg>MSH|EVN|PID|PD1|PV1|PV2|NK1|OBR|ORC|OBX|GT1|IN1|DG1|AL1|NTE|TXA)\|.*$")
_TIMESTAMP = re.compile(r"(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:\d{2}){0,3}(?:[+-]\d{4})?")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9./-]{2,}")
_PHONE = re.compile(r"\+?[\d ()/.-]{6,}")
_NAME_PART = re.compile(r"[^\W\d_][\w'’ -]*")

# (segment, field) -> kind; field numbers as HL7 counts them (MSH-1 is the bar itself).
_FIELDS: dict[tuple[str, int], str] = {
    ("MSH", 7): "time", ("MSH", 10): "id",
    ("EVN", 2): "time", ("EVN", 6): "time",
    ("PID", 2): "id", ("PID", 3): "id", ("PID", 4): "id", ("PID", 5): "name", ("PID", 6): "name",
    ("PID", 7): "time", ("PID", 9): "name", ("PID", 11): "address", ("PID", 13): "phone",
    ("PID", 14): "phone", ("PID", 18): "id", ("PID", 20): "id", ("PID", 23): "place",
    ("PID", 29): "time",
    ("PD1", 4): "doctor",
    ("PV1", 7): "doctor", ("PV1", 8): "doctor", ("PV1", 9): "doctor", ("PV1", 17): "doctor",
    ("PV1", 19): "id", ("PV1", 44): "time", ("PV1", 45): "time", ("PV1", 52): "doctor",
    ("NK1", 2): "name", ("NK1", 4): "address", ("NK1", 5): "phone", ("NK1", 6): "phone",
    ("OBR", 2): "id", ("OBR", 3): "id", ("OBR", 7): "time", ("OBR", 8): "time",
    ("OBR", 16): "doctor", ("OBR", 22): "time", ("OBR", 32): "doctor",
    ("ORC", 2): "id", ("ORC", 3): "id", ("ORC", 9): "time", ("ORC", 12): "doctor",
    ("OBX", 14): "time", ("OBX", 16): "doctor",
    ("GT1", 3): "name", ("GT1", 5): "address", ("GT1", 6): "phone",
    ("TXA", 4): "time", ("TXA", 5): "doctor", ("TXA", 12): "id", ("TXA", 22): "doctor",
}


def _parts(text: str, start: int, end: int, sep: str) -> list[tuple[int, int]]:
    """Spans of the pieces of text[start:end] split at `sep`."""
    spans, pos = [], start
    for piece in text[start:end].split(sep):
        spans.append((pos, pos + len(piece)))
        pos += len(piece) + 1
    return spans


class Hl7Recognizer(EntityRecognizer):
    """Identifying fields of HL7 v2 segments, each typed by its position."""

    NAME = "Hl7Recognizer"
    VERSION = "1"
    ENTITIES = ["PERSONA", "DATA", "ID", "INDIRIZZO", "LUOGO", "TELEFONO"]

    def __init__(self) -> None:
        super().__init__(supported_entities=self.ENTITIES, name=self.NAME,
                         supported_language=LANGUAGE, context=[])

    def load(self) -> None:
        pass

    def describe(self) -> dict:
        return {"name": self.NAME, "entity": "+".join(self.ENTITIES), "version": self.VERSION,
                "class": f"{type(self).__module__}.{type(self).__qualname__}"}

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts=None) -> list[RecognizerResult]:
        return [RecognizerResult(entity_type=kind, start=s, end=e, score=0.7)
                for s, e, kind in self.find(text) if not entities or kind in entities]

    def find(self, text: str) -> Iterator[tuple[int, int, str]]:
        if "|" not in text:
            return
        for m in _SEGMENT.finditer(text):
            seg = m.group("seg")
            fields = _parts(text, m.start(), m.end(), "|")
            for k, (fs, fe) in enumerate(fields):
                number = k + 1 if seg == "MSH" else k
                kind = _FIELDS.get((seg, number))
                if kind is None and k and _TIMESTAMP.fullmatch(text, fs, fe):
                    kind = "time"  # a timestamp in any other field: admission, discharge, result
                if kind is None or fs == fe:
                    continue
                for rs, re_ in _parts(text, fs, fe, "~"):  # repetitions
                    yield from self._field(text, rs, re_, kind)

    @staticmethod
    def _field(text: str, start: int, end: int, kind: str) -> Iterator[tuple[int, int, str]]:
        comps = _parts(text, start, end, "^")
        first = comps[0]
        if kind == "time":
            if _TIMESTAMP.fullmatch(text, *first):
                yield (*first, "DATA")
        elif kind == "id":
            if _CODE.fullmatch(text, *first) and any(c.isdigit() for c in text[first[0]:first[1]]):
                yield (*first, "ID")
        elif kind == "phone":
            if _PHONE.fullmatch(text, *first):
                yield (*first, "TELEFONO")
        elif kind in ("name", "doctor"):
            # XPN: family^given^middle; XCN: id^family^given^middle
            for s, e in comps[1:4] if kind == "doctor" else comps[:3]:
                if s < e and _NAME_PART.fullmatch(text, s, e):
                    yield s, e, "PERSONA"
        elif kind == "address":
            roles = {0: "INDIRIZZO", 2: "LUOGO", 4: "INDIRIZZO"}
            for i, (s, e) in enumerate(comps):
                if s < e and i in roles:
                    yield s, e, roles[i]
        elif kind == "place" and first[0] < first[1]:
            yield (*first, "LUOGO")
