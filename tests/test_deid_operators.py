"""Applying tag, mask, redact and surrogate modes to the spans of a text."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from dsm_clinic.deid.operators import apply
from dsm_clinic.deid.surrogates import Surrogates
from dsm_clinic.errors import DsmError

TEXT = "Paziente Mario Rossi, nato il 12/03/1956 a Pavia. Tel. 333 1234567. Parkinson."
VALUES = [("Mario Rossi", "PERSONA"), ("12/03/1956", "DATA"), ("Pavia", "LUOGO"),
          ("333 1234567", "TELEFONO")]
SPANS = [{"start": TEXT.index(v), "end": TEXT.index(v) + len(v), "type": t} for v, t in VALUES]


def test_tag_mask_and_redact_write_what_their_names_say():
    assert apply(TEXT, SPANS, mode="tag").text == (
        "Paziente <PERSONA>, nato il <DATA> a <LUOGO>. Tel. <TELEFONO>. Parkinson.")
    assert apply(TEXT, SPANS, mode="mask").text == (
        "Paziente ***********, nato il ********** a *****. Tel. ***********. Parkinson.")
    assert apply(TEXT, SPANS, mode="redact").text == "Paziente , nato il  a . Tel. . Parkinson."


@pytest.mark.parametrize("mode, operator, params", [
    ("tag", "replace", {}),
    ("mask", "mask", {"masking_char": "*", "chars_to_mask": 1000, "from_end": False}),
    ("redact", "redact", {}),
])
def test_modes_match_presidio_anonymizer_operators(mode, operator, params):
    from presidio_anonymizer import AnonymizerEngine
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

    results = [RecognizerResult(s["type"], s["start"], s["end"], 1.0) for s in SPANS]
    expected = AnonymizerEngine().anonymize(
        text=TEXT, analyzer_results=results,
        operators={"DEFAULT": OperatorConfig(operator, params)}).text
    # Presidio's RecognizerResult (entity_type) is accepted as a span as well.
    assert apply(TEXT, results, mode=mode).text == expected


@pytest.mark.parametrize("mode", ["tag", "mask", "redact", "surrogate"])
def test_replaced_maps_every_span_and_the_rest_is_untouched(mode):
    sur = Surrogates(b"operators-test-key-0123456789abc")
    out = apply(TEXT, SPANS, mode=mode, surrogates=sur, patient_key="patient:1")
    assert [r[:2] for r in out.replaced] == [(s["start"], s["end"]) for s in SPANS]
    assert out.counts == {"PERSONA": 1, "DATA": 1, "LUOGO": 1, "TELEFONO": 1}
    pos = new_pos = 0
    for (start, end, ns, ne, kind), (value, _) in zip(out.replaced, VALUES, strict=True):
        assert out.text[new_pos:ns] == TEXT[pos:start]  # text between spans is kept
        if mode == "surrogate":
            assert out.text[ns:ne] == sur.fake(value, kind, "patient:1") != value
        pos, new_pos = end, ne
    assert out.text[new_pos:] == TEXT[pos:] == ". Parkinson."


def test_spans_may_be_objects_and_come_unsorted():
    objs = [SimpleNamespace(**s) for s in reversed(SPANS)]
    assert apply(TEXT, objs, mode="tag").text == apply(TEXT, SPANS, mode="tag").text


def test_no_spans_leave_the_text_as_it_is():
    out = apply("Morbo di Crohn.", [], mode="tag")
    assert (out.text, out.replaced, out.counts) == ("Morbo di Crohn.", [], {})


@pytest.mark.parametrize("spans, detail", [
    ([{"start": 9, "end": 20, "type": "PERSONA"}, {"start": 15, "end": 25, "type": "PERSONA"}], "overlaps"),
    ([{"start": 70, "end": 200, "type": "DATA"}], "inside"),
    ([{"start": 5, "end": 5, "type": "DATA"}], "inside"),
    ([{"start": 0, "end": 4, "type": "NOME"}], "unknown type"),
])
def test_bad_spans_are_refused_without_quoting_the_text(spans, detail):
    with pytest.raises(DsmError) as exc:
        apply(TEXT, spans, mode="tag")
    assert exc.value.code == "E651" and detail in exc.value.message
    assert "Rossi" not in exc.value.message


def test_surrogate_mode_needs_surrogates_and_modes_are_checked():
    with pytest.raises(DsmError) as exc:
        apply(TEXT, SPANS, mode="surrogate")
    assert exc.value.code == "E650"
    with pytest.raises(DsmError) as exc:
        apply(TEXT, SPANS, mode="hash")
    assert exc.value.code == "E652"
