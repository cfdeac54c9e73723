"""The rule-based analyzer on the third to forty-third held-out sets of hand-written notes
(tests/data/deid_holdout3.md ... deid_holdout43.md), each written by someone who saw neither the
analyzer's code nor the other sets, and kept from the analyzer's tuner until the rules of a
round were final.

Each set was measured once, unseen, when it entered the repository; sets 3 to 39 then became
the development sets of the rounds after (and training sets of the shipped NER). The floors
below keep what each round gained; the issue's target (token recall >= 0.99 and precision >=
0.90 with the default analyzer) is asserted on the sets measured unseen last (40 to 43).
"""

from __future__ import annotations

import re

import pytest

from dsm_clinic.data.codes import is_valid_cf, is_valid_luhn
from dsm_clinic.deid.entities import PHI_TYPES
from dsm_clinic.deid.eponyms import ALWAYS
from dsm_clinic.deid.evaluate import evaluate_analyzer, parse_markup_notes
from tests.gold_notes import DATA, load_gold, masked, outside_gold, predicted_spans

# name: (notes, unseen recall, unseen precision, recall floor, precision floor)
# Unseen figures: measured with the rules of the round before the set entered the repository.
SETS = {
    # unseen with round 1 (developed on deid_holdout2); development set of round 2
    "deid_holdout3": (41, 0.9285, 0.9610, 0.99, 0.975),
    # unseen with round 2; development set of round 3
    "deid_holdout4": (49, 0.9359, 0.9622, 0.99, 0.965),
    # unseen with round 3; development sets of rounds 4 and 5
    "deid_holdout5": (49, 0.9375, 0.9543, 0.99, 0.955),
    "deid_holdout6": (52, 0.9497, 0.9685, 0.99, 0.965),
    # unseen with round 4; development set of round 5
    "deid_holdout7": (38, 0.9679, 0.9721, 0.995, 0.97),
    # unseen with round 5; development sets of round 6
    "deid_holdout8": (45, 0.9151, 0.9559, 0.98, 0.955),
    "deid_holdout9": (45, 0.9306, 0.9411, 0.975, 0.935),
    # unseen with round 6; development sets of round 7
    "deid_holdout10": (45, 0.9475, 0.9540, 0.975, 0.955),
    "deid_holdout11": (45, 0.9793, 0.9696, 0.99, 0.965),
    # unseen with round 7 (representative archives, south and north); development sets of round 8
    "deid_holdout12": (45, 0.9780, 0.9692, 0.985, 0.97),
    "deid_holdout13": (45, 0.9923, 0.9589, 0.995, 0.955),
    # unseen with round 8 (14, 15) and with the same rules after it (16, 17); development sets
    # of round 9
    "deid_holdout14": (45, 0.9756, 0.9673, 0.995, 0.97),
    "deid_holdout15": (45, 0.9660, 0.9718, 0.99, 0.97),
    "deid_holdout16": (45, 0.9796, 0.9737, 0.99, 0.97),
    "deid_holdout17": (45, 0.9832, 0.9691, 0.995, 0.965),
    # unseen with round 9 (islands; north-east); development sets of round 10
    "deid_holdout18": (45, 0.9755, 0.9592, 0.98, 0.96),
    "deid_holdout19": (45, 0.9682, 0.9761, 0.98, 0.975),
    # unseen with round 10 (private clinics in the north-west; Rome and its region; Tuscany and
    # Emilia; the south); development sets of round 11
    "deid_holdout20": (45, 0.9873, 0.9549, 0.99, 0.95),
    "deid_holdout21": (45, 0.9828, 0.9834, 0.98, 0.98),
    "deid_holdout22": (45, 0.9699, 0.9607, 0.975, 0.955),
    "deid_holdout23": (45, 0.9740, 0.9663, 0.98, 0.96),
    # unseen with round 11 (Turin and the Aosta valley; Liguria and lower Lombardy; Umbria,
    # Marche and Abruzzo; Naples and Campania); development sets of round 12
    "deid_holdout24": (45, 0.9727, 0.9499, 0.98, 0.945),
    "deid_holdout25": (45, 0.9879, 0.9602, 0.99, 0.955),
    "deid_holdout26": (45, 0.9745, 0.9760, 0.98, 0.97),
    "deid_holdout27": (45, 0.9795, 0.9694, 0.98, 0.965),
    # unseen with round 12 (Milan and Brianza; the Veneto; Puglia and Basilicata; Calabria);
    # development sets of round 13
    "deid_holdout28": (45, 0.9835, 0.9735, 0.985, 0.97),
    "deid_holdout29": (45, 0.9853, 0.9685, 0.985, 0.965),
    "deid_holdout30": (45, 0.9810, 0.9729, 0.98, 0.97),
    "deid_holdout31": (45, 0.9813, 0.9699, 0.98, 0.965),
    # unseen with round 13 (western Sicily; Friuli-Venezia Giulia; Emilia-Romagna; southern
    # Lazio, Molise and inland Campania; then Sardinia; Trentino and South Tyrol; the Tuscan
    # coast; eastern Lombardy and southern Piedmont); development sets of round 14
    "deid_holdout32": (45, 0.9822, 0.9670, 0.98, 0.965),
    "deid_holdout33": (45, 0.9832, 0.9660, 0.98, 0.96),
    "deid_holdout34": (45, 0.9820, 0.9606, 0.985, 0.955),
    "deid_holdout35": (45, 0.9882, 0.9655, 0.99, 0.96),
    "deid_holdout36": (45, 0.9873, 0.9546, 0.985, 0.95),
    "deid_holdout37": (45, 0.9718, 0.9617, 0.98, 0.96),
    "deid_holdout38": (45, 0.9779, 0.9519, 0.98, 0.945),
    "deid_holdout39": (45, 0.9908, 0.9761, 0.99, 0.97),
    # unseen with round 14 (western and northern Lombardy; northern Piedmont; eastern Sicily;
    # northern Lazio and Rome's outer towns): nobody has looked at their misses, and the shipped
    # NER was not trained on them
    "deid_holdout40": (45, 0.9759, 0.9662, 0.975, 0.96),
    "deid_holdout41": (45, 0.9890, 0.9549, 0.985, 0.95),
    "deid_holdout42": (45, 0.9773, 0.9718, 0.975, 0.97),
    "deid_holdout43": (45, 0.9858, 0.9585, 0.985, 0.955),
}
UNSEEN = ("deid_holdout40", "deid_holdout41", "deid_holdout42", "deid_holdout43")


@pytest.fixture(scope="module", params=sorted(SETS))
def held_out(request, analyzer):
    name = request.param
    records = load_gold(name)
    return name, records, evaluate_analyzer(records, analyzer)


def _values(records: list[dict], kind: str) -> list[str]:
    return [r["text"][s["start"]:s["end"]] for r in records for s in r["phi"] if s["type"] == kind]


@pytest.mark.parametrize("name", sorted(SETS))
def test_jsonl_matches_its_markup_source(name):
    records = load_gold(name)
    assert parse_markup_notes((DATA / f"{name}.md").read_text()) == records
    assert len(records) == SETS[name][0]
    assert {s["type"] for r in records for s in r["phi"]} == set(PHI_TYPES)


@pytest.mark.parametrize("name", sorted(SETS))
def test_gold_codes_carry_valid_check_characters_but_the_deliberate_typos(name):
    records = load_gold(name)
    bad = [v for v in _values(records, "CODICE_FISCALE") if not is_valid_cf(re.sub(r"\W", "", v))]
    assert len(bad) <= 2, bad  # each writer mistyped at most two on purpose
    for value in _values(records, "TESSERA_SANITARIA"):
        digits = re.sub(r"\D", "", value)
        assert not digits.startswith("80380") or is_valid_luhn(digits), value
    for value in _values(records, "IBAN"):
        compact = re.sub(r"\s", "", value).upper()
        number = "".join(str(int(c, 36)) for c in compact[4:] + compact[:4])
        assert int(number) % 97 == 1, value


def test_token_recall_and_precision_stay_above_the_floors(held_out):
    name, records, report = held_out
    notes, _, _, recall_floor, precision_floor = SETS[name]
    assert report.notes == notes
    assert report.token["ALL"].recall >= recall_floor, name
    assert report.token["ALL"].precision >= precision_floor, name
    # the issue's precision target holds on every set, unseen ones included
    assert report.token["ALL"].precision >= 0.90


def test_structured_identifiers_are_all_found(held_out):
    name, _, report = held_out
    for kind in ("EMAIL", "CODICE_FISCALE", "TESSERA_SANITARIA", "IBAN"):
        assert report.token[kind].recall == 1.0, (name, kind)


@pytest.mark.parametrize("name", sorted(SETS))
def test_allow_listed_eponyms_in_the_notes_survive(name, analyzer):
    records = load_gold(name)
    predicted = predicted_spans(analyzer, records)
    present = [w for w in ALWAYS if outside_gold(records, w)]
    assert present, name
    for word in present:
        for place in outside_gold(records, word):
            assert not masked(predicted, place), (records[place[0]]["id"], word)


def test_unseen_sets_meet_the_issue_target():
    """Recall 0.9916 and precision 0.959 over 7,843 PHI tokens when sets 40-43 were measured
    unseen with the round-14 analyzer (rules + the NER trained on sets 1-39); the round-13
    analyzer scored 0.9888 on them, and 0.9885 on sets 32-39, its own unseen sets."""
    from dsm_clinic.deid.analyzer import build_analyzer

    records = [r for name in UNSEEN for r in load_gold(name)]
    report = evaluate_analyzer(records, build_analyzer())  # what `deid run` uses by default
    assert report.token["ALL"].precision >= 0.90
    assert report.token["ALL"].recall >= 0.99
