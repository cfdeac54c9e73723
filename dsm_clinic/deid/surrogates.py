"""Realistic Italian fakes for PHI, consistent within a patient and stable across runs.

Every fake is drawn from a seed `HMAC-SHA256(key, patient_key | type | normalised value)`, so
the same real value gets the same fake in all of one patient's notes, in every run, in every
worker process, and nobody without the key can tell which real value a fake stands for.

What a fake keeps of the original:
- names: the order of the words, their casing (ROSSI MARIO -> BIANCHI LUCA), titles inside the
  span (Sig., Dott.ssa) and particles' shape; each word is faked on its own, a first name
  (Faker's it_IT first names, or the gazetteer's) by a first name of the same gender, any other word by a
  surname, so "Mario Rossi", "ROSSI MARIO" and "Sig. Rossi" agree on their fakes;
- dates: shifted by one offset per patient (30 to 180 days either way, see `date_offset`), in
  the same written form (dates.py); a string that is not a date gets a same-shape fake;
- identifiers: a codice fiscale with a correct check character, whose birth date is the
  original's shifted by the patient's offset and whose gender is the original's; 20-digit
  tessera sanitaria with a Luhn digit; an IBAN with valid check digits (and CIN for IT);
  phones with the original's separators, international prefix and kind (mobile 3xx, landline
  0...); e-mail and PEC addresses with the same kind of domain; record numbers with the same
  shape (letters kept, digits drawn);
- places and addresses: comuni, CAP and provinces from Faker's it_IT table, street names from
  Faker names, the original's street type (Via, P.zza) and civic-number shape.

A fake never equals its original (compared without case): draws are retried with the next
attempt number. Fakes depend on Faker's it_IT lists, so they are stable for one Faker version.
Different real values may share a fake (Faker has about 1,200 surnames): de-identification
does not need the mapping to be one-to-one.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import random
import re
import unicodedata

from faker import Faker

from dsm_clinic.data import codes
from dsm_clinic.deid import dates
from dsm_clinic.errors import error

MIN_KEY_BYTES = 16
MIN_SHIFT_DAYS = 30
MAX_SHIFT_DAYS = 180
_ATTEMPTS = 20

_TITLES = re.compile(
    r"^(?:(?:sig\.?(?:ra|na)|sig|sigg|signora|signor|signore|sgr|dott\.?ssa|dott|dr\.?ssa|dr|"
    r"prof\.?ssa|prof|inf|ing|avv|geom|rag|on|mons|don|suor|padre|cav|gent\.?(?:mo|ma)|egr)"
    r"(?:\.\s*|\s+))+", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]*)*\.?")
_PARTICLES = {"de", "di", "da", "del", "della", "dello", "dei", "degli", "dal", "dalla", "dalle",
              "lo", "la", "li", "le", "de'", "d'", "dell'", "van", "von", "mc", "san", "santa"}
_STREET_TYPES = re.compile(
    r"^(?:via|v\.|viale|v\.le|vle|piazza|p\.zza|p\.za|pza|piazzale|p\.le|piazzetta|corso|c\.so|"
    r"largo|l\.go|vicolo|v\.lo|vico|strada|str\.|località|loc\.|frazione|fraz\.|contrada|c\.da|"
    r"borgo|lungomare|lungotevere|circonvallazione|salita|traversa|galleria|calle|rotonda|"
    r"stretto|canale|incrocio|viuzza|riva|rione)(?=[\s.,]|$)\.?", re.IGNORECASE)
_ORG_PREFIXES = ("ausl", "asl", "asst", "ats", "aou", "ao", "usl", "ospedale", "policlinico")
_FREE_MAIL = ("libero.it", "gmail.com", "virgilio.it", "alice.it", "hotmail.it", "yahoo.it",
              "tiscali.it", "outlook.it", "fastwebnet.it", "icloud.com", "tin.it", "email.it")
_PEC_DOMAINS = ("pec.it", "legalmail.it", "postecert.it", "arubapec.it", "pec.libero.it",
                "pec.omceo.it")
_MOBILE_PREFIXES = ("320", "324", "327", "328", "329", "330", "331", "333", "334", "335", "338",
                    "339", "340", "342", "345", "347", "348", "349", "351", "366", "370", "380",
                    "388", "392")
_OMOCODIA = str.maketrans("LMNPQRSTUV", "0123456789")
_CF = re.compile(r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPRST][0-9LMNPQRSTUV]{2}[A-Z]"
                 r"[0-9LMNPQRSTUV]{3}[A-Z]$")


_AFTER_CAP = re.compile(r"\b\d{5}(\s+|\s*-\s*)([^\W\d_][^\d(,]*?)(?=\s*(?:\(|,|$))")
_CACHE_SIZE = 65536


@functools.lru_cache(maxsize=1)
def _cap_table() -> tuple[tuple[str, list], ...]:
    from faker.providers.address.it_IT import Provider

    return tuple(sorted(Provider.cap_city_province.items()))


def fold(text: str) -> str:
    """Lower case, accents stripped, whitespace collapsed: the key form of a value."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().split())


def like(template: str, word: str) -> str:
    """`word` in the casing pattern of `template`: UPPER, lower, or Title Case."""
    if template.isupper():
        return word.upper()
    if template.islower():
        return word.lower()
    return word


def _slug(text: str) -> str:
    return "".join(c for c in fold(text) if c.isalnum())


class Surrogates:
    """Keyed fakes for PHI values; see the module docstring. Raises E653 on a short key."""

    def __init__(self, key: bytes, seed_locale: str = "it_IT"):
        if not isinstance(key, (bytes, bytearray)) or len(key) < MIN_KEY_BYTES:
            raise error("E653", minimum=MIN_KEY_BYTES)
        self._key = bytes(key)
        self.locale = seed_locale
        self._faker: Faker | None = None
        self._genders: dict[str, str] | None = None
        self._gazetteers = None
        # Notes repeat a patient's values; the cache only saves work, fakes are pure functions.
        self._cache: dict[tuple, str] = {}
        self._offsets: dict[str | None, int] = {}

    def __getstate__(self):  # Faker instances are rebuilt in the receiving process
        return {"_key": self._key, "locale": self.locale}

    def __setstate__(self, state):
        self.__init__(state["_key"], state["locale"])

    # --- seeds
    def digest(self, patient_key: str | None, entity_type: str, value: str, attempt: int = 0) -> bytes:
        """HMAC-SHA256 of patient, type, normalised value and attempt number."""
        msg = "\x1f".join((patient_key or "", entity_type, value, str(attempt)))
        return hmac.new(self._key, msg.encode("utf-8"), hashlib.sha256).digest()

    def _rng(self, *parts, attempt: int = 0) -> random.Random:
        return random.Random(int.from_bytes(self.digest(*parts, attempt=attempt)[:8], "big"))

    def _fake(self, seed: random.Random) -> Faker:
        """The instance's Faker, reseeded from `seed` (never Faker's shared random state)."""
        if self._faker is None:
            self._faker = Faker(self.locale)
        self._faker.seed_instance(seed.getrandbits(64))
        return self._faker

    def date_offset(self, patient_key: str | None) -> int:
        """The patient's date shift in days: 30 to 180, either sign, never 0."""
        if patient_key in self._offsets:
            return self._offsets[patient_key]
        if len(self._offsets) >= _CACHE_SIZE:
            self._offsets.clear()
        rng = self._rng(patient_key, "DATE_OFFSET", "")
        days = rng.randint(MIN_SHIFT_DAYS, MAX_SHIFT_DAYS)
        self._offsets[patient_key] = days if rng.random() < 0.5 else -days
        return self._offsets[patient_key]

    # --- entry point
    def fake(self, value: str, entity_type: str, patient_key: str | None = None) -> str:
        """A fake for `value` of `entity_type`, never equal to it (ignoring case)."""
        key = (patient_key, entity_type, value)
        if key in self._cache:
            return self._cache[key]
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[key] = out = self._draw(value, entity_type, patient_key)
        return out

    def _draw(self, value: str, entity_type: str, patient_key: str | None) -> str:
        maker = {
            "PERSONA": self._persona, "DATA": self._data, "LUOGO": self._luogo,
            "INDIRIZZO": self._indirizzo, "TELEFONO": self._telefono, "EMAIL": self._email,
            "CODICE_FISCALE": self._codice_fiscale, "TESSERA_SANITARIA": self._tessera_sanitaria,
            "ID": self._id, "IBAN": self._iban,
        }.get(entity_type)  # any other type: a same-shape fake
        for attempt in range(_ATTEMPTS):
            out = maker(value, patient_key, attempt) if maker else None
            if out is None:
                out = self._same_shape(value, patient_key, entity_type, attempt)
            if out.casefold() != value.casefold() or not any(c.isalnum() for c in value):
                return out
        return self._same_shape(value, patient_key, entity_type, _ATTEMPTS)

    def _same_shape(self, value: str, patient_key, entity_type: str, attempt: int) -> str:
        """Digits replaced by digits, letters by letters of the same case; the rest kept.

        In a date with digits the words stay (ore, marzo): the digits carry the date.
        """
        rng = self._rng(patient_key, entity_type + ":shape", fold(value), attempt=attempt)
        keep_letters = entity_type == "DATA" and any(c.isdigit() for c in value)
        out = []
        for c in value:
            if c.isdigit():
                out.append(str(rng.randint(0, 9)))
            elif c.isalpha() and not keep_letters:
                letter = chr(97 + rng.randint(0, 25))
                out.append(letter.upper() if c.isupper() else letter)
            else:
                out.append(c)
        return "".join(out)

    # --- people
    def first_name_gender(self, word: str) -> str | None:
        """"f" or "m" when `word` is a known first name, else None (a surname).

        Faker's it_IT first names carry their gender; a first name only the de-identification
        gazetteer knows as a first name and not as a surname (Anna, Sara ...) gets the Italian
        rule of thumb: -a is female.
        """
        if self._genders is None:
            from faker.providers.person.it_IT import Provider

            from dsm_clinic.deid.gazetteers import load_gazetteers

            self._genders = {_slug(n): "m" for n in Provider.first_names_male}
            self._genders.update({_slug(n): "f" for n in Provider.first_names_female})
            self._gazetteers = load_gazetteers()
        key = _slug(word)
        if key in self._genders:
            return self._genders[key]
        gaz = self._gazetteers
        if key and gaz.is_first_name(word) and not gaz.is_surname(word):
            return "f" if key.endswith("a") else "m"
        return None

    def _persona(self, value: str, patient_key, attempt: int) -> str:
        title = _TITLES.match(value)
        head = title.group(0) if title else ""
        body = value[len(head):]
        words = list(_WORD.finditer(body))
        out, pos, i = [head], 0, 0
        while i < len(words):
            w = words[i]
            unit_end = w.end()
            text = w.group(0)
            # A particle joins the next word into one surname (De Luca, Dell' Orto).
            if fold(text).rstrip(".") in _PARTICLES and i + 1 < len(words) and not text.endswith("."):
                nxt = words[i + 1]
                if body[w.end():nxt.start()].strip() == "":
                    unit_end = nxt.end()
                    i += 1
            out.append(body[pos:w.start()])
            out.append(self._name_unit(body[w.start():unit_end], patient_key, attempt))
            pos = unit_end
            i += 1
        out.append(body[pos:])
        return "".join(out)

    def _name_unit(self, unit: str, patient_key, attempt: int) -> str:
        letters = unit.rstrip(".")
        if len(letters) == 1:  # an initial (M.): another letter, same case and dot
            rng = self._rng(patient_key, "PERSONA:initial", letters.upper(), attempt=attempt)
            pick = rng.choice([c for c in "ABCDEFGILMNOPRSTV" if c != letters.upper()])
            return like(letters, pick) + unit[1:]
        key = _slug(letters)
        gender = self.first_name_gender(letters)
        for retry in range(_ATTEMPTS):
            fake = self._fake(self._rng(patient_key, "PERSONA", key, attempt=attempt + 100 * retry))
            new = (fake.first_name_female() if gender == "f" else
                   fake.first_name_male() if gender == "m" else fake.last_name())
            if _slug(new) != key:
                break
        return like(letters, new) + unit[len(letters):]

    # --- dates
    def _data(self, value: str, patient_key, attempt: int) -> str | None:
        parsed = dates.parse_date(value, lenient=True)
        if parsed is None:
            return None
        if parsed.valid:
            return dates.shift_parsed(parsed, self.date_offset(patient_key))
        # An impossible date in a known form (31/02/2021): a random date in that form.
        rng = self._rng(patient_key, "DATA", value, attempt=attempt)
        return parsed.render(dt.date(rng.randint(1930, 2030), 1, 1)
                             + dt.timedelta(days=rng.randint(0, 364)))

    # --- places
    def _comune(self, rng: random.Random) -> tuple[str, str, str]:
        """(CAP, comune, province) that belong together, from Faker's it_IT table."""
        cap, places = rng.choice(_cap_table())
        comune, province = rng.choice(places)
        return cap, comune, province

    def _luogo(self, value: str, patient_key, attempt: int) -> str:
        rng = self._rng(patient_key, "LUOGO", fold(value), attempt=attempt)
        return like(value, self._comune(rng)[1])

    def _indirizzo(self, value: str, patient_key, attempt: int) -> str:
        rng = self._rng(patient_key, "INDIRIZZO", fold(value), attempt=attempt)
        cap, comune, province = self._comune(rng)
        if re.fullmatch(r"\d{5}", value):
            return cap
        street = _STREET_TYPES.match(value)
        head = street.group(0) if street else ""
        rest = value[len(head):]
        # The street name ends at a comma or before the civic number (12, n. 12, n° 12).
        m = re.search(r"(?:\s*\b(?:n|nr|num|civ)(?:\.|°)\s*)?(?=\d)|,", rest, re.IGNORECASE)
        name, tail = (rest[:m.start()], rest[m.start():]) if m else (rest, "")
        if name.strip():
            fake = self._fake(rng)
            who = fake.last_name() if rng.random() < 0.6 else f"{fake.first_name()} {fake.last_name()}"
            lead = name[:len(name) - len(name.lstrip())]
            trail = name[len(name.rstrip()):]
            name = lead + like(name.strip(), who) + trail
        # After a CAP comes the comune and maybe "(XX)": replace those with the fake's.
        tail = _AFTER_CAP.sub(lambda g: cap + g.group(1) + like(g.group(2), comune), tail)
        tail = re.sub(r"\b\d{5}\b", cap, tail)
        tail = re.sub(r"\(([A-Z]{2})\)", f"({province})", tail)
        tail = re.sub(r"(?<!\d)(?!\d{5}\b)\d{1,4}(?!\d)",
                      lambda g: str(rng.randint(1, 10 ** min(len(g.group(0)), 3) - 1)), tail)
        return head + name + tail

    # --- contacts
    def _telefono(self, value: str, patient_key, attempt: int) -> str | None:
        m = re.match(r"^\s*(\+\s?\d{2}|00\d{2})[\s.\-/]*", value)
        prefix = m.group(0) if m else ""
        body = value[len(prefix):]
        digits = "".join(c for c in body if c.isdigit())
        if not digits:
            return None
        rng = self._rng(patient_key, "TELEFONO", digits, attempt=attempt)
        if digits[0] == "3" and len(digits) >= 6:
            new = rng.choice(_MOBILE_PREFIXES) + "".join(str(rng.randint(0, 9)) for _ in digits[3:])
        elif digits[0] == "0" and len(digits) >= 3:
            new = "0" + str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in digits[2:])
        else:
            new = digits[0] + "".join(str(rng.randint(0, 9)) for _ in digits[1:])
        it = iter(new)
        return prefix + "".join(next(it) if c.isdigit() else c for c in body)

    def _email(self, value: str, patient_key, attempt: int) -> str | None:
        local, sep, domain = value.rpartition("@")
        if not sep:
            return None
        rng = self._rng(patient_key, "EMAIL", value.lower(), attempt=attempt)
        fake = self._fake(rng)
        first, last = _slug(fake.first_name()), _slug(fake.last_name())
        joiner = "." if "." in local else "_" if "_" in local else ""
        new_local = f"{first}{joiner}{last}" if len(local) > 3 else f"{first[0]}{last[:2]}"
        if re.search(r"\d$", local):
            new_local += str(rng.randint(1, 99))
        d = domain.lower()
        if "pec" in d or d in _PEC_DOMAINS:
            new_domain = rng.choice(_PEC_DOMAINS)
        elif d in _FREE_MAIL:
            new_domain = rng.choice(_FREE_MAIL)
        else:  # an organisation: its kind (asl, ospedale) and top-level domain stay
            kind = next((p for p in _ORG_PREFIXES if d.startswith(p)), "")
            tld = d.rsplit(".", 1)[-1] if "." in d else "it"
            new_domain = f"{kind}{_slug(self._comune(rng)[1])[:12]}.{tld}"
        return like(value, f"{new_local}@{new_domain}")

    # --- identifiers
    def _codice_fiscale(self, value: str, patient_key, attempt: int) -> str | None:
        code = value.strip().upper()
        if not _CF.match(code):
            return None
        rng = self._rng(patient_key, "CODICE_FISCALE", code, attempt=attempt)
        fake = self._fake(rng)
        numeric = code[6:8].translate(_OMOCODIA), code[9:11].translate(_OMOCODIA)
        day = int(numeric[1])
        female = day > 40
        birth = None
        try:
            yy = int(numeric[0])
            birth = dt.date(1900 + yy if yy > 30 else 2000 + yy,
                            codes.MONTH_LETTERS.index(code[8]) + 1, day - 40 if female else day)
        except ValueError:
            pass
        if birth is None:
            birth = dt.date(rng.randint(1930, 2015), rng.randint(1, 12), rng.randint(1, 28))
        else:
            birth += dt.timedelta(days=self.date_offset(patient_key))
        first = fake.first_name_female() if female else fake.first_name_male()
        new = codes.codice_fiscale(fake.last_name(), first, birth, female=female,
                                   place_code=codes.belfiore_code(rng))
        return like(value, new) if value == value.strip() else None

    def _tessera_sanitaria(self, value: str, patient_key, attempt: int) -> str | None:
        digits = "".join(c for c in value if c.isdigit())
        if len(digits) != 20:
            return None
        rng = self._rng(patient_key, "TESSERA_SANITARIA", digits, attempt=attempt)
        it = iter(codes.tessera_sanitaria(rng))
        return "".join(next(it) if c.isdigit() else c for c in value)

    def _id(self, value: str, patient_key, attempt: int) -> str | None:
        if not any(c.isdigit() for c in value):
            return None
        rng = self._rng(patient_key, "ID", _slug(value), attempt=attempt)

        def digits(g: re.Match) -> str:
            run = g.group(0)
            # A leading year (2021/..., 2021000123) keeps its century so the number looks real.
            keep = 2 if len(run) >= 4 and run[:2] in ("19", "20") else 0
            return run[:keep] + "".join(str(rng.randint(0, 9)) for _ in run[keep:])

        return re.sub(r"\d+", digits, value)  # letters are kind markers (CC-, PS, PZ): kept

    def _iban(self, value: str, patient_key, attempt: int) -> str | None:
        compact = re.sub(r"[\s\-]", "", value).upper()
        if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}", compact):
            return None
        rng = self._rng(patient_key, "IBAN", compact, attempt=attempt)
        country = compact[:2]
        if country == "IT" and len(compact) == 27:
            numbers = "".join(str(rng.randint(0, 9)) for _ in range(22))
            bban = cin_letter(numbers) + numbers
        else:
            bban = "".join(str(rng.randint(0, 9)) if c.isdigit() else chr(65 + rng.randint(0, 25))
                           for c in compact[4:])
        new = country + iban_check_digits(country, bban) + bban
        it = iter(new)
        return like(value, "".join(next(it) if c.isalnum() else c for c in value))


def cin_letter(numbers: str) -> str:
    """The CIN letter of an Italian BBAN from its 22 characters (ABI, CAB, account).

    The CIN uses the same odd/even tables as the codice fiscale check character.
    """
    total = sum(codes._ODD[c] if i % 2 == 0 else codes._EVEN[c] for i, c in enumerate(numbers))
    return chr(65 + total % 26)


def iban_check_digits(country: str, bban: str) -> str:
    """The two ISO 13616 check digits for `country` + `bban` (mod 97)."""
    rearranged = bban + country + "00"
    number = int("".join(str(int(c, 36)) for c in rearranged))
    return f"{98 - number % 97:02d}"


def is_valid_iban(iban: str) -> bool:
    """True when the IBAN's check digits are right (spaces ignored)."""
    s = re.sub(r"\s", "", iban).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", s):
        return False
    return int("".join(str(int(c, 36)) for c in s[4:] + s[:4])) % 97 == 1
