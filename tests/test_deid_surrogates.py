"""Surrogates: consistent per patient, keyed, format-valid, never the original; date shifting."""

from __future__ import annotations

import datetime as dt
import pickle
import re

import pytest

from dsm_clinic.data import codes
from dsm_clinic.deid import dates
from dsm_clinic.deid.surrogates import (
    MAX_SHIFT_DAYS,
    MIN_SHIFT_DAYS,
    Surrogates,
    cin_letter,
    is_valid_iban,
)
from dsm_clinic.errors import DsmError

KEY = b"surrogate-test-key-0123456789abc"


@pytest.fixture(scope="module")
def sur() -> Surrogates:
    return Surrogates(KEY)


# --- dates
@pytest.mark.parametrize("text, days, expected", [
    ("12/03/1956", 40, "21/04/1956"),
    ("12.03.56", -35, "06.02.56"),
    ("5/3/21", 40, "14/4/21"),
    ("2021-03-05", 40, "2021-04-14"),
    ("5 marzo 2021", 40, "14 aprile 2021"),
    ("1° marzo 2021", -1, "28 febbraio 2021"),
    ("28 febbraio 2021", 1, "1 marzo 2021"),
    ("05-MAR-21", 40, "14-APR-21"),
    ("Lunedì, 5 Marzo 2021", 40, "Mercoledì, 14 Aprile 2021"),
    ("5 sett. 2021", 30, "5 ott. 2021"),
    ("5 marzo", 40, "14 aprile"),
    ("marzo 2021", 17, "aprile 2021"),
    ("marzo del 2021", -40, "febbraio del 2021"),
    ("03/2021", -30, "02/2021"),
    ("2021", -30, "2020"),
    ("12/03/2021 ore 10:30", 40, "21/04/2021 ore 10:30"),
    ("15/12/99", 40, "24/01/00"),
])
def test_dates_shift_in_their_own_written_form(text, days, expected):
    assert dates.shift_date_text(text, days) == expected


@pytest.mark.parametrize("text", ["31/02/2021", "primavera", "12 / 03", "13/13/2021", " 12/03/2021"])
def test_strings_that_are_not_dates_are_not_parsed(text):
    assert dates.parse_date(text) is None


def test_date_offsets_are_per_patient_in_range_and_never_zero(sur):
    offsets = [sur.date_offset(f"patient:{i}") for i in range(300)]
    assert all(MIN_SHIFT_DAYS <= abs(o) <= MAX_SHIFT_DAYS for o in offsets)
    assert min(offsets) < 0 < max(offsets) and len(set(offsets)) > 100
    assert sur.date_offset("patient:7") == Surrogates(KEY).date_offset("patient:7")


def test_a_patients_dates_keep_their_intervals_and_month_year_forms_change(sur):
    a = sur.fake("12/03/2021", "DATA", "patient:1")
    b = sur.fake("2 aprile 2021", "DATA", "patient:1")
    da = dt.datetime.strptime(a, "%d/%m/%Y").date()
    assert re.fullmatch(r"\d{1,2} [a-z]+ 2\d{3}", b)
    db = dates.parse_date(b).value
    assert (db - da).days == 21
    for p in range(50):  # 30+ days from the 15th always leaves the month
        assert sur.fake("marzo 2021", "DATA", f"patient:{p}") != "marzo 2021"


def test_an_impossible_date_gets_a_valid_date_in_its_form(sur):
    fake = sur.fake("31/02/2021", "DATA", "patient:1")
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", fake)
    assert dates.parse_date(fake) is not None


# --- names
def test_names_map_consistently_within_a_patient_keeping_order_and_case(sur):
    p = "patient:1"
    full = sur.fake("Mario Rossi", "PERSONA", p)
    first, last = full.split()
    assert sur.fake("ROSSI MARIO", "PERSONA", p) == f"{last.upper()} {first.upper()}"
    assert sur.fake("Sig. Rossi", "PERSONA", p) == f"Sig. {last}"
    assert sur.fake("rossi", "PERSONA", p) == last.lower()
    assert sur.fake("Dott.ssa Anna Rossi", "PERSONA", p).startswith("Dott.ssa ")
    assert sur.fake("Dott.ssa Anna Rossi", "PERSONA", p).endswith(f" {last}")
    assert first != "Mario" and last != "Rossi"
    # Another patient's Rossi is someone else.
    assert sur.fake("Rossi", "PERSONA", "patient:2") != last


def test_first_names_stay_first_names_of_the_same_gender(sur):
    from faker.providers.person.it_IT import Provider

    for p in range(20):
        female = sur.fake("Maria", "PERSONA", f"patient:{p}")
        male = sur.fake("Giuseppe", "PERSONA", f"patient:{p}")
        assert female in Provider.first_names_female and male in Provider.first_names_male


def test_particles_join_the_surname_and_initials_stay_initials(sur):
    p = "patient:3"
    from faker.providers.person.it_IT import Provider

    de_luca = sur.fake("De Luca", "PERSONA", p)
    assert de_luca in Provider.last_names  # one surname, not "De" and "Luca" faked apart
    assert sur.fake("DE LUCA", "PERSONA", p) == de_luca.upper()
    assert sur.fake("Deluca", "PERSONA", p) == de_luca  # same normalised surname
    initial = sur.fake("M. Rossi", "PERSONA", p)
    assert re.fullmatch(r"[A-Z]\. \S+", initial) and not initial.startswith("M.")


def test_fakes_depend_on_the_key_and_survive_pickling(sur):
    other = Surrogates(b"another-key-0123456789abcdef0123")
    values = [("Mario Rossi", "PERSONA"), ("RSSMRA80A01H501U", "CODICE_FISCALE"),
              ("333 1234567", "TELEFONO"), ("Via Roma 12", "INDIRIZZO")]
    mine = [sur.fake(v, t, "patient:1") for v, t in values]
    assert [other.fake(v, t, "patient:1") for v, t in values] != mine
    clone = pickle.loads(pickle.dumps(sur))
    assert [clone.fake(v, t, "patient:1") for v, t in values] == mine


def test_a_short_key_is_refused():
    with pytest.raises(DsmError) as exc:
        Surrogates(b"short")
    assert exc.value.code == "E653"


# --- identifiers
def test_a_fake_codice_fiscale_is_valid_and_carries_the_shifted_birth_date(sur):
    real = codes.codice_fiscale("Rossi", "Anna", dt.date(1956, 3, 12), female=True, place_code="H501")
    p = "patient:4"
    fake = sur.fake(real, "CODICE_FISCALE", p)
    assert codes.is_valid_cf(fake) and fake != real
    born = dt.date(1956, 3, 12) + dt.timedelta(days=sur.date_offset(p))
    assert fake[6:8] == f"{born.year % 100:02d}"
    assert fake[8] == codes.MONTH_LETTERS[born.month - 1]
    assert int(fake[9:11]) == born.day + 40  # still a woman
    # A code with a wrong check character (a typo) still gets a valid fake.
    typo = real[:15] + ("A" if real[15] != "A" else "B")
    assert codes.is_valid_cf(sur.fake(typo, "CODICE_FISCALE", p))


def test_tessera_iban_and_ids_are_format_valid(sur):
    ts = sur.fake("80380000123456789017", "TESSERA_SANITARIA", "patient:1")
    assert len(ts) == 20 and ts.isdigit() and codes.is_valid_luhn(ts)
    assert cin_letter("0542811101000000123456") == "X"  # the published example's CIN
    for value in ("IT60X0542811101000000123456", "IT60 X054 2811 1010 0000 0123 456"):
        fake = sur.fake(value, "IBAN", "patient:1")
        assert is_valid_iban(fake) and fake.startswith("IT")
        compact = fake.replace(" ", "")
        assert compact[4] == cin_letter(compact[5:])
        assert [i for i, c in enumerate(fake) if c == " "] == [i for i, c in enumerate(value) if c == " "]
    assert is_valid_iban(sur.fake("DE89370400440532013000", "IBAN", "patient:1"))
    rid = sur.fake("CC-2021-000123", "ID", "patient:1")
    assert re.fullmatch(r"CC-20\d\d-\d{6}", rid) and rid != "CC-2021-000123"
    assert sur.fake("7", "ID", "patient:1") != "7"


@pytest.mark.parametrize("phone, shape", [
    ("+39 333 1234567", r"\+39 3\d\d \d{7}"),
    ("0039 347-1234567", r"0039 3\d\d-\d{7}"),
    ("02-1234567", r"0[1-9]-\d{7}"),
    ("(0521) 234567", r"\(0[1-9]\d\d\) \d{6}"),
    ("333.123.4567", r"3\d\d\.\d{3}\.\d{4}"),
])
def test_phones_keep_prefix_separators_and_kind(sur, phone, shape):
    fake = sur.fake(phone, "TELEFONO", "patient:1")
    assert re.fullmatch(shape, fake) and fake != phone


def test_mail_keeps_its_kind_of_domain(sur):
    pec = sur.fake("mario.rossi@pec.it", "EMAIL", "patient:1")
    free = sur.fake("mario.rossi@gmail.com", "EMAIL", "patient:1")
    org = sur.fake("m.rossi@aslroma1.it", "EMAIL", "patient:1")
    assert re.fullmatch(r"[a-z]+\.[a-z]+@(pec\.it|legalmail\.it|postecert\.it|arubapec\.it|pec\.libero\.it|pec\.omceo\.it)", pec)
    assert free.split("@")[1] in ("libero.it", "gmail.com", "virgilio.it", "alice.it", "hotmail.it",
                                  "yahoo.it", "tiscali.it", "outlook.it", "fastwebnet.it",
                                  "icloud.com", "tin.it", "email.it")
    assert org.split("@")[1].startswith("asl") and org.endswith(".it") and "roma1" not in org
    assert "rossi" not in pec + free + org


def test_places_and_addresses_are_realistic_and_keep_their_shape(sur):
    from faker.providers.address.it_IT import Provider

    comuni = {c for places in Provider.cap_city_province.values() for c, _ in places}
    assert sur.fake("Pavia", "LUOGO", "patient:1") in comuni
    assert sur.fake("MILANO", "LUOGO", "patient:1").isupper()
    cap = sur.fake("27100", "INDIRIZZO", "patient:1")
    assert cap in Provider.cap_city_province and cap != "27100"
    addr = sur.fake("Via G. Verdi n. 5, 20100 Milano (MI)", "INDIRIZZO", "patient:1")
    m = re.fullmatch(r"Via (.+) n\. (\d+), (\d{5}) (.+) \(([A-Z]{2})\)", addr)
    assert m and "Verdi" not in addr and "Milano" not in m.group(4)
    assert [m.group(4), m.group(5)] in [list(x) for x in Provider.cap_city_province[m.group(3)]]
    assert re.fullmatch(r"P\.zza [^\d,]+, \d+/A", sur.fake("P.zza Garibaldi, 3/A", "INDIRIZZO", "patient:1"))


def test_a_fake_never_equals_its_original(sur):
    values = [(str(i), "ID") for i in range(10)] + [(f"{i:05d}", "INDIRIZZO") for i in range(0, 99999, 997)]
    values += [(n, "PERSONA") for n in ("Anna", "Bruno", "Greco", "Rossi", "Ng", "Lo")]
    values += [("x", "LUOGO"), ("AB", "ID"), ("3", "TELEFONO")]
    for p in range(5):
        for v, t in values:
            assert sur.fake(v, t, f"patient:{p}").casefold() != v.casefold(), (v, t)
