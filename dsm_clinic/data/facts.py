"""Patient facts: the truth the synthetic notes are written from, and the labels they give.

Each task has a *variant* per patient (e.g. asma: 'asma', 'asma_risolta', 'sospetta', 'assente')
that may change once, at a date inside the patient's follow-up (a suspicion confirmed, a drug
started, a smoker who quits). A note's labels are the variants at the note's date mapped
through VARIANT_LABELS, never anything read back from the text, which may negate, mention
a relative, or name a drug instead of the condition.

Label conventions (also in the task descriptions of the default catalog):
- state at the note date: resolved conditions, stopped drugs, refused or planned devices -> no;
- uncertainty: a suspicion not (yet) confirmed -> no; once confirmed, later notes -> si;
- family history never changes the patient's label;
- compliance is 'non applicabile' when no antiepileptic drug is prescribed; a patient who
  skips doses is still 'in terapia' (the drug is prescribed) and 'non aderente'.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

_SI, _NO = "si", "no"

VARIANT_LABELS: dict[str, dict[str, str]] = {
    "asma": {"asma": _SI, "asma_risolta": _NO, "sospetta": _NO, "bpco": _NO, "assente": _NO},
    "pacemaker": {"pm": _SI, "rifiutato": _NO, "assente": _NO},
    "icd": {"icd": _SI, "crtd": _SI, "sicd": _SI, "in_valutazione": _NO, "lifevest": _NO,
            "assente": _NO},
    "terapia_antiepilettica": {"in_terapia": _SI, "sospesa": _NO, "crisi_non_trattata": _NO,
                               "assente": _NO},
    "compliance_antiepilettica": {"aderente": "aderente", "non_aderente": "non aderente",
                                  "non_applicabile": "non applicabile"},
    "tampone_sars_cov_2": {"positivo": "positivo", "negativo": "negativo",
                           "negativo_pregresso": "negativo"},
    "autonomia": {"autonomo": "autonomo", "parziale": "parzialmente dipendente",
                  "dipendente": "dipendente"},
    "diabete": {"dm2": _SI, "dm1": _SI, "gestazionale": _NO, "ifg": _NO, "sospetto": _NO,
                "assente": _NO},
    "fibrillazione_atriale": {"parossistica": _SI, "persistente": _SI, "permanente": _SI,
                              "episodio_risolto": _NO, "sospetta": _NO, "assente": _NO},
    "scompenso_cardiaco": {"hfref": _SI, "hfpef": _SI, "escluso": _NO, "assente": _NO},
    "fumo": {"fumatore": "fumatore", "ex": "ex fumatore", "non": "non fumatore"},
    "terapia_anticoagulante": {"in_terapia": _SI, "sospesa": _NO, "antiaggregante": _NO,
                               "controindicata": _NO, "assente": _NO},
}
TASKS = list(VARIANT_LABELS)
FAMILY_CONDITIONS = ["asma", "diabete", "fibrillazione_atriale", "scompenso_cardiaco",
                     "epilessia", "pacemaker", "fumo"]


@dataclass
class Fact:
    """A task's variant for one patient, possibly changing to `after` on `change`."""

    before: str
    after: str | None = None
    change: dt.date | None = None

    def at(self, day: dt.date) -> str:
        if self.after is not None and self.change is not None and day >= self.change:
            return self.after
        return self.before


@dataclass
class PatientFacts:
    female: bool
    birth: dt.date
    facts: dict[str, Fact]
    family: list[tuple[str, str]] = field(default_factory=list)  # (relative, condition)
    nonadherence: float = 0.0  # chance that a note finds the patient skipping antiepileptics
    covid_rate: float = 0.1  # chance that a note's swab is positive

    def age(self, day: dt.date) -> int:
        return day.year - self.birth.year - ((day.month, day.day) < (self.birth.month, self.birth.day))


def labels_for(variants: dict[str, str]) -> dict[str, str]:
    """Map each task's variant to its catalog label."""
    return {task: VARIANT_LABELS[task][v] for task, v in variants.items()}


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    """Draw a key with the given weights; the remainder up to 1 goes to the last key."""
    r = rng.random()
    acc = 0.0
    keys = list(weights)
    for k in keys[:-1]:
        acc += weights[k]
        if r < acc:
            return k
    return keys[-1]


def sample_facts(rng: random.Random, *, birth: dt.date, female: bool,
                 dates: list[dt.date]) -> PatientFacts:
    """Draw a patient's facts for the follow-up spanning `dates` (sorted note dates)."""
    age = dates[0].year - birth.year
    old = age >= 70

    def change_date() -> dt.date | None:
        if len(dates) < 2:
            return None
        return dates[rng.randint(1, len(dates) - 1)]  # so at least one note predates it

    def timeline(before: str, after: str, p: float) -> Fact:
        when = change_date()
        if when is not None and rng.random() < p:
            return Fact(before, after, when)
        return Fact(before)

    f: dict[str, Fact] = {}
    v = _pick(rng, {"asma": 0.15, "asma_risolta": 0.06, "sospetta": 0.05,
                    "bpco": 0.12 if old else 0.04, "assente": 1})
    f["asma"] = timeline("sospetta", "asma", 0.4) if v == "sospetta" else Fact(v)

    v = _pick(rng, {"dm2": 0.28 if old else 0.14, "dm1": 0.04,
                    "gestazionale": 0.06 if female else 0.0, "ifg": 0.07, "sospetto": 0.03,
                    "assente": 1})
    f["diabete"] = timeline("ifg", "dm2", 0.3) if v == "ifg" else Fact(v)

    v = _pick(rng, {"parossistica": 0.10, "persistente": 0.05, "permanente": 0.10 if old else 0.02,
                    "episodio_risolto": 0.04, "sospetta": 0.06, "assente": 1})
    if v == "sospetta":
        f["fibrillazione_atriale"] = timeline("sospetta", "parossistica", 0.5)
    elif v == "assente":
        f["fibrillazione_atriale"] = timeline("assente", "parossistica", 0.06)
    else:
        f["fibrillazione_atriale"] = Fact(v)

    v = _pick(rng, {"hfref": 0.12 if old else 0.06, "hfpef": 0.08 if old else 0.03,
                    "escluso": 0.05, "assente": 1})
    f["scompenso_cardiaco"] = timeline("assente", "hfref", 0.04) if v == "assente" else Fact(v)

    hfref = f["scompenso_cardiaco"].before == "hfref"
    v = _pick(rng, {"icd": 0.20 if hfref else 0.05, "crtd": 0.12 if hfref else 0.005,
                    "sicd": 0.01, "in_valutazione": 0.08 if hfref else 0.02,
                    "lifevest": 0.02, "assente": 1})
    f["icd"] = timeline("in_valutazione", "icd", 0.4) if v == "in_valutazione" else Fact(v)
    has_icd = f["icd"].before in ("icd", "crtd", "sicd") or f["icd"].after == "icd"
    if has_icd:
        f["pacemaker"] = Fact("assente")  # a defibrillator paces too; never both devices
    else:
        v = _pick(rng, {"pm": 0.18 if old else 0.05, "rifiutato": 0.03, "assente": 1})
        f["pacemaker"] = timeline("assente", "pm", 0.05) if v == "assente" else Fact(v)

    v = _pick(rng, {"in_terapia": 0.15, "sospesa": 0.05, "crisi_non_trattata": 0.03,
                    "assente": 1})
    if v == "in_terapia":
        f["terapia_antiepilettica"] = timeline("in_terapia", "sospesa", 0.1)
    elif v == "assente":
        f["terapia_antiepilettica"] = timeline("assente", "in_terapia", 0.05)
    else:
        f["terapia_antiepilettica"] = Fact(v)

    fa = f["fibrillazione_atriale"]
    if fa.before in ("parossistica", "persistente", "permanente"):
        v = _pick(rng, {"in_terapia": 0.82, "controindicata": 0.08, "antiaggregante": 1})
        f["terapia_anticoagulante"] = timeline("in_terapia", "sospesa", 0.06) if v == "in_terapia" else Fact(v)
    elif fa.after == "parossistica":
        # anticoagulation starts when the arrhythmia is documented
        f["terapia_anticoagulante"] = (Fact("assente", "in_terapia", fa.change)
                                       if rng.random() < 0.85 else Fact("antiaggregante"))
    else:
        v = _pick(rng, {"in_terapia": 0.05, "sospesa": 0.04, "antiaggregante": 0.22, "assente": 1})
        f["terapia_anticoagulante"] = Fact(v)

    weights = ({"autonomo": 0.85, "parziale": 0.12, "dipendente": 1} if age < 65 else
               {"autonomo": 0.6, "parziale": 0.3, "dipendente": 1} if age < 80 else
               {"autonomo": 0.3, "parziale": 0.45, "dipendente": 1})
    v = _pick(rng, weights)
    if v in ("autonomo", "parziale"):
        f["autonomia"] = timeline(v, "parziale" if v == "autonomo" else "dipendente", 0.12)
    else:
        f["autonomia"] = Fact(v)

    v = _pick(rng, {"fumatore": 0.22, "ex": 0.28, "non": 1})
    f["fumo"] = timeline("fumatore", "ex", 0.15) if v == "fumatore" else Fact(v)

    family = []
    for cond in FAMILY_CONDITIONS:
        if rng.random() < 0.12:
            family.append((rng.choice(["padre", "madre", "fratello", "sorella", "nonno paterno",
                                       "nonna materna", "zio materno", "figlio", "figlia"]), cond))
    return PatientFacts(female=female, birth=birth, facts=f, family=family,
                        nonadherence=rng.choice([0.0, 0.1, 0.3, 0.5, 0.7]),
                        covid_rate=rng.choice([0.0, 0.05, 0.1, 0.2, 0.4]))


def note_variants(pf: PatientFacts, day: dt.date, rng: random.Random,
                  had_positive_swab: bool) -> dict[str, str]:
    """Every task's variant on `day`; the swab and compliance are drawn per note."""
    out = {task: fact.at(day) for task, fact in pf.facts.items()}
    if out["terapia_antiepilettica"] == "in_terapia":
        out["compliance_antiepilettica"] = ("non_aderente" if rng.random() < pf.nonadherence
                                            else "aderente")
    else:
        out["compliance_antiepilettica"] = "non_applicabile"
    if rng.random() < pf.covid_rate:
        out["tampone_sars_cov_2"] = "positivo"
    else:
        out["tampone_sars_cov_2"] = "negativo_pregresso" if had_positive_swab else "negativo"
    return {task: out[task] for task in TASKS}
