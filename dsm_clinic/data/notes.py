"""Note kinds and their layouts: headers with PHI, sections, the day's facts placed in them.

`render_note` writes one note as text plus exact PHI spans; which section a fact lands in is
drawn per note, so the same fact is found in the history in one note and in the therapy list
or the tests in the next.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from dsm_clinic.data import clinical, fillers
from dsm_clinic.data.clinical import Ctx, Mention, Piece, Sentence
from dsm_clinic.data.facts import PatientFacts
from dsm_clinic.data.phi import Person, PhiMaker, Place

KINDS = ["lettera_dimissione", "verbale_pronto_soccorso", "visita_neurologica",
         "visita_cardiologica", "diario_infermieristico", "visita_ambulatoriale"]
KIND_NAMES = {"lettera_dimissione": "lettera di dimissione",
              "verbale_pronto_soccorso": "verbale di pronto soccorso",
              "visita_neurologica": "visita neurologica", "visita_cardiologica": "visita cardiologica",
              "diario_infermieristico": "diario infermieristico",
              "visita_ambulatoriale": "visita ambulatoriale di controllo"}
WARDS = ["Medicina Interna", "Geriatria", "Cardiologia", "Neurologia", "Pneumologia",
         "Medicina d'Urgenza", "Lungodegenza"]
TYPO_RATE = 0.04

# (title, short title, categories it holds) per kind; the first section holding a category
# takes its sentences, FALLBACK the rest
_VISIT = [("Anamnesi", "Anamnesi", ("fam", "fis", "apr")),
          ("Terapia in atto", "Terapia", ("ter",)),
          ("Esame obiettivo", "EO", ("eo", "funz")),
          ("Esami in visione", "Esami", ("esami",)),
          ("Conclusioni", "Conclusioni", ("decorso", "diagnosi"))]
LAYOUTS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "lettera_dimissione": [
        ("Anamnesi familiare", "AF", ("fam",)), ("Anamnesi fisiologica", "APF", ("fis",)),
        ("Anamnesi patologica remota", "APR", ("apr",)), ("Terapia domiciliare", "TD", ("ter",)),
        ("Esame obiettivo all'ingresso", "EO", ("eo", "funz")), ("Esami eseguiti", "Esami", ("esami",)),
        ("Decorso clinico", "Decorso", ("decorso",)), ("Diagnosi alla dimissione", "Diagnosi", ("diagnosi",))],
    "verbale_pronto_soccorso": [
        ("Anamnesi", "Anamnesi", ("fam", "fis", "apr")), ("Terapia domiciliare", "Terapia", ("ter",)),
        ("Esame obiettivo", "EO", ("eo", "funz")), ("Accertamenti", "Accertamenti", ("esami",)),
        ("Decorso in PS", "Decorso", ("decorso",)), ("Diagnosi", "Diagnosi", ("diagnosi",))],
    "visita_neurologica": [(t if t != "Esame obiettivo" else "Esame neurologico", s, c) for t, s, c in _VISIT],
    "visita_cardiologica": _VISIT,
    "visita_ambulatoriale": _VISIT,
}


@dataclass
class Hospital:
    place: Place
    name: Sentence
    phone: str
    fax: str


@dataclass
class Patient:
    """Who the notes are about, with the PHI that recurs in them."""

    pid: str
    person: Person
    birth: dt.date
    birth_place: str
    street: str
    residence: Place
    phone: str
    email: str
    cf: str
    tessera: str
    record_id: str
    gp: Person
    gp_pec: str
    hospital: Hospital
    facts: PatientFacts
    detail: clinical.PatientDetail
    relatives: list[tuple[str, Person, str]] = field(default_factory=list)


class Writer:
    """Appends text and records the exact span of every PHI piece."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.parts: list[str] = []
        self.pos = 0
        self.spans: list[dict] = []

    def add(self, *pieces: Piece, typos: bool = False) -> Writer:
        for piece in pieces:
            if isinstance(piece, tuple):
                value, kind = piece
                self.spans.append({"start": self.pos, "end": self.pos + len(value), "type": kind})
                self._put(value)
            else:
                self._put(typo(piece, self.rng) if typos and self.rng.random() < TYPO_RATE else piece)
        return self

    def line(self, *pieces: Piece, typos: bool = False) -> Writer:
        return self.add(*pieces, "\n", typos=typos)

    def _put(self, s: str) -> None:
        self.parts.append(s)
        self.pos += len(s)

    def text(self) -> str:
        return "".join(self.parts)


def typo(s: str, rng: random.Random) -> str:
    """Swap, drop or double a letter in one longer lower-case word of `s`."""
    words = s.split(" ")
    idx = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha() and w.islower()]
    if not idx:
        return s
    i = rng.choice(idx)
    w = words[i]
    j = rng.randint(1, len(w) - 2)
    op = rng.randint(0, 2)
    if op == 0:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    elif op == 1:
        w = w[:j] + w[j + 1:]
    else:
        w = w[:j] + w[j] + w[j:]
    words[i] = w
    return " ".join(words)


def _name(phi: PhiMaker, p: Person, role: str, titled: float = 0.8) -> Sentence:
    """A name with (sometimes) its title; the span covers the name only."""
    if phi.rng.random() < titled:
        return [phi.title(p, role) + " ", (phi.name(p), "PERSONA")]
    return [(phi.name(p), "PERSONA")]


def _address(phi: PhiMaker, street: str, place: Place) -> Sentence:
    r = phi.rng.random()
    if r < 0.5:
        return [(street, "INDIRIZZO"), ", ", (place.cap, "INDIRIZZO"), " ", (place.comune, "LUOGO"),
                f" ({place.province})"]
    if r < 0.75:
        return [(street, "INDIRIZZO"), " - ", (place.cap, "INDIRIZZO"), " ", (place.comune, "LUOGO")]
    return [(place.comune, "LUOGO"), ", ", (street, "INDIRIZZO")]


def _patient_block(w: Writer, phi: PhiMaker, pt: Patient, rich: bool) -> None:
    rng = phi.rng
    o = "a" if pt.person.female else "o"
    w.add("Paziente: ", (phi.name(pt.person, rng.choice(["LF", "LF", "Lf", "lf", "fl"])), "PERSONA"))
    if rng.random() < 0.5:
        w.line(f", nat{o} a ", (pt.birth_place, "LUOGO"), " il ", (phi.date(pt.birth), "DATA"))
    else:
        w.line(f" - nat{o} il ", (phi.date(pt.birth), "DATA"), " a ", (pt.birth_place, "LUOGO"))
    if rich or rng.random() < 0.5:
        w.add("C.F. " if rng.random() < 0.6 else "Codice fiscale: ", (pt.cf, "CODICE_FISCALE"))
        if rng.random() < 0.4:
            w.add(" - Tessera sanitaria n. " if rng.random() < 0.5 else "  TS: ", (pt.tessera, "TESSERA_SANITARIA"))
        w.line()
    if rich or rng.random() < 0.4:
        w.line("Residente in ", *_address(phi, pt.street, pt.residence))
    if rng.random() < 0.6:
        w.add(rng.choice(["Tel. ", "Recapito telefonico: ", "cell. "]), (pt.phone, "TELEFONO"))
        if rng.random() < 0.3:
            w.add(" - e-mail: ", (pt.email, "EMAIL"))
        w.line()


def _hospital_header(w: Writer, phi: PhiMaker, h: Hospital, unit: str) -> None:
    w.line(*h.name)
    w.line(unit)
    if phi.rng.random() < 0.7:
        w.add("Tel. ", (h.phone, "TELEFONO"))
        if phi.rng.random() < 0.5:
            w.add(" - Fax ", (h.fax, "TELEFONO"))
        w.line()


def _title(style: str, full: str, short: str) -> str:
    if style == "upper":
        return full.upper() + ": "
    if style == "short":
        return short + ": "
    return full + ": "


def _sections(w: Writer, ctx: Ctx, kind: str, placed: dict[str, list[Sentence]],
              therapy: list[Sentence] | None, style: str) -> None:
    """Write the layout's sections in order; empty ones are left out, and the therapy
    section too when `therapy` is None (the letter lists drugs at discharge instead)."""
    rng = ctx.rng
    female = ctx.pf.female
    for full, short, cats in LAYOUTS[kind]:
        sentences: list[Sentence] = [s for c in cats for s in placed.get(c, [])]
        extra: list[str] = []
        if "apr" in cats:
            extra += fillers.pick(rng, "history", rng.randint(0, 4), female, ctx.variants)
            extra += fillers.pick(rng, "allergies", rng.randint(0, 1), female, ctx.variants)
        if "fis" in cats:
            extra += fillers.pick(rng, "lifestyle", rng.randint(0, 2), female, ctx.variants)
        if "eo" in cats:
            extra.append(fillers.vitals(rng, ctx.variants))
            bank = "neuro" if kind == "visita_neurologica" else "exam"
            extra += fillers.pick(rng, bank, rng.randint(1, 5), female, ctx.variants)
            if kind == "verbale_pronto_soccorso":
                extra.append("GCS 15 (E4 V5 M6)." if rng.random() < 0.8 else "Glasgow Coma Scale 14.")
        if "esami" in cats:
            if rng.random() < 0.7:
                extra.append(fillers.labs(rng))
            extra += fillers.pick(rng, "tests", rng.randint(0, 2), female, ctx.variants)
        if "decorso" in cats and kind == "lettera_dimissione":
            extra += fillers.pick(rng, "course", rng.randint(2, 5), female, ctx.variants)
        elif "decorso" in cats and kind == "verbale_pronto_soccorso":
            extra += fillers.pick(rng, "course", rng.randint(1, 2), female, ctx.variants)
        sentences += [[s] for s in extra]
        if "ter" in cats:
            if therapy is None:
                continue
            if not therapy:
                if rng.random() < 0.5:
                    w.line(_title(style, full, short), "nessuna terapia in atto.")
                continue
            w.add(_title(style, full, short))
            if rng.random() < 0.6:
                w.line()
                for item in therapy:
                    w.line("- " if rng.random() < 0.9 else "", *item)
            else:
                _join(w, therapy, "; ")
                w.line(".")
            continue
        if not sentences:
            if "fam" in cats and rng.random() < 0.3:
                w.line(_title(style, full, short), "non significativa.")
            continue
        rng.shuffle(sentences)
        w.add(_title(style, full, short))
        for i, s in enumerate(sentences):
            w.add(*([" "] if i else []), *s, typos=True)
        w.line()


def _join(w: Writer, items: list[Sentence], sep: str) -> None:
    for i, item in enumerate(items):
        w.add(*([sep] if i else []), *item)


def _place(ctx: Ctx, found: list[Mention]) -> tuple[dict[str, list[Sentence]], list[Sentence]]:
    """Sort the day's sentences into categories; therapy items become the drug list."""
    placed: dict[str, list[Sentence]] = {}
    therapy: list[Sentence] = []
    for m in found:
        if m.category == "ter":
            therapy.append(m.sentence)
        else:
            placed.setdefault(m.category, []).append(m.sentence)
    therapy += [[drug] for drug in ctx.pd.other_drugs]
    ctx.rng.shuffle(therapy)
    return placed, therapy


def day_mentions(ctx: Ctx) -> list[Mention]:
    found: list[Mention] = []
    for task in ctx.variants:
        found += clinical.mentions(task, ctx)
    found += clinical.family(ctx)
    return found


def _signature(w: Writer, phi: PhiMaker, doc: Person, place: Place, day: dt.date) -> None:
    rng = phi.rng
    if rng.random() < 0.4:
        w.line((place.comune, "LUOGO"), ", ", (phi.date(day), "DATA"))
    w.line(rng.choice(["Il medico: ", "Firma: ", "Il Dirigente Medico ", ""]), *_name(phi, doc, "clinician", 0.9))


def render_note(kind: str, pt: Patient, day: dt.date, variants: dict[str, str],
                rng: random.Random, phi: PhiMaker, staff: list[Person]) -> tuple[str, list[dict]]:
    """Write one note of `kind` about `pt` on `day`; return its text and PHI spans."""
    ctx = Ctx(rng=rng, phi=phi, pf=pt.facts, pd=pt.detail, day=day, kind=kind, variants=variants)
    w = Writer(rng)
    found = day_mentions(ctx)
    doc = rng.choice(staff)
    if kind == "diario_infermieristico":
        _nursing(w, ctx, pt, found, staff)
    else:
        _medical(w, ctx, kind, pt, found, doc, staff)
    return w.text(), w.spans


def _medical(w: Writer, ctx: Ctx, kind: str, pt: Patient, found: list[Mention], doc: Person,
             staff: list[Person]) -> None:
    rng, phi, day = ctx.rng, ctx.phi, ctx.day
    o = "a" if pt.person.female else "o"
    style = rng.choice(["plain", "plain", "upper", "short"])
    year = day.year
    why = fillers.reason(rng, ctx.variants, kind)
    if kind == "lettera_dimissione":
        ward = rng.choice(WARDS)
        _hospital_header(w, phi, pt.hospital, f"U.O. {ward}")
        w.line("Direttore: ", *_name(phi, rng.choice(staff), "clinician", 1.0))
        w.line()
        w.line("LETTERA DI DIMISSIONE" if rng.random() < 0.7 else "Relazione clinica di dimissione")
        _patient_block(w, phi, pt, rich=True)
        w.add("Cartella clinica n. ", (phi.record_number("cartella", year), "ID"))
        if rng.random() < 0.5:
            w.add(" - Nosologico ", (phi.record_number("nosologico", year), "ID"))
        w.line()
        admitted = day - dt.timedelta(days=rng.randint(2, 21))
        w.line(f"Ricoverat{o} dal ", (phi.date(admitted), "DATA"), " al ", (phi.date(day), "DATA"))
        w.line()
        greeting = rng.choice(["Egregio Collega,", "Gentile Collega,", "Al Medico Curante"])
        if greeting == "Al Medico Curante" and rng.random() < 0.7:
            w.line(greeting, " ", *_name(phi, pt.gp, "clinician", 1.0), ",")
        else:
            w.line(greeting)
        w.line("dimettiamo in data odierna ", phi.title(pt.person, "patient"), " ",
               (phi.name(pt.person, rng.choice(["fl", "lf", "FL", "Lf"])), "PERSONA"),
               f", di {pt.facts.age(day)} aa, ricoverat{o} presso il nostro reparto per {why}.")
    elif kind == "verbale_pronto_soccorso":
        _hospital_header(w, phi, pt.hospital, "Pronto Soccorso - Dipartimento di Emergenza e Accettazione")
        w.line("Verbale di PS n. ", (phi.record_number("verbale_ps", year), "ID"),
               "  Data accesso: ", (phi.date(day), "DATA"), f" ore {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}")
        w.line("Codice triage: ", rng.choice(["bianco", "verde", "azzurro", "arancione", "rosso"]))
        _patient_block(w, phi, pt, rich=False)
        if pt.relatives and rng.random() < 0.5:
            rel, person, phone = rng.choice(pt.relatives)
            art = "dalla" if person.female else "dal"
            w.line(f"Accompagnat{o} {art} {rel} ", (phi.name(person, rng.choice(["f", "fl"])), "PERSONA"),
                   " (tel. ", (phone, "TELEFONO"), ").")
        w.line("Motivo dell'accesso: ", why, ".")
    else:
        spec = {"visita_neurologica": "Neurologia", "visita_cardiologica": "Cardiologia"}.get(
            kind, rng.choice(["Medicina Interna", "Geriatria", "Diabetologia", "Pneumologia"]))
        _hospital_header(w, phi, pt.hospital, f"Ambulatorio di {spec}")
        w.line(_visit_title(kind, rng), " del ", (phi.date(day), "DATA"))
        w.add(phi.title(pt.person, "patient"), " ", (phi.name(pt.person), "PERSONA"), f", {pt.facts.age(day)} aa")
        if rng.random() < 0.6:
            w.add(", ID paziente ", (pt.record_id, "ID"))
        w.line()
        if rng.random() < 0.3:
            w.line("Inviat", o, " dal MMG ", *_name(phi, pt.gp, "clinician", 1.0), ".")
        w.line("Motivo della visita: ", why, ".")
    w.line()
    placed, therapy = _place(ctx, found)
    if kind in ("lettera_dimissione", "verbale_pronto_soccorso"):
        placed.setdefault("diagnosi", []).insert(0, [why[:1].upper() + why[1:] + "."])
    if kind == "lettera_dimissione" and rng.random() < 0.5:
        # the drug list sometimes only appears at discharge, after the course
        _sections(w, ctx, kind, placed, None, style)
        w.add(_title(style, "Terapia alla dimissione", "Terapia")).line()
        for item in therapy or [["nessuna"]]:
            w.line("- ", *item)
    else:
        _sections(w, ctx, kind, placed, therapy, style)
    if rng.random() < 0.4:
        w.line("Consulenza ", rng.choice(["cardiologica", "neurologica", "fisiatrica", "nefrologica"]),
               " (", *_name(phi, rng.choice(staff), "clinician", 1.0), "): vedi referto allegato.")
    if kind == "lettera_dimissione":
        w.line(_title(style, "Indicazioni", "Indicazioni"),
               " ".join(fillers.pick(rng, "advice", rng.randint(1, 4), pt.person.female, ctx.variants)))
        if rng.random() < 0.5:
            w.line("Per informazioni contattare il reparto al numero ", (phi.phone(mobile=False), "TELEFONO"), ".")
        if rng.random() < 0.3:
            w.line("Copia inviata al MMG (PEC: ", (pt.gp_pec, "EMAIL"), ").")
    elif kind != "verbale_pronto_soccorso":
        w.line(f"Prossimo controllo tra {rng.choice([3, 6, 6, 12])} mesi.")
        if rng.random() < 0.3:
            w.line("Per comunicazioni: ", (phi.work_email(doc, pt.hospital.place), "EMAIL"))
    else:
        w.line("Esito: ", rng.choice([f"dimess{o} a domicilio con indicazione a controllo dal MMG.",
                                       f"ricoverat{o} in {rng.choice(WARDS)}.",
                                       f"trasferit{o} presso altra struttura."]))
    w.line()
    _signature(w, phi, doc, pt.hospital.place, day)


def _visit_title(kind: str, rng: random.Random) -> str:
    return {"visita_neurologica": "Visita neurologica", "visita_cardiologica": "Visita cardiologica",
            "visita_ambulatoriale": rng.choice(["Visita di controllo", "Visita ambulatoriale"])}[kind]


def _nursing(w: Writer, ctx: Ctx, pt: Patient, found: list[Mention], staff: list[Person]) -> None:
    """A nursing diary: short timed entries holding the day's sentences, few headers."""
    rng, phi = ctx.rng, ctx.phi
    w.line("DIARIO INFERMIERISTICO - ", rng.choice(WARDS), f" - letto {rng.randint(1, 30)}")
    w.line("Pz: ", (phi.name(pt.person, rng.choice(["LF", "Li", "Lf"])), "PERSONA"), "  Data: ",
           (phi.date(ctx.day), "DATA"))
    sentences: list[Sentence] = []
    drugs: list[Sentence] = []
    for m in found:
        if m.category == "ter":
            drugs.append(m.sentence)
        elif m.category != "fam" or rng.random() < 0.5:
            sentences.append(m.sentence)
    sentences += [[s] for s in fillers.pick(rng, "nursing", rng.randint(1, 4), pt.person.female, ctx.variants)]
    if rng.random() < 0.5:
        sentences.append([fillers.vitals(rng, ctx.variants)])
    if drugs:
        sentences.append(["Somministrata terapia: ", *[p for i, d in enumerate(drugs)
                                                       for p in ([", "] if i else []) + d], "."])
    if pt.relatives and rng.random() < 0.4:
        rel, person, phone = rng.choice(pt.relatives)
        sentences.append([f"Colloquio telefonico con {rel} ", (phi.name(person, "f"), "PERSONA"),
                          " al ", (phone, "TELEFONO"), f": aggiornat{'a' if person.female else 'o'} sulle condizioni."])
    rng.shuffle(sentences)
    hour = rng.choice([6, 7, 14, 21])
    per_entry = max(1, len(sentences) // rng.randint(1, 3))
    for i in range(0, len(sentences), per_entry):
        w.add(f"h {hour:02d}:{rng.choice(['00', '15', '30', '45'])} ")
        for j, s in enumerate(sentences[i:i + per_entry]):
            w.add(*([" "] if j else []), *s, typos=True)
        w.line()
        hour = min(hour + rng.randint(1, 4), 23)
    w.line("Inf. " if rng.random() < 0.5 else "Firma: Inf. ",
           (phi.name(rng.choice(staff), rng.choice(["fl", "iL", "Li", "f"])), "PERSONA"))
