"""The synthetic corpus: determinism, exact PHI spans, labels that follow the facts, splits,
label noise, and the output folder rules."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from dsm_clinic.data import codes
from dsm_clinic.data import notes as notes_module
from dsm_clinic.data.facts import VARIANT_LABELS
from dsm_clinic.data.synth import iter_notes, synthesize_corpus
from dsm_clinic.data.tasks import default_tasks, load_tasks
from dsm_clinic.deid.entities import PHI_TYPES
from dsm_clinic.errors import DsmError
from dsm_clinic.io.manifest import read_manifest

N = 400
SEED = 11

# Phrases that state a task's fact as true for the patient today. A note labeled 'si' must
# contain one; a note labeled 'no' must contain none, even when it negates the condition,
# attributes it to a relative, suspects it or says it resolved.
_AED = ("levetiracetam|keppra|acido valproico|depakin|valproato di sodio|lamotrigina|lamictal|"
        "depakin chrono|carbamazepina|tegretol|lacosamide|vimpat|oxcarbazepina|tolep|brivaracetam|briviact|"
        "topiramato|topamax|perampanel|fycompa|zonisamide|zonegran|fenitoina|dintoina")
_DOAC = "apixaban|rivaroxaban|dabigatran|edoxaban|warfarin|acenocumarolo|eliquis|xarelto|pradaxa|lixiana|coumadin|sintrom"
POSITIVE = {
    "asma": r"asma bronchiale (allergica|diagnosticata|persistente)|broncopatia asmatica|in pz con asma nota|"
            r"compatibile con asma|foster|salmeterolo|montelukast|symbicort|budesonide|relvar",
    "pacemaker": r"(?<!non )portatore di (pm|pacemaker)\b|ritmo indotto da pm|controllo pm|tasca del pmk",
    "icd": r"(?<!non )portatore di (icd|crt-d|s-icd|defibrillatore impiantabile)|interrogazione icd|controllo (crt-d|s-icd)|"
           r"resincronizzazione cardiaca con defibrillatore",
    "terapia_antiepilettica": rf"\b({_AED}) \d",
    "diabete": r"diabete mellito tipo [12] (noto|in |dall)|\bdmt?[12]\b|hba1c \d,\d% \(diabete|metformina \d|"
               r"sitagliptin|gliclazide|semaglutide|linagliptin|insulina|(?<!non )diagnosi di diabete",
    "fibrillazione_atriale": r"(?<!escludere )(?<!sospetta )\bfa (parossistica|persistente|permanente|cronica)\b|fibrillazione atriale "
                             r"(parossistica|persistente|permanente)|ecg: fibrillazione atriale|episodio di fa ad|"
                             r"documentati episodi di fa",
    "scompenso_cardiaco": r"scompenso cardiaco (cronico|a frazione)|hfref|hfpef|sacubitril|entresto|"
                          r"insufficienza cardiaca|riacutizzazione di scompenso|diagnosi di scompenso|cardiomiopatia con scompenso",
    "terapia_anticoagulante": rf"\b({_DOAC}) \d|in tao con|inr \d,\d in range|in terapia anticoagulante con|in terapia con nao|"
                              r"avviata terapia anticoagulante",
}
MULTI = {
    "fumo": {"fumatore": r"fumatore attivo|(?<!ex )fumatrice \(|fuma circa|tabagismo attivo|fumo: sì",
             "ex fumatore": r"ex fumat|ex tabagista|fumo: ex|smesso di fumare",
             "non fumatore": r"non fumat|nega fumo\.|fumo: no|mai fumato"},
    "tampone_sars_cov_2": {"positivo": r"sars-cov-2: positivo|positivo, confermato|positività al tampone|\(rt-pcr\): rilevato",
                           "negativo": r"sars-cov-2 negativo|sars-cov-2: negativo|: non rilevato|risultato negativo|"
                                       r"molecolare \(negativo\)|del pz negativo"},
}


@pytest.fixture(scope="module")
def sample():
    return list(iter_notes(notes=N, seed=SEED))


@pytest.fixture(scope="module")
def clean_sample():
    """Notes without typos, so that phrase checks cannot miss a misspelt keyword."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(notes_module, "TYPO_RATE", 0.0)
        return list(iter_notes(notes=N, seed=SEED))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    result = synthesize_corpus(out, notes=N, seed=SEED)
    return out, result


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_codice_fiscale_check_character_matches_hand_computed_codes():
    # RSSMRA80A01H501U: odd positions R8 S12 R8 8->19 A1 1->0 5->13 1->0 = 61, even
    # positions S18 M12 A0 0 0 H7 0 = 37; 98 mod 26 = 20 -> U
    assert codes.codice_fiscale("Rossi", "Mario", dt.date(1980, 1, 1), female=False,
                                place_code="H501") == "RSSMRA80A01H501U"
    # a woman's day is +40; odd 66 + even 40 = 106, 106 mod 26 = 2 -> C
    assert codes.codice_fiscale("Bianchi", "Maria", dt.date(1975, 3, 15), female=True,
                                place_code="F205") == "BNCMRA75C55F205C"
    assert codes.name_code("Gianfranco") == "GFR"  # 4+ consonants: 1st, 3rd, 4th
    assert codes.surname_code("D'Angelo") == "DNG"
    assert codes.surname_code("Fo") == "FOX"
    assert not codes.is_valid_cf("RSSMRA80A01H501A")


def test_codice_fiscale_agrees_with_fakers_independent_generator():
    from faker import Faker

    fake = Faker("it_IT")
    fake.seed_instance(3)
    assert all(codes.is_valid_cf(fake.ssn()) for _ in range(500))


def test_tessera_sanitaria_numbers_have_prefix_and_luhn_digit(sample):
    assert codes.luhn_digit("7992739871") == "3"
    seen = 0
    for n in sample:
        text = n.record["text"]
        for s in n.record["phi"]:
            if s["type"] == "TESSERA_SANITARIA":
                number = text[s["start"]:s["end"]]
                assert re.fullmatch(r"80380\d{15}", number) and codes.is_valid_luhn(number)
                seen += 1
    assert seen > 5


def test_same_seed_same_bytes_other_seed_other_notes(tmp_path):
    a = synthesize_corpus(tmp_path / "a", notes=60, seed=5, label_noise=0.1)
    b = synthesize_corpus(tmp_path / "b", notes=60, seed=5, label_noise=0.1)
    c = synthesize_corpus(tmp_path / "c", notes=60, seed=6, label_noise=0.1)
    for name in ("notes", "labeled", "tasks", "splits"):
        assert a.paths[name].read_bytes() == b.paths[name].read_bytes(), name
    assert a.paths["notes"].read_bytes() != c.paths["notes"].read_bytes()
    ma, mb = read_manifest(a.out_dir), read_manifest(b.out_dir)
    ma.pop("created_at"), mb.pop("created_at")
    assert ma == mb


def test_same_seed_same_notes_in_processes_with_other_hash_seeds():
    # Faker builds some of its it_IT lists from sets; string hashing must not leak into notes
    import hashlib
    import os
    import subprocess
    import sys

    code = ("import hashlib, json; from dsm_clinic.data.synth import iter_notes; "
            "print(hashlib.sha256(''.join(json.dumps(n.record) for n in iter_notes(notes=25, seed=4))"
            ".encode()).hexdigest())")
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                             check=True)
        digests.add(out.stdout.strip())
    assert len(digests) == 1
    assert hashlib.sha256(b"").hexdigest() not in digests


def test_labeled_and_noise_options_leave_the_notes_unchanged(tmp_path):
    a = synthesize_corpus(tmp_path / "a", notes=80, seed=5)
    b = synthesize_corpus(tmp_path / "b", notes=80, seed=5, labeled=30, label_noise=0.2)
    assert a.paths["notes"].read_bytes() == b.paths["notes"].read_bytes()


def test_every_phi_span_is_exact_and_typed(sample):
    date_forms = [r"\d{2}/\d{2}/\d{4}", r"\d{2}\.\d{2}\.\d{4}", r"\d{2}\.\d{2}\.\d{2}", r"\d{2}/\d{2}/\d{2}",
                  r"\d{2}-\d{2}-\d{4}", r"\d{1,2}/\d{1,2}/\d{4}", r"\d{4}-\d{2}-\d{2}",
                  r"(\d{1,2}|1°) [a-z]+ \d{4}", r"[a-z]+ \d{4}"]
    counts = {t: 0 for t in PHI_TYPES}
    for n in sample:
        text, spans = n.record["text"], n.record["phi"]
        last_end = 0
        for s in spans:
            value = text[s["start"]:s["end"]]
            assert s["type"] in PHI_TYPES
            assert value and value == value.strip(), (n.record["id"], s)
            assert s["start"] >= last_end, "spans overlap or are out of order"
            last_end = s["end"]
            counts[s["type"]] += 1
            if s["type"] == "CODICE_FISCALE":
                assert codes.is_valid_cf(value), value
            elif s["type"] == "DATA":
                assert any(re.fullmatch(f, value) for f in date_forms), value
            elif s["type"] == "EMAIL":
                assert re.fullmatch(r"[a-z0-9._]+@[a-z0-9.-]+\.[a-z]{2,}", value), value
            elif s["type"] == "TELEFONO":
                assert 8 <= len(re.sub(r"\D", "", value)) <= 14, value
            elif s["type"] == "PERSONA":
                assert not re.match(r"(?i)(dott|dr|sig|prof|inf)\b", value), value
                assert value not in ("Parkinson", "Barthel", "Babinski", "Glasgow")
    for t in ("PERSONA", "DATA", "LUOGO", "INDIRIZZO", "TELEFONO", "EMAIL", "CODICE_FISCALE",
              "TESSERA_SANITARIA", "ID"):
        assert counts[t] > 0, t


def test_names_and_codes_never_appear_outside_their_spans(sample):
    # the gold annotation is complete: a de-identifier is not blamed for PHI nobody marked
    for n in sample:
        text, spans = n.record["text"], n.record["phi"]
        covered = [(s["start"], s["end"]) for s in spans]
        pt = n.patient
        # names are written as given or upper-case; a lower-case 'delle' is not the surname Delle
        for value in (pt.person.last, pt.person.last.upper(), pt.cf, pt.tessera, pt.email, pt.phone):
            for m in re.finditer(rf"(?<!\w){re.escape(value)}(?!\w)", text):
                assert any(a <= m.start() and m.end() <= b for a, b in covered), (n.record["id"], value)


def test_eponyms_and_scales_appear_but_are_not_phi(sample):
    text = "\n".join(n.record["text"] for n in sample)
    for word in ("Parkinson", "Barthel", "Glasgow", "NYHA", "Holter", "Doppler", "Babinski", "Braden"):
        assert word in text, word
    for n in sample:
        for s in n.record["phi"]:
            value = n.record["text"][s["start"]:s["end"]]
            assert not any(w in value for w in ("Barthel", "Holter", "NYHA", "Babinski"))


def test_title_particle_and_upper_case_name_forms_occur(sample):
    names = [n.record["text"][s["start"]:s["end"]] for n in sample for s in n.record["phi"]
             if s["type"] == "PERSONA"]
    assert any(re.match(r"(De|Di|Lo|La|Del|Della|Li|Dal) [A-Z]", x) or "D'" in x for x in names)
    assert any(x.isupper() and len(x) > 4 for x in names)
    text = "\n".join(n.record["text"] for n in sample)
    for title in ("Dott.ssa ", "Sig.ra ", "Prof.", "dr. "):
        assert title in text


def test_positive_labels_are_stated_and_negative_ones_never_asserted(clean_sample):
    for n in clean_sample:
        text = n.record["text"].lower()
        for task, pattern in POSITIVE.items():
            stated = re.search(pattern, text) is not None
            assert stated == (n.labels[task] == "si"), (n.record["id"], task, n.variants[task])
        for task, classes in MULTI.items():
            found = {label for label, pattern in classes.items() if re.search(pattern, text)}
            assert n.labels[task] in found, (n.record["id"], task, found)
            if task == "fumo":
                assert found == {n.labels[task]}, (n.record["id"], found)


def test_negation_family_history_and_suspicion_give_no(clean_sample):
    hard = {"nega asma": 0, "asma nel": 0, "sospetta fa": 0, "familiarità per": 0}
    for n in clean_sample:
        text = n.record["text"].lower()
        mentions_asthma_only_negated_or_relative = (
            re.search(r"nega asma|asma (bronchiale )?nel(la|lo)? |familiarità per asma|: asma", text)
            and not re.search(POSITIVE["asma"], text))
        if mentions_asthma_only_negated_or_relative:
            assert n.labels["asma"] == "no", n.record["id"]
        for key in hard:
            if key in text:
                hard[key] += 1
        if re.search(r"sospetta (fa|fibrillazione)", text) and n.variants["fibrillazione_atriale"] == "sospetta":
            assert n.labels["fibrillazione_atriale"] == "no"
    assert all(v > 0 for v in hard.values()), hard


def test_drug_names_alone_carry_antiepileptic_therapy(clean_sample):
    drug_only = [n for n in clean_sample if n.labels["terapia_antiepilettica"] == "si"
                 and not re.search(r"epiless|antiepilett", n.record["text"].lower())]
    assert drug_only, "some notes should name only the drug"


def test_typos_change_one_word_slightly():
    import random

    rng = random.Random(0)
    src = "paziente vigile e collaborante"
    outs = {notes_module.typo(src, rng) for _ in range(30)}
    assert src not in outs and len(outs) > 5
    for out in outs:
        assert abs(len(out) - len(src)) <= 1 and sum(a != b for a, b in zip(out.split(), src.split(), strict=True)) == 1


def test_compliance_is_not_applicable_without_therapy(sample):
    for n in sample:
        on = n.labels["terapia_antiepilettica"] == "si"
        assert (n.labels["compliance_antiepilettica"] == "non applicabile") == (not on)
    assert {n.labels["compliance_antiepilettica"] for n in sample} == {"aderente", "non aderente", "non applicabile"}


def test_barthel_scores_agree_with_the_autonomy_label(sample):
    ranges = {"autonomo": (91, 100), "parzialmente dipendente": (41, 90), "dipendente": (0, 40)}
    checked = 0
    for n in sample:
        for m in re.finditer(r"Barthel (\d+)", n.record["text"]):
            lo, hi = ranges[n.labels["autonomia"]]
            assert lo <= int(m.group(1)) <= hi
            checked += 1
    assert checked > 10


def test_labels_follow_changes_over_a_patients_notes(sample):
    by_patient: dict[str, list] = {}
    for n in sample:
        by_patient.setdefault(n.record["patient_id"], []).append(n)
    changed = 0
    for notes in by_patient.values():
        dates = [n.record["date"] for n in notes]
        assert dates == sorted(dates)
        for task in ("fumo", "fibrillazione_atriale", "autonomia", "terapia_anticoagulante"):
            if len({n.labels[task] for n in notes}) > 1:
                changed += 1
    assert changed > 0
    assert len(by_patient) < N / 2  # patients have several notes


def test_label_vocabulary_matches_the_catalog(corpus):
    out, _ = corpus
    catalog = load_tasks(out / "tasks.yaml")
    assert catalog == default_tasks()
    for task in catalog.tasks:
        assert set(VARIANT_LABELS[task.name].values()) == set(task.labels)
    for rec in _jsonl(out / "labeled.jsonl"):
        assert set(rec["labels"]) == set(catalog.names)
        for name, label in rec["labels"].items():
            assert label in catalog.get(name).labels


def test_corpus_files_counts_and_manifest(corpus):
    out, result = corpus
    notes = _jsonl(out / "notes.jsonl")
    labeled = _jsonl(out / "labeled.jsonl")
    assert len(notes) == N == result.notes
    assert len(labeled) == result.labeled == round(N * 0.2)
    assert set(notes[0]) == {"id", "patient_id", "date", "kind", "text", "phi"}
    assert len({r["id"] for r in notes}) == N
    by_id = {r["id"]: r for r in notes}
    for rec in labeled:
        assert {k: v for k, v in rec.items() if k != "labels"} == by_id[rec["id"]]
    assert sum(result.phi_spans.values()) == sum(len(r["phi"]) for r in notes)
    m = read_manifest(out)
    assert m["kind"] == "corpus" and m["data_status"] == "synthetic"
    assert m["config"]["notes"] == N and m["config"]["seed"] == SEED
    records = {o["path"]: o.get("records") for o in m["outputs"]}
    assert records["notes.jsonl"] == N and records["labeled.jsonl"] == len(labeled)
    assert len({r["kind"] for r in notes}) == 6


def test_splits_are_patient_disjoint_and_cover_every_note(corpus):
    out, result = corpus
    notes = _jsonl(out / "notes.jsonl")
    splits = json.loads((out / "splits.json").read_text())
    assert set(splits) == {"train", "validation", "test"}
    patient = {r["id"]: r["patient_id"] for r in notes}
    ids = [i for v in splits.values() for i in v]
    assert sorted(ids) == sorted(patient) and len(ids) == len(set(ids))
    owners = [{patient[i] for i in v} for v in splits.values()]
    assert not (owners[0] & owners[1] or owners[0] & owners[2] or owners[1] & owners[2])
    assert all(splits.values())
    assert 0.7 < len(splits["train"]) / N < 0.9
    labeled_ids = {r["id"] for r in _jsonl(out / "labeled.jsonl")}
    assert all(labeled_ids & set(v) for v in splits.values())


def test_label_noise_flips_the_requested_fraction(tmp_path):
    clean = synthesize_corpus(tmp_path / "clean", notes=300, seed=3, labeled=150)
    noisy = synthesize_corpus(tmp_path / "noisy", notes=300, seed=3, labeled=150, label_noise=0.15)
    a, b = _jsonl(clean.paths["labeled"]), _jsonl(noisy.paths["labeled"])
    assert [r["id"] for r in a] == [r["id"] for r in b]
    catalog = default_tasks()
    total = diff = 0
    for ra, rb in zip(a, b, strict=True):
        for task, label in ra["labels"].items():
            total += 1
            if rb["labels"][task] != label:
                diff += 1
                assert rb["labels"][task] in catalog.get(task).labels
    assert diff == noisy.labels_flipped == round(0.15 * total)
    assert clean.labels_flipped == 0
    m = read_manifest(noisy.out_dir)
    assert m["label_noise"]["flipped"] == diff and m["config"]["label_noise"] == 0.15


def test_progress_is_reported(tmp_path):
    calls = []
    synthesize_corpus(tmp_path / "p", notes=250, seed=1, on_progress=lambda *a, **k: calls.append(a))
    assert calls[-1] == ("synth", 250, 250) and len(calls) == 3


def test_output_folder_rules(tmp_path):
    synthesize_corpus(tmp_path / "c", notes=5, seed=1)
    synthesize_corpus(tmp_path / "c", notes=7, seed=2)  # a previous corpus may be replaced
    assert len(_jsonl(tmp_path / "c" / "notes.jsonl")) == 7
    other = tmp_path / "other"
    other.mkdir()
    (other / "thesis.docx").write_text("x")
    with pytest.raises(DsmError) as exc:
        synthesize_corpus(other, notes=5, seed=1)
    assert exc.value.code == "E403" and exc.value.exit_code == 2
    assert sorted(p.name for p in other.iterdir()) == ["thesis.docx"]
    with pytest.raises(DsmError) as exc:
        synthesize_corpus(other / "thesis.docx", notes=5, seed=1)
    assert exc.value.code == "E303"


@pytest.mark.parametrize("kwargs,option", [({"notes": 0}, "notes"), ({"notes": 5, "labeled": 6}, "labeled"),
                                           ({"notes": 5, "label_noise": 1.0}, "label_noise")])
def test_bad_options_are_refused(tmp_path, kwargs, option):
    with pytest.raises(DsmError) as exc:
        synthesize_corpus(tmp_path / "x", seed=1, **kwargs)
    assert exc.value.code == "E404" and option in exc.value.message
    assert not (tmp_path / "x").exists()
