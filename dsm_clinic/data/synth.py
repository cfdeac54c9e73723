"""The synthetic corpus: patients followed over time, their notes, labels and splits.

`synthesize_corpus` streams notes to disk as it draws them; the same seed gives the same bytes
in every file but the manifest's created_at. Notes, the labeled subset, the label noise and
the splits draw from separate generators, so changing --labeled or --label-noise leaves
notes.jsonl unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import faker
from faker import Faker

from dsm_clinic.data import clinical
from dsm_clinic.data.facts import TASKS, labels_for, note_variants, sample_facts
from dsm_clinic.data.notes import KINDS, Hospital, Patient, render_note
from dsm_clinic.data.phi import Person, PhiMaker
from dsm_clinic.data.tasks import default_tasks, dump_tasks
from dsm_clinic.errors import error
from dsm_clinic.io.atomic import atomic_write, atomic_write_json
from dsm_clinic.io.manifest import MANIFEST, file_ref, read_manifest, write_manifest

GENERATOR_VERSION = 1
NOTES_FILE, TASKS_FILE, LABELED_FILE, SPLITS_FILE = "notes.jsonl", "tasks.yaml", "labeled.jsonl", "splits.json"
CORPUS_FILES = {NOTES_FILE, TASKS_FILE, LABELED_FILE, SPLITS_FILE, MANIFEST}
SPLIT_FRACTIONS = {"train": 0.8, "validation": 0.1, "test": 0.1}
DEFAULT_LABELED_FRACTION = 0.2
_TMP = re.compile(r"^\.(notes\.jsonl|tasks\.yaml|labeled\.jsonl|splits\.json|manifest\.json)\..*\.tmp$")
_NOTES_PER_PATIENT = [1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 8]
_FIRST_DAY = dt.date(2019, 1, 1)
_SPAN_DAYS = (dt.date(2024, 12, 31) - _FIRST_DAY).days

Progress = Callable[..., None]


@dataclass
class SynthNote:
    """One generated note: the record written to notes.jsonl, its true labels and facts."""

    record: dict
    labels: dict[str, str]
    variants: dict[str, str]
    patient: Patient


@dataclass
class SynthResult:
    out_dir: Path
    notes: int
    patients: int
    labeled: int
    phi_spans: dict[str, int]
    kinds: dict[str, int]
    labels: dict[str, dict[str, int]]
    labels_flipped: int
    splits: dict[str, dict[str, int]]
    paths: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0


def _hospital(phi: PhiMaker) -> Hospital:
    place = phi.place()
    prefix = phi.rng.choice(["Ospedale di ", "Presidio Ospedaliero di ", "Ospedale Civile di ",
                             "Azienda Ospedaliero-Universitaria di ", "ASST ", "AUSL di "])
    return Hospital(place=place, name=[prefix, (place.comune, "LUOGO")],
                    phone=phi.phone(mobile=False), fax=phi.phone(mobile=False))


def _patient(pid: str, rng: random.Random, phi: PhiMaker, hospitals: list[Hospital],
             dates: list[dt.date]) -> Patient:
    person = phi.person()
    age = int(rng.triangular(18, 99, 78))
    birth = dt.date(dates[0].year - age, rng.randint(1, 12), rng.randint(1, 28))
    facts = sample_facts(rng, birth=birth, female=person.female, dates=dates)
    relatives = []
    for _ in range(rng.choice([0, 1, 1, 2])):
        rel = rng.choice(["figlia", "figlio", "sorella", "fratello", "nipote",
                          "marito" if person.female else "moglie"])
        female = rel in ("figlia", "sorella", "moglie") or (rel == "nipote" and rng.random() < 0.5)
        relative = phi.person(female)
        if rel in ("figlio", "figlia") and not person.female and rng.random() < 0.8:
            relative = Person(relative.first, person.last, relative.female)
        relatives.append((rel, relative, phi.phone(mobile=True)))
    gp = phi.person()
    return Patient(
        pid=pid, person=person, birth=birth, birth_place=phi.comune(), street=phi.street(),
        residence=phi.place(), phone=phi.phone(), email=phi.email(person),
        cf=phi.codice_fiscale(person, birth), tessera=phi.tessera(),
        record_id=phi.record_number("id_paziente", dates[0].year), gp=gp, gp_pec=phi.pec(gp),
        hospital=rng.choice(hospitals), facts=facts,
        detail=clinical.patient_detail(rng, dates[0]), relatives=relatives)


def _kind(rng: random.Random, variants: dict[str, str]) -> str:
    weights = {"lettera_dimissione": 3, "verbale_pronto_soccorso": 3, "visita_neurologica": 1,
               "visita_cardiologica": 1, "diario_infermieristico": 2, "visita_ambulatoriale": 2}
    if variants["terapia_antiepilettica"] != "assente":
        weights["visita_neurologica"] += 3
    if any(labels_for({t: variants[t]})[t] == "si" for t in
           ("pacemaker", "icd", "fibrillazione_atriale", "scompenso_cardiaco")):
        weights["visita_cardiologica"] += 3
    return rng.choices(KINDS, weights=[weights[k] for k in KINDS])[0]


def iter_notes(*, notes: int, seed: int) -> Iterator[SynthNote]:
    """Yield `notes` notes of patients drawn one after another, each patient's in date order."""
    rng = random.Random(seed)
    fake = Faker("it_IT")
    fake.seed_instance(seed)
    phi = PhiMaker(fake, rng)
    staff = [phi.person() for _ in range(40)]
    hospitals = [_hospital(phi) for _ in range(6)]
    width = max(6, len(str(notes)))
    made = 0
    pnum = 0
    while made < notes:
        pnum += 1
        count = min(rng.choice(_NOTES_PER_PATIENT), notes - made)
        day = _FIRST_DAY + dt.timedelta(days=rng.randint(0, _SPAN_DAYS))
        dates = [day]
        for _ in range(count - 1):
            day = day + dt.timedelta(days=rng.randint(7, 300))
            dates.append(day)
        pt = _patient(f"P{pnum:0{width - 1}d}", rng, phi, hospitals, dates)
        had_positive = False
        for day in dates:
            variants = note_variants(pt.facts, day, rng, had_positive)
            had_positive = had_positive or variants["tampone_sars_cov_2"] == "positivo"
            kind = _kind(rng, variants)
            text, spans = render_note(kind, pt, day, variants, rng, phi, staff)
            made += 1
            record = {"id": f"N{made:0{width}d}", "patient_id": pt.pid, "date": day.isoformat(),
                      "kind": kind, "text": text, "phi": spans}
            yield SynthNote(record=record, labels=labels_for(variants), variants=variants, patient=pt)


def _check_options(notes: int, labeled: int | None, label_noise: float) -> int:
    if not isinstance(notes, int) or notes < 1:
        raise error("E404", option="notes", detail=f"{notes!r} is not a positive number of notes")
    if labeled is None:
        labeled = min(notes, max(1, round(notes * DEFAULT_LABELED_FRACTION)))
    if not isinstance(labeled, int) or not 0 <= labeled <= notes:
        raise error("E404", option="labeled", detail=f"{labeled!r} is not between 0 and {notes}")
    if not 0.0 <= float(label_noise) < 1.0:
        raise error("E404", option="label_noise", detail=f"{label_noise!r} is not in [0, 1)")
    return labeled


def _check_out_dir(out: Path) -> None:
    """Refuse a folder that holds anything but a previous corpus (E403), or a file (E303)."""
    if not out.exists():
        return
    if not out.is_dir():
        raise error("E303", path=out)
    names = [p.name for p in out.iterdir()]
    if not names:
        return
    manifest = read_manifest(out)
    if manifest is not None and manifest.get("kind") == "corpus" \
            and manifest.get("data_status") == "synthetic":
        return
    if all(n in CORPUS_FILES or _TMP.match(n) for n in names) and MANIFEST not in names:
        return  # an earlier run stopped before its manifest: only our own files are there
    raise error("E403", path=out)


def _assign_splits(patients: dict[str, list[str]], labeled_ids: set[str],
                   rng: random.Random) -> dict[str, list[str]]:
    """Give each patient to one split, keeping notes and labeled notes near SPLIT_FRACTIONS."""
    order = list(patients)
    rng.shuffle(order)
    splits: dict[str, list[str]] = {name: [] for name in SPLIT_FRACTIONS}
    if len(order) < len(SPLIT_FRACTIONS):
        for pid in order:
            splits["train"].extend(patients[pid])
        return splits
    total = sum(len(v) for v in patients.values())
    total_labeled = max(1, len(labeled_ids))
    have = {name: [0, 0] for name in SPLIT_FRACTIONS}
    for i, pid in enumerate(order):
        ids = patients[pid]
        if i < len(SPLIT_FRACTIONS):  # every split gets at least one patient
            best = list(SPLIT_FRACTIONS)[i]
        else:
            def deficit(name: str) -> float:
                frac = SPLIT_FRACTIONS[name]
                return (frac - have[name][0] / total) + (frac - have[name][1] / total_labeled)
            best = max(SPLIT_FRACTIONS, key=deficit)
        splits[best].extend(ids)
        have[best][0] += len(ids)
        have[best][1] += sum(1 for n in ids if n in labeled_ids)
    for ids in splits.values():
        ids.sort()
    return splits


def _dumps(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False) + "\n"


def synthesize_corpus(out_dir: str | Path, *, notes: int, seed: int, labeled: int | None = None,
                      label_noise: float = 0.0, on_progress: Progress | None = None) -> SynthResult:
    """Write a synthetic Italian corpus (notes, tasks, labeled subset, splits, manifest).

    `labeled` defaults to 20% of the notes; `label_noise` is the fraction of labels in
    labeled.jsonl flipped to another label of their task. Raises E404 for bad options, E403
    when `out_dir` is a non-empty folder that is not a previous corpus.
    """
    started = time.perf_counter()
    n_labeled = _check_options(notes, labeled, label_noise)
    out = Path(out_dir)
    _check_out_dir(out)
    out.mkdir(parents=True, exist_ok=True)
    catalog = default_tasks()
    task_labels = {t.name: t.labels for t in catalog.tasks}
    assert list(task_labels) == TASKS, "the default catalog and the generator disagree"

    pick_rng = random.Random(f"{seed}:labeled")
    noise_rng = random.Random(f"{seed}:noise")
    total_labels = n_labeled * len(TASKS)
    to_flip = round(float(label_noise) * total_labels)
    flips_left, labels_left, need = to_flip, total_labels, n_labeled

    phi_counts: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    dist: dict[str, Counter[str]] = {t: Counter() for t in TASKS}
    flipped_by_task: Counter[str] = Counter()
    patients: dict[str, list[str]] = {}
    labeled_ids: set[str] = set()
    paths = {name: out / f for name, f in [("notes", NOTES_FILE), ("labeled", LABELED_FILE),
                                            ("tasks", TASKS_FILE), ("splits", SPLITS_FILE),
                                            ("manifest", MANIFEST)]}
    with atomic_write(paths["notes"]) as fn, atomic_write(paths["labeled"]) as fl:
        for i, note in enumerate(iter_notes(notes=notes, seed=seed)):
            rec = note.record
            fn.write(_dumps(rec))
            phi_counts.update(s["type"] for s in rec["phi"])
            kinds[rec["kind"]] += 1
            patients.setdefault(rec["patient_id"], []).append(rec["id"])
            # selection sampling: exactly n_labeled notes, each equally likely
            if need and pick_rng.random() * (notes - i) < need:
                need -= 1
                labels = {}
                for task in TASKS:
                    label = note.labels[task]
                    if flips_left and noise_rng.random() * labels_left < flips_left:
                        label = noise_rng.choice([x for x in task_labels[task] if x != label])
                        flips_left -= 1
                        flipped_by_task[task] += 1
                    labels_left -= 1
                    labels[task] = label
                    dist[task][label] += 1
                labeled_ids.add(rec["id"])
                fl.write(_dumps({**rec, "labels": labels}))
            if on_progress is not None and ((i + 1) % 100 == 0 or i + 1 == notes):
                on_progress("synth", i + 1, notes)

    dump_tasks(catalog, paths["tasks"])
    splits = _assign_splits(patients, labeled_ids, random.Random(f"{seed}:splits"))
    atomic_write_json(paths["splits"], splits)
    note_split = {n: name for name, ids in splits.items() for n in ids}
    split_counts = {name: {"notes": len(ids), "labeled": sum(1 for n in ids if n in labeled_ids),
                           "patients": sum(1 for ns in patients.values() if note_split[ns[0]] == name)}
                    for name, ids in splits.items()}
    labels_out = {t: dict(sorted(c.items())) for t, c in dist.items()}
    write_manifest(
        out, kind="corpus", data_status="synthetic",
        config={"notes": notes, "seed": seed, "labeled": n_labeled, "label_noise": float(label_noise),
                "generator": "dsm_clinic.data.synth", "generator_version": GENERATOR_VERSION,
                "faker_locale": "it_IT", "faker_version": faker.VERSION},
        outputs=[file_ref(paths["notes"], records=notes, base=out),
                 file_ref(paths["labeled"], records=n_labeled, base=out),
                 file_ref(paths["tasks"], records=len(catalog.tasks), base=out),
                 file_ref(paths["splits"], records=notes, base=out)],
        extra={"label_noise": {"rate": float(label_noise), "labels": total_labels, "flipped": to_flip,
                               "flipped_by_task": dict(sorted(flipped_by_task.items()))},
               "counts": {"notes": notes, "patients": len(patients), "labeled": n_labeled,
                          "phi_spans": dict(sorted(phi_counts.items())), "kinds": dict(sorted(kinds.items())),
                          "labels": labels_out, "splits": split_counts}})
    return SynthResult(out_dir=out, notes=notes, patients=len(patients), labeled=n_labeled,
                       phi_spans=dict(sorted(phi_counts.items())), kinds=dict(sorted(kinds.items())),
                       labels=labels_out, labels_flipped=to_flip, splits=split_counts, paths=paths,
                       seconds=time.perf_counter() - started)
