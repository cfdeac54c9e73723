"""Streaming readers and writers of note records in JSON Lines, CSV and Parquet.

Decisions every stage can rely on:

- Format comes from the suffix (.jsonl .ndjson .json, .csv, .parquet .pq; .jsonl.gz and
  .csv.gz are gzip) or from `fmt`. A .json file holding one JSON document (not one object per
  line) is refused with E308.
- Every record the reader sees is counted in `read` and either yielded or written to the
  rejects file with its line and reason (see rejects.py). Blank lines (empty, or only
  spaces, tabs and line ends; in CSV empty rows) are not records: they are skipped and counted in `blank` only, so
  `read == written + rejected` holds for records.
- Line numbers are 1-based physical lines (JSONL; CSV: the line where the row starts, the
  header being line 1) or 1-based row numbers (Parquet).
- Ids are strings: an integer id becomes its decimal string (7 -> "7", so 7 and "7" are the
  same id). Booleans, floats, lists are rejected. An empty or blank id is a missing id.
  The text must be a string (an empty string is a valid text); absent or null is missing.
- Duplicate ids within one file: the first record is kept, later ones are rejected. This
  keeps one dict entry per id (about 120 bytes: 120 MB for a million notes, whatever their
  length); `unique_ids=False` turns the check off and memory is then bounded.
- CSV: the delimiter is guessed from the header line (',', ';' or tab) unless given; rows
  with broken quoting or another number of fields than the header are bad_csv. The writer
  uses ',' and quotes as needed.
- `id_field` / `text_field` rename those fields to "id" / "text" in the yielded records,
  in place (other fields keep their names and order), so every stage sees the note contract.
  With such a mapping, a record (or header) that also has a field named "id"/"text" is a
  conflict: field_conflict for a JSONL record, E306 for a CSV/Parquet header.
- Unknown fields pass through untouched. CSV has only strings: every value reads back as a
  string; the CSV writer JSON-encodes lists and dicts and writes null as an empty cell.
  Parquet reads back missing fields as null; its writer takes the schema from the first
  batch of 1024 records, widens it when later records bring new fields or wider types
  (int -> float, null -> anything, new struct fields), and stores a field whose values share
  no type (1 and "a", or only empty objects) as strings, JSON-encoding the non-strings.
- Writers are atomic: a temporary file renamed over `path` on a clean close; after an
  exception nothing is left at `path` (an earlier file there stays as it was).
- `rejects=None` is strict mode: the first unreadable record raises E307.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import itertools
import json
import sys
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from dsm_clinic.errors import error
from dsm_clinic.io.atomic import AtomicFile
from dsm_clinic.io.rejects import RejectsWriter, json_default, json_line

FORMATS = ("jsonl", "csv", "parquet")
_ALIASES = {"jsonl": "jsonl", "ndjson": "jsonl", "json": "jsonl", "csv": "csv",
            "parquet": "parquet", "pq": "parquet"}
_PARQUET_BATCH = 1024
# Without a unique-id check, line_of() remembers this many recent records (batching stages).
_RECENT_IDS = 65536
_BOM = b"\xef\xbb\xbf"
_JSON = json.JSONDecoder()
# What reading a damaged or vanished file raises (gzip: truncated or corrupt streams).
_READ_ERRORS = (OSError, EOFError, zlib.error)


def _why(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def detect_format(path: str | Path, fmt: str | None = None) -> tuple[str, bool]:
    """Return (format, gzipped) for `path`; `fmt` overrides the suffix. Raises E302."""
    p = Path(path)
    suffixes = [s.lower() for s in p.suffixes]
    gz = bool(suffixes) and suffixes[-1] == ".gz"
    if gz:
        suffixes = suffixes[:-1]
    name = fmt.lower().lstrip(".") if fmt else (suffixes[-1].lstrip(".") if suffixes else "")
    found = _ALIASES.get(name)
    if found is None or (gz and found == "parquet"):
        raise error("E302", path=str(path))
    return found, gz


@dataclass
class Counts:
    """Record counts of one input: read = written + rejected when a stage is done.

    `blank` counts skipped blank lines (not records). `reasons` counts rejects by reason.
    """

    read: int = 0
    written: int = 0
    rejected: int = 0
    blank: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def with_written(self, written: int) -> Counts:
        """A copy with `written` set (typically `writer.count`)."""
        return replace(self, written=written, reasons=dict(self.reasons))

    def check(self, what: str = "records") -> Counts:
        """Return self when read == written + rejected; raise E304 (internal error) otherwise."""
        if self.read != self.written + self.rejected:
            raise error("E304", what=what, read=self.read, written=self.written,
                        rejected=self.rejected)
        return self

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"


def _strip_eol(raw: bytes) -> bytes:
    if raw.endswith(b"\n"):
        raw = raw[:-1]
        if raw.endswith(b"\r"):
            raw = raw[:-1]
    return raw


def _open_binary(path: Path, gz: bool) -> IO[bytes]:
    if gz:
        return io.BufferedReader(gzip.GzipFile(path, "rb"))
    return open(path, "rb")


class RecordReader:
    """Iterator of valid records (dicts) from one file; use it as a context manager.

    On a clean exit the rejects file is committed; after an exception it is discarded.
    `counts` is live; `line` is the line/row of the last record yielded.
    """

    def __init__(self, path: str | Path, *, rejects: str | Path | None, fmt: str | None = None,
                 id_field: str = "id", text_field: str = "text", require_text: bool = True,
                 unique_ids: bool = True, csv_delimiter: str | None = None):
        self.path = Path(path)
        self.format, self._gz = detect_format(self.path, fmt)
        self.id_field = id_field
        self.text_field = text_field
        self.require_text = require_text
        self.unique_ids = unique_ids
        self._csv_delimiter = csv_delimiter
        self.counts = Counts()
        self.line: int | None = None
        self.rejects_path = Path(rejects) if rejects is not None else None
        self._rename = {k: v for k, v in ((id_field, "id"), (text_field, "text")) if k != v}
        self._lines: dict[str, int] = {} if unique_ids else OrderedDict()
        self._closers: list[Callable[[], Any]] = []
        self._started = False
        self._closed = False
        if not self.path.is_file():
            raise error("E301", path=str(self.path),
                        detail="no such file" if not self.path.exists() else "not a file")
        try:
            opener = {"jsonl": self._open_jsonl, "csv": self._open_csv,
                      "parquet": self._open_parquet}[self.format]
            self._items = opener()
        except _READ_ERRORS as exc:
            self._close_source()
            raise error("E301", path=str(self.path), detail=_why(exc)) from exc
        except BaseException:
            self._close_source()
            raise
        self._rejects: RejectsWriter | None = None
        if self.rejects_path is not None:
            try:
                self._rejects = RejectsWriter(self.rejects_path, source=self.path)
            except OSError as exc:
                self._close_source()
                raise error("E309", path=str(self.rejects_path),
                            detail=exc.strerror or str(exc)) from exc

    # --- public

    def __enter__(self) -> RecordReader:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def __iter__(self) -> Iterator[dict]:
        if self._started:
            raise RuntimeError("a RecordReader can be iterated once")
        self._started = True
        try:
            yield from self._items
        except _READ_ERRORS as exc:
            raise error("E301", path=str(self.path), detail=_why(exc)) from exc

    def line_of(self, record: Mapping) -> int | None:
        """The line/row number the record was read from, or None when unknown."""
        rid = record.get("id")
        if type(rid) is int:
            rid = str(rid)
        return self._lines.get(rid) if isinstance(rid, str) else None

    def reject(self, record_or_raw: Mapping | str | bytes, reason: str, detail: str = "", *,
               line: int | None = None) -> None:
        """Set a record aside that a stage cannot process (e.g. reason "deid_failed").

        The line defaults to the one the record was read from. `rejected` grows by one, so
        reject only records this reader yielded (and do not write them) to keep
        read == written + rejected. `detail` must not quote the note. In strict mode (no
        rejects file) this raises E307.
        """
        if isinstance(record_or_raw, Mapping):
            if line is None:
                line = self.line_of(record_or_raw)
            rid = record_or_raw.get("id")
            self._reject(line, reason, detail, record=dict(record_or_raw),
                         id=str(rid) if rid is not None else None)
        else:
            self._reject(line, reason, detail, raw=record_or_raw)

    def close(self) -> None:
        """Commit the rejects file and close the input."""
        if self._closed:
            return
        self._closed = True
        self._close_source()
        if self._rejects is not None:
            self._rejects.commit()

    def abort(self) -> None:
        """Close the input and drop the rejects file (nothing is written at its path)."""
        if self._closed:
            return
        self._closed = True
        self._close_source()
        if self._rejects is not None:
            self._rejects.discard()

    # --- checks shared by every format

    def _reject(self, line: int | None, reason: str, detail: str = "", *, raw: Any = None,
                record: Any = None, id: str | None = None) -> None:
        if self._rejects is None:
            where = f"{reason} ({detail})" if detail else reason
            raise error("E307", line=line if line is not None else "?", path=str(self.path),
                        reason=where)
        self._rejects.add(line=line, reason=reason, detail=detail, id=id, raw=raw, record=record)
        c = self.counts
        c.rejected += 1
        c.reasons[reason] = c.reasons.get(reason, 0) + 1

    def _bad(self, line: int, reason: str, detail: str, raw: bytes | None, obj: Any,
             id: str | None = None) -> None:
        if raw is None:  # Parquet rows have no raw text: keep the row itself
            self._reject(line, reason, detail, record=obj, id=id)
        else:
            self._reject(line, reason, detail, raw=_strip_eol(raw), id=id)

    def _check(self, line: int, obj: Any, raw: bytes | None) -> dict | None:
        """Return the normalised record, or None after rejecting it (`raw`: the line's bytes)."""
        if type(obj) is not dict:
            self._bad(line, "not_an_object", f"the line holds a JSON {_json_type(obj)}", raw, obj)
            return None
        if self._rename and self.format == "jsonl":
            for mapped, canonical in self._rename.items():
                if canonical in obj:
                    self._bad(line, "field_conflict",
                              f"'{canonical}' is present while it is read from '{mapped}'",
                              raw, obj)
                    return None
            rename = self._rename
            obj = {rename.get(k, k): v for k, v in obj.items()}
        rid = obj.get("id")
        kind = type(rid)
        if kind is str:
            if not rid.strip():
                self._bad(line, "missing_id", f"'{self.id_field}' is empty", raw, obj)
                return None
        elif kind is int:
            rid = obj["id"] = str(rid)
        elif rid is None:
            self._bad(line, "missing_id", f"no '{self.id_field}'" if "id" not in obj
                      else f"'{self.id_field}' is null", raw, obj)
            return None
        else:
            self._bad(line, "id_not_string_or_int",
                      f"'{self.id_field}' is a {_json_type(rid) if kind is not float else 'float'}",
                      raw, obj)
            return None
        text = obj.get("text")
        if text is None:
            if self.require_text:
                self._bad(line, "missing_text", f"no '{self.text_field}'" if "text" not in obj
                          else f"'{self.text_field}' is null", raw, obj, id=rid)
                return None
        elif type(text) is not str:
            self._bad(line, "text_not_string", f"'{self.text_field}' is a {_json_type(text)}",
                      raw, obj, id=rid)
            return None
        lines = self._lines
        if self.unique_ids:
            first = lines.get(rid)
            if first is not None:
                self._bad(line, "duplicate_id", f"first seen at line {first}", raw, obj, id=rid)
                return None
            lines[rid] = line
        else:
            lines[rid] = line
            lines.move_to_end(rid)
            if len(lines) > _RECENT_IDS:
                lines.popitem(last=False)
        self.line = line
        return obj

    def _close_source(self) -> None:
        for closer in reversed(self._closers):
            with contextlib.suppress(Exception):
                closer()
        self._closers.clear()

    # --- JSON Lines

    def _open_jsonl(self) -> Iterator[dict]:
        fh = _open_binary(self.path, self._gz)
        self._closers.append(fh.close)
        first = fh.readline()
        if first.startswith(_BOM):
            first = first[len(_BOM):]
        head = first.strip()
        if head in (b"[", b"{") or head.startswith(b"[{"):
            raise error("E308", path=str(self.path))
        return self._jsonl_items(first, fh)

    def _jsonl_items(self, first: bytes, fh: IO[bytes]) -> Iterator[dict]:
        decode = _JSON.decode  # json.loads without its per-call checks
        check = self._check
        counts = self.counts
        n = 0
        for raw in itertools.chain((first,), fh) if first else fh:
            n += 1
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                if not raw.strip(b" \t\r\n"):
                    counts.blank += 1
                    continue
                counts.read += 1
                self._reject(n, "bad_utf8", f"invalid byte at offset {exc.start}",
                             raw=_strip_eol(raw))
                continue
            try:
                obj = decode(text)
            except (ValueError, RecursionError) as exc:
                if not text.strip(" \t\r\n"):
                    counts.blank += 1
                    continue
                counts.read += 1
                detail = (f"{exc.msg} at column {exc.colno}" if isinstance(exc, json.JSONDecodeError)
                          else "nested too deeply")
                self._reject(n, "bad_json", detail, raw=_strip_eol(raw).decode("utf-8"))
                continue
            counts.read += 1
            record = check(n, obj, raw)
            if record is not None:
                yield record

    # --- CSV

    def _open_csv(self) -> Iterator[dict]:
        fh = _open_binary(self.path, self._gz)
        self._closers.append(fh.close)
        first = fh.readline()
        if first.startswith(_BOM):
            first = first[len(_BOM):]
        delimiter = self._csv_delimiter or _guess_delimiter(first)
        # Notes can be longer than csv's default 128 KiB field limit (process-wide setting).
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
        self._buf: list[bytes] = []
        self._bad_bytes = False
        reader = csv.reader(self._csv_lines(first, fh), delimiter=delimiter, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            return iter(())
        except csv.Error as exc:
            raise error("E306", path=str(self.path),
                        detail=f"it does not parse as CSV ({exc})") from exc
        if self._bad_bytes:
            raise error("E306", path=str(self.path), detail="it is not UTF-8")
        self._buf.clear()
        self._check_header(header)
        header = [self._rename.get(h, h) for h in header]
        return self._csv_items(reader, header)

    def _csv_lines(self, first: bytes, fh: IO[bytes]) -> Iterator[str]:
        buf = self._buf
        for raw in itertools.chain((first,), fh) if first else fh:
            buf.append(raw)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                self._bad_bytes = True
                text = raw.decode("utf-8", "surrogateescape")
            yield text

    def _csv_items(self, reader, header: list[str]) -> Iterator[dict]:
        check = self._check
        counts = self.counts
        buf = self._buf
        ncol = len(header)
        prev = reader.line_num
        while True:
            start = prev + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                prev = reader.line_num
                raw = _strip_eol(b"".join(buf))
                buf.clear()
                self._bad_bytes = False
                counts.read += 1
                self._reject(start, "bad_csv", str(exc), raw=raw)
                continue
            prev = reader.line_num
            raw = b"".join(buf)
            buf.clear()
            if not row or (len(row) == 1 and ncol > 1 and not row[0].strip(" \t")):
                counts.blank += 1
                self._bad_bytes = False
                continue
            counts.read += 1
            if self._bad_bytes:
                self._bad_bytes = False
                try:
                    raw.decode("utf-8")
                    offset = 0
                except UnicodeDecodeError as exc:
                    offset = exc.start
                self._reject(start, "bad_utf8", f"invalid byte at offset {offset}",
                             raw=_strip_eol(raw))
                continue
            if len(row) != ncol:
                self._reject(start, "bad_csv", f"the row has {len(row)} fields, the header {ncol}",
                             raw=_strip_eol(raw))
                continue
            record = check(start, dict(zip(header, row, strict=True)), raw)
            if record is not None:
                yield record

    def _check_header(self, names: list[str]) -> None:
        """Raise E306 for duplicate or clashing column names, E305 for a missing id/text."""
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise error("E306", path=str(self.path), detail=f"column '{name}' appears twice")
            seen.add(name)
        wanted = [self.id_field] + ([self.text_field] if self.require_text else [])
        for column in wanted:
            if column not in seen:
                shown = ", ".join(names[:20]) + (" ..." if len(names) > 20 else "")
                raise error("E305", path=str(self.path), column=column, columns=shown or "none")
        for mapped, canonical in self._rename.items():
            if canonical in seen:
                raise error("E306", path=str(self.path),
                            detail=f"column '{canonical}' is there while it is read from '{mapped}'")

    # --- Parquet

    def _open_parquet(self) -> Iterator[dict]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(self.path)
        except (pa.ArrowException, OSError) as exc:
            raise error("E301", path=str(self.path),
                        detail=f"not a readable Parquet file ({exc})") from exc
        self._closers.append(pf.close)
        self._check_header(pf.schema_arrow.names)
        names = [self._rename.get(n, n) for n in pf.schema_arrow.names]
        return self._parquet_items(pf, names)

    def _parquet_items(self, pf, names: list[str]) -> Iterator[dict]:
        import pyarrow as pa

        check = self._check
        counts = self.counts
        n = 0
        batches = pf.iter_batches(batch_size=_PARQUET_BATCH)
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                return
            except pa.ArrowException as exc:
                raise error("E301", path=str(self.path),
                            detail=f"Parquet data unreadable after row {n} ({exc})") from exc
            if self._rename:
                batch = batch.rename_columns(names)
            for row in batch.to_pylist():
                n += 1
                counts.read += 1
                record = check(n, row, None)
                if record is not None:
                    yield record


def _guess_delimiter(header_line: bytes) -> str:
    """',' unless the header line has more ';' or tabs (Italian spreadsheets export ';')."""
    counts = {d: header_line.count(d.encode()) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def open_reader(path: str | Path, *, rejects: str | Path | None, fmt: str | None = None,
                id_field: str = "id", text_field: str = "text", require_text: bool = True,
                unique_ids: bool = True, csv_delimiter: str | None = None) -> RecordReader:
    """Open a streaming reader of note records; see the module docstring for the rules.

    Raises E301 (unreadable), E302 (format), E305 (missing column), E306 (bad header),
    E308 (a JSON document, not JSON Lines); E307 later, in strict mode (`rejects=None`).
    `csv_delimiter` None guesses ',' / ';' / tab from the header line.
    """
    return RecordReader(path, rejects=rejects, fmt=fmt, id_field=id_field, text_field=text_field,
                        require_text=require_text, unique_ids=unique_ids,
                        csv_delimiter=csv_delimiter)


# --- writers


class _JsonlSink:
    def __init__(self, path: Path, gz: bool):
        self._file = AtomicFile(path, "wb")
        # no file name and mtime 0 in the gzip header: the same records give the same bytes
        self._gz = (gzip.GzipFile(filename="", mode="wb", fileobj=self._file.fh, mtime=0)
                    if gz else None)
        out = self._gz or self._file.fh
        write = out.write
        self.write = lambda record: write(json_line(record))

    def commit(self) -> None:
        if self._gz is not None:
            self._gz.close()
        self._file.commit()

    def discard(self) -> None:
        self._file.discard()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if not isinstance(value, (dict, list, tuple)):
        value = json_default(value)
        if isinstance(value, str):
            return value
    return json.dumps(value, ensure_ascii=False, default=json_default)


class _CsvSink:
    """Columns come from the first record; a later record with new keys appends columns.

    Rows stream to a temporary file as they come. Only when columns were added does close()
    make a second pass over that file, writing the full header and padding earlier rows
    with empty cells, so memory stays constant either way.
    """

    def __init__(self, path: Path, gz: bool):
        self._path = path
        self._gz = gz
        self._file = AtomicFile(path, "wb")
        self._text = self._open_text(self._file.fh)
        self._writer = csv.writer(self._text)  # "\r\n" ends rows, so lone "\r" gets quoted
        self._columns: list[str] | None = None
        self._known: set[str] = set()
        self._grew = False

    def _open_text(self, fh: IO[bytes]) -> io.TextIOWrapper:
        raw = gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0) if self._gz else fh
        return io.TextIOWrapper(raw, encoding="utf-8", newline="")

    def write(self, record: Mapping) -> None:
        if not all(type(k) is str for k in record):  # as JSON does: 1 -> "1"
            record = {str(k): v for k, v in record.items()}
        columns = self._columns
        if columns is None:
            columns = self._columns = list(record)
            self._known = set(columns)
            self._writer.writerow(columns)
        else:
            for key in record:
                if key not in self._known:
                    columns.append(key)
                    self._known.add(key)
                    self._grew = True
        get = record.get
        self._writer.writerow([_csv_cell(get(c)) for c in columns])

    def commit(self) -> None:
        self._text.close()  # with gzip this ends the gzip stream; the file stays open
        if not self._grew:
            self._file.commit()
            return
        self._file.fh.close()  # flush what gzip left buffered before reading it back
        final = AtomicFile(self._path, "wb")
        try:
            text = self._open_text(final.fh)
            writer = csv.writer(text)
            width = len(self._columns)
            with _open_binary(self._file.tmp, self._gz) as fh:
                rows = csv.reader(io.TextIOWrapper(fh, encoding="utf-8", newline=""), strict=True)
                next(rows)
                writer.writerow(self._columns)
                for row in rows:
                    writer.writerow(row + [""] * (width - len(row)))
            text.close()
            final.commit()
        except BaseException:
            final.discard()
            raise
        finally:
            self._file.discard()

    def discard(self) -> None:
        with contextlib.suppress(Exception):
            self._text.close()
        self._file.discard()


def _unwritable(t) -> bool:
    """True for Arrow types Parquet cannot store (a struct with no fields, at any depth)."""
    import pyarrow as pa

    if pa.types.is_struct(t):
        return t.num_fields == 0 or any(_unwritable(t.field(i).type) for i in range(t.num_fields))
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return _unwritable(t.value_type)
    if pa.types.is_map(t):
        return _unwritable(t.key_type) or _unwritable(t.item_type)
    return False


def _as_string(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=json_default)


def _table_from_rows(rows: list[Mapping]):
    """An Arrow table of `rows`, one column per key (first-seen order), types inferred.

    A key whose values share no Arrow type (1 and "a", or only empty objects) becomes a
    string column: strings kept, other values JSON-encoded.
    """
    import pyarrow as pa

    keys: dict[str, None] = {}
    for row in rows:
        for k in row:
            if k not in keys:
                keys[k] = None
    columns = {}
    for k in keys:
        values = [row.get(k) for row in rows]
        try:
            arr = pa.array(values)
            if _unwritable(arr.type):
                raise ValueError("unwritable type")
        except (pa.ArrowException, OverflowError, ValueError, TypeError):
            arr = pa.array([_as_string(v) for v in values], type=pa.string())
        columns[str(k)] = arr
    return pa.table(columns)


def _cast_column(col, target):
    import pyarrow as pa

    if col.type.equals(target):
        return col
    if pa.types.is_null(col.type):
        return pa.nulls(len(col), target)
    if pa.types.is_string(target) and not pa.types.is_string(col.type):
        return pa.array([_as_string(v) for v in col.to_pylist()], type=pa.string())
    return col.cast(target)


def _conform(table, schema):
    """`table` with exactly `schema`'s columns: cast, or null where a column is missing."""
    import pyarrow as pa

    names = set(table.column_names)
    cols = [_cast_column(table.column(f.name), f.type) if f.name in names
            else pa.nulls(len(table), f.type) for f in schema]
    return pa.Table.from_arrays(cols, schema=schema)


def _merged_schema(schemas: list):
    """One schema for all segments: per field the permissive union of its types, or string."""
    import pyarrow as pa

    names: dict[str, None] = {}
    for schema in schemas:
        for name in schema.names:
            names.setdefault(name, None)
    fields = []
    for name in names:
        types = [s.field(name).type for s in schemas if name in s.names]
        try:
            target = pa.unify_schemas([pa.schema([(name, t)]) for t in types],
                                      promote_options="permissive").field(name).type
            for t in types:  # a kernel must exist for each cast (checked on empty arrays)
                _cast_column(pa.array([], type=t), target)
        except (pa.ArrowException, NotImplementedError):
            target = pa.string()
        fields.append(pa.field(name, target))
    return pa.schema(fields)


class _ParquetSink:
    """Batched ParquetWriter; the schema comes from the first batch.

    A later batch that does not fit (new keys, other types) opens a new segment file with a
    widened schema; close() then streams all segments into one file under their merged
    schema. Without such drift the single segment is renamed into place.
    """

    def __init__(self, path: Path):
        self._path = path
        self._rows: list[Mapping] = []
        self._segments: list[tuple[AtomicFile, Any]] = []

    def write(self, record: Mapping) -> None:
        self._rows.append(record)
        if len(self._rows) >= _PARQUET_BATCH:
            self._flush()

    def _open_segment(self, schema):
        import pyarrow.parquet as pq

        seg = AtomicFile(self._path, "wb")
        seg.fh.close()  # pyarrow writes to the path itself
        writer = pq.ParquetWriter(str(seg.tmp), schema, compression="zstd")
        self._segments.append((seg, writer))
        return writer

    def _flush(self) -> None:
        import pyarrow as pa

        rows, self._rows = self._rows, []
        if not rows:
            return
        table = _table_from_rows(rows)
        if not self._segments:
            self._open_segment(table.schema).write_table(table)
            return
        writer = self._segments[-1][1]
        schema = writer.schema
        if table.schema.equals(schema):
            writer.write_table(table)
            return
        try:
            widened = pa.unify_schemas([schema, table.schema], promote_options="permissive")
        except pa.ArrowException:
            widened = None
        if widened is not None:
            try:
                conformed = _conform(table, widened)
            except (pa.ArrowException, NotImplementedError):
                widened = None
        if widened is not None and widened.equals(schema):
            writer.write_table(conformed)
        elif widened is not None:
            self._open_segment(widened).write_table(conformed)
        else:
            self._open_segment(table.schema).write_table(table)

    def commit(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._flush()
        for _, writer in self._segments:
            writer.close()
        if not self._segments:  # no records: an empty file with the note contract's columns
            writer = self._open_segment(pa.schema([("id", pa.string()), ("text", pa.string())]))
            writer.close()
        if len(self._segments) == 1:
            self._segments[0][0].commit()
            return
        target = _merged_schema([w.schema for _, w in self._segments])
        final = AtomicFile(self._path, "wb")
        final.fh.close()
        try:
            with pq.ParquetWriter(str(final.tmp), target, compression="zstd") as writer:
                for seg, _ in self._segments:
                    pf = pq.ParquetFile(seg.tmp)
                    for batch in pf.iter_batches(batch_size=_PARQUET_BATCH):
                        writer.write_table(_conform(pa.Table.from_batches([batch]), target))
                    pf.close()
            final.commit()
        except BaseException:
            final.discard()
            raise
        finally:
            for seg, _ in self._segments:
                seg.discard()

    def discard(self) -> None:
        for seg, writer in self._segments:
            with contextlib.suppress(Exception):
                writer.close()
            seg.discard()
        self._rows = []


class RecordWriter:
    """Atomic streaming writer: `.write(record)`, `.count`; use it as a context manager.

    On a clean exit the file appears at `path`; after an exception nothing is written there.
    """

    def __init__(self, path: str | Path, *, fmt: str | None = None, overwrite: bool = True):
        self.path = Path(path)
        self.format, gz = detect_format(self.path, fmt)
        self.count = 0
        self._closed = False
        if not overwrite and self.path.exists():
            raise error("E303", path=str(self.path))
        try:
            if self.format == "jsonl":
                self._sink = _JsonlSink(self.path, gz)
            elif self.format == "csv":
                self._sink = _CsvSink(self.path, gz)
            else:
                self._sink = _ParquetSink(self.path)
        except OSError as exc:
            raise error("E309", path=str(self.path), detail=exc.strerror or str(exc)) from exc

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def write(self, record: Mapping) -> None:
        """Append one record. Raises TypeError for a non-mapping, E309 when the disk fails."""
        if self._closed:
            raise ValueError("write to a closed RecordWriter")
        if type(record) is not dict:
            if not isinstance(record, Mapping):
                raise TypeError(f"a record is a mapping, not {type(record).__name__}")
            record = dict(record)
        try:
            self._sink.write(record)
        except OSError as exc:
            raise error("E309", path=str(self.path), detail=exc.strerror or str(exc)) from exc
        self.count += 1

    def write_all(self, records: Iterable[Mapping]) -> int:
        """Write every record; return how many."""
        for record in records:
            self.write(record)
        return self.count

    def close(self) -> Path:
        """Finish the file and rename it into place; return its path."""
        if not self._closed:
            self._closed = True
            try:
                self._sink.commit()
            except OSError as exc:
                self._sink.discard()
                raise error("E309", path=str(self.path), detail=exc.strerror or str(exc)) from exc
            except BaseException:
                self._sink.discard()
                raise
        return self.path

    def abort(self) -> None:
        """Drop everything written; `path` is left as it was."""
        if not self._closed:
            self._closed = True
            self._sink.discard()


def open_writer(path: str | Path, *, fmt: str | None = None, overwrite: bool = True) -> RecordWriter:
    """Open an atomic streaming writer (JSONL, CSV or Parquet from the suffix or `fmt`).

    Raises E302 (format), E303 (`path` exists and `overwrite` is False), E309 (cannot write).
    """
    return RecordWriter(path, fmt=fmt, overwrite=overwrite)
