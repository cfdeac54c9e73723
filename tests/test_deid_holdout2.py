"""The analyzer on a second set of held-out hand-written notes (tests/data/deid_holdout2.md),
written while the analyzer was being tuned on the first held-out set and kept from its tuner.

Floors are placeholders until the lead sets them from the measurement taken when this set
enters the repository; the eponym and institution tests hold from the start, with the words the
analyzer masked when the set was written as strict xfails that turn red once fixed.
"""

from __future__ import annotations

import re

import pytest

from dsm_clinic.data.codes import is_valid_cf, is_valid_luhn
from dsm_clinic.deid.entities import PHI_TYPES
from dsm_clinic.deid.evaluate import evaluate_analyzer, parse_markup_notes
from tests.gold_notes import DATA, load_gold, masked, outside_gold, predicted_spans

NOTES = 33

# Never seen by whoever tuned the analyzer until it was measured: token recall 0.8429,
# precision 0.9532 when the set entered the repository. It then became the development set of
# the next round of rules (Roman-numeral months, days alone, dictation, record numbers of any
# shape, lower-case streets, frazioni): 0.9934 / 0.9751 after it, a development figure. The
# unseen figure of that round is deid_holdout3's. The floors keep what the round gained.
RECALL_FLOOR = 0.99
PRECISION_FLOOR = 0.97

# Clinical words of the notes that look like names or places: eponyms, scales,
# classifications named after cities, brand-name drugs and devices, common words that are
# also names. None may be masked where it stands outside gold PHI.
EPONYMS = [
    "Coumadin", "Xarelto", "XARELTO", "Depakin", "Tavor", "TAVOR", "Lasix", "Eliquis",
    "Holter", "Swan-Ganz", "Doppler", "Parkinson", "Wolff-Parkinson-White", "Hoehn-Yahr",
    "Romberg", "Barthel", "Tinetti", "Katz", "Norton", "Karnofsky", "NYHA", "Bishop",
    "Leopold", "Breslow", "Clark", "Lasègue", "Lachman", "Schatzker", "Goldmann", "Humphrey",
    "Bjerrum", "Trendelenburg", "Veress", "Knight-Griffen", "Hartmann", "Bentall", "Dukes",
    "Astler-Coller", "Lynch", "Colles", "Alzheimer", "Mantoux", "Quantiferon", "Ziehl-Neelsen",
    "Broca", "Boston", "Bazett", "Los Angeles", "Praga", "Sydney", "Hill", "Forrest",
    "Barrett", "Helicobacter", "CINCINNATI", "MitraClip", "Entresto", "Xalatan", "Cosopt",
    "Prolia", "Aranesp", "Ferinject", "Eutirox", "Rivotril", "Cerazette", "Biktarvy", "Humalog",
    "Augmentin", "Sinemet", "Mirapexin", "Azilect", "Xadago", "Duodopa", "Actilyse", "Nexium",
    "Olympus", "Hexyon", "Prevenar", "Rotarix", "Bexsero", "Priorix Tetra", "Nimenrix", "Jext",
    "Flixotide", "Lanoxin", "Pantorc", "Ferrograd", "Kerendia", "Forxiga", "Cardicor",
    "Daparox", "Dibase", "Movicol", "Congescor", "Creon", "NIOSH", "SAD PERSONS", "Viber",
    "WhatsApp", "serena", "sole", "ferro", "costa", "pace", "speranza", "vita", "massa",
    "bianchi",
    # masked when the set was written, kept since the development round
    "Douglas", "Fisher", "Lawton", "Seattle", "Mirena", "Yasmin",
]
# Institutions named after a person or a saint: they name a building, not anyone in the note.
INSTITUTIONS = [
    "Giannina Gaslini", "Cardinal Massaia", "Vito Fazzi", "Di Venere", "Cannizzaro",
    "A. Manzoni", "SAN GERARDO", "Giovanni XXIII", "S. Chiara", "Il Girasole",
    "Cardarelli", "Gianni Rodari", "San Giovanni Addolorata", "Sant'Anna",
]
# Still masked: two hospitals named after a place (Pini-CTO, le Molinette). (Yasmin, a pill and
# a first name, is a clinical word since round 14.)
MASKED_EPONYMS: list[str] = []
MASKED_INSTITUTIONS = ["Pini-CTO", "Molinette"]
_TITLES = re.compile(r"^(?:sig|dott|dr|prof|inf|ft|a\.s|avv|ved|nonna)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def holdout() -> list[dict]:
    return load_gold("deid_holdout2")


@pytest.fixture(scope="module")
def report(holdout, analyzer):
    return evaluate_analyzer(holdout, analyzer)


@pytest.fixture(scope="module")
def predicted(holdout, analyzer) -> list[list[tuple[int, int]]]:
    return predicted_spans(analyzer, holdout)


def _values(holdout: list[dict], kind: str) -> list[str]:
    return [r["text"][s["start"]:s["end"]] for r in holdout for s in r["phi"] if s["type"] == kind]


def test_holdout2_jsonl_matches_its_markup_source(holdout):
    assert parse_markup_notes((DATA / "deid_holdout2.md").read_text()) == holdout
    assert len(holdout) == NOTES
    assert {s["type"] for r in holdout for s in r["phi"]} == set(PHI_TYPES)


def test_gold_spans_hold_no_title_or_padding(holdout):
    for record in holdout:
        for span in record["phi"]:
            value = record["text"][span["start"]:span["end"]]
            assert value == value.strip(" ,;:()\"\n"), (record["id"], value)
            if span["type"] == "PERSONA":
                assert not _TITLES.match(value), (record["id"], value)


def test_gold_codes_carry_valid_check_characters(holdout):
    # A recognizer that validates check characters must not be scored on invalid codes.
    for value in _values(holdout, "CODICE_FISCALE"):
        assert is_valid_cf(re.sub(r"\W", "", value)), value
    for value in _values(holdout, "TESSERA_SANITARIA"):
        assert is_valid_luhn(re.sub(r"\D", "", value)), value
    for value in _values(holdout, "IBAN"):
        compact = re.sub(r"\s", "", value).upper()
        digits = "".join(str(int(c, 36)) for c in compact[4:] + compact[:4])
        assert int(digits) % 97 == 1, value


def test_holdout2_token_recall_and_precision_stay_above_the_floors(report):
    assert report.notes == NOTES
    assert report.token["ALL"].recall >= RECALL_FLOOR
    assert report.token["ALL"].precision >= PRECISION_FLOOR


@pytest.mark.parametrize("word", EPONYMS + INSTITUTIONS)
def test_every_eponym_in_the_notes_survives(holdout, predicted, word):
    places = outside_gold(holdout, word)
    assert places, f"{word} is not in the holdout notes"
    for place in places:
        assert not masked(predicted, place), (holdout[place[0]]["id"], word)


@pytest.mark.parametrize("word", [pytest.param(w, marks=pytest.mark.xfail(
    strict=True, reason="masked as a name when the set was written"))
    for w in MASKED_EPONYMS + MASKED_INSTITUTIONS])
def test_eponyms_masked_today(holdout, predicted, word):
    places = outside_gold(holdout, word)
    assert places
    assert not any(masked(predicted, p) for p in places)


def test_holdout2_token_recall_meets_the_issue_target_after_the_development_round(report):
    # A development figure (see RECALL_FLOOR); the unseen one is in test_deid_holdout3.py.
    assert report.token["ALL"].recall >= 0.99
