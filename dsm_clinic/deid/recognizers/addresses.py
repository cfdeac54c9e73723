"""Street addresses: street type, name and civic number ("Via G. Garibaldi, 12/A", "P.zza XX
Settembre n. 3", "c.so Vittorio Emanuele II 45 int. 7", "loc. Case Nuove snc"), and the CAP.

Conventions of the gold spans: street and civic number are one INDIRIZZO span, the CAP is
another INDIRIZZO span, the comune after it is LUOGO (found by the places recognizer) and the
province abbreviation "(BO)" is not PHI. A lower-case street type needs a civic number, so that
"per via orale" or "nel corso della visita" never count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dsm_clinic.deid.eponyms import is_always_allowed
from dsm_clinic.deid.gazetteers import Gazetteers, norm
from dsm_clinic.deid.recognizers.base import TextRecognizer, left_context

_TYPES = (
    r"via(?:\s+privata)?|viale|v\.le|vle|piazza|p\.zza|p\.za|pza|p\.le|piazzale|piazzetta|"
    r"corso|c\.so|largo|l\.go|vicolo|v\.lo|vico|strada(?:\s+(?:statale|provinciale|comunale|"
    r"vicinale|privata))?|str\.|s\.s\.|ss|s\.p\.|sp|contrada|c\.da|c/da|località|localita'?|loc\.|"
    r"frazione|fraz\.|borgo|b\.go|lungomare|lungotevere|lungarno|lungolago|salita|galleria|"
    r"rione|traversa|circonvallazione|calle|fondamenta|campo|riviera|passeggiata|baluardo|"
    r"viottolo|stradella|rampa|parco|residence|villaggio|rotonda|incrocio|borgata|stradone|"
    r"vicoletto|viuzzo|sottoportico|lungadige|lungoparco|quartiere|contrà|androna|scalinata|"
    r"cortile|corte|calata|discesa|canale|stretto|giardino|giardini|sentiero|vialetto|"
    r"passaggio|molo|banchina|ronco|rio\s+terà|ruga|salizada|via\s+vecchia|via\s+nuova|maso|scali|v\.|"
    r"ul\.|ulica|rue|avenue|boulevard|chemin|calea|strada|bulevardul|carrer|avenida|rua|"
    r"sestiere|regione|hameau|mura|rampe|spalto|vocabolo|voc\.|cascina|podere|masseria|alzaia"
)
# Heads that also name other things ("Regione Lombardia", "le mura di Lucca", "Cascina
# Gobba"): an address only with its civic number ("Regione Gonzole 10", "Hameau de Barmaz 12").
_CIVIC_ONLY = {"regione", "hameau", "mura", "rampe", "spalto", "vocabolo", "voc.", "cascina",
               "podere", "masseria", "alzaia"}
_CONNECTORS = (r"(?i:di|de|del|della|dello|dei|degli|delle|d['’]|dell['’]|e|ed|al|alla|ai|agli|"
               r"sul|sulla|in|a|da|dal|dalla|la|le|lo|il|per|san|santa|santo|sant['’]|s\.|ss\.)")
# ("Via 4 Novembre", "Via 1° Maggio": a number joins the name only before a month or after °)
_NAME_WORD = (r"(?:[A-ZÀ-ÖØ-Þ][\w'’.-]*|[IVXLC]+\b|\d{1,2}°(?=[ \t]+[A-ZÀ-ÖØ-Þ])|"
              r"\d{1,2}(?=[ \t]+(?i:gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|"
              r"ottobre|novembre|dicembre)\b))")
_NAME = (rf"(?:(?:{_CONNECTORS})[ \t]*)?{_NAME_WORD}"
         rf"(?:(?:[ \t]+|[ \t]*['’][ \t]*|(?<=['’]))(?:(?:{_CONNECTORS})[ \t]*){{0,2}}{_NAME_WORD}){{0,5}}")
_CIVIC = (r"(?:[ \t]*,[ \t]*|[ \t]+)(?i:(?:(?:al[ \t]+)?(?:n\.?|n°|nº|nr\.?|num\.?|civico|civ\.))[ \t]*)?"
          r"(?P<num>\d{1,4}(?:[A-Za-z](?![\w]))?(?:\s?/\s?[A-Za-z0-9]{1,3})?(?:[ ](?:r|rosso)(?![\w]))?|"
          r"(?i:snc|s\.n\.c\.|s\.n\.)|"
          r"(?i:km)\.?\s?\d{1,4}(?:[,.+]\d{1,3})?)"
          r"(?:\s*,?\s*(?i:int\.?|interno|scala|sc\.|piano|lotto|pal\.|palazzina|n\.)\s*[A-Za-z0-9]{1,3}°?"
          r"(?![\w]|\.\w)|\s*,?\s*\d{1,2}°\s?(?:p\.|piano)){0,3}")
# Street types in any case; names and civic numbers case-sensitive, so that a name stops at
# the first lower-case word that is not a connector ("Via Roma e poi" -> "Via Roma").
_ADDRESS = re.compile(
    rf"(?<![\w.])(?P<type>(?i:{_TYPES}))(?:(?<=\.)|(?!\w))[ \t]*(?P<name>{_NAME})(?:{_CIVIC})?(?![\w])")
# A street written in lower case (a message, a dictation): only with a civic number that ends
# the phrase ("strada della madonnina 22, citofono ..."), never a route ("via orale 2 volte").
_LOWER_TYPES = r"via|viale|piazza|corso|vicolo|largo|strada|contrada|località|borgo|salita|vico"
_LOWER_ADDRESS = re.compile(
    rf"(?<![\w.])(?P<type>{_LOWER_TYPES})[ \t]+(?P<name>(?:(?:{_CONNECTORS})[ \t]+)?[a-zà-ù][a-zà-ù'’]{{2,}}"
    rf"(?:[ \t]+(?:(?:{_CONNECTORS})[ \t]+)?[a-zà-ù][a-zà-ù'’]{{2,}}){{0,2}})[ \t]+(?:(?:n\.?|numero)[ \t]*)?"
    r"(?P<num>\d{1,4}(?:/[a-z0-9])?|[a-z]*(?:uno|due|tre|quattro|cinque|sei|sette|otto|nove|dieci|"
    r"undici|dodici|venti|trenta|quaranta|cinquanta|sessanta|settanta|ottanta|novanta|cento)[a-z]*)"
    r"(?=[ \t]*(?:[,;.)\n]|\Z|int\b|citofono|scala|punto\b|virgola\b|recapito|telefono|tel\b|cell))")
_ROUTES = {"orale", "endovenosa", "venosa", "intramuscolare", "sottocutanea", "sublinguale",
           "inalatoria", "rettale", "transdermica", "cutanea", "nasale", "aerea", "aeree",
           "biliare", "biliari", "urinaria", "urinarie", "ottica", "ottiche", "piramidale",
           "arteriosa", "enterale", "parenterale", "topica", "vaginale", "intravenosa",
           "centrale", "periferica", "femorale", "radiale", "giugulare", "intratecale"}
# A state or provincial road by number, with its kilometre: "S.P. 175 al km 4,2", "SS 16 km 812".
_ROAD = re.compile(
    r"(?<![\w.])(?:S\.[ \t]?[SP]\.|SS|SP|SR|S\.R\.|(?i:strada[ \t]+(?:statale|provinciale|regionale)))"
    r"[ \t]*(?:n\.[ \t]*)?\d{1,4}(?:[ \t]*(?:bis|dir|var))?(?:[ \t]+[A-ZÀ-Þ][\w'’]+(?:-[A-ZÀ-Þ][\w'’]+)?){0,2}"
    r"[ \t]*,?[ \t]*(?:al[ \t]+)?(?i:km)\.?[ \t]*\d{1,4}(?:[,.+]\d{1,3})?(?![\w])")
# Venice writes the sestiere and a number that runs through it: "Cannaregio 3412", and a
# calle before it ("calle del Forno, Cannaregio 3412").
_SESTIERE = re.compile(
    r"(?:(?i:calle|campo|campiello|fondamenta|salizada|ramo|rio[ \t]+terà|sotoportego|corte)"
    r"[ \t]+[^\n,;]{2,40}?,[ \t]*)?(?:Cannaregio|Castello|Dorsoduro|San[ \t]+Marco|San[ \t]+Polo|"
    r"Santa[ \t]+Croce|Giudecca)[ \t]+(?:n\.[ \t]*)?\d{2,4}(?:/?[A-Za-z])?(?![\w])")
# German street names (South Tyrol): "Runggadgasse 14", "Bahnhofstraße 3a", "Ahrntaler Straße 27".
_GERMAN_STREET = re.compile(
    r"(?<![\w])[A-ZÄÖÜ][\wäöüß-]*(?:gasse|straße|strasse|weg|platz|allee|gässchen|ring|"
    r"(?:er)?[ \t]+(?:Straße|Strasse|Gasse|Weg|Platz|Allee))"
    r"[ \t]+\d{1,4}[a-z]?(?![\w])")
# Streets abroad with the number first: "14 Orchard Lane", "12 rue de la Paix", "5bis avenue Foch".
NUMBER_FIRST_STREET = re.compile(
    r"(?<![\w,.])\d{1,4}[a-z]?(?:[ \t]?(?:bis|ter))?,?[ \t]+(?:"
    r"(?:[A-Z][a-z]+[ \t]+){1,3}(?:Lane|Road|Street|Avenue|Close|Drive|Way|Court|Gardens|Place|"
    r"Crescent|Terrace|Grove|Square|Row|Mews|Rd|St|Ave|Hill|Park)|"
    r"(?i:rue|avenue|av\.|boulevard|bd|chemin|route|place|allée|impasse|quai|calle|avenida)"
    r"[ \t]+(?:(?:de[ \t]+la|de[ \t]+l['’]|du|des|de|d['’]|del|de[ \t]+los)[ \t]*)?[A-ZÀ-Þ][\w'’-]+"
    r"(?:[ \t]+[A-ZÀ-Þ][\w'’-]+){0,2})(?![\w])")
# Postcodes abroad: British "GL20 5PB", Polish "31-147", or a four- or five-digit code with its
# country prefix ("CH-6900", "D-80331", "F-06000").
# (Polish and prefixed postcodes stand before a town: the places recognizer reads them too)
_PREFIXED_POSTCODE = r"(?:CH|D|F|A|B|L|NL|SLO|HR)-\d{4,5}"
CONTINENTAL_POSTCODE = re.compile(rf"\d{{2}}-\d{{3}}|{_PREFIXED_POSTCODE}")
_FOREIGN_POSTCODE = re.compile(
    rf"(?<![\w-])(?:[A-Z]{{1,2}}\d[A-Z\d]?[ ]\d[A-Z]{{2}}|\d{{2}}-\d{{3}}(?=[ \t]+[A-ZÀ-Þ])|"
    rf"{_PREFIXED_POSTCODE})(?![\w-])")
# Words no street name holds: "in corso di ipertiroidismo nel 2015" is no address.
_NOT_STREET = {"nel", "nella", "negli", "nei", "per", "con", "che", "come", "dopo", "anno",
               "anni", "circa", "ogni", "volte", "mesi", "giorni", "ore"}
_LIVES_BEFORE = re.compile(
    r"(?i:\b(?:dorm\w+|viv\w+|abit\w+|alloggi\w*|baracca|domicili\w*|resid\w+|ospitat[oa]|"
    r"senza\s+fissa\s+dimora|res\.|cadut[oa]|caduta|incidente|investit[oa]|urtat[oa]|aggredit[oa]|"
    r"(?:ri)?trovat[oa]|rinvenut[oa]|soccors[oa])\b[^\n.;]{0,50}\b(?:in|a|di|sotto|presso)\s*)\Z")
# A full stop after a word of four letters or more ends the street's name ("G." does not).
_PREPOSITION_BEFORE = re.compile(r"(?i:\b(?:in|di|della|dalla|nella|a|da|su|sulla|verso|tra|fra|con|angolo)[ \t]+\Z)")
_SENTENCE_END = re.compile(r"(?<=[a-zà-ù]{4})\.(?=[ \t\n])")
_ORDINAL_BEFORE = re.compile(r"\d+[°º]?[ \t]*\Z")  # "3° PIANO": a floor, not a street
_CAP = re.compile(r"(?<![\w./-])(?<!\d[ \t])(?i:c\.?a\.?p\.?\s*:?\s*)?(?P<cap>\d{5})(?![\w/-]|[.,]\d)")
_CAP_AFTER_CIVIC = re.compile(r"(?<=\d)[ \t]+(?P<cap>\d{5})(?=[ \t]+[A-ZÀ-Þ])")
_CAP_WORD_BEFORE = re.compile(r"(?<![\w.])(?i:c\.?a\.?p\.?)[ \t]*:?[ \t]*\Z")
_COMUNE_BEFORE = re.compile(r"(?P<c>[A-ZÀ-Þ][\w'’]+(?:[ -][A-ZÀ-Þ][\w'’]+){0,2}),[ \t]*\Z")
_NEXT_WORD = re.compile(r"\s*[-–]?\s*([A-ZÀ-ÖØ-Þ][\w'’-]+)")


class AddressRecognizer(TextRecognizer):
    ENTITY = "INDIRIZZO"
    NAME = "ItalianAddressRecognizer"
    VERSION = "4"

    def __init__(self, gazetteers: Gazetteers) -> None:
        super().__init__()
        self.gaz = gazetteers

    def find(self, text: str) -> Iterator[tuple[int, int, float]]:
        spans: list[tuple[int, int]] = []
        for m in _ADDRESS.finditer(text):
            kind = m.group("type")
            if _ORDINAL_BEFORE.search(text, max(0, m.start() - 5), m.start()):
                continue
            name = m.group("name")
            has_civic = m.group("num") is not None
            # The name must hold a capitalized word (the [IVX] and digit branches are no name).
            if not any(w[:1].isupper() for w in re.findall(r"[^\W\d_]{2,}", name)):
                continue
            if kind.lower() in _CIVIC_ONLY and (
                    not has_civic or _SENTENCE_END.search(text, m.start("name"), m.end("name"))):
                continue
            if kind == "V." or kind == "v." and not has_civic:
                continue  # "v." abbreviates "vedi" too: only with a civic number; "V." is an initial
            named = re.findall(r"[A-ZÀ-Þ][\w'’]+", name)
            person = len(named) >= 2 and norm(named[0]) in self.gaz.first_names and \
                not self.gaz.is_word(named[-1])  # "in via Cesare Battisti": named after someone
            # "traversa di via Licata", "in piazza Walther": a name that is no word, after a
            # preposition (not "somministrato via PEG")
            proper = _PREPOSITION_BEFORE.search(text, max(0, m.start() - 8), m.start()) is not None \
                and any(not self.gaz.is_word(w) and not w.isupper() and norm(w) not in self.gaz.clinical
                        and not is_always_allowed(w) for w in named)
            if kind[:1].islower() and not has_civic and not person and not proper and \
                    not _LIVES_BEFORE.search(text, max(0, m.start() - 80), m.start()):
                continue  # "dorme in via Pasitea": a street where someone lives counts
            if not has_civic and all(self.gaz.is_word(w) for w in re.findall(r"[^\W\d_]+", name)):
                score = 0.5  # "Via Roma" holds a place; "Piazza Grande" may be anything
            else:
                score = 0.85 if has_civic else 0.6
            end = m.end()
            stop = _SENTENCE_END.search(text, m.start("name"), m.end("name"))
            if stop is not None:
                end = stop.start() + 1  # "sotto i portici di corso Francia. Ha perso": the street ends
            spans.append((m.start(), end))
            yield m.start(), end, score
        for pattern in (_SESTIERE, _GERMAN_STREET, NUMBER_FIRST_STREET, _FOREIGN_POSTCODE):
            for m in pattern.finditer(text):
                if not any(m.start() < e and s < m.end() for s, e in spans):
                    spans.append(m.span())
                    yield m.start(), m.end(), 0.7
        for m in _ROAD.finditer(text):
            if not any(m.start() < e and s < m.end() for s, e in spans):
                spans.append(m.span())
                yield m.start(), m.end(), 0.6
        for m in _LOWER_ADDRESS.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in spans) or any(
                    norm(w) in self.gaz.clinical or norm(w) in _ROUTES
                    or w in _NOT_STREET for w in m.group("name").split()) or \
                    (m.group("type"), *left_context(text, m.start(), n=1)) in (
                        ("via", "per"), ("corso", "in"), ("corso", "nel")):
                continue
            spans.append(m.span())
            yield m.start(), m.end(), 0.6
        for _, end in list(spans):  # "VIA PISTOIESE 348 59100 PRATO": a CAP right after the civic
            m = _CAP_AFTER_CIVIC.match(text, end)
            if m is not None:
                yield m.start("cap"), m.end("cap"), 0.7
        for m in _CAP.finditer(text):
            s, e = m.span("cap")
            nxt = _NEXT_WORD.match(text, e)
            after_address = any(0 <= s - end <= 3 for _, end in spans)
            keyword = m.group().lower().startswith("c") or \
                _CAP_WORD_BEFORE.search(text, max(0, s - 8), s) is not None  # "22 CAP 38123"
            comune_after = nxt is not None and norm(nxt.group(1)) not in self.gaz.clinical
            ends_phrase = re.match(r"[ \t]*(?:[,;.)\n]|\Z)", text[e:e + 3]) is not None
            before = _COMUNE_BEFORE.search(text, max(0, s - 40), s)
            comune_before = ends_phrase and before is not None and \
                norm(before.group("c")) in self.gaz.comuni  # "Novi Ligure, 15067."
            if keyword or comune_after or comune_before or \
                    after_address and (nxt is not None or ends_phrase):
                if left_context(text, s, n=1)[-1:] in (["n."], ["nr."], ["n°"]):
                    continue
                yield s, e, 0.75 if comune_after or keyword else 0.55
