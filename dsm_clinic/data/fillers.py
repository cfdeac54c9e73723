"""Background clinical text that states no task's fact: other history, examination, labs,
course, reasons for the visit. Eponyms and scales (Parkinson, Glasgow, Babinski, Doppler...)
live here and are not PHI. Where a sentence could contradict a fact (heart rhythm, gait)
it reads the note's variants first.
"""

from __future__ import annotations

import random

_HISTORY = [
    "Ipertensione arteriosa in terapia.", "Dislipidemia.", "Ipotiroidismo in terapia sostitutiva.",
    "Malattia di Parkinson in fase iniziale.", "Insufficienza renale cronica stadio 3a.",
    "Pregressa appendicectomia.", "Colecistectomia VLS.", "Tiroidite di Hashimoto.",
    "Artrosi polidistrettuale.", "Sindrome ansioso-depressiva.", "Gastrite cronica HP-negativa.",
    "Osteoporosi.", "Pregresso intervento di protesi d'anca dx.", "Morbo di Crohn in remissione.",
    "Sindrome di Gilbert.", "Cardiopatia ischemica, pregresso IMA trattato con PTCA e stent su IVA.",
    "Ernia iatale.", "Diverticolosi del colon.", "Calcolosi renale.",
    "Pregressa TVP arto inferiore sinistro.", "Sindrome delle apnee ostruttive nel sonno.",
    "Emicrania senz'aura.", "Anemia sideropenica.", "Pregressa frattura di polso dx.",
    "Glaucoma cronico ad angolo aperto.", "Malattia di Paget ossea.", "Pregressa TIA.",
]
_ALLERGIES = ["Allergie: nega.", "Allergia riferita a penicillina.", "Nega allergie a farmaci.",
              "Allergia a FANS (orticaria).", "Allergie: mezzi di contrasto iodati."]
_LIFESTYLE = ["Alcol: occasionale.", "Pensionat{o}.", "Vive con il coniuge.", "Vive da sol{o}.",
              "Alvo regolare, diuresi valida.", "Sonno regolare.", "Impiegat{o}.",
              "Alimentazione varia.", "Nega uso di sostanze."]
_EXAM = ["Cute e mucose normoirrorate.", "Torace: MV fisiologico su tutto l'ambito polmonare.",
         "Cuore: toni validi, pause libere.", "Addome trattabile, non dolente, Blumberg negativo.",
         "Murphy negativo.", "Giordano negativo bilateralmente.", "Polsi periferici presenti e simmetrici.",
         "Linfonodi superficiali non palpabili.", "Lingua umida.", "Non deficit neurologici focali.",
         "Faringe iperemica.", "Soffio sistolico 2/6 al focolaio aortico."]
_NEURO = ["Nervi cranici nella norma.", "Mingazzini I e II mantenute.",
          "ROT normoevocabili e simmetrici, Babinski negativo bilateralmente.",
          "Sensibilità superficiale e profonda conservata.", "Lasègue negativo bilateralmente.",
          "Non segni meningei.", "Prove di coordinazione indice-naso eseguite correttamente.",
          "Tremore a riposo all'arto superiore dx, di tipo parkinsoniano."]
_STANDING = ["Romberg negativo.", "Marcia su base normale."]
_TESTS = ["Rx torace: non addensamenti parenchimali in atto.",
          "TC encefalo senza mdc: non lesioni ischemiche o emorragiche acute.",
          "Ecocolor-Doppler TSA: ateromasia non emodinamicamente significativa.",
          "Ecografia addome: steatosi epatica lieve.", "EEG: tracciato nei limiti.",
          "RMN encefalo: alcune alterazioni aspecifiche della sostanza bianca.",
          "Ecocolor-Doppler venoso arti inferiori: non segni di TVP.",
          "Es. urine: negativo.", "Emocoltura: negativa."]
_COURSE = ["Il decorso clinico è stato regolare.",
           "Durante la degenza pz apiretic{o}, emodinamicamente stabile.",
           "Si è proceduto a idratazione ev e terapia antibiotica con ceftriaxone 2 g/die.",
           "Progressivo miglioramento del quadro clinico.",
           "Controllo del dolore con paracetamolo al bisogno.",
           "Correzione dell'ipopotassiemia con KCl ev.",
           "Eseguita profilassi antitrombotica con calze elastiche a compressione graduata.",
           "Rimosso CVP in quarta giornata.", "Graduale ripresa dell'alimentazione per os.",
           "Nel corso della degenza episodio di iperpiressia trattato con paracetamolo.",
           "Valutazione nutrizionale: dieta ipercalorica iperproteica."]
ADVICE = ["Si consiglia dieta iposodica.", "Controllo degli esami ematochimici tra 15 giorni.",
          "Visita ambulatoriale di controllo tra un mese.", "Controllo pressorio domiciliare.",
          "Proseguire fisioterapia respiratoria.", "Evitare sforzi fisici intensi per 2 settimane.",
          "Rivalutazione dal MMG in caso di febbre o peggioramento della dispnea."]
_NURSING = ["Pz tranquill{o}, ha riposato durante la notte.", "Somministrata terapia come da prescrizione.",
            "Eseguita medicazione di accesso venoso periferico.", "Dolore NRS {nrs}/10.",
            "Alvo canalizzato, diuresi spontanea.", "Assunto pasto completo.", "Apiretic{o}.",
            "Rilevata glicemia capillare: {gly} mg/dl.", "Cambio biancheria eseguito.",
            "Riferisce lieve cefalea, somministrato paracetamolo 1 g ev con beneficio.",
            "Vigile e collaborante."]

# (reason text, predicate over the note's variants)
_REASONS = [
    ("polmonite comunitaria", None), ("infezione delle vie urinarie", None),
    ("dolore toracico", None), ("sincope", None), ("anemizzazione", None),
    ("caduta accidentale con trauma cranico minore", None), ("iperpiressia", None),
    ("dolore addominale", None), ("vertigini", None), ("cefalea", None), ("astenia", None),
    ("dispnea", None), ("lipotimia", None), ("stato confusionale acuto", None),
    ("polmonite interstiziale da SARS-CoV-2", lambda v: v["tampone_sars_cov_2"] == "positivo"),
    ("crisi epilettica", lambda v: v["terapia_antiepilettica"] == "in_terapia"),
    ("scompenso cardiaco riacutizzato", lambda v: v["scompenso_cardiaco"] in ("hfref", "hfpef")),
    ("cardiopalmo", lambda v: v["fibrillazione_atriale"] in ("parossistica", "sospetta")),
    ("riacutizzazione di BPCO", lambda v: v["asma"] == "bpco"),
    ("iperglicemia in diabete mellito", lambda v: v["diabete"] in ("dm1", "dm2")),
]
CONTROL_REASONS = {"visita_neurologica": ["controllo epilettologico", "cefalea", "vertigini",
                                          "tremore", "parestesie agli arti", "disturbi della memoria"],
                   "visita_cardiologica": ["controllo cardiologico", "dolore toracico atipico",
                                           "cardiopalmo", "ipertensione arteriosa", "dispnea da sforzo"],
                   "visita_ambulatoriale": ["visita di controllo", "follow-up dopo ricovero",
                                            "rivalutazione terapia", "controllo esami ematochimici"]}


def fmt(text: str, female: bool, rng: random.Random) -> str:
    """Fill gender endings and numbers in a filler sentence."""
    return text.format(o="a" if female else "o", nrs=rng.randint(0, 5), gly=rng.randint(85, 210))


def reason(rng: random.Random, variants: dict[str, str], kind: str) -> str:
    """Why the patient came: sometimes in line with a fact, never stating a negative one."""
    if kind in CONTROL_REASONS:
        return rng.choice(CONTROL_REASONS[kind])
    options = [text for text, ok in _REASONS if ok is None or ok(variants)]
    return rng.choice(options)


def vitals(rng: random.Random, variants: dict[str, str]) -> str:
    """Vital signs; the pulse is irregular only in persistent or permanent atrial fibrillation."""
    irregular = variants["fibrillazione_atriale"] in ("persistente", "permanente")
    rhythm = "aritmica" if irregular else "ritmica"
    temp = f"{rng.randint(360, 378) / 10:.1f}".replace(".", ",")
    return (f"PA {rng.randint(105, 170)}/{rng.randint(60, 95)} mmHg, FC {rng.randint(55, 105)} bpm "
            f"{rhythm}, SpO2 {rng.randint(91, 99)}% in aa, TC {temp} °C.")


def labs(rng: random.Random) -> str:
    hb = f"{rng.randint(95, 160) / 10:.1f}".replace(".", ",")
    crea = f"{rng.randint(6, 22) / 10:.1f}".replace(".", ",")
    return (f"Es. ematochimici: Hb {hb} g/dl, GB {rng.randint(40, 160) * 100} /mmc, "
            f"PLT {rng.randint(140, 420)}.000, creatinina {crea} mg/dl, PCR {rng.randint(1, 150) / 10} mg/dl.")


def pick(rng: random.Random, bank: str, k: int, female: bool, variants: dict[str, str]) -> list[str]:
    """`k` distinct filler sentences from the named bank."""
    pool = {"advice": ADVICE, "history": _HISTORY, "allergies": _ALLERGIES, "lifestyle": _LIFESTYLE, "exam": _EXAM,
            "tests": _TESTS, "course": _COURSE, "nursing": _NURSING}.get(bank)
    if bank == "neuro":
        pool = _NEURO + ([] if variants["autonomia"] == "dipendente" else _STANDING)
    assert pool is not None, bank
    return [fmt(s, female, rng) for s in rng.sample(pool, min(k, len(pool)))]
