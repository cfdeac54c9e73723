"""Apply a de-identification mode to the PHI spans of one text.

Modes, named as Presidio's anonymizer operators behave:
- `tag`: each span becomes its type in angle brackets (`<PERSONA>`, `<DATA>` ...), as
  Presidio's `replace` operator does by default;
- `mask`: each character of the span becomes "*", so lengths and offsets are kept (`mask`
  with chars_to_mask equal to the span's length);
- `redact`: the span is removed, nothing is put in its place (`redact`);
- `surrogate`: a realistic fake from `Surrogates`, consistent within a patient.

Unlike Presidio's engine, adjacent spans of one type are not merged: every span is replaced on
its own, and `Applied.replaced` maps each one to its place in the new text.
"""

from __future__ import annotations

import numbers
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from dsm_clinic.deid.entities import PHI_TYPES
from dsm_clinic.deid.surrogates import Surrogates
from dsm_clinic.errors import error

Mode = Literal["surrogate", "tag", "mask", "redact"]
MODES: tuple[str, ...] = ("surrogate", "tag", "mask", "redact")
MASK_CHAR = "*"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    type: str


@dataclass
class Applied:
    """The de-identified text, where each span went, and how many spans of each type."""

    text: str
    replaced: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def as_span(span: Any) -> Span:
    """A Span from an object with start/end/type (or Presidio's entity_type), or a dict."""
    if isinstance(span, Span):
        return span
    if isinstance(span, dict):
        get = span.get
    else:
        def get(name):
            return getattr(span, name, None)
    kind = get("type") or get("entity_type")
    return Span(_index(get("start")), _index(get("end")), kind)


def _index(value: Any) -> Any:
    """An int from any integral number (numpy's included); anything else as it is."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    return value


def check_spans(text: str, spans: Iterable[Any]) -> list[Span]:
    """The spans as Span objects sorted by start; raises E651 on a bad or overlapping span."""
    out = sorted((as_span(s) for s in spans), key=lambda s: (s.start, s.end))
    types = ", ".join(PHI_TYPES)
    prev_end = 0
    for s in out:
        label = f"{s.start}-{s.end} {s.type}"
        if not (isinstance(s.start, int) and isinstance(s.end, int)) or not 0 <= s.start < s.end <= len(text):
            raise error("E651", span=label, detail=f"not a non-empty range inside a text of {len(text)} characters", types=types)
        if s.type not in PHI_TYPES:
            raise error("E651", span=label, detail="unknown type", types=types)
        if s.start < prev_end:
            raise error("E651", span=label, detail="overlaps the span before it", types=types)
        prev_end = s.end
    return out


def apply(text: str, spans: Iterable[Any], *, mode: Mode = "surrogate",
          surrogates: Surrogates | None = None, patient_key: str | None = None) -> Applied:
    """Replace every span of `text` according to `mode`; return the new text and the mapping.

    `replaced` holds (orig_start, orig_end, new_start, new_end, type) per span, in order.
    Raises E652 for an unknown mode, E650 for surrogate mode without `surrogates`, E651 for
    a bad span.
    """
    if mode not in MODES:
        raise error("E652", mode=mode)
    if mode == "surrogate" and surrogates is None:
        raise error("E650")
    pieces: list[str] = []
    replaced: list[tuple[int, int, int, int, str]] = []
    counts: Counter[str] = Counter()
    pos = new_pos = 0
    for s in check_spans(text, spans):
        between = text[pos:s.start]
        pieces.append(between)
        new_pos += len(between)
        original = text[s.start:s.end]
        if mode == "tag":
            new = f"<{s.type}>"
        elif mode == "mask":
            new = MASK_CHAR * len(original)
        elif mode == "redact":
            new = ""
        else:
            new = surrogates.fake(original, s.type, patient_key)
        pieces.append(new)
        replaced.append((s.start, s.end, new_pos, new_pos + len(new), s.type))
        new_pos += len(new)
        counts[s.type] += 1
        pos = s.end
    pieces.append(text[pos:])
    return Applied("".join(pieces), replaced, dict(counts))
