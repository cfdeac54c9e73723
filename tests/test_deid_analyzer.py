"""The Italian analyzer end to end: hand-written notes, eponyms, chunking, overlaps, NER model,
configuration hash, and the figures on a synthetic corpus of an unseen seed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dsm_clinic.deid.analyzer import (
    Span,
    baseline_spans,
    build_analyzer,
    build_presidio_baseline,
    resolve_overlaps,
)
from dsm_clinic.deid.entities import PHI_TYPES
from dsm_clinic.deid.evaluate import evaluate, parse_markup_notes
from dsm_clinic.errors import DsmError

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def handwritten() -> list[dict]:
    return [json.loads(line) for line in (DATA / "deid_handwritten.jsonl").read_text().splitlines()]


def test_handwritten_jsonl_matches_its_markup_source(handwritten):
    assert parse_markup_notes((DATA / "deid_handwritten.md").read_text()) == handwritten
    assert len(handwritten) >= 30
    assert {s["type"] for r in handwritten for s in r["phi"]} >= {
        "PERSONA", "DATA", "LUOGO", "INDIRIZZO", "TELEFONO", "EMAIL", "CODICE_FISCALE",
        "TESSERA_SANITARIA", "ID", "IBAN"}


def test_handwritten_token_recall_and_precision(analyzer, handwritten):
    report = evaluate(handwritten, predicted=[analyzer.analyze(r["text"]) for r in handwritten])
    assert report.token["ALL"].recall >= 0.99
    assert report.token["ALL"].precision >= 0.90
    assert report.span_overlap["PERSONA"].recall >= 0.97


def test_presidio_stock_italian_analyzer_misses_most_names(handwritten):
    baseline = build_presidio_baseline()
    report = evaluate(handwritten, predicted=[baseline_spans(baseline, r["text"])
                                              for r in handwritten])
    # the gap the issue describes: no names, no places, no Italian phones without our layers
    assert report.span_overlap["PERSONA"].recall < 0.3
    assert report.token["ALL"].recall < 0.8


def test_output_is_sorted_non_overlapping_and_typed(analyzer, handwritten):
    for record in handwritten:
        spans = analyzer.analyze(record["text"])
        assert all(s.type in PHI_TYPES for s in spans)
        assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))
        assert all(0 <= s.start < s.end <= len(record["text"]) for s in spans)


EPONYM_TEXT = (
    "Paziente affetto da morbo di Parkinson e malattia di Alzheimer iniziale. Storia di morbo "
    "di Crohn, tiroidite di Hashimoto. Fratello con sindrome di Down. Babinski negativo, "
    "Lasègue positivo a sx. Indice di Barthel 40, scala di Barthel ripetuta. Glasgow Coma Scale "
    "14. Manovra di Valsalva eseguita. Holter ECG 24 h. Ecocolor Doppler TSA. Colorazione di Gram. "
    "Apgar 9. Mantoux negativa. Child-Pugh B. Classe NYHA II. Sindrome di Guillain-Barré esclusa. "
    "Segno di Giordano negativo. Segno di Murphy dubbio. Mingazzini I tenuto. Romberg negativo.\n"
    "MORBO DI PARKINSON, HOLTER ECG, SCALA DI BARTHEL.\n"
)
EPONYMS = ["Parkinson", "Alzheimer", "Crohn", "Hashimoto", "Down", "Babinski", "Lasègue",
           "Barthel", "Glasgow", "Valsalva", "Holter", "Doppler", "Gram", "Apgar", "Mantoux",
           "Child-Pugh", "NYHA", "Guillain-Barré", "Giordano", "Murphy", "Mingazzini", "Romberg",
           "PARKINSON", "HOLTER", "BARTHEL"]


def test_every_listed_eponym_survives(analyzer):
    spans = analyzer.analyze(EPONYM_TEXT)
    for word in EPONYMS:
        pos = EPONYM_TEXT.index(word)
        assert not any(s.start < pos + len(word) and pos < s.end for s in spans), word
    # and next to a real name, the name is still found
    text = "Il sig. Mario Bianchi, affetto da morbo di Parkinson, visto dal dott. Giordano."
    got = {text[s.start:s.end] for s in analyzer.analyze(text)}
    assert got == {"Mario Bianchi", "Giordano"}


def test_long_notes_are_chunked_without_losing_or_doubling_spans(handwritten):
    text = "\n".join(r["text"] for r in handwritten[:12])
    # Rules only: the NER reads its window's context, so a chunk may change what it finds.
    whole = build_analyzer(ner_model_dir=None).analyze(text)
    chunked_analyzer = build_analyzer(ner_model_dir=None, max_length=300, overlap=140)
    assert len(text) > 5 * 300
    assert chunked_analyzer.chunk_bounds(len(text), text)[-1][1] == len(text)
    assert chunked_analyzer.analyze(text) == whole


def test_a_span_across_a_chunk_edge_is_found_once():
    a = build_analyzer(max_length=120, overlap=50)
    cut_through = 0
    for shift in range(0, 60, 3):  # slide the phone across the window edges
        text = "x" * shift + " controllo clinico regolare senza novità. " * 3 + \
            "Recapito del figlio: 333 1234567 ore serali. " + "decorso regolare. " * 6
        phone = text.index("333 1234567")
        bounds = a.chunk_bounds(len(text), text)
        cut_through += any(phone < e < phone + 11 for _, e in bounds[:-1])
        spans = [(s.start, s.end) for s in a.analyze(text) if s.type == "TELEFONO"]
        assert spans == [(phone, phone + 11)], shift
    assert cut_through  # some shifts put a window edge inside the number


def test_resolve_overlaps_keeps_the_longest_and_merges():
    spans = [
        Span(10, 20, "INDIRIZZO", 0.7, "a"),
        Span(14, 18, "PERSONA", 0.9, "n"),  # inside the address: absorbed
        Span(30, 35, "DATA", 0.8, "d"),
        Span(33, 40, "TELEFONO", 0.6, "p"),  # partial overlap: union, typed by the longer
        Span(50, 55, "ID", 0.5, "i"),
        Span(50, 55, "ID", 0.9, "j"),  # duplicate: one span, best score
    ]
    assert resolve_overlaps(spans) == [
        Span(10, 20, "INDIRIZZO", 0.9, "a"),
        Span(30, 40, "TELEFONO", 0.8, "p"),
        Span(50, 55, "ID", 0.9, "j"),
    ]


def test_config_hash_is_stable_and_follows_the_configuration():
    a, b = build_analyzer(), build_analyzer()
    assert a.config_hash() == b.config_hash()
    assert len(a.config_hash()) == 64
    assert build_analyzer(score_threshold=0.5).config_hash() != a.config_hash()
    assert set(a.config["gazetteers"]) == {"first_names", "surnames", "comuni", "vocabulary",
                                           "clinical_words", "cities_abroad", "countries",
                                           "districts", "frazioni"}
    assert any(r["name"] == "ItalianNameRecognizer" for r in a.config["recognizers"])


def test_bad_options_are_usage_errors(tmp_path):
    with pytest.raises(DsmError) as e:
        build_analyzer(score_threshold=1.5)
    assert e.value.code == "E603"
    with pytest.raises(DsmError) as e:
        build_analyzer(ner_model_dir=tmp_path / "missing")
    assert e.value.code == "E602"


def _ner_pipeline(path: Path, labels: list[str]) -> Path:
    """A spaCy pipeline saved with to_disk whose entity component tags 'Zorblax Quint'."""
    import spacy

    nlp = spacy.blank("it")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": labels[0], "pattern": "Zorblax Quint"}]
                       + [{"label": lab, "pattern": f"codice{lab}"} for lab in labels[1:]])
    nlp.to_disk(path)
    return path


def test_trained_ner_entities_join_the_rules(tmp_path, analyzer):
    text = "Visita di controllo. zorblax quint e Zorblax Quint presenti."
    assert analyzer.analyze(text) == []
    with_ner = build_analyzer(ner_model_dir=_ner_pipeline(tmp_path / "ner", ["PERSONA"]))
    pos = text.index("Zorblax Quint")
    assert [(s.start, s.end, s.type) for s in with_ner.analyze(text)] == [
        (pos, pos + 13, "PERSONA")]
    assert with_ner.config["ner_model"]["labels"] == ["PERSONA"]
    assert with_ner.config_hash() != analyzer.config_hash()


def test_a_ner_folder_without_phi_labels_is_refused(tmp_path):
    with pytest.raises(DsmError) as e:
        build_analyzer(ner_model_dir=_ner_pipeline(tmp_path / "ner", ["ORG"]))
    assert e.value.code == "E602" and "no entity label" in e.value.message


def test_tldextract_is_kept_offline():
    import tldextract.tldextract as tld

    import dsm_clinic.deid.analyzer  # noqa: F401 - sets the offline environment first

    assert tuple(tld.TLD_EXTRACTOR.suffix_list_urls) == ()


def test_synthetic_notes_of_an_unseen_seed(tmp_path, analyzer):
    synth = pytest.importorskip("dsm_clinic.data.synth")
    synth.synthesize_corpus(tmp_path / "corpus", notes=60, seed=90417)
    gold = [json.loads(x) for x in (tmp_path / "corpus" / "notes.jsonl").read_text().splitlines()]
    report = evaluate(gold, predicted=[analyzer.analyze(r["text"]) for r in gold])
    assert report.token["ALL"].recall >= 0.99
    assert report.token["ALL"].precision >= 0.90
