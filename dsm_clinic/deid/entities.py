"""The PHI entity types shared by the synthetic corpus (gold spans) and the de-identifier.

Names are Italian because they are also the tags written by `deid run --mode tag`
(`<PERSONA>`, `<DATA>` ...), which clinicians read.
"""

PHI_TYPES: dict[str, str] = {
    "PERSONA": "patients, relatives, clinicians (with or without titles)",
    "DATA": "dates in any form: 12/03/1956, 12.03.56, 5 marzo 2021, marzo 2021, 2021-03-05",
    "LUOGO": "birth places, residences, comuni, hospitals named after places",
    "INDIRIZZO": "street addresses: street type, name, civic number, CAP",
    "TELEFONO": "phone and fax numbers",
    "EMAIL": "e-mail and PEC addresses",
    "CODICE_FISCALE": "Italian fiscal codes",
    "TESSERA_SANITARIA": "health card numbers",
    "ID": "record numbers: cartella clinica, nosologico, ID paziente, SDO",
    "IBAN": "bank account numbers",
}
