"""PHI the way it appears in Italian notes: names with titles and particles, dates, phones,
addresses, e-mail and PEC, codes and record numbers.

Names and places come from Faker's it_IT locale (seeded per run with `seed_instance`, never
the global random state); formats and choices come from a `random.Random` of the run.
Conventions the gold spans follow (the de-identifier is evaluated against them):
a PERSONA span holds the name only, never the title (Dott.ssa, Sig.ra); an address is an
INDIRIZZO span for street and civic number, another for the CAP, and a LUOGO span for the
comune (the province abbreviation is not PHI); a year alone is not a DATA span.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from dataclasses import dataclass

from faker import Faker

from dsm_clinic.data import codes

MONTHS = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
          "settembre", "ottobre", "novembre", "dicembre"]

_PARTICLES = ["De", "Di", "Lo", "La", "Li", "Del", "Della", "Dal", "De'", "Lo"]
_APOSTROPHE_PARTICLES = ["D'", "Dell'", "D'"]
_STREET_TYPES = ["Via", "Via", "Via", "Viale", "Corso", "Piazza", "Largo", "Vicolo", "Strada",
                 "Piazzale", "V.le", "P.zza", "C.so", "Via"]
_MOBILE_PREFIXES = ["320", "324", "327", "328", "329", "330", "331", "333", "334", "335", "338",
                    "339", "340", "342", "345", "347", "348", "349", "351", "366", "370", "380",
                    "388", "392"]
_AREA_CODES = ["02", "06", "010", "011", "040", "041", "045", "049", "050", "051", "055", "070",
               "071", "080", "081", "089", "091", "095", "0521", "0522", "0532", "0541", "0544",
               "0862", "0961", "0382", "0372", "0461"]
_MAIL_DOMAINS = ["libero.it", "gmail.com", "virgilio.it", "alice.it", "hotmail.it", "yahoo.it",
                 "tiscali.it", "outlook.it", "fastwebnet.it", "icloud.com"]
_PEC_DOMAINS = ["pec.it", "legalmail.it", "postecert.it", "arubapec.it", "pec.omceo.it",
                "pec.fnomceo.it"]
_PROVINCE_RE = re.compile(r"^(\d{5}), (.+) \(([A-Z]{2})\)$")


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    female: bool


@dataclass(frozen=True)
class Place:
    cap: str
    comune: str
    province: str


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits only, for e-mail local parts."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(c for c in plain if c.isalnum())


class PhiMaker:
    """Draws PHI values for one run; all randomness from `fake` (seeded) and `rng`."""

    def __init__(self, fake: Faker, rng: random.Random):
        self.fake = fake
        self.rng = rng

    # --- people
    def surname(self) -> str:
        """A Faker surname, sometimes with a particle (De Luca, D'Angelo) or compound."""
        r = self.rng.random()
        if r < 0.10:
            base = self.fake.first_name_male() if self.rng.random() < 0.5 else self.fake.last_name()
            if base[0] in "AEIOU":
                return self.rng.choice(_APOSTROPHE_PARTICLES) + base
            return self.rng.choice(_PARTICLES) + " " + base
        if r < 0.13:
            return self.fake.last_name() + " " + self.fake.last_name()
        return self.fake.last_name()

    def person(self, female: bool | None = None) -> Person:
        if female is None:
            female = self.rng.random() < 0.5
        first = self.fake.first_name_female() if female else self.fake.first_name_male()
        if self.rng.random() < 0.04:  # double first names: Maria Grazia, Gian Luca
            second = self.fake.first_name_female() if female else self.fake.first_name_male()
            if second != first:
                first = f"{first} {second}"
        return Person(first, self.surname(), female)

    def name(self, p: Person, style: str | None = None) -> str:
        """The person's name in one of the forms notes use (surname-first, upper-case...)."""
        style = style or self.rng.choice(
            ["fl", "fl", "lf", "lf", "LF", "LF", "Lf", "iL", "Li", "FL"])
        initial = p.first[0] + "."
        return {
            "fl": f"{p.first} {p.last}", "lf": f"{p.last} {p.first}",
            "LF": f"{p.last} {p.first}".upper(), "Lf": f"{p.last.upper()} {p.first}",
            "FL": f"{p.first} {p.last.upper()}", "iL": f"{initial} {p.last}",
            "Li": f"{p.last} {initial}", "l": p.last, "L": p.last.upper(), "f": p.first,
        }[style]

    def title(self, p: Person, role: str) -> str:
        """A title for `role` (patient, clinician, nurse), matching the person's gender."""
        if role == "patient":
            pool = ["Sig.ra", "Sig.ra", "sig.ra", "Signora"] if p.female else ["Sig.", "Sig.", "sig.", "Signor"]
        elif role == "nurse":
            pool = ["Inf.", "inf.", "I.P.", "CPSI"]
        elif p.female:
            pool = ["Dott.ssa", "Dott.ssa", "Dr.ssa", "dott.ssa", "Prof.ssa", "Dr.", "dr.ssa"]
        else:
            pool = ["Dott.", "Dott.", "Dr.", "dr.", "dott.", "Prof.", "Dr."]
        return self.rng.choice(pool)

    # --- dates
    def date(self, d: dt.date, *, full: bool = True, style: str | None = None) -> str:
        """`d` in an Italian form; with full=False the month-and-year form may be drawn."""
        styles = ["dmy/", "dmy/", "dmy/", "dmy.", "dmy2.", "dmy2/", "d month y", "d month y",
                  "iso", "d/m/y", "dmy-"]
        if not full:
            styles += ["month y", "month y", "month y"]
        style = style or self.rng.choice(styles)
        month = MONTHS[d.month - 1]
        day = "1°" if d.day == 1 and self.rng.random() < 0.5 else str(d.day)
        return {
            "dmy/": f"{d.day:02d}/{d.month:02d}/{d.year}", "dmy.": f"{d.day:02d}.{d.month:02d}.{d.year}",
            "dmy2.": f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}",
            "dmy2/": f"{d.day:02d}/{d.month:02d}/{d.year % 100:02d}",
            "dmy-": f"{d.day:02d}-{d.month:02d}-{d.year}", "d/m/y": f"{d.day}/{d.month}/{d.year}",
            "d month y": f"{day} {month} {d.year}", "month y": f"{month} {d.year}",
            "iso": d.isoformat(),
        }[style]

    # --- contacts
    def phone(self, mobile: bool | None = None) -> str:
        """A phone number in one of many written forms (+39, spaces, dashes, slashes)."""
        rng = self.rng
        if mobile is None:
            mobile = rng.random() < 0.6
        if mobile:
            pre = rng.choice(_MOBILE_PREFIXES)
            rest = f"{rng.randint(0, 9999999):07d}"
            body = rng.choice([f"{pre} {rest}", f"{pre}{rest}", f"{pre}-{rest}", f"{pre}/{rest}",
                               f"{pre} {rest[:3]} {rest[3:]}", f"{pre}.{rest[:3]}.{rest[3:]}"])
        else:
            area = rng.choice(_AREA_CODES)
            k = 10 - len(area)  # subscriber digits, so that the whole number has ten
            rest = str(rng.randint(2 * 10 ** (k - 1), 10 ** k - 1))
            body = rng.choice([f"{area} {rest}", f"{area}-{rest}", f"{area}/{rest}", f"{area}{rest}",
                               f"{area} {rest[:2]} {rest[2:]}", f"({area}) {rest}"])
        r = rng.random()
        if r < 0.15:
            return "+39 " + body.replace("(", "").replace(")", "")
        if r < 0.2:
            return "0039 " + body.replace("(", "").replace(")", "")
        return body

    def email(self, p: Person) -> str:
        f, last = ascii_slug(p.first), ascii_slug(p.last)
        local = self.rng.choice([f"{f}.{last}", f"{f}{last}{self.rng.randint(1, 99)}", f"{f[0]}{last}",
                                 f"{last}.{f}", f"{f}_{last}{self.rng.randint(50, 99)}"])
        domain = self.fake.free_email_domain() if self.rng.random() < 0.3 else self.rng.choice(_MAIL_DOMAINS)
        return f"{local}@{domain}"

    def pec(self, p: Person) -> str:
        local = f"{ascii_slug(p.first)}.{ascii_slug(p.last)}"
        return f"{local}@{self.rng.choice(_PEC_DOMAINS)}"

    def work_email(self, p: Person, place: Place) -> str:
        return f"{ascii_slug(p.first)}.{ascii_slug(p.last)}@asl{ascii_slug(place.comune)[:12]}.it"

    # --- places
    def place(self) -> Place:
        """A CAP with a comune and province that belong together."""
        drawn = self.fake.postcode_city_province()
        m = _PROVINCE_RE.match(drawn)
        if m is None:
            raise ValueError(f"unexpected Faker postcode_city_province format: {drawn!r}")
        return Place(m.group(1), m.group(2), m.group(3))

    def comune(self) -> str:
        # not fake.city(): Faker builds that list from a set, so its order (and the draw)
        # changes with PYTHONHASHSEED and the same seed would give other notes
        return self.place().comune

    def street(self) -> str:
        """Street type, name and civic number: 'Via Roma 12', 'P.zza Garibaldi, 3/A'."""
        rng = self.rng
        if rng.random() < 0.4:
            name = self.fake.street_name()
        else:
            who = self.fake.last_name() if rng.random() < 0.6 else (
                f"{self.fake.first_name_male()} {self.fake.last_name()}")
            name = f"{rng.choice(_STREET_TYPES)} {who}"
        civic = str(rng.randint(1, 180))
        r = rng.random()
        if r < 0.1:
            civic += "/" + rng.choice("ABC")
        elif r < 0.15:
            civic += f" int. {rng.randint(1, 20)}"
        return rng.choice([f"{name} {civic}", f"{name}, {civic}", f"{name} n. {civic}"])

    # --- codes
    def codice_fiscale(self, p: Person, birth: dt.date) -> str:
        return codes.codice_fiscale(p.last, p.first, birth, female=p.female,
                                    place_code=codes.belfiore_code(self.rng))

    def tessera(self) -> str:
        return codes.tessera_sanitaria(self.rng)

    def record_number(self, kind: str, year: int) -> str:
        """A record number: kind is cartella, nosologico, id_paziente, verbale_ps or sdo."""
        rng = self.rng
        n = rng.randint(1, 999999)
        yy = year % 100
        if kind == "cartella":
            return rng.choice([f"{year}/{n:06d}", f"{yy}{n:06d}", f"CC-{year}-{n:06d}"])
        if kind == "nosologico":
            return rng.choice([f"{year}{n:06d}", f"{yy}/{n:06d}"])
        if kind == "verbale_ps":
            return rng.choice([f"{year}/PS/{n:06d}", f"PS{yy}{n:06d}", f"{n:07d}"])
        if kind == "sdo":
            return f"{year}{n:06d}"
        return rng.choice([f"{rng.randint(1, 9999999):07d}", f"PZ{n:06d}", f"ID{rng.randint(1, 10 ** 8):08d}"])
