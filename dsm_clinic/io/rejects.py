"""Rejects files: where records that cannot be read (or that a stage refuses) are set aside.

A rejects file is JSON Lines, one object per rejected record:
`{"source", "line", "reason", "detail", "id"?, "raw" | "raw_b64" | "record"}`.
`raw` is the line or CSV row exactly as read, `raw_b64` its bytes when they are not UTF-8,
`record` the parsed record (Parquet rows, or records a stage rejects later). Nothing is lost,
so a rejects file is a data file with the same sensitivity as its source (it may hold PHI):
never log or print its content. `detail` never quotes the record.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dsm_clinic.errors import error
from dsm_clinic.io.atomic import AtomicFile

# The reasons the readers give; stages may add their own short codes (e.g. "deid_failed").
REASONS: dict[str, str] = {
    "bad_utf8": "the bytes are not valid UTF-8",
    "bad_json": "the line is not valid JSON",
    "bad_csv": "the row does not parse as CSV, or has a different number of fields than the header",
    "not_an_object": "the JSON value is not an object",
    "field_conflict": "the record has both the mapped id/text field and a field named 'id'/'text'",
    "missing_id": "no id, a null one or an empty one",
    "id_not_string_or_int": "the id is neither a string nor an integer",
    "missing_text": "no text, or a null one",
    "text_not_string": "the text is not a string",
    "duplicate_id": "an earlier record of the same file has this id (the first one is kept)",
}

_REASON_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def json_default(obj: Any) -> Any:
    """JSON form of values json cannot encode: dates as ISO 8601, numpy values, bytes as base64.

    Raises TypeError for anything else, as json.dumps does.
    """
    if isinstance(obj, (dt.datetime, dt.date, dt.time)):
        return obj.isoformat()
    if isinstance(obj, decimal.Decimal):
        return str(obj)
    if isinstance(obj, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(obj)).decode("ascii")
    if isinstance(obj, (set, frozenset)):
        return sorted(obj, key=repr)
    # numpy scalars and arrays, without importing numpy
    if hasattr(obj, "tolist") and callable(obj.tolist):
        return obj.tolist()
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=json_default)


def json_line(obj: Any) -> bytes:
    """One JSON Lines line (UTF-8, non-ASCII kept, compact) for `obj`."""
    return (_ENCODER.encode(obj) + "\n").encode("utf-8")


class RejectsWriter:
    """Streams rejects to a temporary file; `commit()` puts it at `path`, `discard()` drops it.

    The file is written even when nothing was rejected (then empty), so a rejects file
    left from an earlier run is never mistaken for this run's.
    """

    def __init__(self, path: str | Path, *, source: str | Path):
        self.path = Path(path)
        self.source = Path(source).as_posix()
        self.count = 0
        self.reasons: dict[str, int] = {}
        self._file = AtomicFile(self.path, "wb")

    def add(self, *, line: int | None, reason: str, detail: str = "", id: str | None = None,
            raw: str | bytes | None = None, record: Any = None) -> None:
        """Append one reject. Raises ValueError for a reason that is not a short code."""
        if not _REASON_CODE.match(reason):
            raise ValueError(f"reject reason must be a short lower_case code, got {reason!r}")
        entry: dict[str, Any] = {"source": self.source, "line": line, "reason": reason,
                                 "detail": detail}
        if id is not None:
            entry["id"] = id
        if isinstance(raw, (bytes, bytearray)):
            try:
                entry["raw"] = bytes(raw).decode("utf-8")
            except UnicodeDecodeError:
                entry["raw_b64"] = base64.b64encode(bytes(raw)).decode("ascii")
        elif raw is not None:
            entry["raw"] = raw
        if record is not None:
            entry["record"] = record
        try:
            self._file.fh.write(json_line(entry))
        except OSError as exc:
            raise error("E309", path=str(self.path), detail=exc.strerror or str(exc)) from exc
        self.count += 1
        self.reasons[reason] = self.reasons.get(reason, 0) + 1

    def commit(self) -> Path:
        return self._file.commit()

    def discard(self) -> None:
        self._file.discard()


def iter_rejects(path: str | Path) -> Iterator[dict]:
    """Yield the entries of a rejects file, with `raw_b64` decoded back into `raw` bytes."""
    with open(path, "rb") as fh:
        for line in fh:
            if not line.strip():
                continue
            entry = json.loads(line)
            if "raw_b64" in entry:
                entry["raw"] = base64.b64decode(entry.pop("raw_b64"))
            yield entry
