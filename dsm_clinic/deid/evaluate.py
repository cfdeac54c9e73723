"""How well notes were de-identified, against gold PHI spans.

Gold records are note records with `"phi": [{"start", "end", "type"}]` (the synthetic corpus
writes them; `parse_markup` turns hand-annotated `[[PERSONA:Mario Rossi]]` text into them).
Measures, per PHI type and over all types:

- span level, exact: a gold span is found when a predicted span has the same start, end and
  type; a predicted span is right when it is such a match.
- span level, overlap: a gold span is found when any predicted span overlaps it, whatever its
  type (a phone tagged as an ID is still hidden); a predicted span is right when it overlaps
  any gold span. Recall rows go by the gold type, precision rows by the predicted type.
- token level: the tokens are the runs of letters and digits of the ORIGINAL text; a token is
  gold PHI when a gold span covers any of its characters, predicted PHI likewise. Type-agnostic
  matching, rows as for overlap.
- leak rate, from (gold record, de-identified text) pairs: the share of gold PHI items of
  which something identifying still stands in the output at the same place (see `_leaked`).
- unseen names: recall on PERSONA spans none of whose words is in the name gazetteers, which
  only context can find.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from dsm_clinic.deid.entities import PHI_TYPES
from dsm_clinic.errors import error

ALL = "ALL"
_TOKEN = re.compile(r"[^\W_]+")
_MARKUP = re.compile(r"\[\[([A-Z_]+):(.+?)\]\]", re.DOTALL)
# Words of a PHI item that identify nobody: particles, titles, street types, month names.
_NOT_IDENTIFYING = {
    "di", "de", "da", "del", "della", "dello", "dei", "degli", "delle", "dal", "dalla", "la",
    "lo", "le", "li", "il", "e", "ed", "in", "a", "al", "alla", "d", "dell", "van", "von", "der",
    "san", "santa", "santo", "sant", "s", "via", "viale", "piazza", "corso", "largo", "vicolo",
    "strada", "piazzale", "località", "loc", "frazione", "fraz", "zza", "p", "v", "c",
    "so", "n", "nr", "int", "interno", "scala", "snc", "sig", "ra", "dott", "ssa", "dr", "prof",
    "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
    "settembre", "ottobre", "novembre", "dicembre", "it", "com", "pec", "mail", "gmail",
    "libero", "virgilio", "alice", "hotmail", "yahoo", "tiscali", "outlook", "icloud",
    "legalmail", "postecert", "arubapec", "cc", "id", "ps", "pz",
}
# Types whose items leak when their characters (letters and digits, separators ignored) are
# found again, or a 4-digit part of them is; words mean nothing inside a number.
_CODE_TYPES = {"TELEFONO", "CODICE_FISCALE", "TESSERA_SANITARIA", "ID", "IBAN"}
_WINDOW_TOKENS = 6


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "gold": self.tp + self.fn,
                "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Leaks:
    items: int = 0
    leaked: int = 0

    @property
    def rate(self) -> float:
        return self.leaked / self.items if self.items else 0.0

    def to_dict(self) -> dict:
        return {"items": self.items, "leaked": self.leaked, "rate": round(self.rate, 4)}


def _table() -> dict[str, Counts]:
    return {t: Counts() for t in (*PHI_TYPES, ALL)}


@dataclass
class Report:
    """Figures of one evaluation; `to_dict()` is what `deid evaluate --report` writes."""

    notes: int = 0
    gold_spans: int = 0
    predicted_spans: int = 0
    span_exact: dict[str, Counts] = field(default_factory=_table)
    span_overlap: dict[str, Counts] = field(default_factory=_table)
    token: dict[str, Counts] = field(default_factory=_table)
    leaks: dict[str, Leaks] = field(default_factory=dict)
    unseen_names: Counts = field(default_factory=Counts)
    unseen_name_tokens: Counts = field(default_factory=Counts)
    misses: list[dict] = field(default_factory=list)

    @property
    def leak_rate(self) -> float | None:
        return self.leaks[ALL].rate if ALL in self.leaks else None

    def to_dict(self) -> dict:
        def rows(table: dict[str, Counts]) -> dict:
            return {t: c.to_dict() for t, c in table.items() if c.tp + c.fp + c.fn or t == ALL}

        return {
            "notes": self.notes, "gold_spans": self.gold_spans,
            "predicted_spans": self.predicted_spans,
            "span_exact": rows(self.span_exact), "span_overlap": rows(self.span_overlap),
            "token": rows(self.token),
            "leaks": {t: v.to_dict() for t, v in self.leaks.items()},
            "unseen_names": {"spans": self.unseen_names.to_dict(),
                             "tokens": self.unseen_name_tokens.to_dict()},
        }


def parse_markup(marked: str) -> tuple[str, list[dict]]:
    """Plain text and gold spans from text annotated as `[[TYPE:words]]`.

    Raises E604 for a type that is not a PHI type.
    """
    out: list[str] = []
    spans: list[dict] = []
    pos = 0
    length = 0
    for m in _MARKUP.finditer(marked):
        kind, value = m.group(1), m.group(2)
        if kind not in PHI_TYPES:
            raise error("E604", where=f"markup at character {m.start()}",
                        detail=f"unknown type {kind}", types=", ".join(PHI_TYPES))
        before = marked[pos:m.start()]
        out.append(before)
        length += len(before)
        spans.append({"start": length, "end": length + len(value), "type": kind})
        out.append(value)
        length += len(value)
        pos = m.end()
    out.append(marked[pos:])
    return "".join(out), spans


def parse_markup_notes(source: str) -> list[dict]:
    """Gold records from a markup file: each note opens with a line `### <id>`; lines before
    the first note are comments. Note text runs to the next note, blank lines at its ends
    trimmed, and ends with one newline."""
    records = []
    for chunk in re.split(r"^### ", source, flags=re.MULTILINE)[1:]:
        note_id, _, body = chunk.partition("\n")
        text, phi = parse_markup(body.strip("\n") + "\n")
        records.append({"id": note_id.strip(), "text": text, "phi": phi})
    return records


def _spans_of(items: Iterable) -> list[tuple[int, int, str]]:
    """(start, end, type) from Span objects or dicts."""
    out = []
    for s in items:
        if isinstance(s, Mapping):
            out.append((int(s["start"]), int(s["end"]), str(s["type"])))
        else:
            out.append((s.start, s.end, s.type))
    return out


def _check_gold(record: Mapping, index: int) -> list[tuple[int, int, str]]:
    where = f"#{index + 1} (id {record.get('id', '?')})"
    text = record.get("text")
    if not isinstance(text, str) or not isinstance(record.get("phi"), list):
        raise error("E604", where=where, detail="needs 'text' (a string) and 'phi' (a list)",
                    types=", ".join(PHI_TYPES))
    try:
        spans = _spans_of(record["phi"])
    except (KeyError, TypeError, ValueError) as exc:
        raise error("E604", where=where, detail=f"bad span: {exc}",
                    types=", ".join(PHI_TYPES)) from exc
    for s, e, t in spans:
        if not 0 <= s < e <= len(text) or t not in PHI_TYPES:
            raise error("E604", where=where, detail=f"span {s}-{e} {t}",
                        types=", ".join(PHI_TYPES))
    return spans


def _tokens(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _TOKEN.finditer(text)]


def _covering_type(spans: list[tuple[int, int, str]], start: int, end: int) -> str | None:
    for s, e, t in spans:
        if s < end and start < e:
            return t
    return None


def _score_note(report: Report, text: str, gold: list[tuple[int, int, str]],
                pred: list[tuple[int, int, str]], record_id: str, unseen: set[int]) -> None:
    gold_set = set(gold)
    for s, e, t in gold:
        hit = (s, e, t) in set(pred)
        for key in (t, ALL):
            c = report.span_exact[key]
            c.tp += hit
            c.fn += not hit
        found = any(ps < e and s < pe for ps, pe, _ in pred)
        for key in (t, ALL):
            c = report.span_overlap[key]
            c.tp += found
            c.fn += not found
        if not found:
            report.misses.append({"id": record_id, "type": t, "start": s, "end": e})
    for s, e, t in pred:
        if (s, e, t) not in gold_set:
            report.span_exact[t].fp += 1
            report.span_exact[ALL].fp += 1
        if not any(gs < e and s < ge for gs, ge, _ in gold):
            report.span_overlap[t].fp += 1
            report.span_overlap[ALL].fp += 1
    for ts, te in _tokens(text):
        g = _covering_type(gold, ts, te)
        p = _covering_type(pred, ts, te)
        if g and p:
            report.token[g].tp += 1
            report.token[ALL].tp += 1
        elif g:
            report.token[g].fn += 1
            report.token[ALL].fn += 1
        elif p:
            report.token[p].fp += 1
            report.token[ALL].fp += 1
    for k in unseen:
        s, e, _ = gold[k]
        found = any(ps < e and s < pe for ps, pe, _ in pred)
        report.unseen_names.tp += found
        report.unseen_names.fn += not found
        for ts, te in _tokens(text[s:e]):
            hit = _covering_type(pred, s + ts, s + te) is not None
            report.unseen_name_tokens.tp += hit
            report.unseen_name_tokens.fn += not hit


def _identifying_words(value: str) -> list[str]:
    return [w.lower() for w in _TOKEN.findall(value)
            if len(w) >= 2 and w.lower() not in _NOT_IDENTIFYING and not (w.isdigit() and len(w) < 4)]


def _leaked(kind: str, value: str, window: str) -> bool:
    """True when something identifying of the gold `value` stands in `window` (the output
    around the item's place).

    Dates leak when written the same way again (a shifted date shares month and year words);
    numbers and codes when their characters, separators aside, appear again or a part of 4 or
    more digits does; other items when any word of 2 or more characters that is not a particle,
    title, street type or month name does (a surname left behind is a leak).
    """
    low = window.lower()
    if kind == "DATA":
        return " ".join(value.lower().split()) in " ".join(low.split())
    if kind in _CODE_TYPES:
        compact = "".join(_TOKEN.findall(value)).lower()
        if compact and compact in "".join(_TOKEN.findall(low)):
            return True
        return any(part in low for part in re.findall(r"\d{4,}", value))
    words_out = {w.lower() for w in _TOKEN.findall(window)}
    return any(w in words_out for w in _identifying_words(value))


def _aligned_windows(text: str, output: str,
                     gold: list[tuple[int, int, str]]) -> list[str]:
    """For each gold item, the output text at its place: tokens are aligned with difflib and
    the window spans the output tokens aligned to the item's, plus a few on each side."""
    src = _tokens(text)
    dst = _tokens(output)
    a = [text[s:e].lower() for s, e in src]
    b = [output[s:e].lower() for s, e in dst]
    # src token index -> (first, last+1) output token range it maps to
    mapped: list[tuple[int, int]] = [(0, 0)] * len(a)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        for i in range(i1, i2):
            mapped[i] = (j1 + (i - i1), j1 + (i - i1) + 1) if tag == "equal" else (j1, max(j2, j1))
    windows = []
    for s, e, _ in gold:
        idx = [i for i, (ts, te) in enumerate(src) if ts < e and s < te]
        if not idx or not dst:
            windows.append(output[:0])
            continue
        lo = max(0, min(mapped[i][0] for i in idx) - _WINDOW_TOKENS)
        hi = min(len(dst), max(mapped[i][1] for i in idx) + _WINDOW_TOKENS)
        if hi <= lo:
            windows.append("")
            continue
        windows.append(output[dst[lo][0]:dst[hi - 1][1]])
    return windows


def evaluate(gold: Iterable[Mapping], *, predicted: Iterable[Iterable] | None = None,
             outputs: Iterable[str] | None = None, gazetteers=None,
             on_progress: Callable[..., None] | None = None) -> Report:
    """Score predicted spans and/or de-identified texts against gold records, in order.

    `predicted`: one list of spans (Span objects or {start, end, type} dicts) per gold record;
    `outputs`: one de-identified text per gold record, for the leak rate. At least one is
    needed. `gazetteers` (default: the shipped ones) decides which gold names are unseen.
    Raises E604 for a malformed gold record, E603 when the inputs do not pair up.
    """
    if predicted is None and outputs is None:
        raise error("E603", option="evaluate", detail="give predicted spans, outputs or both")
    if gazetteers is None:
        from dsm_clinic.deid.gazetteers import load_gazetteers

        gazetteers = load_gazetteers()
    pred_iter = iter(predicted) if predicted is not None else None
    out_iter = iter(outputs) if outputs is not None else None
    report = Report()
    if out_iter is not None:
        report.leaks = {t: Leaks() for t in (*PHI_TYPES, ALL)}
    for index, record in enumerate(gold):
        spans = _check_gold(record, index)
        text = record["text"]
        report.notes += 1
        report.gold_spans += len(spans)
        if pred_iter is not None:
            try:
                pred = _spans_of(next(pred_iter))
            except StopIteration:
                raise error("E603", option="predicted",
                            detail=f"fewer predictions than gold records ({index})") from None
            report.predicted_spans += len(pred)
            unseen = {k for k, (s, e, t) in enumerate(spans)
                      if t == "PERSONA" and _unseen_name(text[s:e], gazetteers)}
            _score_note(report, text, spans, pred, str(record.get("id", index)), unseen)
        if out_iter is not None:
            try:
                output = next(out_iter)
            except StopIteration:
                raise error("E603", option="outputs",
                            detail=f"fewer outputs than gold records ({index})") from None
            for (s, e, t), window in zip(spans, _aligned_windows(text, output, spans), strict=True):
                leaked = _leaked(t, text[s:e], window)
                for key in (t, ALL):
                    report.leaks[key].items += 1
                    report.leaks[key].leaked += leaked
        if on_progress is not None:
            on_progress("evaluate", index + 1, None)
    report.leaks = {t: v for t, v in report.leaks.items() if v.items or t == ALL}
    return report


def _unseen_name(value: str, gazetteers) -> bool:
    """True when no word of the name (particles and initials aside) is a known name."""
    names = [w for w in _TOKEN.findall(value) if len(w) > 1 and w.lower() not in _NOT_IDENTIFYING]
    return bool(names) and not any(gazetteers.is_name(w) for w in names)


def tag_text(text: str, spans: Iterable) -> str:
    """`text` with each span replaced by its type in angle brackets (for leak checks)."""
    out = []
    pos = 0
    for s, e, t in sorted(_spans_of(spans)):
        if s < pos:
            continue
        out.append(text[pos:s])
        out.append(f"<{t}>")
        pos = e
    out.append(text[pos:])
    return "".join(out)


def evaluate_analyzer(gold: Iterable[Mapping], analyzer, *,
                      on_progress: Callable[..., None] | None = None) -> Report:
    """Run `analyzer` on each gold note and score its spans and the tag-mode output."""
    records = list(gold)
    predicted = []
    for i, record in enumerate(records):
        predicted.append(analyzer.analyze(record["text"]))
        if on_progress is not None:
            on_progress("analyze", i + 1, len(records))
    outputs = [tag_text(r["text"], p) for r, p in zip(records, predicted, strict=True)]
    return evaluate(records, predicted=predicted, outputs=outputs, on_progress=on_progress)
