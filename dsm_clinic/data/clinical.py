"""Clinical sentences stating one task's fact, the way Italian notes state it.

Each `mentions` call returns the sentences a note uses for one task on one day, each tagged
with the kind of section it belongs in (CATEGORIES). Positive facts are always stated, by
the condition's name, an abbreviation, a drug or a device check; negative ones are often
silent and otherwise negated, attributed to a relative, resolved, suspected or refused. A
sentence about one task never states another task's fact, so labels stay exact.

A sentence is a list of pieces: plain text, or (text, PHI type) for dates and names.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from dsm_clinic.data.facts import PatientFacts
from dsm_clinic.data.phi import PhiMaker

Piece = str | tuple[str, str]
Sentence = list[Piece]
# apr: past history · fam: family history · fis: lifestyle · ter: therapy list item ·
# eo: examination · esami: tests · decorso: course · diagnosi: conclusions · funz: function
CATEGORIES = ("apr", "fam", "fis", "ter", "eo", "esami", "decorso", "diagnosi", "funz")


@dataclass
class Mention:
    category: str
    sentence: Sentence


# (generic name, brand, doses, posology)
ANTIEPILEPTICS = [
    ("levetiracetam", "Keppra", ["250 mg", "500 mg", "750 mg", "1000 mg"], "bid"),
    ("acido valproico", "Depakin", ["300 mg", "500 mg"], "bid"),
    ("valproato di sodio", "Depakin Chrono", ["500 mg"], "1 cp x 2/die"),
    ("lamotrigina", "Lamictal", ["50 mg", "100 mg", "200 mg"], "bid"),
    ("carbamazepina", "Tegretol", ["200 mg", "400 mg"], "bid"),
    ("lacosamide", "Vimpat", ["100 mg", "200 mg"], "bid"),
    ("oxcarbazepina", "Tolep", ["300 mg", "600 mg"], "bid"),
    ("brivaracetam", "Briviact", ["50 mg", "100 mg"], "bid"),
    ("topiramato", "Topamax", ["50 mg", "100 mg"], "bid"),
    ("perampanel", "Fycompa", ["4 mg", "6 mg"], "1 cp la sera"),
    ("zonisamide", "Zonegran", ["100 mg"], "1 cp/die"),
    ("fenitoina", "Dintoina", ["100 mg"], "tid"),
]
ANTICOAGULANTS = [
    ("apixaban", "Eliquis", ["2,5 mg", "5 mg"], "bid"),
    ("rivaroxaban", "Xarelto", ["15 mg", "20 mg"], "1 cp/die"),
    ("dabigatran", "Pradaxa", ["110 mg", "150 mg"], "1 cp x 2/die"),
    ("edoxaban", "Lixiana", ["30 mg", "60 mg"], "1 cp/die"),
    ("warfarin", "Coumadin", ["5 mg"], "secondo INR"),
    ("acenocumarolo", "Sintrom", ["4 mg", "1 mg"], "secondo schema INR"),
]
VKA = ("warfarin", "acenocumarolo")
ANTIPLATELETS = ["Cardioaspirina 100 mg 1 cp/die", "Acido acetilsalicilico 100 mg 1 cp a pranzo",
                 "Clopidogrel 75 mg 1 cp/die", "ASA 100 mg 1 cp/die", "Ticagrelor 90 mg bid"]
DIABETES_DRUGS = ["Metformina 500 mg 1 cp bid", "Metformina 1000 mg 1 cp x 2/die",
                  "Metformina 850 mg 1 cp tid", "Sitagliptin 100 mg 1 cp/die",
                  "Gliclazide 30 mg 1 cp a colazione", "Semaglutide 0,5 mg sc 1 volta/settimana",
                  "Linagliptin 5 mg 1 cp/die"]
INSULINS = ["Insulina glargine {n} UI ore 22", "Insulina degludec {n} UI la sera",
            "Insulina lispro secondo schema ai pasti", "Insulina aspart {n} UI ai pasti"]
ASTHMA_DRUGS = ["Foster 100/6 2 puff bid", "Salmeterolo/fluticasone 50/250 1 inalazione bid",
                "Montelukast 10 mg 1 cp la sera", "Symbicort 160/4,5 1 inalazione bid e al bisogno",
                "Budesonide/formoterolo 1 inalazione bid", "Relvar Ellipta 92/22 1 inalazione/die"]
HF_DRUGS = ["Sacubitril/valsartan 49/51 mg 1 cp bid", "Sacubitril/valsartan 24/26 mg bid",
            "Entresto 97/103 mg 1 cp x 2/die"]
OTHER_DRUGS = ["Pantoprazolo 20 mg 1 cp/die", "Atorvastatina 20 mg 1 cp la sera",
               "Rosuvastatina 10 mg 1 cp/die", "Ramipril 5 mg 1 cp/die", "Amlodipina 5 mg 1 cp/die",
               "Bisoprololo 2,5 mg 1 cp/die", "Levotiroxina 50 mcg 1 cp a digiuno",
               "Colecalciferolo 25.000 UI 1 fl/settimana", "Paracetamolo 1 g al bisogno",
               "Tamsulosina 0,4 mg 1 cp la sera", "Allopurinolo 300 mg 1 cp/die",
               "Furosemide 25 mg 1 cp/die", "Lansoprazolo 30 mg 1 cp/die", "Sertralina 50 mg 1 cp/die",
               "Omeprazolo 20 mg 1 cp/die", "Losartan 50 mg 1 cp/die", "Metoprololo 100 mg bid",
               "Acido folico 5 mg 1 cp/die", "Lattulosio 15 ml al bisogno"]


@dataclass
class PatientDetail:
    """Stable per-patient specifics the sentences repeat across notes (drugs, devices, years)."""

    aeds: list[tuple[str, str, str, str]]
    anticoagulant: tuple[str, str, str, str]
    antiplatelet: str
    diabetes_drug: str
    insulin: str
    asthma_drug: str
    hf_drug: str
    ef: int
    nyha: str
    device_year: int
    onset_year: int
    cigarettes: int
    quit_year: int
    other_drugs: list[str] = field(default_factory=list)


def patient_detail(rng: random.Random, first_day: dt.date) -> PatientDetail:
    """Draw the specifics for one patient."""
    aed = rng.choice(ANTIEPILEPTICS)
    aeds = [(aed[0], aed[1], rng.choice(aed[2]), aed[3])]
    if rng.random() < 0.25:
        second = rng.choice([d for d in ANTIEPILEPTICS if d[0] != aed[0]])
        aeds.append((second[0], second[1], rng.choice(second[2]), second[3]))
    ac = rng.choice(ANTICOAGULANTS)
    return PatientDetail(
        aeds=aeds, anticoagulant=(ac[0], ac[1], rng.choice(ac[2]), ac[3]),
        antiplatelet=rng.choice(ANTIPLATELETS), diabetes_drug=rng.choice(DIABETES_DRUGS),
        insulin=rng.choice(INSULINS).format(n=rng.randint(8, 30)),
        asthma_drug=rng.choice(ASTHMA_DRUGS), hf_drug=rng.choice(HF_DRUGS),
        ef=rng.randint(22, 38), nyha=rng.choice(["I", "II", "II", "II-III", "III"]),
        device_year=first_day.year - rng.randint(1, 12), onset_year=first_day.year - rng.randint(1, 20),
        cigarettes=rng.choice([5, 10, 10, 15, 20, 20, 30, 40]),
        quit_year=first_day.year - rng.randint(1, 25),
        other_drugs=rng.sample(OTHER_DRUGS, rng.randint(0, 6)),
    )


@dataclass
class Ctx:
    """What a sentence may depend on: the day, the patient, the note kind, other variants."""

    rng: random.Random
    phi: PhiMaker
    pf: PatientFacts
    pd: PatientDetail
    day: dt.date
    kind: str
    variants: dict[str, str]

    def o(self, male: str = "o", female: str = "a") -> str:
        """Gender ending for the patient: ricoverat + o/a."""
        return female if self.pf.female else male

    def date(self, d: dt.date, *, full: bool = True) -> Piece:
        return (self.phi.date(d, full=full), "DATA")

    def past(self, year: int) -> Sentence:
        """'nel 2017', or a DATA piece: 'a marzo 2017', 'il 12/03/2017'."""
        rng = self.rng
        year = min(year, self.day.year)
        r = rng.random()
        if r < 0.5:
            return [f"nel {year}"]
        d = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        if d >= self.day:
            d = self.day - dt.timedelta(days=rng.randint(30, 400))
        if r < 0.75:
            return ["a ", (self.phi.date(d, style="month y"), "DATA")]
        return ["il ", (self.phi.date(d), "DATA")]

    def changed_on(self, task: str) -> dt.date | None:
        """The day this task's variant changed, when it already has by this note."""
        fact = self.pf.facts.get(task)
        if fact is not None and fact.change is not None and self.day >= fact.change:
            return fact.change
        return None

    def recent(self, days: int = 3) -> dt.date:
        return self.day - dt.timedelta(days=self.rng.randint(0, days))


def _one(ctx: Ctx, options: list[tuple[str, Sentence]], k: int = 1) -> list[Mention]:
    picks = ctx.rng.sample(options, min(k, len(options)))
    return [Mention(cat, list(s)) for cat, s in picks]


def _maybe(ctx: Ctx, p: float, options: list[tuple[str, Sentence]]) -> list[Mention]:
    return _one(ctx, options) if ctx.rng.random() < p else []


def _positive(ctx: Ctx, options: list[tuple[str, Sentence]]) -> list[Mention]:
    """One or, sometimes, two statements of a positive fact in different places."""
    return _one(ctx, options, 2 if ctx.rng.random() < 0.3 else 1)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _asma(v: str, c: Ctx) -> list[Mention]:
    if v == "asma":
        out = _positive(c, [
            ("apr", ["Asma bronchiale allergica dall'infanzia, in terapia inalatoria."]),
            ("apr", ["Asma bronchiale diagnosticata ", *c.past(c.pd.onset_year), ", in buon controllo."]),
            ("apr", ["Broncopatia asmatica nota; ultima riacutizzazione ", *c.past(c.day.year), "."]),
            ("ter", [c.pd.asthma_drug]),
            ("diagnosi", ["Asma bronchiale persistente lieve-moderata."]),
            ("eo", ["Torace: sibili espiratori diffusi, in pz con asma nota."]),
            ("esami", ["Spirometria: deficit ostruttivo reversibile dopo broncodilatatore, compatibile con asma."]),
        ])
        if c.changed_on("asma"):
            out.append(Mention("decorso", ["La spirometria del ", c.date(c.pf.facts["asma"].change),
                                           " ha confermato la diagnosi di asma bronchiale."]))
        return out
    if v == "asma_risolta":
        return _maybe(c, 0.75, [
            ("apr", ["Asma in età pediatrica, risolta nell'adolescenza; attualmente non in terapia inalatoria."]),
            ("apr", ["Riferiti episodi di broncospasmo in età infantile (asma), non più presenti da oltre vent'anni."]),
            ("apr", ["Pregressa asma infantile, da tempo asintomatic", c.o(), " e senza terapia."]),
        ])
    if v == "sospetta":
        return _maybe(c, 0.85, [
            ("diagnosi", ["Dispnea sibilante di n.d.d., sospetta asma: si richiede spirometria con test di broncodilatazione."]),
            ("decorso", ["Episodi di tosse notturna e dispnea: sospetta asma bronchiale, da confermare con spirometria."]),
            ("esami", ["In attesa di spirometria per sospetta asma."]),
        ])
    if v == "bpco":
        return _maybe(c, 0.9, [
            ("apr", ["BPCO in terapia con tiotropio; non storia di asma."]),
            ("ter", ["Tiotropio 2,5 mcg 2 puff/die"]),
            ("diagnosi", ["Riacutizzazione di BPCO."]),
            ("apr", ["Broncopneumopatia cronica ostruttiva (GOLD 2)."]),
        ])
    return _maybe(c, 0.2, [
        ("apr", ["Nega asma."]), ("apr", ["Non storia di asma né di allergie note."]),
        ("apr", ["Nega asma e broncopatie croniche."]), ("eo", ["MV fisiologico, non sibili, non segni di broncospasmo."]),
    ])


def _diabete(v: str, c: Ctx) -> list[Mention]:
    if v == "dm2":
        out = _positive(c, [
            ("apr", ["Diabete mellito tipo 2 noto dal ", str(c.pd.onset_year), ", in terapia orale."]),
            ("apr", ["DM2 in trattamento con ipoglicemizzanti orali."]),
            ("apr", ["DMT2 complicato da retinopatia non proliferante."]),
            ("ter", [c.pd.diabetes_drug]),
            ("esami", [f"HbA1c {c.rng.randint(66, 95) / 10:.1f}%".replace(".", ","), " (diabete in compenso subottimale)."]),
            ("diagnosi", ["Diabete mellito tipo 2 in discreto compenso glicemico."]),
        ])
        if c.changed_on("diabete"):
            out.append(Mention("decorso", ["Diagnosi di diabete mellito tipo 2 posta il ",
                                           c.date(c.pf.facts["diabete"].change), ", avviata metformina."]))
        return out
    if v == "dm1":
        return _positive(c, [
            ("apr", [f"Diabete mellito tipo 1 dall'età di {c.rng.randint(6, 30)} anni, in terapia insulinica basal-bolus."]),
            ("apr", ["DM1 in terapia con microinfusore."]),
            ("ter", [c.pd.insulin]),
            ("diagnosi", ["Diabete mellito tipo 1 in terapia insulinica."]),
        ])
    if v == "gestazionale":
        return _maybe(c, 0.7, [
            ("apr", ["Diabete gestazionale ", *c.past(c.pd.onset_year), ", successivamente glicemie nella norma."]),
            ("apr", ["Pregresso diabete gestazionale, risolto dopo il parto; attualmente non diabetica."]),
        ])
    if v == "ifg":
        return _maybe(c, 0.7, [
            ("esami", [f"Glicemia a digiuno {c.rng.randint(101, 125)} mg/dl: alterata glicemia a digiuno, non diagnosi di diabete."]),
            ("apr", ["Alterata glicemia a digiuno in trattamento dietetico; HbA1c 5,9%."]),
        ])
    if v == "sospetto":
        return _maybe(c, 0.8, [
            ("esami", [f"Glicemia occasionale {c.rng.randint(160, 230)} mg/dl: sospetto diabete mellito, si richiede HbA1c."]),
            ("diagnosi", ["Iperglicemia da stress in corso di infezione; da escludere diabete mellito."]),
        ])
    return _maybe(c, 0.15, [
        ("apr", ["Nega diabete."]), ("esami", ["Glicemia nei limiti."]),
        ("apr", ["Non diabetic", c.o(), "."]),
    ])


def _fa(v: str, c: Ctx) -> list[Mention]:
    vasc = f"CHA2DS2-VASc {c.rng.randint(1, 6)}"
    if v in ("parossistica", "persistente", "permanente"):
        opts: list[tuple[str, Sentence]] = {
            "parossistica": [
                ("apr", [f"FA parossistica nota dal {c.pd.onset_year} ({vasc})."]),
                ("apr", ["Fibrillazione atriale parossistica diagnosticata ", *c.past(c.pd.onset_year), "."]),
                ("esami", ["Holter ECG 24h: episodi di fibrillazione atriale parossistica, il più lungo di 3 ore."]),
                ("decorso", ["Episodio di FA ad elevata risposta ventricolare, cardiovertita farmacologicamente con amiodarone."]),
                ("diagnosi", ["Fibrillazione atriale parossistica."]),
            ],
            "persistente": [
                ("apr", ["FA persistente, sottoposta a cardioversione elettrica ", *c.past(c.pd.onset_year), " con recidiva."]),
                ("diagnosi", [f"Fibrillazione atriale persistente ({vasc})."]),
                ("esami", ["ECG: fibrillazione atriale a media risposta ventricolare."]),
            ],
            "permanente": [
                ("apr", ["Fibrillazione atriale permanente a frequenza controllata."]),
                ("apr", ["FA cronica nota da anni."]),
                ("esami", [f"ECG: fibrillazione atriale, FC {c.rng.randint(62, 95)} bpm, non alterazioni acute della ripolarizzazione."]),
                ("diagnosi", [f"FA permanente ({vasc})."]),
            ],
        }[v]
        out = _positive(c, opts)
        if v == "parossistica" and c.rng.random() < 0.25:
            out.append(Mention("esami", ["ECG odierno: ritmo sinusale."]))  # between episodes
        when = c.changed_on("fibrillazione_atriale")
        if when:
            out.append(Mention("esami", ["All'Holter ECG del ", c.date(when),
                                         " documentati episodi di FA parossistica."]))
        return out
    if v == "episodio_risolto":
        return _maybe(c, 0.8, [
            ("apr", ["Episodio isolato di FA in corso di ipertiroidismo nel ", str(c.pd.onset_year),
                     ", risolto dopo correzione; da allora ritmo sinusale stabile agli Holter di controllo."]),
            ("apr", ["Unico episodio di FA in corso di sepsi, cardiovertito, senza recidive negli anni successivi."]),
        ])
    if v == "sospetta":
        return _maybe(c, 0.9, [
            ("diagnosi", ["Cardiopalmo: sospetta FA parossistica, si programma Holter ECG 24h."]),
            ("decorso", ["Riferiti episodi di cardiopalmo irregolare, sospetta fibrillazione atriale non documentata."]),
            ("esami", ["ECG: ritmo sinusale. Da escludere FA parossistica (in programma monitoraggio Holter)."]),
        ])
    return _maybe(c, 0.2, [
        ("esami", ["ECG: ritmo sinusale, normale conduzione AV."]), ("apr", ["Non storia di aritmie."]),
        ("esami", ["Holter ECG: ritmo sinusale, non episodi di FA."]),
    ])


def _scompenso(v: str, c: Ctx) -> list[Mention]:
    if v in ("hfref", "hfpef"):
        if v == "hfref":
            opts: list[tuple[str, Sentence]] = [
                ("apr", [f"Scompenso cardiaco cronico a frazione d'eiezione ridotta (FEVI {c.pd.ef}%), NYHA {c.pd.nyha}."]),
                ("apr", [f"Cardiomiopatia dilatativa post-ischemica con insufficienza cardiaca, FE {c.pd.ef}%."]),
                ("ter", [c.pd.hf_drug]),
                ("diagnosi", [f"Scompenso cardiaco cronico (HFrEF) in classe NYHA {c.pd.nyha}."]),
                ("esami", [f"Ecocardiogramma: ventricolo sinistro dilatato, FEVI {c.pd.ef}%; quadro di cardiomiopatia con scompenso."]),
            ]
        else:
            opts = [
                ("apr", [f"Scompenso cardiaco a frazione d'eiezione preservata (FEVI {c.rng.randint(50, 62)}%)."]),
                ("diagnosi", ["Insufficienza cardiaca con FE preservata (HFpEF), NYHA ", c.pd.nyha, "."]),
                ("decorso", ["Riacutizzazione di scompenso cardiaco trattata con diuretico ev, con buona risposta."]),
            ]
        out = _positive(c, opts)
        if c.rng.random() < 0.3:
            # a compensated patient still has heart failure: the negation is about today
            out.append(Mention("eo", ["Attualmente in compenso emodinamico, non segni di scompenso in atto."]))
        if c.changed_on("scompenso_cardiaco"):
            out.append(Mention("decorso", ["Nuova diagnosi di scompenso cardiaco il ",
                                           c.date(c.pf.facts["scompenso_cardiaco"].change), "."]))
        return out
    if v == "escluso":
        return _maybe(c, 0.8, [
            ("esami", ["Dispnea da sforzo: NT-proBNP nella norma ed ecocardiogramma con FEVI conservata, escluso scompenso cardiaco."]),
            ("diagnosi", ["Dispnea di origine non cardiaca; non elementi per scompenso cardiaco."]),
        ])
    return _maybe(c, 0.25, [
        ("eo", ["Non segni di scompenso cardiaco."]), ("eo", ["Non edemi declivi, non turgore giugulare."]),
        ("esami", [f"Ecocardiogramma: FEVI {c.rng.randint(55, 65)}%, normale cinesi segmentaria."]),
    ])


def _pacemaker(v: str, c: Ctx) -> list[Mention]:
    if v == "pm":
        mode = c.rng.choice(["bicamerale (DDD)", "monocamerale (VVI)", "bicamerale DDDR", ""])
        why = c.rng.choice(["BAV di III grado", "malattia del nodo del seno", "BAV II grado Mobitz 2",
                            "sincopi da bradicardia"])
        when = c.changed_on("pacemaker")
        past = ["il ", c.date(when)] if when else c.past(c.pd.device_year)
        return _positive(c, [
            ("apr", [f"Portatore di PM {mode} impiantato ".replace("  ", " "), *past, f" per {why}."]),
            ("apr", ["Portatore di pacemaker per ", why, "."]),
            ("esami", ["ECG: ritmo indotto da PM, FC 60 bpm."]),
            ("esami", ["Controllo PM: parametri di stimolazione e sensing nella norma, batteria in ordine."]),
            ("eo", ["Tasca del PMK in sede sottoclaveare sinistra in ordine."]),
            ("diagnosi", ["Portatore di pacemaker (controllo periodico regolare)."]),
        ])
    if v == "rifiutato":
        return _maybe(c, 0.85, [
            ("apr", ["Posta indicazione a impianto di PM per BAV II grado, rifiutato dal pz."]),
            ("decorso", ["Proposto impianto di pacemaker, che il pz al momento rifiuta."]),
        ])
    no_device = c.variants["icd"] == "assente"
    return _maybe(c, 0.15, [("apr", ["Non portatore di pacemaker."])] + (
        [("apr", ["Nega dispositivi impiantati (RMN eseguibile)."])] if no_device else []))


def _icd(v: str, c: Ctx) -> list[Mention]:
    when = c.changed_on("icd")
    past = ["il ", c.date(when)] if when else c.past(c.pd.device_year)
    if v == "icd":
        return _positive(c, [
            ("apr", ["Portatore di ICD bicamerale in prevenzione primaria, impiantato ", *past, "."]),
            ("apr", ["Portatore di defibrillatore impiantabile in prevenzione secondaria dopo arresto cardiaco."]),
            ("esami", ["Interrogazione ICD: nessuna terapia erogata dall'ultimo controllo."]),
            ("diagnosi", ["Portatore di ICD monocamerale."]),
        ])
    if v == "crtd":
        return _positive(c, [
            ("apr", ["Portatore di CRT-D impiantato ", *past, "."]),
            ("apr", ["Resincronizzazione cardiaca con defibrillatore (CRT-D)."]),
            ("esami", ["Controllo CRT-D: stimolazione biventricolare > 98%, nessun intervento del defibrillatore."]),
        ])
    if v == "sicd":
        return _positive(c, [
            ("apr", ["Portatore di S-ICD (defibrillatore sottocutaneo) ", *past, "."]),
            ("esami", ["Controllo S-ICD regolare, nessuno shock erogato."]),
        ])
    if v == "in_valutazione":
        return _maybe(c, 0.85, [
            ("diagnosi", ["In valutazione per impianto di ICD in prevenzione primaria."]),
            ("decorso", ["Posta indicazione a ICD: si rivaluterà dopo ottimizzazione della terapia medica."]),
        ])
    if v == "lifevest":
        return _maybe(c, 0.9, [
            ("decorso", ["Dimess", c.o(), " con defibrillatore indossabile (LifeVest) in attesa di rivalutare la FE."]),
            ("ter", ["Defibrillatore indossabile (LifeVest) da portare h24"]),
        ])
    return _maybe(c, 0.1, [("apr", ["Non portatore di ICD."])])


def _antiepilettica(v: str, c: Ctx) -> list[Mention]:
    aeds = c.pd.aeds
    names = " e ".join(a[0] for a in aeds)
    if v == "in_terapia":
        items = [("ter", [f"{_cap(a[0]) if c.rng.random() < 0.6 else a[1]} {a[2]} {a[3]}"]) for a in aeds]
        syndrome = c.rng.choice(["Epilessia focale", "Epilessia generalizzata idiopatica",
                                 "Epilessia strutturale post-ictale", "Epilessia del lobo temporale"])
        opts: list[tuple[str, Sentence]] = [
            ("apr", [f"{syndrome} in terapia con {names}."]),
            ("apr", [f"{syndrome} nota dal {c.pd.onset_year}, in terapia antiepilettica."]),
            ("diagnosi", [f"{syndrome} in trattamento con {names}."]),
        ]
        out = _one(c, opts) if c.rng.random() < 0.5 else []
        out += [Mention(cat, list(s)) for cat, s in items]  # the drug list always names them
        when = c.changed_on("terapia_antiepilettica")
        if when:
            out.append(Mention("decorso", ["In data ", c.date(when), " crisi tonico-clonica generalizzata; avviata terapia con ",
                                           aeds[0][0], "."]))
        return out
    if v == "sospesa":
        when = c.changed_on("terapia_antiepilettica")
        past = ["il ", c.date(when)] if when else c.past(c.pd.onset_year)
        return _maybe(c, 0.8, [
            ("apr", ["Epilessia in remissione; ", aeds[0][0], " sospeso ", *past, " senza recidive."]),
            ("apr", ["Pregressa terapia con ", aeds[0][1], ", sospesa per remissione delle crisi."]),
        ])
    if v == "crisi_non_trattata":
        return _maybe(c, 0.7, [
            ("apr", ["Singola crisi convulsiva in età giovanile, mai trattata."]),
            ("apr", [f"Episodio critico isolato nel {c.pd.onset_year}; EEG nella norma, non avviata terapia."]),
        ])
    return _maybe(c, 0.12, [("apr", ["Non assume farmaci antiepilettici."]),
                            ("apr", ["Non storia di crisi epilettiche."])])


def _compliance(v: str, c: Ctx) -> list[Mention]:
    drug = c.pd.aeds[0][0]
    if v == "aderente":
        return _one(c, [
            ("decorso", ["Riferisce buona aderenza alla terapia antiepilettica."]),
            ("apr", ["Assume regolarmente la terapia, non crisi dall'ultimo controllo."]),
            ("esami", [f"Dosaggio plasmatico di {drug} nel range terapeutico."]),
            ("decorso", ["Il familiare conferma la regolare assunzione della terapia."]),
        ])
    if v == "non_aderente":
        return _one(c, [
            ("decorso", [f"Riferisce di aver dimenticato diverse dosi di {drug} nell'ultima settimana."]),
            ("decorso", ["Scarsa compliance alla terapia antiepilettica."]),
            ("esami", [f"Livelli plasmatici di {drug} sub-terapeutici."]),
            ("decorso", [f"Ha sospeso autonomamente {drug} da alcuni giorni per sonnolenza."]),
            ("diagnosi", ["Crisi epilettica in probabile relazione a scarsa aderenza terapeutica."]),
        ])
    return []


def _tampone(v: str, c: Ctx) -> list[Mention]:
    if v == "positivo":
        return _one(c, [
            ("esami", ["Tampone naso-faringeo molecolare per SARS-CoV-2: POSITIVO."]),
            ("esami", ["Test antigenico rapido per SARS-CoV-2 del ", c.date(c.recent()), " positivo, confermato al test molecolare."]),
            ("decorso", ["Riscontro di positività al tampone per SARS-CoV-2: trasferit", c.o(), " in area COVID."]),
            ("esami", ["Test molecolare SARS-CoV-2 (RT-PCR): rilevato."]),
        ])
    out = _one(c, [
        ("esami", ["Tampone naso-faringeo per SARS-CoV-2: negativo."]),
        ("esami", ["TNF SARS-CoV-2 negativo."]),
        ("esami", ["Test antigenico rapido SARS-CoV-2 negativo."]),
        ("esami", ["Tampone molecolare per SARS-CoV-2 del ", c.date(c.recent()), ": non rilevato."]),
        ("decorso", ["Eseguito tampone per SARS-CoV-2 all'ingresso, risultato negativo."]),
        ("esami", ["Test antigenico debolmente positivo, non confermato al tampone molecolare (negativo)."]),
        ("decorso", ["Convivente positivo a SARS-CoV-2; tampone del pz negativo."]),
    ])
    if v == "negativo_pregresso":
        past = c.day - dt.timedelta(days=c.rng.randint(60, 700))
        out.append(Mention("apr", ["Pregressa infezione da SARS-CoV-2 (", c.date(past, full=False), ")."]))
    return out


def _autonomia(v: str, c: Ctx) -> list[Mention]:
    rng = c.rng
    o = c.o()
    if v == "autonomo":
        out = _one(c, [
            ("funz", [f"Autonom{o} nelle ADL e nelle IADL."]),
            ("funz", [f"Deambulazione autonoma, indice di Barthel {rng.randint(91, 100)}/100."]),
            ("funz", [f"Vive con il coniuge, autonom{o} nelle attività di vita quotidiana."]),
            ("eo", [f"Vigile, orientat{o}, deambula autonomamente."]),
        ])
        braden = rng.randint(19, 23)
    elif v == "parziale":
        out = _one(c, [
            ("funz", ["Deambula con ausilio (bastone)."]),
            ("funz", ["Deambula con deambulatore; necessita di aiuto per igiene personale e vestizione."]),
            ("funz", [f"Parzialmente dipendente nelle ADL (Barthel {rng.randint(41, 90)})."]),
            ("funz", [f"Necessita di supervisione nei trasferimenti, autonom{o} nell'alimentazione."]),
        ])
        braden = rng.randint(15, 18)
    else:
        out = _one(c, [
            ("funz", [f"Allettat{o}, totalmente dipendente nelle ADL."]),
            ("funz", [f"Indice di Barthel {rng.randint(0, 40)}/100, non deambulante."]),
            ("funz", [f"Allettat{o}, mobilizzat{o} in carrozzina con sollevatore; necessita di assistenza completa."]),
            ("funz", ["Dipendente in tutte le ADL, alimentazione assistita."]),
        ])
        braden = rng.randint(8, 14)
    when = c.changed_on("autonomia")
    if when and rng.random() < 0.6:
        before = "autonom" + o if v == "parziale" else "parzialmente dipendente"
        out.append(Mention("funz", ["Fino a ", c.date(when, full=False),
                                    f" {before}; peggioramento funzionale dopo il recente ricovero."]))
    if c.kind == "diario_infermieristico" or rng.random() < 0.15:
        out.append(Mention("funz", [f"Scala di Braden {braden}."]))
    return out


def _fumo(v: str, c: Ctx) -> list[Mention]:
    n = c.pd.cigarettes
    if v == "fumatore":
        return _one(c, [
            ("fis", [f"Fumatore attivo ({n} sigarette/die)." if not c.pf.female else f"Fumatrice ({n} sigarette/die)."]),
            ("fis", [f"Fuma circa {n} sig/die."]), ("fis", [f"Tabagismo attivo ({n // 2 + 10} pack-years)."]),
            ("fis", [f"Fumo: sì, {n} sigarette al giorno."]),
        ])
    if v == "ex":
        when = c.changed_on("fumo")
        if when:
            return [Mention("fis", ["Ha smesso di fumare a ", c.date(when, full=False), f" (in precedenza {n} sig/die)."])]
        return _one(c, [
            ("fis", [f"Ex fumat{c.o('ore', 'rice')} (ha smesso nel {c.pd.quit_year})."]),
            ("fis", [f"Ex tabagista ({n} sig/die fino al {c.pd.quit_year})."]),
            ("fis", ["Fumo: ex, sospeso da anni."]),
            ("fis", ["Nega fumo attivo; ex fumat", c.o("ore", "rice"), "."]),
        ])
    return _one(c, [
        ("fis", ["Non fumat" + c.o("ore", "rice") + "."]), ("fis", ["Nega fumo."]),
        ("fis", ["Fumo: no. Alcol: occasionale."]), ("fis", ["Non ha mai fumato."]),
        ("fis", ["Non fumatore; il coniuge è forte fumatore (esposizione a fumo passivo)."]
         if not c.pf.female else ["Non fumatrice; il coniuge è forte fumatore (fumo passivo)."]),
    ])


def _anticoagulante(v: str, c: Ctx) -> list[Mention]:
    name, brand, dose, posology = c.pd.anticoagulant
    if v == "in_terapia":
        item = f"{_cap(name) if c.rng.random() < 0.6 else brand} {dose} {posology}"
        opts: list[tuple[str, Sentence]] = [("ter", [item]), ("ter", [item]),
                                            ("apr", [f"In terapia anticoagulante con {name}."])]
        if name in VKA:
            opts += [("apr", [f"In TAO con {name} (INR target 2-3)."]),
                     ("esami", [f"INR {c.rng.randint(20, 32) / 10:.1f}".replace(".", ","), " in range terapeutico."])]
        else:
            opts += [("apr", [f"In terapia con NAO ({name})."])]
        out = _positive(c, opts)
        when = c.changed_on("terapia_anticoagulante")
        if when:
            out.append(Mention("decorso", ["Avviata terapia anticoagulante con ", name, " il ", c.date(when), "."]))
        return out
    if v == "sospesa":
        when = c.changed_on("terapia_anticoagulante")
        past = ["il ", c.date(when)] if when else c.past(c.day.year)
        return _maybe(c, 0.8, [
            ("apr", [f"{_cap(name)} sospeso ", *past, " per emorragia digestiva, non più ripreso."]),
            ("apr", ["Pregressa terapia anticoagulante, sospesa ", *past, "."]),
        ])
    if v == "antiaggregante":
        return _maybe(c, 0.9, [("ter", [c.pd.antiplatelet]),
                               ("apr", ["In terapia antiaggregante con ", c.pd.antiplatelet.split(" ")[0].lower(), "."])])
    if v == "controindicata":
        return _maybe(c, 0.9, [
            ("apr", ["Terapia anticoagulante controindicata per pregressa emorragia cerebrale."]),
            ("diagnosi", ["Non candidabile a TAO per elevato rischio emorragico (HAS-BLED 4)."]),
        ])
    return _maybe(c, 0.12, [("apr", ["Non in terapia anticoagulante."]),
                            ("apr", ["Nega assunzione di anticoagulanti."])])


_FAMILY_WORDS = {
    "asma": ["asma", "asma bronchiale"], "diabete": ["diabete mellito tipo 2", "diabete"],
    "fibrillazione_atriale": ["fibrillazione atriale", "FA"], "scompenso_cardiaco": ["scompenso cardiaco"],
    "epilessia": ["epilessia in terapia con valproato", "epilessia", "epilessia in terapia con levetiracetam"],
    "pacemaker": ["impianto di pacemaker", "PM per BAV"], "fumo": ["tabagismo"],
}
_FEMALE_RELATIVES = {"madre", "sorella", "nonna materna", "figlia"}


def family(c: Ctx) -> list[Mention]:
    """Family history sentences: they name conditions that are the relative's, not the patient's."""
    out = []
    for rel, cond in c.pf.family:
        if c.rng.random() < 0.35:
            continue
        word = c.rng.choice(_FAMILY_WORDS[cond])
        prep = "nella" if rel in _FEMALE_RELATIVES else ("nel" if rel[0] not in "z" else "nello")
        form = c.rng.randint(0, 2)
        if form == 0:
            s = f"{word[:1].upper() + word[1:]} {prep} {rel}."
        elif form == 1:
            s = f"Familiarità per {word} ({rel})."
        else:
            s = f"{_cap(rel)}: {word}."
        out.append(Mention("fam", [s]))
    return out


MENTIONERS: dict[str, Callable[[str, Ctx], list[Mention]]] = {
    "asma": _asma, "pacemaker": _pacemaker, "icd": _icd,
    "terapia_antiepilettica": _antiepilettica, "compliance_antiepilettica": _compliance,
    "tampone_sars_cov_2": _tampone, "autonomia": _autonomia, "diabete": _diabete,
    "fibrillazione_atriale": _fa, "scompenso_cardiaco": _scompenso, "fumo": _fumo,
    "terapia_anticoagulante": _anticoagulante,
}


def mentions(task: str, ctx: Ctx) -> list[Mention]:
    """The sentences a note uses for `task` on ctx.day (possibly none for a negative fact)."""
    return MENTIONERS[task](ctx.variants[task], ctx)
