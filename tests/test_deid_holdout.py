"""The analyzer on held-out hand-written notes it was never tuned on (tests/data/deid_holdout.md).

The notes were written after the analyzer was first tuned; they then served as the development
set for the general rules added next (lower-case names after a title, chains of names, eponym
heads, comuni that are also names, foreign cities and phones, spaced fiscal codes...), so the
figures here are development figures: a further held-out set measures the rules fairly. The
floors sit about 0.01 under the figures measured, to guard against regressions.
"""

from __future__ import annotations

import re

import pytest

from dsm_clinic.deid.entities import PHI_TYPES
from dsm_clinic.deid.evaluate import evaluate_analyzer, parse_markup_notes
from tests.gold_notes import DATA, load_gold, masked, outside_gold, predicted_spans

# Measured on the 32 notes when first written: token recall 0.8966, precision 0.9196, leak rate
# 0.1132. After the general rules: token recall 1.0, precision 1.0, span-overlap recall 1.0
# (PERSONA 1.0), leak rate 0.0075. Floors are those figures less about 0.01.
TOKEN_RECALL_FLOOR = 0.99
TOKEN_PRECISION_FLOOR = 0.99
SPAN_OVERLAP_RECALL_FLOOR = 0.99
PERSONA_SPAN_OVERLAP_RECALL_FLOOR = 0.99
LEAK_RATE_CEILING = 0.02
TOKEN_RECALL_FLOOR_BY_TYPE = {
    "PERSONA": 0.99, "DATA": 0.99, "LUOGO": 0.97, "INDIRIZZO": 0.99, "TELEFONO": 0.99,
    "EMAIL": 0.99, "CODICE_FISCALE": 0.99, "TESSERA_SANITARIA": 0.99, "ID": 0.99, "IBAN": 0.99,
}

# Clinical words of the notes that look like names or places; none may be masked where it
# stands outside gold PHI ("Bell" is also a fellow's surname in HO25: that one is PHI).
EPONYMS = [
    "Parkinson", "Bell", "Coumadin", "coumadin", "Broca", "Wernicke", "Cushing", "Wilson",
    "Kayser-Fleischer", "Addison", "Synacthen", "Trendelenburg", "Duchenne", "Barthel",
    "Tinetti", "Braden", "Eliquis", "eliquis", "Keppra", "Raynaud", "Kawasaki", "Coombs",
    "Bishop", "Apgar", "Hodgkin", "NYHA", "Holter", "Meniere", "Marfan", "BATTLE",
    "House-Brackmann", "Mingazzini", "Babinski", "West Nile", "Lyme", "Toscana", "Kaposi",
    "Morgagni", "Graves", "Basedow", "Alzheimer", "Horner", "Pancoast", "Murphy", "Calot",
    "Morison", "Down", "Finkelstein", "Gram", "Klebsiella", "Kirby-Bauer", "Ziehl-Neelsen",
    "Legionella", "Wolff-Parkinson-White", "Ebstein",
]
# Eponyms the analyzer masked when the notes were written (acquedotto di Silvio, poligono di
# Willis, manovre di Leopold, sindrome di Ramsay Hunt, febbre del Nilo, sindrome di Mirizzi);
# the eponym heads of deid/eponyms.py keep them now.
MASKED_EPONYMS = ["Silvio", "Willis", "Leopold", "Ramsay Hunt", "Nilo", "Mirizzi"]
_TITLES = re.compile(r"^(?:sig|dott|dr|prof|inf|ft|a\.s)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def holdout() -> list[dict]:
    return load_gold("deid_holdout")


@pytest.fixture(scope="module")
def report(holdout, analyzer):
    return evaluate_analyzer(holdout, analyzer)


@pytest.fixture(scope="module")
def predicted(holdout, analyzer) -> list[list[tuple[int, int]]]:
    return predicted_spans(analyzer, holdout)


def test_holdout_jsonl_matches_its_markup_source(holdout):
    assert parse_markup_notes((DATA / "deid_holdout.md").read_text()) == holdout
    assert len(holdout) >= 25
    assert {s["type"] for r in holdout for s in r["phi"]} == set(PHI_TYPES)


def test_gold_spans_hold_no_title_or_padding(holdout):
    for record in holdout:
        for span in record["phi"]:
            value = record["text"][span["start"]:span["end"]]
            assert value == value.strip(" ,;:()\"\n"), (record["id"], value)
            if span["type"] == "PERSONA":
                assert not _TITLES.match(value), (record["id"], value)


def test_holdout_token_recall_and_precision_stay_above_the_measured_floors(report):
    assert report.notes == 32
    assert report.token["ALL"].recall >= TOKEN_RECALL_FLOOR
    assert report.token["ALL"].precision >= TOKEN_PRECISION_FLOOR
    assert report.span_overlap["ALL"].recall >= SPAN_OVERLAP_RECALL_FLOOR
    assert report.span_overlap["PERSONA"].recall >= PERSONA_SPAN_OVERLAP_RECALL_FLOOR
    assert report.leak_rate <= LEAK_RATE_CEILING


@pytest.mark.parametrize("kind", list(TOKEN_RECALL_FLOOR_BY_TYPE))
def test_holdout_token_recall_per_type(report, kind):
    assert report.token[kind].tp + report.token[kind].fn > 0
    assert report.token[kind].recall >= TOKEN_RECALL_FLOOR_BY_TYPE[kind]


def test_holdout_token_recall_meets_the_issue_target(report):
    assert report.token["ALL"].recall >= 0.99


def test_every_eponym_in_the_notes_survives(holdout, predicted):
    for word in EPONYMS:
        places = outside_gold(holdout, word)
        assert places, f"{word} is not in the holdout notes"
        for place in places:
            assert not masked(predicted, place), (holdout[place[0]]["id"], word)


def test_bell_as_a_surname_is_still_found(holdout, predicted):
    i = next(k for k, r in enumerate(holdout) if r["id"] == "HO25")
    start = holdout[i]["text"].index("Emily Bell")
    assert masked(predicted, (i, start + 6, start + 10))


@pytest.mark.parametrize("word", MASKED_EPONYMS)
def test_eponyms_masked_before_are_kept_now(holdout, predicted, word):
    places = outside_gold(holdout, word)
    assert places
    assert not any(masked(predicted, p) for p in places)
