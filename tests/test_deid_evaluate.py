"""De-identification metrics: span (exact, overlap), token, leak rate, unseen names, markup."""

from __future__ import annotations

import pytest

from dsm_clinic.deid.evaluate import evaluate, parse_markup, parse_markup_notes, tag_text
from dsm_clinic.deid.gazetteers import Gazetteers
from dsm_clinic.errors import DsmError

TEXT = "Sig. Mario Rossi, nato il 12/03/1956 a Bologna, tel. 333 1234567."
GOLD = [{"id": "n1", "text": TEXT, "phi": [
    {"start": 5, "end": 16, "type": "PERSONA"},
    {"start": 26, "end": 36, "type": "DATA"},
    {"start": 39, "end": 46, "type": "LUOGO"},
    {"start": 53, "end": 64, "type": "TELEFONO"},
]}]
TINY_GAZ = Gazetteers(first_names=frozenset({"mario"}), surnames=frozenset({"rossi"}),
                      comuni={}, vocabulary=frozenset())


def test_parse_markup_offsets():
    text, spans = parse_markup("Sig. [[PERSONA:Mario Rossi]], nato il [[DATA:12/03/1956]].")
    assert text == "Sig. Mario Rossi, nato il 12/03/1956."
    assert [text[s["start"]:s["end"]] for s in spans] == ["Mario Rossi", "12/03/1956"]
    notes = parse_markup_notes("# comment\n### a\n\n[[ID:123]] x\n\n### b\ny\n")
    assert notes == [{"id": "a", "text": "123 x\n", "phi": [{"start": 0, "end": 3, "type": "ID"}]},
                     {"id": "b", "text": "y\n", "phi": []}]
    with pytest.raises(DsmError) as e:
        parse_markup("[[NOME:Mario]]")
    assert e.value.code == "E604"


def test_exact_overlap_and_token_levels_differ_as_defined():
    predicted = [[
        {"start": 5, "end": 16, "type": "PERSONA"},    # exact
        {"start": 26, "end": 31, "type": "DATA"},      # partial: overlap yes, exact no
        {"start": 53, "end": 64, "type": "ID"},        # right place, wrong type
        {"start": 0, "end": 3, "type": "PERSONA"},     # false positive ("Sig")
    ]]                                                  # Bologna missed
    r = evaluate(GOLD, predicted=predicted, gazetteers=TINY_GAZ)
    assert (r.span_exact["ALL"].tp, r.span_exact["ALL"].fn, r.span_exact["ALL"].fp) == (1, 3, 3)
    assert (r.span_overlap["ALL"].tp, r.span_overlap["ALL"].fn, r.span_overlap["ALL"].fp) == (3, 1, 1)
    assert r.span_overlap["TELEFONO"].recall == 1.0 and r.span_overlap["LUOGO"].recall == 0.0
    # tokens: Mario Rossi 12 03 1956 Bologna 333 1234567 are gold; the partial date "12/03"
    # covers 12 and 03, so 1956 and Bologna are missed; Sig is a false positive
    assert (r.token["ALL"].tp, r.token["ALL"].fn, r.token["ALL"].fp) == (6, 2, 1)
    assert r.token["ALL"].recall == pytest.approx(6 / 8)
    assert r.token["DATA"].fn == 1 and r.token["PERSONA"].fp == 1
    assert r.misses == [{"id": "n1", "type": "LUOGO", "start": 39, "end": 46}]


def test_leak_rate_from_outputs():
    tagged = tag_text(TEXT, GOLD[0]["phi"])
    assert tagged == "Sig. <PERSONA>, nato il <DATA> a <LUOGO>, tel. <TELEFONO>."
    assert evaluate(GOLD, outputs=[tagged], gazetteers=TINY_GAZ).leak_rate == 0.0
    # surrogates: another name, a shifted date in the same month and year, a new phone
    surrogate = "Sig. Paolo Verdi, nato il 19/03/1956 a Modena, tel. 347 7654321."
    assert evaluate(GOLD, outputs=[surrogate], gazetteers=TINY_GAZ).leak_rate == 0.0
    # the surname left behind and the phone's subscriber part kept: 2 of 4 items leak
    partial = "Sig. <PERSONA> Rossi, nato il <DATA> a <LUOGO>, tel. 333 1234567."
    r = evaluate(GOLD, outputs=[partial], gazetteers=TINY_GAZ)
    assert r.leaks["PERSONA"].leaked == 1 and r.leaks["TELEFONO"].leaked == 1
    assert r.leak_rate == 0.5


def test_leak_is_judged_at_the_items_place():
    text = "Rossi ha chiamato. " + "Decorso regolare e senza eventi. " * 20 + "Firma: Rossi"
    gold = [{"id": "x", "text": text, "phi": [{"start": 0, "end": 5, "type": "PERSONA"}]}]
    # the first Rossi is replaced; the signature at the end (not gold here) is far away
    output = "<PERSONA>" + text[5:]
    assert evaluate(gold, outputs=[output], gazetteers=TINY_GAZ).leak_rate == 0.0


def test_unseen_names_are_those_in_no_gazetteer():
    text = "Dott. Mario Rossi e Sig.ra Olena Kovalenko."
    gold = [{"id": "u", "text": text, "phi": [{"start": 6, "end": 17, "type": "PERSONA"},
                                              {"start": 26, "end": 41, "type": "PERSONA"}]}]
    found_known = [[{"start": 6, "end": 17, "type": "PERSONA"}]]
    r = evaluate(gold, predicted=found_known, gazetteers=TINY_GAZ)
    assert (r.unseen_names.tp, r.unseen_names.fn) == (0, 1)
    assert (r.unseen_name_tokens.tp, r.unseen_name_tokens.fn) == (0, 2)
    r = evaluate(gold, predicted=[[{"start": 26, "end": 33, "type": "PERSONA"}]],
                 gazetteers=TINY_GAZ)
    assert (r.unseen_names.tp, r.unseen_name_tokens.tp, r.unseen_name_tokens.fn) == (1, 1, 1)


def test_bad_gold_and_mismatched_inputs_are_usage_errors():
    with pytest.raises(DsmError) as e:
        evaluate([{"id": "b", "text": "abc", "phi": [{"start": 2, "end": 9, "type": "DATA"}]}],
                 predicted=[[]], gazetteers=TINY_GAZ)
    assert e.value.code == "E604"
    with pytest.raises(DsmError) as e:
        evaluate(GOLD * 2, predicted=[[]], gazetteers=TINY_GAZ)
    assert e.value.code == "E603"
    with pytest.raises(DsmError):
        evaluate(GOLD, gazetteers=TINY_GAZ)


def test_report_dict_is_json_ready():
    import json

    r = evaluate(GOLD, predicted=[GOLD[0]["phi"]], outputs=[TEXT], gazetteers=TINY_GAZ)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["token"]["ALL"]["f1"] == 1.0
    assert d["leaks"]["ALL"] == {"items": 4, "leaked": 4, "rate": 1.0}
