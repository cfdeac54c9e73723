"""Each de-identification recognizer on its own positive and negative cases."""

from __future__ import annotations

import pytest

from dsm_clinic.deid.gazetteers import load_gazetteers
from dsm_clinic.deid.recognizers.addresses import AddressRecognizer
from dsm_clinic.deid.recognizers.dates import ItalianDateRecognizer
from dsm_clinic.deid.recognizers.email import ItalianEmailRecognizer as EmailRecognizer
from dsm_clinic.deid.recognizers.fiscal_code import (
    FiscalCodeRecognizer,
    LooseFiscalCodeRecognizer,
    cf_check_char,
)
from dsm_clinic.deid.recognizers.health_card import HealthCardRecognizer, luhn_ok
from dsm_clinic.deid.recognizers.iban import ItalianIbanRecognizer, iban_checksum_ok
from dsm_clinic.deid.recognizers.ids import RecordNumberRecognizer
from dsm_clinic.deid.recognizers.names import NameRecognizer
from dsm_clinic.deid.recognizers.phones import ItalianPhoneRecognizer
from dsm_clinic.deid.recognizers.places import PlaceRecognizer


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteers()


def found(recognizer, text: str) -> list[str]:
    """The texts a recognizer returns for `text`, through Presidio's analyze()."""
    results = recognizer.analyze(text, recognizer.supported_entities, None)
    return sorted(text[r.start:r.end] for r in results)


@pytest.mark.parametrize("text,phone", [
    ("cell. 333 1234567", "333 1234567"),
    ("tel 3331234567 (figlia)", "3331234567"),
    ("recapito +39 347-220-9183.", "+39 347-220-9183"),
    ("fax 0532/237043", "0532/237043"),
    ("chiamare lo 06 4991 2345 in orario d'ufficio", "06 4991 2345"),
    ("n. (0968) 441207", "(0968) 441207"),
    ("0039 02 8899 4512 la sera", "0039 02 8899 4512"),
    ("reperibile al 333.182.9457", "333.182.9457"),
    ("numero verde 800 123456", "800 123456"),
])
def test_italian_phone_formats_are_found(text, phone):
    assert found(ItalianPhoneRecognizer(), text) == [phone]


@pytest.mark.parametrize("text", [
    "paracetamolo 500 mg x 3/die",
    "Hb 12.3 g/dl, PLT 350.000/mmc, GB 10.500",
    "PA 130/80 mmHg, FC 72 bpm",
    "ricoverata dal 03/05/2021 al 12.05.2021",
    "nosologico 2023004512, cartella 24/008231",
    "ore 08.30-12.30 ambulatorio",
    "creatinina 0,9 mg/dl; INR 2.5",
    "ID paziente 0123456",
    "tessera 80380000500012345672",
])
def test_doses_lab_values_pressures_dates_and_codes_are_not_phones(text):
    assert found(ItalianPhoneRecognizer(), text) == []


@pytest.mark.parametrize("text,date", [
    ("nato il 12/03/1956 a Roma", "12/03/1956"),
    ("controllo 12.03.56", "12.03.56"),
    ("il 5-3-2021", "5-3-2021"),
    ("esame del 2021-03-05", "2021-03-05"),
    ("ricovero del 5 marzo 2021", "5 marzo 2021"),
    ("dal 1° marzo 2021", "1° marzo 2021"),
    ("prelievo 05-MAR-21", "05-MAR-21"),
    ("sintomi da marzo 2021", "marzo 2021"),
    ("sintomi da marzo del 2021", "marzo del 2021"),
    ("ultima mestruazione 03/2021", "03/2021"),
    ("visita del 22 genn. 2024", "22 genn. 2024"),
    ("rivedere il 5/9", "5/9"),
    ("dimissione prevista il 2 febbraio", "2 febbraio"),
])
def test_italian_dates_are_found(text, date):
    assert found(ItalianDateRecognizer(), text) == [date]


@pytest.mark.parametrize("text", [
    "diabete diagnosticato nel 2013",
    "Hb 12.3, K 4.2",
    "ore 10.30 visita",
    "1/2 cp la sera",
    "PA 130/80",
    "nosologico 20/762445",
])
def test_years_lab_values_times_and_fractions_are_not_dates(text):
    assert found(ItalianDateRecognizer(), text) == []


def test_fiscal_code_valid_and_mistyped_both_count_valid_scores_higher():
    body = "RSSMRA80A01H501"
    valid = body + cf_check_char(body)
    wrong = body + ("A" if valid[-1] != "A" else "B")
    results = FiscalCodeRecognizer().analyze(f"CF {valid}, prima scritto {wrong}", ["CODICE_FISCALE"], None)
    scores = {r.start: r.score for r in results}
    assert len(scores) == 2
    assert scores[3] == 1.0 and 0.4 < scores[3 + 16 + len(", prima scritto ")] < 1.0


def test_loose_fiscal_code_needs_a_fiscal_code_word():
    code = "RSSMRA8OA01H5O1U"  # letters O typed for zeros: the strict shape fails
    assert found(FiscalCodeRecognizer(), f"C.F. {code}") == []
    assert found(LooseFiscalCodeRecognizer(), f"C.F. {code}") == [code]
    assert found(LooseFiscalCodeRecognizer(), f"lotto {code}") == []


def test_health_card_luhn_and_context():
    assert luhn_ok("80380000500012345672") and not luhn_ok("80380000500012345673")
    rec = HealthCardRecognizer()
    assert found(rec, "TS 80380000500012345672") == ["80380000500012345672"]
    assert found(rec, "tessera sanitaria n. 80380000500012345673") == ["80380000500012345673"]
    assert found(rec, "valore 80380000500012345673") == []


def test_iban_checksum_and_spacing():
    assert iban_checksum_ok("IT60 X054 2811 1010 0000 0123 456")
    assert not iban_checksum_ok("IT61 X054 2811 1010 0000 0123 456")
    rec = ItalianIbanRecognizer()
    res = rec.analyze("IBAN IT60X0542811101000000123456 e IT61 X054 2811 1010 0000 0123 456",
                      ["IBAN"], None)
    assert sorted(r.score for r in res) == [0.6, 1.0]


@pytest.mark.parametrize("text,email", [
    ("scrivere a mario.rossi85@gmail.com per i referti", "mario.rossi85@gmail.com"),
    ("PEC: studio.medico.tardioli@pec.omceopg.it", "studio.medico.tardioli@pec.omceopg.it"),
])
def test_email_and_pec(text, email):
    assert found(EmailRecognizer(), text) == [email]


def test_email_negatives():
    assert found(EmailRecognizer(), "rapporto 3@4 e indirizzo @reparto") == []


@pytest.mark.parametrize("text,code", [
    ("Cartella clinica n. 2021/000123", "2021/000123"),
    ("Nosologico: 21000123", "21000123"),
    ("ID paziente PZ0045127", "PZ0045127"),
    ("SDO 2020000123", "2020000123"),
    ("VERBALE DI PRONTO SOCCORSO N. 2024/PS/087311", "2024/PS/087311"),
    ("campione n. L240109-0831", "L240109-0831"),
    ("riferimento CC-2020-211413", "CC-2020-211413"),
])
def test_record_numbers(text, code):
    assert found(RecordNumberRecognizer(), text) == [code]


@pytest.mark.parametrize("text", [
    "richiesta 2021 per controllo",
    "cartella clinica del reparto",
    "ricovero 2019 per polmonite",
    "Hb 12000",
])
def test_record_number_negatives(text):
    assert found(RecordNumberRecognizer(), text) == []


def test_addresses_and_caps(gaz):
    rec = AddressRecognizer(gaz)
    text = "abita in via G. Garibaldi 12 int. 3, 40100 Bologna (BO)"
    assert found(rec, text) == ["40100", "via G. Garibaldi 12 int. 3"]
    assert found(rec, "P.zza XX Settembre n. 3") == ["P.zza XX Settembre n. 3"]
    assert found(rec, "Viale dell'Indipendenza 5") == ["Viale dell'Indipendenza 5"]
    assert found(rec, "piazza Caduti per la Libertà 3") == ["piazza Caduti per la Libertà 3"]
    assert found(rec, "loc. Case Nuove snc") == ["loc. Case Nuove snc"]


@pytest.mark.parametrize("text", [
    "terapia per via orale 2 volte al dì",
    "nel corso della visita",
    "somministrata via ev 2 fl",
    "sig. V. Tosto, 49 aa",
    "Pz: SPINELLI Tina",
    "GB 10500 /mmc",
])
def test_address_negatives(gaz, text):
    assert found(AddressRecognizer(gaz), text) == []


def test_comuni_with_and_without_context(gaz):
    rec = PlaceRecognizer(gaz)
    assert found(rec, "residente a Ferrara da anni") == ["Ferrara"]
    assert found(rec, "trasferito a Montecatini Terme") == ["Montecatini Terme"]
    assert found(rec, "nata a Bra (CN)") == ["Bra"]
    assert found(rec, "nato a Ne il 19/05/1962") == ["Ne"]
    assert found(rec, "nato a Casablanca nel 1980") == ["Casablanca"]
    assert found(rec, "AUSL di Livorno") == ["Livorno"]
    assert found(rec, "Chiavari, 20/05/2024") == ["Chiavari"]
    assert found(rec, "40024 Castel San Pietro Terme") == ["Castel San Pietro Terme"]


@pytest.mark.parametrize("text", [
    "ha una bella Vita sociale",
    "il Paese di origine",
    "Bra e gonna",
    "Ne parla con i figli",
    "nato in Nigeria",
    "Glasgow Coma Scale 15",
    "Ospedale Civile di Vigevano",  # the comune only, not the words before it
])
def test_common_word_comuni_and_countries_need_context(gaz, text):
    spans = found(PlaceRecognizer(gaz), text)
    assert spans in ([], ["Vigevano"]) and ("Vigevano" in text) == bool(spans)


@pytest.mark.parametrize("text,names", [
    ("Sig.ra Maria Grazia De Luca, 77 aa", ["Maria Grazia De Luca"]),
    ("PZ ROSSI MARIO GIUNGE IN PS", ["ROSSI MARIO"]),
    ("la figlia Giulia riferisce", ["Giulia"]),
    ("Dott.ssa Giacconi C. in ferie", ["Giacconi C."]),
    ("MMG: dr. Bianchi", ["Bianchi"]),
    ("Pz: D'Angelo Mirko, fumatore", ["D'Angelo Mirko"]),
    ("visto con Bottaro ieri", ["Bottaro"]),
    ("Il Dirigente Medico Dr.ssa GIACCONI CRISTINA", ["GIACCONI CRISTINA"]),
    ("Rossi Mario, 82 anni, giunge", ["Rossi Mario"]),
    ("la Sig.ra Olena Kovalenko, badante", ["Olena Kovalenko"]),
    ("Sig.ra Giuseppina Moretti in Galli, n. 03.09.1941", ["Galli", "Giuseppina Moretti"]),
])
def test_names_in_layers(gaz, text, names):
    assert found(NameRecognizer(gaz), text) == sorted(names)


@pytest.mark.parametrize("text", [
    "morbo di Parkinson in trattamento",
    "Paziente Affetta da BPCO",
    "Il Dirigente Medico",
    "In TAO con warfarin",
    "TC 37,0 °C. Giordano negativo",
    "Ricoverato presso Ospedale S. Orsola",
    'RSA "Villa Serena" di Pistoia',
    "Anamnesi familiare: Figlia: asma",
    "PRONTO SOCCORSO: ACCESSO ORE 02",
])
def test_name_negatives(gaz, text):
    assert found(NameRecognizer(gaz), text) == []


def test_a_name_found_once_is_found_again_in_the_note(gaz):
    text = "Sig. Enzio Bottaro ricoverato.\nAlla dimissione Bottaro sta bene."
    assert found(NameRecognizer(gaz), text) == ["Bottaro", "Enzio Bottaro"]
