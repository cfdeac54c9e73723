"""The allow-list: medical eponyms and scales that look like names or places but are clinical
content the models must keep (morbo di Parkinson, scala di Barthel, manovra di Valsalva).

Two kinds. ALWAYS words are never PHI wherever they stand: in an Italian clinical note
"Parkinson" or "Holter" is not a person. IN_PHRASE words are also common surnames or cities
(Giordano, Wilson, Padova, Venturi): they are allowed only after a clinical head word ("segno
di Giordano", "malattia di Wilson", "maschera di Venturi") or before one ("Wells score").

Beyond the lists, an EPONYM_HEADS word (sindrome, morbo, manovra, acquedotto, poligono, febbre,
scala...) followed by "di"/"del" makes the capitalized words after it an eponym, whatever they
are ("sindrome di Mirizzi", "manovre di Leopold", "febbre del Nilo"): nobody names a patient
that way, and no list of eponyms is ever complete.
"""

from __future__ import annotations

import re
from functools import lru_cache

from dsm_clinic.deid.gazetteers import norm

ALWAYS: tuple[str, ...] = (
    "Addison", "Adie", "Alzheimer", "Apgar", "Arnold-Chiari", "Asperger", "Babinski",
    "Bankart", "Barany", "Barré", "Barrett", "Barthel", "Basedow", "Bazett", "Bechterew",
    "Behçet", "Binswanger", "Blumberg", "Boerhaave", "Braden", "Breslow", "Broca",
    "Brudzinski", "Brugada", "Budd-Chiari", "Cheyne-Stokes", "Child-Pugh", "Chvostek",
    "Cockcroft-Gault", "Conley", "Coombs", "Courvoisier", "Creutzfeldt-Jakob", "Crigler-Najjar",
    "Crohn", "Cushing", "Dandy-Walker", "DiGeorge", "Dix-Hallpike", "Doppler", "Down",
    "Dubin-Johnson", "Dupuytren", "Ebstein", "Eisenmenger", "Epworth", "Fallot", "Fazekas",
    "Folstein", "Friedewald", "Galeazzi", "Giemsa", "Glasgow", "Gleason", "Goodpasture", "Gram",
    "Guillain", "Guillain-Barré", "Guillain-Barrè", "Hallpike", "Hashimoto", "Heimlich",
    "Hirschsprung", "Hodgkin", "Hoehn-Yahr", "Holter", "Homans", "Huntington", "Jendrassik",
    "Kaposi", "Karnofsky", "Kawasaki", "Kernig", "Killip", "Klinefelter", "Korotkoff",
    "Korsakoff", "Kussmaul", "Lachman", "Langerhans", "Lasègue", "Lasegue", "Lhermitte",
    "Mallampati", "Mallory-Weiss", "Mantoux", "Marfan", "McBurney", "Meckel", "Menière",
    "Meniere", "Mingazzini", "Mobitz", "Monteggia", "Murphy", "NYHA", "Osgood-Schlatter",
    "Papanicolau", "Papanicolaou", "Parkinson", "Peutz-Jeghers", "Phalen", "Plummer-Vinson",
    "Prader-Willi", "Purkinje", "Quantiferon", "Ranvier", "Raynaud", "Rinne", "Romberg",
    "Rovsing", "Schönlein-Henoch", "Seldinger", "Sjögren", "Sjogren", "Sokolow", "Sokolow-Lyon",
    "Stokes-Adams", "Swan-Ganz", "Takayasu", "Tinel", "Tourette", "Trendelenburg",
    "Trousseau", "Tzanck", "Uhthoff", "Valsalva", "Ventimask", "Virchow", "Waaler-Rose",
    "Wassermann", "Wenckebach", "Wernicke", "Whipple", "Wolff-Parkinson-White", "Ziehl-Neelsen",
    "Zenker", "CHA2DS2-VASc", "HAS-BLED",
    # more anatomy, signs, manoeuvres and syndromes; words that are also surnames (Silvio,
    # Willis, Scarpa, Morgagni) are left to EPONYM_HEADS
    "Achenbach", "Aschoff", "Auerbach", "Bartholin", "Bichat", "Botallo", "Brodmann",
    "Brown-Séquard", "Calot", "Chopart", "Cowper", "Denonvilliers", "Gerota",
    "Glisson", "Henle", "Hesselbach", "Kiesselbach", "Kupffer", "Leydig", "Lieberkühn", "Lisfranc",
    "Luschka", "Magendie", "Meibomio", "Meissner", "Morison", "Peyer", "Schwann",
    "Sertoli", "Treitz", "Volkmann", "Wirsung", "Ramsay-Hunt", "Pancoast", "Kayser-Fleischer",
    "Kirby-Bauer", "Duchenne", "Finkelstein", "House-Brackmann", "Lyme", "Alport", "Angelman",
    "Bartter", "Beckwith-Wiedemann", "Brown-Sequard", "Caplan", "Churg-Strauss", "Cogan",
    "DeBakey", "Dressler", "Ehlers-Danlos", "Fanconi", "Fahr", "Forestier", "Gitelman", "Kallmann",
    "Kasabach-Merritt", "Kearns-Sayre", "Klippel-Feil", "Lambert-Eaton", "Leriche", "Lesch-Nyhan",
    "Löfgren", "Lofgren", "Meigs", "Ménétrier", "Menkes", "Noonan", "Ormond", "Pierre-Robin",
    "Refsum", "Rett", "Rotor", "Sézary", "Sezary", "Stevens-Johnson", "Sturge-Weber", "Tietze",
    "Tolosa-Hunt", "Waldenström", "Waldenstrom", "Wegener", "Wermer", "Zollinger-Ellison",
    "Brandt-Daroff", "Epley", "Semont", "Lasegue-Wassermann", "Finochietto", "Grey-Turner", "Kehr",
    "Psoas", "Spurling", "Yergason", "Neer", "Jobe", "Schober", "Hachinski", "Zung", "Yesavage",
    "Hunt-Hess", "Spetzler-Martin", "Gilchrist", "Ranson", "Balthazar", "Rockall", "Blatchford",
    "Truelove-Witts", "Harvey-Bradshaw", "Durie-Salmon", "Enneking", "Salter-Harris", "Gustilo",
    "Tossy", "Outerbridge", "Kellgren-Lawrence", "Risser", "Ballard", "Dubowitz", "Naegele",
    "Pfannenstiel", "Kristeller", "Credé", "Leboyer", "Mirena", "MELD", "MELD-Na", "West-Haven",
    "Duffy", "Kidd", "Ricketts",
)

IN_PHRASE: tuple[str, ...] = (
    "Achille", "Adams", "Baker", "Barton", "Beck", "Bell", "Bennett", "Berg", "Berger", "Bishop", "Borg",
    "Caprini", "Charcot", "Clark", "Colles", "Conn", "Cormack", "Douglas", "Duke", "Edwards",
    "Felty", "Fisher", "Foley", "Forrest", "Garden", "Geneva", "Gilbert", "Giordano", "Graves",
    "Hamilton", "His", "Horner", "Horton", "Hunt", "Jones", "Katz", "Lawton", "Lewy", "Lown",
    "Lynch", "Morse", "Morton", "Nelson", "Norton", "Ottawa", "Padova", "Padua", "Paget",
    "Pick", "Pott", "Rankin", "Reiter", "Roth", "Sheehan", "Smith", "Still", "Tinetti", "Turner", "Venturi",
    "Weber", "Wells", "Williams", "Wilson", "Wright", "Hill", "Seattle", "Sydney", "Praga",
    "Boston", "Cincinnati", "Los Angeles", "Denver", "Beck", "Conners", "Silverman", "Fontaine",
    "Geneva", "Padua", "Hinchey", "Spaulding", "Hurley", "Mayo", "Kocher", "Lund", "Browder",
    "Steiner", "Graf", "Wood", "Bruce", "Lewis",
)

# Clinical words that make the following (or preceding) IN_PHRASE word an eponym.
HEADS_BEFORE: tuple[str, ...] = (
    "morbo", "malattia", "sindrome", "sdr", "segno", "manovra", "test", "prova", "scala",
    "indice", "score", "punteggio", "criteri", "criterio", "classificazione", "stadio",
    "stadiazione", "cisti", "frattura", "paralisi", "fascio", "tendine", "maschera", "catetere",
    "cavo", "linfoma", "sarcoma", "tumore", "tiroidite", "corpi", "triade", "regola", "regole",
    "formula", "riflesso", "reazione", "colorazione", "ulcera", "nodi", "noduli", "neuroma",
    "arterite", "contrattura", "ansa", "tipo", "modello", "area", "livello", "scavo", "adl",
    "iadl", "esa", "protocollo", "grado", "metodo", "tecnica", "classe", "questionario",
    "inventario", "sacca", "incisione", "punto", "segni", "sec", "sec.", "secondo", "luce",
    "lampada",
)
# Heads after which any capitalized words are an eponym (see the module docstring).
EPONYM_HEADS: tuple[str, ...] = (
    "morbo", "malattia", "sindrome", "sdr", "segno", "segni", "manovra", "manovre", "test",
    "prova", "scala", "riflesso", "acquedotto", "scissura", "scissure", "poligono", "circolo",
    "febbre", "forame", "legamento", "dotto", "triangolo", "fossa", "ernia", "diverticolo",
    "tasca", "ansa", "cellule", "cellula", "corpi", "corpuscoli", "linfoma", "sarcoma",
    "tiroidite", "arterite", "criteri", "classificazione", "stadiazione", "punteggio",
    "indice", "fenomeno", "triade", "manovra", "intervento", "operazione", "incisione",
    "posizione", "virus", "bacillo", "placche", "nodi", "noduli", "papilla", "sfintere",
    "ampolla", "valvola", "muscolo", "nervo", "arteria", "vena", "seno", "canale", "membrana",
    "capsula", "spazio", "punto", "linea", "piano", "zona", "tumore", "cisti", "frattura",
    "lussazione", "paralisi", "contrattura", "neuroma", "ulcera", "morbillo",
)
# A link word with a capital after it; the head before it is looked up in a set (faster than
# a regular expression alternating over every head at every position of the note).
_LINK_CAPITAL = re.compile(r"(?<=[ \t])(?:di|del|della|dello|dei|degli|de|d['’])[ \t]*"
                           r"(?=[A-ZÀ-Þ])")
_HEAD_BEFORE = re.compile(r"([^\W\d_]+)[ \t]+\Z")
# "P.O. Segni di Ozieri": a hospital named after someone, not "segni di Babinski".
_INSTITUTION_BEFORE = re.compile(r"(?i:p\.\s?o\.|ospedale|presidio|osp\.)[ \t]*\Z")
_EPONYM_RUN = re.compile(
    r"[A-ZÀ-Þ][^\W\d_]*(?:['’-][A-ZÀ-Þ]?[^\W\d_]+)*"
    r"(?:[ \t]+(?:e[ \t]+)?[A-ZÀ-Þ][^\W\d_]*(?:['’-][A-ZÀ-Þ]?[^\W\d_]+)*){0,2}")
HEADS_AFTER: tuple[str, ...] = ("score", "scale", "test", "index", "sign", "criteria", "rule",
                                "rules", "syndrome")

_SPLIT = re.compile(r"[-\s]+")


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    always = sorted(ALWAYS, key=len, reverse=True)
    # A hyphenated eponym also matches written with a space or another dash (Child Pugh).
    alts = "|".join("[-\\s]?".join(re.escape(p) for p in _SPLIT.split(w)) for w in always)
    always_re = re.compile(rf"(?<!\w)(?:{alts})(?!\w)", re.IGNORECASE)
    words = "|".join(re.escape(w) for w in sorted(IN_PHRASE, key=len, reverse=True))
    before = "|".join(HEADS_BEFORE)
    after = "|".join(HEADS_AFTER)
    phrase_re = re.compile(
        rf"(?:(?<!\w)(?:{before})\s+(?:(?:di|del|della|dello|de|d'|of)\s*)?(?P<w1>{words})(?!\w))"
        rf"|(?:(?<!\w)(?P<w2>{words})\s+(?:{after}|[IVX]{{1,4}}(?!\w|\.\w)|[0-5](?![\d.,/])))",
        re.IGNORECASE)
    return always_re, phrase_re


def allowed_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of `text` holding allow-listed eponyms, sorted and non-overlapping."""
    always_re, phrase_re = _patterns()
    ranges = [m.span() for m in always_re.finditer(text)]
    for m in _LINK_CAPITAL.finditer(text):
        head = _HEAD_BEFORE.search(text, max(0, m.start() - 24), m.start())
        if head is not None and head.group(1).lower() in _eponym_heads() and \
                not _INSTITUTION_BEFORE.search(text, max(0, head.start() - 12), head.start()):
            run = _EPONYM_RUN.match(text, m.end())
            if not _names_a_place(head.group(1), run.group()):
                ranges.append(run.span())
    for m in phrase_re.finditer(text):
        ranges.append(m.span("w1") if m.group("w1") else m.span("w2"))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# Heads whose eponym may be a city's name: "criteri di Roma", "classificazione di Napoli".
_CITY_EPONYM_HEADS = {"criteri", "classificazione", "stadiazione"}


def _names_a_place(head: str, run: str) -> bool:
    """A comune after a head, where no city names an eponym: "circolo di Fiorano Modenese", "Piano
    di Sorrento" (a capitalized head opens a place's name)."""
    from dsm_clinic.deid.gazetteers import load_gazetteers

    if head.lower() in _CITY_EPONYM_HEADS or norm(run) not in load_gazetteers().comuni:
        return False
    return head[:1].isupper() or " " in run.strip() or not load_gazetteers().is_name(run)


@lru_cache(maxsize=1)
def _eponym_heads() -> frozenset[str]:
    return frozenset(EPONYM_HEADS)


def is_always_allowed(word: str) -> bool:
    """True for a word that is an eponym wherever it stands (Parkinson, Holter)."""
    return norm(word) in _always_keys()


@lru_cache(maxsize=1)
def _always_keys() -> frozenset[str]:
    # Whole words only: the parts of "Creutzfeldt-Jakob" or "Budd-Chiari" are also names.
    return frozenset(norm(w) for w in ALWAYS)


def allow_list_fingerprint() -> str:
    """A string that changes whenever the allow-list does, for the analyzer configuration."""
    return "|".join(ALWAYS) + "#" + "|".join(IN_PHRASE) + "#" + "|".join(HEADS_BEFORE) + "#" + \
        "|".join(HEADS_AFTER) + "#" + "|".join(EPONYM_HEADS)
