"""The streaming de-identification runner: order, parallel = serial, errors in place."""

from __future__ import annotations

import itertools
import json
import re

import pytest

from dsm_clinic.data.synth import iter_notes
from dsm_clinic.deid.runner import AnalyzerFactory, DeidStats, deidentify_records
from dsm_clinic.errors import DsmError

KEY = b"runner-test-key-0123456789abcdef"
_NAME = re.compile(r"\b(?:Mario Rossi|ROSSI MARIO|Rossi)\b")
_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")


def gold_analyzer(table: dict[str, list[dict]]):
    """An analyzer that knows the gold spans of the texts it will see; raises on 'BOOM'."""

    def analyze(text: str) -> list[dict]:
        if text.startswith("BOOM"):
            raise ValueError(f"cannot analyze {text}")
        return table[text]

    return analyze


def regex_analyzer(text: str) -> list[dict]:
    spans = [{"start": m.start(), "end": m.end(), "type": "PERSONA"} for m in _NAME.finditer(text)]
    spans += [{"start": m.start(), "end": m.end(), "type": "DATA"} for m in _DATE.finditer(text)]
    return sorted(spans, key=lambda s: s["start"])


def failing_builder():
    raise FileNotFoundError("no model at models/ner")


@pytest.fixture(scope="module")
def notes() -> list[dict]:
    records = [n.record for n in iter_notes(notes=40, seed=11)]
    records.insert(7, {"id": "BAD1", "patient_id": "PX", "text": "BOOM Mario Rossi 333 1234567"})
    records.insert(20, {"id": "BAD2", "patient_id": "PX", "text": None})
    return records


@pytest.fixture(scope="module")
def factory(notes) -> AnalyzerFactory:
    table = {r["text"]: r.get("phi", []) for r in notes if isinstance(r["text"], str)}
    return AnalyzerFactory(gold_analyzer, {"table": table})


def _run(notes, factory, **kw):
    return list(deidentify_records(notes, analyze=factory, key=KEY, **kw))


def test_two_workers_give_the_serial_output_byte_for_byte_in_input_order(notes, factory):
    serial = _run(notes, factory, workers=1)
    parallel = _run(notes, factory, workers=2, chunk_size=3)
    assert len(parallel) == len(notes)
    ids = [o.record["id"] if o.record else None for o in parallel]
    assert [i for i in ids if i] == [r["id"] for r in notes if r["id"] not in ("BAD1", "BAD2")]
    assert ids[7] is None and ids[20] is None
    dump = [json.dumps(o.record, ensure_ascii=False) for o in serial]
    assert [json.dumps(o.record, ensure_ascii=False) for o in parallel] == dump
    assert [o.counts for o in parallel] == [o.counts for o in serial]


def test_a_failing_record_yields_an_error_in_its_place_without_note_text(notes, factory):
    out = _run(notes, factory, workers=2, chunk_size=4)
    bad1, bad2 = out[7], out[20]
    assert bad1.record is None and bad1.error.code == "E655"
    assert "ValueError" in bad1.error.message and "Rossi" not in bad1.error.message
    assert bad2.error.code == "E654" and "BAD2" in bad2.error.message
    stats = DeidStats()
    for o in out:
        stats.add(o)
    assert (stats.records, stats.deidentified, stats.errors) == (len(notes), len(notes) - 2, 2)
    assert stats.as_dict()["entities"]["CODICE_FISCALE"] == sum(
        s["type"] == "CODICE_FISCALE" for r in notes for s in r.get("phi", []))
    gold = sum(len(r.get("phi", [])) for r in notes)
    assert sum(stats.entities.values()) == gold


def test_tag_mode_replaces_exactly_the_spans_and_keeps_other_fields(notes, factory):
    out = _run(notes, factory, mode="tag")
    for record, o in zip(notes, out, strict=True):
        if record["id"] in ("BAD1", "BAD2"):
            continue
        text, expected, pos = record["text"], [], 0
        for s in record["phi"]:
            expected += [text[pos:s["start"]], f"<{s['type']}>"]
            pos = s["end"]
        expected.append(text[pos:])
        assert o.record["text"] == "".join(expected)
        assert {k: v for k, v in o.record.items() if k != "text"} == \
            {k: v for k, v in record.items() if k != "text"}
        assert list(o.record) == list(record)  # field order too


def test_surrogates_agree_within_a_patient_and_differ_between_patients():
    records = [
        {"id": "a", "patient_id": "P1", "text": "Visita di Mario Rossi il 12/03/2021."},
        {"id": "b", "patient_id": "P1", "text": "ROSSI MARIO torna il 26/03/2021."},
        {"id": "c", "patient_id": "P2", "text": "Visita di Mario Rossi il 12/03/2021."},
        {"id": "d", "text": "Visita di Mario Rossi il 12/03/2021."},
    ]
    out = [o.record["text"] for o in deidentify_records(records, analyze=regex_analyzer, key=KEY)]
    a, b, c, d = out
    name_a = a[len("Visita di "):a.index(" il ")]
    first, last = name_a.split()
    assert b.startswith(f"{last.upper()} {first.upper()} torna il ")
    assert "Rossi" not in a + c + d and "ROSSI" not in b
    # The same patient's dates keep their 14-day interval.
    import datetime as dt
    da, db = (dt.datetime.strptime(_DATE.search(t).group(), "%d/%m/%Y") for t in (a, b))
    assert (db - da).days == 14
    # Without a patient id the record id is the key: another patient, other fakes.
    assert len({a, c, d}) == 3


def test_the_runner_streams_and_does_not_read_the_input_ahead():
    consumed = 0

    def endless():
        nonlocal consumed
        for i in itertools.count():
            consumed += 1
            yield {"id": str(i), "text": f"Mario Rossi nota {i}"}

    gen = deidentify_records(endless(), analyze=regex_analyzer, mode="mask", workers=2,
                             chunk_size=2)
    first = list(itertools.islice(gen, 10))
    gen.close()
    assert [o.record["text"] for o in first[:2]] == ["*********** nota 0", "*********** nota 1"]
    assert consumed <= 10 + 2 * 2 * 2 + 2


@pytest.mark.parametrize("workers", [1, 2])
def test_an_analyzer_that_cannot_be_built_stops_the_run(workers):
    gen = deidentify_records([{"id": "1", "text": "x"}], analyze=AnalyzerFactory(failing_builder),
                             key=KEY, workers=workers)
    with pytest.raises(DsmError) as exc:
        list(gen)
    assert exc.value.code == "E656" and "FileNotFoundError" in exc.value.message


def test_bad_options_are_refused_before_anything_runs():
    with pytest.raises(DsmError) as exc:
        deidentify_records([], analyze=regex_analyzer, mode="surrogate", key=None)
    assert exc.value.code == "E650"
    with pytest.raises(DsmError) as exc:
        deidentify_records([], analyze=regex_analyzer, mode="hash", key=KEY)
    assert exc.value.code == "E652"
    with pytest.raises(DsmError) as exc:
        deidentify_records([], analyze=regex_analyzer, key=KEY, workers=0)
    assert exc.value.code == "E657"
    with pytest.raises(DsmError) as exc:
        deidentify_records([], analyze=regex_analyzer, key=b"short")
    assert exc.value.code == "E653"
    with pytest.raises(DsmError) as exc:  # a lambda cannot reach worker processes
        deidentify_records([], analyze=lambda text: [], mode="tag", workers=2)
    assert exc.value.code == "E657" and "analyze" in exc.value.message


def test_progress_reports_the_count_and_entities():
    calls = []
    records = [{"id": str(i), "text": "Mario Rossi, 12/03/2021"} for i in range(5)]
    list(deidentify_records(records, analyze=regex_analyzer, mode="redact", chunk_size=2,
                            on_progress=lambda task, done, total, **m: calls.append((task, done, m))))
    assert calls[-1] == ("deid", 5, {"errors": 0, "entities": 10})
    assert [c[1] for c in calls] == [2, 4, 5]
