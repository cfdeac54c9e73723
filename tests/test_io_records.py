"""Streaming readers/writers: every record ends in the output or in the rejects file, once."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsm_clinic.errors import EXIT_INTERNAL, DsmError
from dsm_clinic.io.hashing import sha256_file
from dsm_clinic.io.records import Counts, detect_format, open_reader, open_writer
from dsm_clinic.io.rejects import iter_rejects

GOOD = b'{"id": "n1", "text": "Paziente con asma."}'


def write_lines(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


def read_jsonl(path: Path) -> list[dict]:
    """Records of a JSONL file, split on "\n" only (U+0085 and U+2028 may sit in a text)."""
    return [json.loads(x) for x in path.read_text(encoding="utf-8").split("\n") if x]


def copy_through(src: Path, out: Path, rejects: Path, **kw) -> tuple[Counts, list[dict]]:
    """Read `src`, write every valid record to `out`; return checked counts and the rejects."""
    with open_reader(src, rejects=rejects, **kw) as reader, open_writer(out) as writer:
        for record in reader:
            writer.write(record)
    counts = reader.counts.with_written(writer.count).check()
    return counts, list(iter_rejects(rejects))


@pytest.mark.parametrize(
    ("bad", "reason", "detail"),
    [
        (b'{"id": "n2", "text": "x"', "bad_json", "column"),
        (b"\xff\xfeciao", "bad_utf8", "offset 0"),
        (b'["n2", "x"]', "not_an_object", "array"),
        (b'"solo testo"', "not_an_object", "string"),
        (b'{"text": "senza id"}', "missing_id", "no 'id'"),
        (b'{"id": null, "text": "x"}', "missing_id", "null"),
        (b'{"id": "  ", "text": "x"}', "missing_id", "empty"),
        (b'{"id": "n2"}', "missing_text", "no 'text'"),
        (b'{"id": "n2", "text": null}', "missing_text", "null"),
        (b'{"id": "n2", "text": ["a"]}', "text_not_string", "array"),
        (b'{"id": 2.5, "text": "x"}', "id_not_string_or_int", "float"),
        (b'{"id": true, "text": "x"}', "id_not_string_or_int", "boolean"),
        (b'{"id": {"a": 1}, "text": "x"}', "id_not_string_or_int", "object"),
        (b'{"id": "n1", "text": "di nuovo"}', "duplicate_id", "first seen at line 1"),
    ],
)
def test_each_reject_reason_is_recorded_with_its_line(tmp_path, bad, reason, detail):
    src = write_lines(tmp_path / "in.jsonl", [GOOD, b"", bad, GOOD.replace(b"n1", b"n3")])
    counts, rejects = copy_through(src, tmp_path / "out.jsonl", tmp_path / "rej.jsonl")
    assert (counts.read, counts.written, counts.rejected, counts.blank) == (3, 2, 1, 1)
    assert counts.reasons == {reason: 1}
    [entry] = rejects
    assert entry["reason"] == reason and entry["line"] == 3 and entry["source"].endswith("in.jsonl")
    assert detail in entry["detail"]
    # nothing lost: the line exactly as it was (bytes when not UTF-8)
    assert entry["raw"] == (bad if reason == "bad_utf8" else bad.decode())


def test_bad_utf8_is_kept_as_base64(tmp_path):
    bad = b'{"id": "n2", "text": "citt\xe0"}'  # Latin-1 à
    src = write_lines(tmp_path / "in.jsonl", [GOOD, bad])
    copy_through(src, tmp_path / "out.jsonl", tmp_path / "rej.jsonl")
    stored = json.loads((tmp_path / "rej.jsonl").read_text())
    assert base64.b64decode(stored["raw_b64"]) == bad and "raw" not in stored


def test_mixed_file_counts_add_up_and_output_keeps_order(tmp_path):
    lines = [GOOD, b"{", b'{"id": 7, "text": "sette"}', b"", b"   ", b'{"id": "7", "text": "dup"}',
             b'{"id": "n9", "text": ""}', b"\xc3"]
    src = write_lines(tmp_path / "in.jsonl", lines)
    counts, rejects = copy_through(src, tmp_path / "out.jsonl", tmp_path / "rej.jsonl")
    assert (counts.read, counts.written, counts.rejected, counts.blank) == (6, 3, 3, 2)
    assert [(r["line"], r["reason"]) for r in rejects] == [
        (2, "bad_json"), (6, "duplicate_id"), (8, "bad_utf8")]
    out = read_jsonl(tmp_path / "out.jsonl")
    # int ids become strings; an empty text is still a text
    assert [r["id"] for r in out] == ["n1", "7", "n9"] and out[2]["text"] == ""


def test_counts_check_raises_internal_error_when_records_go_missing():
    assert Counts(read=5, written=3, rejected=2).check().read == 5
    with pytest.raises(DsmError) as info:
        Counts(read=5, written=3, rejected=1).check("deid")
    assert info.value.code == "E304" and info.value.exit_code == EXIT_INTERNAL
    assert "read 5" in info.value.message and "deid" in info.value.message


def test_stage_reject_uses_the_line_the_record_came_from(tmp_path):
    src = write_lines(tmp_path / "in.jsonl", [
        b'{"id": "a", "text": "uno"}', b"", b'{"id": "b", "text": "due"}',
        b'{"id": "c", "text": "tre"}'])
    rej = tmp_path / "rej.jsonl"
    with open_reader(src, rejects=rej) as reader, open_writer(tmp_path / "o.jsonl") as writer:
        batch = list(reader)  # a batching stage decides after reading everything
        assert reader.line == 4 and reader.line_of({"id": "b"}) == 3
        for record in batch:
            if record["id"] == "b":
                reader.reject(record, "deid_failed", "analyzer timed out")
            else:
                writer.write(record)
        reader.reject(b"\xff raw", "stage_bug", line=99)
    counts = reader.counts.with_written(writer.count)
    assert (counts.read, counts.written, counts.rejected) == (3, 2, 2)
    entries = list(iter_rejects(rej))
    assert [(e["line"], e["reason"], e.get("id")) for e in entries] == [
        (3, "deid_failed", "b"), (99, "stage_bug", None)]
    assert entries[0]["record"] == {"id": "b", "text": "due"}
    assert entries[1]["raw"] == b"\xff raw"
    with pytest.raises(ValueError):
        open_reader(src, rejects=tmp_path / "r2.jsonl").reject({"id": "a"}, "Not A Code")


def test_stage_rejects_keep_the_balance(tmp_path):
    src = write_lines(tmp_path / "in.jsonl", [GOOD, b'{"id": "n2", "text": "x"}', b"oops"])
    with open_reader(src, rejects=tmp_path / "rej.jsonl") as reader, \
            open_writer(tmp_path / "o.jsonl") as writer:
        for record in reader:
            if record["id"] == "n2":
                reader.reject(record, "deid_failed")
            else:
                writer.write(record)
    counts = reader.counts.with_written(writer.count).check()
    assert (counts.read, counts.written, counts.rejected) == (3, 1, 2)
    assert counts.reasons == {"bad_json": 1, "deid_failed": 1}


def test_rejects_file_is_written_even_when_empty_and_dropped_on_error(tmp_path):
    src = write_lines(tmp_path / "in.jsonl", [GOOD, b"{"])
    clean = write_lines(tmp_path / "clean.jsonl", [GOOD])
    (tmp_path / "old_rej.jsonl").write_text("stale\n")
    copy_through(clean, tmp_path / "o.jsonl", tmp_path / "old_rej.jsonl")
    assert (tmp_path / "old_rej.jsonl").read_bytes() == b""
    with pytest.raises(RuntimeError), open_reader(src, rejects=tmp_path / "rej.jsonl") as reader:
        for _ in reader:
            pass
        raise RuntimeError("stage failed")
    assert not (tmp_path / "rej.jsonl").exists()
    assert not list(tmp_path.glob(".*.tmp"))


def test_strict_mode_stops_at_the_first_unreadable_record(tmp_path):
    src = write_lines(tmp_path / "in.jsonl", [GOOD, b'{"id": "ZQ-77"}'])
    with pytest.raises(DsmError) as info, open_reader(src, rejects=None) as reader:
        list(reader)
    assert info.value.code == "E307" and "line 2" in info.value.message
    assert "missing_text" in info.value.message and "ZQ-77" not in info.value.message


def test_bom_and_crlf_are_not_part_of_the_record(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\xef\xbb\xbf" + GOOD + b"\r\n" + b'{"id": "n2", "text": "b"}\r\n')
    counts, rejects = copy_through(src, tmp_path / "o.jsonl", tmp_path / "r.jsonl")
    assert counts.written == 2 and rejects == []


def test_a_json_document_is_refused(tmp_path):
    src = tmp_path / "notes.json"
    src.write_text(json.dumps([{"id": "a", "text": "b"}], indent=2))
    with pytest.raises(DsmError) as info:
        open_reader(src, rejects=tmp_path / "r.jsonl")
    assert info.value.code == "E308"
    assert not (tmp_path / "r.jsonl").exists()


def test_formats_and_missing_files(tmp_path):
    assert detect_format("a/notes.JSONL") == ("jsonl", False)
    assert detect_format("n.ndjson.gz") == ("jsonl", True)
    assert detect_format("n.pq") == ("parquet", False)
    assert detect_format("n.txt", "csv") == ("csv", False)
    for bad in ("n.txt", "n.parquet.gz", "noext"):
        with pytest.raises(DsmError) as info:
            detect_format(bad)
        assert info.value.code == "E302"
    with pytest.raises(DsmError) as info:
        open_reader(tmp_path / "missing.jsonl", rejects=None)
    assert info.value.code == "E301" and "no such file" in info.value.message


def test_id_and_text_fields_are_renamed_in_place(tmp_path):
    src = write_lines(tmp_path / "in.jsonl", [
        b'{"nosologico": 12, "eta": 40, "testo": "dispnea"}',
        b'{"nosologico": 13, "id": "x", "testo": "conflitto"}',
        b'{"id": "14", "testo": "id sbagliato"}'])
    rej = tmp_path / "rej.jsonl"
    with open_reader(src, rejects=rej, id_field="nosologico", text_field="testo") as reader:
        records = list(reader)
    assert records == [{"id": "12", "eta": 40, "text": "dispnea"}]
    assert list(records[0]) == ["id", "eta", "text"]
    assert [(e["line"], e["reason"]) for e in iter_rejects(rej)] == [
        (2, "field_conflict"), (3, "field_conflict")]


# --- CSV

CSV_TEXT = (
    'id,text,reparto\r\n'
    'a,"Prima riga\r\nseconda riga, con ""virgolette""",pneumo\r\n'
    'b,semplice,cardio\r\n'
    '\r\n'
    'c,"tre\nrighe\nqui",\r\n'
    'd,troppi,campi,qui\r\n'
    'e,"chiusa"male,x\r\n'
    'f,ultima,ok\r\n'
)


def test_csv_line_numbers_follow_quoted_newlines(tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(CSV_TEXT.encode())
    rej = tmp_path / "rej.jsonl"
    lines = {}
    with open_reader(src, rejects=rej) as reader, open_writer(tmp_path / "o.jsonl") as writer:
        for record in reader:
            lines[record["id"]] = reader.line
            writer.write(record)
    assert lines == {"a": 2, "b": 4, "c": 6, "f": 11}
    counts = reader.counts.with_written(writer.count).check()
    assert (counts.read, counts.rejected, counts.blank) == (6, 2, 1)
    entries = list(iter_rejects(rej))
    assert [(e["line"], e["reason"]) for e in entries] == [(9, "bad_csv"), (10, "bad_csv")]
    assert entries[0]["raw"] == "d,troppi,campi,qui" and "4 fields" in entries[0]["detail"]
    out = read_jsonl(tmp_path / "o.jsonl")
    assert out[0]["text"] == 'Prima riga\r\nseconda riga, con "virgolette"'
    assert out[2] == {"id": "c", "text": "tre\nrighe\nqui", "reparto": ""}


def test_csv_bad_bytes_and_unterminated_quote_are_rejected(tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(b'id,text\nr1,"ok"\nr2,"citt\xe0\nsu due righe"\nr3,bene\nr4,"mai chiusa\nfine\n')
    counts, entries = copy_through(src, tmp_path / "o.jsonl", tmp_path / "rej.jsonl")
    assert (counts.read, counts.written, counts.rejected) == (4, 2, 2)
    assert [(e["line"], e["reason"]) for e in entries] == [(3, "bad_utf8"), (6, "bad_csv")]
    assert entries[0]["raw"] == b'r2,"citt\xe0\nsu due righe"'


def test_csv_header_problems_stop_before_reading(tmp_path):
    cases = {"id,testo\n1,a\n": "E305", "id,text,id\n1,a,b\n": "E306",
             "note_id,id,text\n1,2,a\n": "E306"}
    for i, (content, code) in enumerate(cases.items()):
        src = tmp_path / f"h{i}.csv"
        src.write_text(content)
        with pytest.raises(DsmError) as info:
            open_reader(src, rejects=tmp_path / f"r{i}.jsonl", id_field="note_id" if i == 2 else "id")
        assert info.value.code == code
        assert not (tmp_path / f"r{i}.jsonl").exists()


def test_csv_semicolons_from_italian_spreadsheets(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("\ufeffcodice;testo;data\n1;Dolore toracico, dispnea;2024-03-05\n",
                   encoding="utf-8")
    with open_reader(src, rejects=None, id_field="codice", text_field="testo") as reader:
        assert list(reader) == [{"id": "1", "text": "Dolore toracico, dispnea",
                                 "data": "2024-03-05"}]


def test_csv_writer_adds_columns_and_pads_earlier_rows(tmp_path):
    out = tmp_path / "o.csv"
    with open_writer(out) as writer:
        writer.write({"id": "1", "text": "a"})
        writer.write({"id": "2", "text": "b\nc", "labels": {"asma": 1}, "score": 0.5})
        writer.write({"text": "d", "id": "3", "flag": True, "none": None, 7: "sette"})
        writer.write({"id": "4", "text": "e", 7: "ancora"})
    assert out.read_text().splitlines()[0] == "id,text,labels,score,flag,none,7"
    with open_reader(out, rejects=None) as reader:
        rows = list(reader)
    assert rows[0] == {"id": "1", "text": "a", "labels": "", "score": "", "flag": "", "none": "",
                       "7": ""}
    assert rows[1]["labels"] == '{"asma": 1}' and rows[1]["text"] == "b\nc"
    assert rows[2]["flag"] == "true" and rows[2]["none"] == "" and rows[3]["7"] == "ancora"


# --- Parquet


def test_parquet_round_trip_with_nested_fields_across_batches(tmp_path):
    records = [{"id": f"n{i}", "text": f"nota {i} è", "labels": {"asma": i % 2, "bpco": i % 3},
                "spans": [{"start": i, "end": i + 4, "type": "DATA"}], "score": i / 7,
                "date": dt.date(2024, 1, 1 + i % 28)} for i in range(2500)]
    out = tmp_path / "o.parquet"
    with open_writer(out) as writer:
        writer.write_all(records)
    assert pq.ParquetFile(out).metadata.num_rows == 2500
    with open_reader(out, rejects=tmp_path / "r.jsonl") as reader:
        back = list(reader)
    assert back == records and reader.counts.read == 2500


def test_parquet_rejects_carry_row_numbers_and_the_row(tmp_path):
    ids = [f"n{i}" for i in range(1500)]
    ids[1099] = None
    ids[1200] = "n3"
    table = pa.table({"id": ids, "text": ["t"] * 1500, "extra": list(range(1500))})
    pq.write_table(table, tmp_path / "in.parquet", row_group_size=400)
    counts, entries = copy_through(tmp_path / "in.parquet", tmp_path / "o.parquet",
                                   tmp_path / "rej.jsonl")
    assert (counts.read, counts.written, counts.rejected) == (1500, 1498, 2)
    assert [(e["line"], e["reason"]) for e in entries] == [(1100, "missing_id"),
                                                           (1201, "duplicate_id")]
    assert entries[0]["record"] == {"id": None, "text": "t", "extra": 1099}


def test_parquet_int_ids_and_mapped_columns(tmp_path):
    table = pa.table({"nosologico": [10, 11], "eta": [40, 50], "testo": ["a", "b"]})
    pq.write_table(table, tmp_path / "in.parquet")
    with open_reader(tmp_path / "in.parquet", rejects=None, id_field="nosologico",
                     text_field="testo") as reader:
        records = list(reader)
    assert records == [{"id": "10", "eta": 40, "text": "a"}, {"id": "11", "eta": 50, "text": "b"}]
    assert list(records[0]) == ["id", "eta", "text"] and reader.line_of({"id": 11}) == 2


def test_damaged_files_stop_with_a_read_error(tmp_path):
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 not really")
    good = tmp_path / "good.jsonl.gz"
    with open_writer(good) as writer:
        writer.write_all({"id": str(i), "text": "x" * 100} for i in range(500))
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(good.read_bytes()[:200])
    with pytest.raises(DsmError) as info:
        open_reader(tmp_path / "bad.parquet", rejects=None)
    assert info.value.code == "E301"
    with pytest.raises(DsmError) as info, open_reader(cut, rejects=tmp_path / "r.jsonl") as reader:
        list(reader)
    assert info.value.code == "E301" and not (tmp_path / "r.jsonl").exists()


def test_parquet_schema_drift_is_merged(tmp_path):
    first = [{"id": str(i), "text": "a", "n": i, "mixed": i, "later": None} for i in range(1100)]
    second = [{"id": f"b{i}", "text": "b", "n": 0.5, "mixed": "x", "later": "ora",
               "nuovo": {"k": [1]}, "vuoto": {}} for i in range(10)]
    out = tmp_path / "o.parquet"
    with open_writer(out) as writer:
        writer.write_all(first + second)
    schema = pq.read_schema(out)
    assert str(schema.field("n").type) == "double" and str(schema.field("later").type) == "string"
    assert str(schema.field("mixed").type) == "string"
    with open_reader(out, rejects=None) as reader:
        back = list(reader)
    assert len(back) == 1110 and back[5]["n"] == 5.0 and back[5]["mixed"] == "5"
    assert back[5]["nuovo"] is None and back[-1]["nuovo"] == {"k": [1]}
    assert back[-1]["mixed"] == "x" and back[-1]["vuoto"] == "{}"
    assert not list(tmp_path.glob(".*.tmp"))


def test_empty_parquet_output_still_reads(tmp_path):
    out = tmp_path / "o.parquet"
    with open_writer(out):
        pass
    with open_reader(out, rejects=None) as reader:
        assert list(reader) == []


# --- every format


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".csv", ".csv.gz", ".parquet"])
def test_unknown_fields_pass_through_every_format(tmp_path, suffix):
    records = [{"id": "a", "text": "uno", "reparto": "pneumo", "età": "41"},
               {"id": "b", "text": "due\nrighe", "reparto": "cardio", "età": "77"}]
    out = tmp_path / f"o{suffix}"
    with open_writer(out) as writer:
        writer.write_all(records)
    with open_reader(out, rejects=tmp_path / "r.jsonl") as reader:
        assert list(reader) == records


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".csv", ".parquet"])
def test_writer_leaves_nothing_on_exception(tmp_path, suffix):
    out = tmp_path / f"o{suffix}"
    with pytest.raises(RuntimeError), open_writer(out) as writer:
        writer.write_all({"id": str(i), "text": "x" * 50} for i in range(3000))
        raise RuntimeError("stage crashed")
    assert list(tmp_path.iterdir()) == []
    out.write_bytes(b"earlier run")
    with pytest.raises(RuntimeError), open_writer(out) as writer:
        writer.write({"id": "1", "text": "x"})
        raise RuntimeError("stage crashed")
    assert out.read_bytes() == b"earlier run" and len(list(tmp_path.iterdir())) == 1


def test_writer_refuses_to_overwrite_when_asked(tmp_path):
    out = tmp_path / "o.jsonl"
    out.write_text("x\n")
    with pytest.raises(DsmError) as info:
        open_writer(out, overwrite=False)
    assert info.value.code == "E303" and out.read_text() == "x\n"


def test_gzip_output_is_byte_identical_across_runs(tmp_path):
    records = [{"id": str(i), "text": "Paziente stabile."} for i in range(50)]
    for name in ("a.jsonl.gz", "b.jsonl.gz"):
        with open_writer(tmp_path / name) as writer:
            writer.write_all(records)
    assert sha256_file(tmp_path / "a.jsonl.gz") == sha256_file(tmp_path / "b.jsonl.gz")
    assert gzip.decompress((tmp_path / "a.jsonl.gz").read_bytes()).count(b"\n") == 50


# --- properties

_ids = st.one_of(st.text(min_size=1, max_size=8).filter(str.strip), st.integers(0, 10**6))
_values = st.recursive(st.none() | st.booleans() | st.integers(-9, 9) | st.text(max_size=5),
                       lambda v: st.lists(v, max_size=3) | st.dictionaries(st.text(max_size=3), v,
                                                                          max_size=3),
                       max_leaves=5)
_records = st.lists(
    st.fixed_dictionaries({"id": _ids, "text": st.text(max_size=40)},
                          optional={"extra": _values, "lingua": st.text(max_size=5)}),
    max_size=12, unique_by=lambda r: str(r["id"]))
# Garbage never holds '"text"', so it can never be read as a valid note, and never opens with
# a lone "[" or "{", which makes the whole file a JSON document (E308, tested on its own).
_garbage = (st.binary(max_size=30)
            .map(lambda b: b.replace(b"\n", b" ").replace(b'"text"', b""))
            .filter(lambda b: b.strip() not in (b"[", b"{") and not b.strip().startswith(b"[{")))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=_records, garbage=st.lists(_garbage, max_size=8), data=st.data())
def test_every_line_ends_in_output_or_rejects_exactly_once(tmp_path, records, garbage, data):
    lines = [json.dumps(r, ensure_ascii=False).encode() for r in records]
    for g in garbage:
        lines.insert(data.draw(st.integers(0, len(lines))), g)
    src = write_lines(tmp_path / "in.jsonl", lines)
    written_lines = []
    with open_reader(src, rejects=tmp_path / "rej.jsonl") as reader, \
            open_writer(tmp_path / "out.jsonl") as writer:
        for record in reader:
            written_lines.append(reader.line_of(record))
            writer.write(record)
    counts = reader.counts.with_written(writer.count).check()
    rejected_lines = [e["line"] for e in iter_rejects(tmp_path / "rej.jsonl")]
    # blank: only JSON whitespace; a UTF-8 byte order mark opening the file is not content
    nonblank = [i for i, line in enumerate(lines, 1)
                if (line.removeprefix(b"\xef\xbb\xbf") if i == 1 else line).strip(b" \t\r\n")]
    assert sorted(written_lines + rejected_lines) == nonblank
    assert counts.blank == len(lines) - len(nonblank)
    expected = [dict(r, id=str(r["id"])) for r in records]
    assert read_jsonl(tmp_path / "out.jsonl") == expected


_cell_text = st.text(alphabet=st.sampled_from('ab è,";\n\r\t'), max_size=15)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(_cell_text, max_size=10))
def test_csv_round_trip_keeps_text_and_line_numbers(tmp_path, texts):
    records = [{"id": f"r{i}", "text": t, "nota": t[::-1]} for i, t in enumerate(texts)]
    with open_writer(tmp_path / "o.csv") as writer:
        writer.write_all(records)
    with open_reader(tmp_path / "o.csv", rejects=None, csv_delimiter=",") as reader:
        back = [(r, reader.line) for r in reader]
    assert [r for r, _ in back] == records
    # each row starts after the header and the physical lines of the rows before it
    expected_line, starts = 2, []
    for r in records:
        starts.append(expected_line)
        expected_line += (r["text"] + r["nota"]).count("\n") + 1
    assert [line for _, line in back] == starts


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_reading_and_writing_stream_in_bounded_memory(tmp_path, suffix):
    import tracemalloc

    n, text = 8_000, "Paziente con dispnea notturna. " * 40  # ~10 MB of notes
    src, out = tmp_path / f"in{suffix}", tmp_path / f"out{suffix}"
    tracemalloc.start()
    try:
        with open_writer(src) as writer:
            writer.write_all({"id": f"n{i}", "text": text, "k": i} for i in range(n))
        _, peak_write = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        with open_reader(src, rejects=tmp_path / "r.jsonl", unique_ids=False) as reader, \
                open_writer(out) as writer:
            for record in reader:
                writer.write(record)
        _, peak_copy = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert writer.count == n
    # a reader or writer that held the whole file would need > 10 MB here
    assert peak_write < 6_000_000 and peak_copy < 6_000_000, (peak_write, peak_copy)
