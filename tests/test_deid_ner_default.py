"""The NER shipped in the package: on by default, its entities checked, off with 'none'."""

from __future__ import annotations

import json

import pytest

from dsm_clinic.deid.analyzer import DEFAULT_NER_DIR, build_analyzer
from dsm_clinic.deid.gazetteers import load_gazetteers
from dsm_clinic.deid.ner_train import DEFAULT_GOLD_SETS
from dsm_clinic.deid.recognizers.ner import _Words, check_entity
from dsm_clinic.io.hashing import sha256_path


@pytest.fixture(scope="module")
def default_analyzer():
    return build_analyzer()


@pytest.fixture(scope="module")
def words():
    return _Words(load_gazetteers())


def _check(words, text: str, part: str, label: str) -> str | None:
    start = text.index(part)
    kept = check_entity(text, start, start + len(part), label, words)
    return None if kept is None else text[kept[0]:kept[1]]


def test_the_shipped_model_is_small_and_says_what_made_it():
    files = [p for p in DEFAULT_NER_DIR.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) <= 5 * 1024 * 1024
    manifest = json.loads((DEFAULT_NER_DIR / "manifest.json").read_text())
    assert manifest["kind"] == "deid_ner"
    assert manifest["config"]["seed"] == 0 and manifest["config"]["epochs"] == 8
    assert len(manifest["inputs"]) == len(DEFAULT_GOLD_SETS)  # the hand-written sets of tests/data
    assert [i["path"] for i in manifest["inputs"]] == [f"{n}.jsonl" for n in DEFAULT_GOLD_SETS]


def test_build_analyzer_uses_the_shipped_model_unless_told_not_to(default_analyzer, analyzer):
    ner = default_analyzer.config["ner_model"]
    assert ner["shipped"] is True and ner["sha256"] == sha256_path(DEFAULT_NER_DIR)
    assert "PERSONA" in ner["labels"]
    assert any(r["name"] == "TrainedNerRecognizer" and r["checks"]
               for r in default_analyzer.config["recognizers"])
    assert analyzer.config["ner_model"] is None
    assert default_analyzer.config_hash() != analyzer.config_hash()


@pytest.mark.parametrize(("text", "name"), [
    # The model reads "Teresa\nNessun" as one name: the line break cuts it.
    ("Consegna turno: Teresa\nNessun evento.", "Teresa"),
    ("Riferimento familiare: Carmela (sorella).", "Carmela"),
])
def test_the_default_finds_a_name_the_rules_miss(default_analyzer, analyzer, text, name):
    start = text.index(name)
    assert not any(s.start < start + len(name) and start < s.end for s in analyzer.analyze(text))
    found = [(s.start, s.end, s.type) for s in default_analyzer.analyze(text)]
    assert found == [(start, start + len(name), "PERSONA")]


def test_entities_are_cut_where_the_model_never_saw_one_go_on(words):
    assert _check(words, "Chiama il figlio Mario Rossi\nTerapia: invariata",
                  "Mario Rossi\nTerapia", "PERSONA") == "Mario Rossi"
    assert _check(words, "Padre: Figlio Gerardo telefona", "Figlio Gerardo",
                  "PERSONA") == "Gerardo"
    assert _check(words, "abita in via Pistoiese 12 presso connazionali.",
                  "via Pistoiese 12 presso connazionali", "INDIRIZZO") == "via Pistoiese 12"
    assert _check(words, "Operatrice: A. De Feo", "A. De Feo", "PERSONA") == "A. De Feo"
    assert _check(words, "Consegna: F.M. al collega", "F.M", "PERSONA") == "F.M."


@pytest.mark.parametrize(("text", "part", "label"), [
    ("Eseguito con occhiali di Frenzel.", "Frenzel", "LUOGO"),  # an eponym no list knows
    ("Tremori fini alle mani.", "fini", "PERSONA"),  # a common word, though a surname
    ("Non ha tollerato Enbrel.", "Enbrel", "PERSONA"),  # a brand
    ("Dolore VAS 8/10 alla dimissione.", "8/10", "DATA"),  # a score
    ("ai sensi del D.Lgs. 30 giugno 2003 n. 196", "30 giugno 2003", "DATA"),  # a law
    ("Peso alla nascita 3120 g.", "3120", "ID"),
    ("Invio via fax al reparto.", "via fax", "INDIRIZZO"),
    ("Istituto Giannina Gaslini - Genova", "Giannina Gaslini", "PERSONA"),
    ("Arrivato dal Marocco nel 2020.", "Marocco", "LUOGO"),  # a country identifies no one
])
def test_entities_of_shapes_the_model_gets_wrong_are_dropped(words, text, part, label):
    assert _check(words, text, part, label) is None


@pytest.mark.parametrize(("text", "part", "label"), [
    ("nato a Vado Ligure il 3/4/1950", "Vado Ligure", "LUOGO"),
    ("Ricovero dal 3 marzo 2024.", "3 marzo 2024", "DATA"),
    ("Turno notte 13/14 luglio", "13/14", "DATA"),
    ("Cartella 2024/00012345 del reparto", "2024/00012345", "ID"),
    ("Telefona Giulia Marchi", "Giulia Marchi", "PERSONA"),  # "Giu..." is no month
])
def test_entities_of_good_shape_are_kept_whole(words, text, part, label):
    assert _check(words, text, part, label) == part


def test_workspace_setting_picks_the_ner(workspace):
    from dsm_clinic.deid.stages import analyzer_factory, ner_model_of

    ws = workspace
    assert ner_model_of(ws) == "default"
    assert analyzer_factory(ws).kwargs == {"ner_model_dir": "default"}
    ws.config.deid.ner_model = "none"
    assert ner_model_of(ws) is None
    assert analyzer_factory(ws).kwargs == {"ner_model_dir": None}
    ws.config.deid.ner_model = "models/my-ner"
    assert ner_model_of(ws) == ws.root / "models" / "my-ner"
