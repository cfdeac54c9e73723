"""Names of people without a pretrained Italian model, in layers.

1. Titles, roles and relatives before a capitalized run ("Dott.ssa Maria De Luca", "pz ROSSI
   MARIO", "la figlia Giulia", "MMG: Bianchi") and a birth or age phrase after it ("Rossi Mario,
   82 anni", "Neri Anna (nata il ...)").
2. First-name and surname gazetteers (names-dataset, see gazetteers.py): a run of two or more
   capitalized words holding a known name ("Rossi Mario", "BIANCHI LUCA", "M. Rossi"), or one
   known name capitalized inside a sentence ("visto con Bottaro").
3. Every other capitalized occurrence, in the same note, of a word already found in a name
   (and of each part of a hyphenated one: CAVAZZA-NERI, then Neri); a surname after "in"
   ("Moretti in Galli"); a line holding only a name or chained initials (a signature: G.L.M.).
4. After a title or role: lower-case names ("sig.ra de angelis", "il marito pasquale") when
   the words are names and not Italian words; a name one word after the trigger ("INF. TRIAGE
   GHETTI"); further names joined by "e", "ed", "/" or a comma ("i figli Marco ed Elisa",
   "GHETTI / BALDINI"); a nickname ("detto Totò", "per tutti \"Nane\"", a quoted word after
   a name).

A known name that is also an Italian word (Rosa, Costa, Bruno, Serra) needs a second name word
or a title; capitals at a sentence start or in an all-caps note say nothing, so a single word
there needs a title too. Eponyms on the allow-list never count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dsm_clinic.deid.eponyms import is_always_allowed
from dsm_clinic.deid.gazetteers import Gazetteers, norm, strip_accents
from dsm_clinic.deid.recognizers.base import (
    CAPITAL_AFTER,
    WORD_RE,
    TextRecognizer,
    Word,
    column_cells,
    left_context,
    sentence_start,
    table_cells,
    upper_context,
    words,
)

STRONG, WEAK, UNKNOWN, COMMON = "strong", "weak", "unknown", "common"

_TITLE = (r"sig\.?\s?(?:ra|na)?|sigg\.|signor[ae]?|signorina|sra|sr\.?|mme|mlle|ass\.(?!\s?soc)|mrs?\.?|ms\.?|herr|frau|"
          r"dott\.?\s?(?:ssa|sa)?|dottor(?:e|essa)?|dr\.?\s?(?:ssa|sa)?|prof\.?\s?(?:ssa)?|"
          r"professor(?:e|essa)?|inf\.?|i\.\s?p\.|cpsi|ing\.|avv\.|arch\.|rag\.|geom\.|don|"
          r"suor|mons\.|ost\.|tsrm|fkt|o\.?s\.?s\.?|egr\.|gent\.(?:mo|ma)?|chiar\.mo|a\.\s?s\.|"
          r"ass\.\s?soc\.|ft\.?|ed\.|educ\.|tnpee|asv|(?-i:Pr)\.?|"
          # police and carabinieri ranks: "ag. Vacca", "App. Sc. Lombardo", "brig. Deiana"
          r"ag\.|agente|app\.(?:\s?sc\.)?|appuntato(?:\s+scelto)?|brig\.|brigadiere|m\.llo|maresciallo|"
          r"isp\.|ispettore|sovr\.|sovrintendente|spec\.|specializz\.")
_ROLE = (r"paziente|pz\.?|paz\.|pt\.?|letto\s+n?\.?\s*\d{1,3}|assistit[oa]|degente|utente|intestatari[oa]|richiedente|"
         r"cognome(?:\s+e\s+nome)?|nome(?:\s+e\s+cognome)?|nominativo|generalità|"
         r"mmg|pls|medico(?:\s+(?:curante|di\s+base|di\s+medicina\s+generale|di\s+guardia|"
         r"referente|responsabile|specialista|di\s+reparto))?|curante|specialista|"
         r"specializzand[oa]|primario|direttore|dirigente(?:\s+medico)?|responsabile|"
         r"coordinat(?:ore|rice)|caposala|infermier[ea]|operat(?:ore|rice)|aso|asa|ota|"
         r"mediat(?:ore|rice)(?:\s+(?:culturale|linguistic[oa]))?|interprete|fisioterapista|"
         r"logopedista|dietista|psicolog[oa]|assistente(?:\s+(?:sociale|sanitari[oa]))?|ostetrica|tutor|terapista|"
         r"vedov[oa]|ved\.|car[oa]|carissim[oa]|"
         r"firmato|firma|f\.to|firmato\s+digitalmente\s+da|visto\s+da|visitat[oa]\s+da|"
         r"a\s+cura\s+d(?:i|el|ella)|compilat[oa]\s+da|visionat[oa]\s+da|valutat[oa]\s+da|trascritt[oa]\s+da|dettat[oa]\s+da|"
         r"digitat[oa]\s+da|registrat[oa]\s+da|refertato\s+da|redatto\s+da|"
         r"inviat[oa]\s+da|accompagnat[oa]\s+da(?:lla|l)?|chiamare|contattare|"
         r"socc\.|soccorritor(?:e|i|ice)|autista|aut\.|barellier[ei]|volontari[oa]|firme|"
         r"neonat[oa]|bambin[oa]|minore|campanello|wife|husband|son|daughter|mother|father|"
         r"smonta|monta|op\.|fam\.|famiglia|brig\.|brigadiere|m\.llo|maresciallo|app\.|appuntato|"
         r"agente(?:\s+di\s+p\.\s?p\.)?|ins\.|collaborat(?:ore|rice)(?:\s+scolastic[oa])?|"
         r"ass\.\s?soc(?:iale|\.)?|chiamante|lavorat(?:ore|rice)|infortunat[oa]|assicurat[oa]|"
         r"dichiarante|segnalante|coord\.|study\s+coordinator|cra|verbalizzante|estensore|redattore|"
         r"operat(?:ore|rice)\s+social[ei]|educat(?:ore|rice)\s+comunale|"
         r"brother|sister|"
         r"caregiver|badante|tutore|tutrice|amministratore\s+di\s+sostegno|ads|"
         r"figli[oa]?|moglie|marito|madre|padre|mamma|papà|fratell[oi]|sorell[ae]|nipot[ei]|"
         r"genitori|familiari|parenti|"
         r"nonn[oaie]|zi[oaie]|cugin[oaie]|cognat[oaie]|suocer[oaie]|generi|nuore|genero|nuora|"
         r"compagn[oa]|"
         r"convivente|coniuge|fidanzat[oa]|vicin[oa]\s+di\s+casa|amic[oa]|"
         r"referente|delegat[oa]|collega|"
         # specialists and theatre roles: anestesista, strumentista, cardiologo, psichiatra
         r"(?:cardio|neuro|pneumo|onco|gineco|uro|nefro|emato|endocrino|gastroentero|reumato|"
         r"dermato|anestesio|diabeto|allergo|infettivo|radio|geronto|epato)log[oa]|"
         r"(?:neuropsichi|psichi|pedi|fisi|foni|odontoi|geri|otorinolaringoi)atra|"
         r"(?:anestes|strument|ferr|intern|ecograf|ocul|audiometr|ortott|igien|dent)ista|"
         r"chirurgo|tecnico|ostetric[oa]|"
         r"educat(?:ore|rice)|maestr[ao]|insegnante|oss|istrut(?:tore|trice)|"
         # nicknames and the name on an intercom
         r"dett[oa]|soprannominat[oa]|per\s+tutti|chiamat[oa]\s+da\s+tutti|alias|citofono|iniziali|"
         r"letto\s+[a-z](?=\s*:)")
_TRIGGER = re.compile(
    rf"(?:^|(?<=[^\w.]))(?:(?P<title>{_TITLE})|(?P<role>{_ROLE}))"
    r"(?:\s+(?:di\s+nome|chiamat[oa]|sig\.?\s?(?:ra|na)?|signor[ae]?|dott\.?\s?(?:ssa)?|"
    r"dr\.?\s?(?:ssa)?|prof\.?\s?(?:ssa)?|(?:di\s+)?(?:notte|mattina|pomeriggio|turno|giorno)|entrante|uscente|smontante|montante))?"
    r"\s*[:,(\-–]?\s*[\"«“']?$", re.IGNORECASE)
# A form's name field: what follows its colon is a name even when it is also a word.
_FIELD = re.compile(r"cognome(?:\s+e\s+nome)?|nome(?:\s+e\s+cognome)?|nominativo", re.IGNORECASE)
_TRIGGER_WORD = re.compile(rf"(?:{_TITLE}|{_ROLE})", re.IGNORECASE)
_AFTER = re.compile(
    r"\s*[,(\-–]?\s*(?:nat[oa]\b|n\.\s*(?:il|a)\b|classe\s+\d|di\s+(?:anni\s+)?\d{1,3}\s*(?:anni|aa)\b|"
    r"anni\s+\d{1,3}\b|\d{1,3}\s*(?:anni|aa|a\.)(?!\w)|\(\s*\d{1,3}\s*(?:anni|aa)?\s*\)|"
    r"\(\s*[MF]\s*\)|,\s*[MF]\s*,)", re.IGNORECASE)
_PARTICLES = {"de", "di", "da", "del", "della", "dello", "dei", "degli", "dal", "dalla", "la",
              "lo", "li", "le", "van", "von", "der", "den", "ter", "el", "al", "ben", "bin",
              "ibn", "abu", "dos", "das", "du", "des", "mc", "mac", "st", "san", "i", "y"}
_LOWER_PARTICLES = {"de", "di", "da", "del", "della", "dal", "dalla", "van", "von", "der",
                    "el", "al", "ben", "bin", "dos", "du", "des", "i", "y"}
# Function words that a name list may hold (noise in names-dataset) but never name anyone.
_FUNCTION_WORDS = {"il", "lo", "i", "gli", "un", "una", "uno", "e", "ed", "o", "ma", "per", "con",
                   "su", "tra", "fra", "che", "chi", "non", "se", "si", "no", "nel", "nella",
                   "sul", "sulla", "ha", "ho", "è", "era", "sono", "anche", "come", "mai", "poi",
                   "ok", "sì", "ad", "ai", "al", "alla", "allo", "nei", "negli", "sui",
                   "più", "meno", "molto", "poco", "tutto", "tutti", "bene", "male", "ore", "in", "a",
                   "da", "of", "the", "and", "ciao", "salve", "buongiorno", "buonasera",
                   "grazie", "prego", "senza", "sotto", "sopra", "dopo", "prima", "durante",
                   "contro", "verso", "presso", "oltre", "dentro", "fuori", "solo", "sola",
                   "go", "up"}
_APOSTROPHE_PREFIXES = ("d'", "dell'", "dall'", "de'", "dal'", "l'", "o'")
_MARRIED = re.compile(r" in ((?:(?:[Dd]e|[Dd]i|[Dd]el|[Ll][ao]) )?[A-ZÀ-Þ][\w'’]+)(?!\w)")
# Ambulance associations: "Croce Verde", "CROCE ROSSA ITALIANA".
_AMBULANCE_SERVICE = re.compile(r"(?i:croce[ \t]+(?:verde|rossa|bianca|azzurra|gialla|blu|d['’]oro)|"
                                r"pubblica[ \t]+assistenza|misericordia)\b")
_INSTITUTION_WORDS = {"villa", "casa", "clinica", "residenza", "istituto", "fondazione",
                      "ospedale", "policlinico", "presidio", "centro", "hospice", "rsa"}
# "S." is a saint only after a space or a line start: "A.S. Cinzia" is a social worker.
_SAINT = re.compile(r"(?:\bsan|\bsanta|\bsanto|\bsant['’]|(?<![\w.])s\.|(?<![\w.])ss\.|\bbeato|\bbeata|"
                    r"\bpapa|\bvia|\bviale|\bpiazza|\bcorso|\bospedale|\bistituto|\bclinica|"
                    r"\bcasa\s+di\s+cura|\bfondazione|\bpoliclinico)\s*$", re.IGNORECASE)
_MAX_NAME_WORDS = 4
_SAINT_WORDS = {"san", "santa", "santo", "sant'", "santi"}
# An institution named after someone: Istituto Ortopedico Rizzoli, scuola "Giovanni Pascoli",
# Ospedale Maggiore "Carlo Alberto Pizzardi", Centro "Don Milani" (a street is an address).
_INSTITUTION_BEFORE = re.compile(
    r"(?<!\w)(?:ospedale|istituto|ist\.|policlinico|scuola|centro|fondazione|clinica|"
    r"a\.o\.r\.n\.|aorn|a\.o\.u\.|aou|a\.o\.|irccs|asst|a\.s\.l\.|i\.c\.|p\.\s?o\.|"
    r"casa\s+di\s+cura|liceo|universit[àa]|asilo|associazione|hospice|residenza|rsa|presidio|"
    r"poliambulatorio|cooperativa|parrocchia|biblioteca|collegio|convitto|ospedaliero)"
    r"(?P<between>(?:\s+[^\W\d_]+(?:['’][^\W\d_]+)?){0,3}?)\s*(?P<quote>[\"«“])?\s*$",
    re.IGNORECASE)
# A cheap test before _INSTITUTION_BEFORE (anchored at its end, it tries every position).
_INSTITUTION_WORD = re.compile(
    r"(?i:ospedal|istitut|ist\.|policlinic|scuola|centro|fondazion|clinica|casa\s+di\s+cura|"
    r"liceo|universit|asilo|associazion|hospice|residenza|rsa|presidio|poliambulatori|"
    r"cooperativ|parrocchia|bibliotec|collegio|convitto|a\.o\.|aorn|aou|irccs|asst|i\.c\.|p\.\s?o\.)")
# Links from a name found after a trigger to the next one: "i figli Marco ed Elisa".
_CHAIN = re.compile(r"(?:\s*(?P<sep>[,/])\s*|\s*\+\s*|\s+(?:e|ed)\s+)$")
# A department or service written with capitals: "Medicina dello Sport", "Unità di Crisi".
_DEPARTMENT_BEFORE = re.compile(
    r"(?<!\w)(?P<word>[A-ZÀ-Þ][a-zà-ÿ]+)\s+(?:di|del|dello|della|dei|degli|delle)\s+$")
_INITIALS = re.compile(r"(?m)^[ \t]*(?P<ini>[A-Z]\.[ \t]?[A-Z]\.(?:[ \t]?[A-Z]\.){0,2})[ \t]*$")
# Dotted abbreviations that stand alone on a line without naming anyone.
_NOT_INITIALS = {"nb", "ps", "pps", "uo", "sc", "cf", "as", "dh", "po", "ss", "bc", "ac", "nd",
                 "vs", "eo", "tc", "rm", "so", "us", "ar", "ca", "ok", "ao", "ur", "ds", "sa",
                 "cc", "sr", "pm", "am", "ci", "rx", "ecg", "asl", "usl", "uoc", "uos", "ssn",
                 "aor", "aou", "asp", "ats", "ulss", "irccs",
                 "spa", "srl", "snc", "sas", "nn", "aa", "ll", "vv", "dd", "ff", "pp"}
_RELATIVE = re.compile(
    r"(?:figli[oa]?|moglie|marito|madre|padre|mamma|papà|fratello|sorella|nipote|nonn[oa]|"
    r"zi[oa]|cugin[oa]|cognat[oa]|suocer[oa]|genero|nuora|compagn[oa]|fidanzat[oa])"
    r"\s*[:,]?\s*", re.IGNORECASE)
# An Arabic article joined to a capitalized surname: al-Rashid, el-Sayed, bin-Laden.
_ARTICLE_NAME = re.compile(r"(?:al|el|ul|ad|as|ash|an|at|az|bin|ben|abu|ibn)-[A-ZÀ-Þ]")
_CELL_INITIALS = re.compile(r"[ \t\"']*(?P<ini>[A-Z]\.[ ]?[A-Z]\.(?:[ ]?[A-Z]\.)?)[ \t\"']*")
# In a table cell "R.M." signs a row (RM the exam is written without dots).
_NOT_CELL_INITIALS = {"nb", "ps", "uo", "sc", "ss", "nd", "vs", "ok", "cc", "sn", "pm", "am",
                      "nn", "aa", "pz", "dx", "sx"}
_BRACKET_INITIALS = re.compile(r"[ \t]*\((?P<ini>[A-Z]\.[ ]?[A-Z]\.(?:[ ]?[A-Z]\.)?)\)")
# Italy and its regions name no one: "ATS Sardegna", "Regione Piemonte", "AUSL della Romagna".
_REGIONS = {"italia", "piemonte", "lombardia", "veneto", "liguria", "emilia", "romagna", "toscana",
            "umbria", "marche", "lazio", "abruzzo", "molise", "campania", "puglia", "basilicata",
            "calabria", "sicilia", "sardegna", "trentino", "friuli"}
_ACRONYM_PART = re.compile(r"[A-Z]{2,}-[A-Za-z]")  # HCV-Ab, NT-proBNP, HLA-DR: a test
_DOTTED = re.compile(r"(?:[A-Z]\.){2,}")


def _dotted_start(text: str, pos: int) -> int:
    """Where the chain of dotted capitals holding `pos` starts ("A.O.R.N." from its "R")."""
    while pos >= 2 and text[pos - 1] == "." and text[pos - 2].isupper():
        pos -= 2
    return pos


_CAPS_WORD = re.compile(r"[A-Z]{2,}\b")
_LINK_BEFORE = re.compile(r"(?<![^ \t])(?:DI|DEL|DELLA|DA|IN|di|del|della|da|in)[ \t]*\Z")
_ROMAN_STAGE = re.compile(r"[IVX]{2,5}[A-Ca-c]?|[IVX][A-Ca-c]")
# Initials closing a message or after a role: "Assistente sanitaria R.T.", "... PCR). M.S."
_END_INITIALS = re.compile(r"(?P<ini>(?<![\w.])[A-Z]\.[ \t]?[A-Z]\.(?:[ \t]?[A-Z]\.)?)[ \t]*(?=\n|\Z)")
# Initials after a label's colon ("Trascritto da: E.P. il", "Donna: Y.M. (iniziali") or
# opening a line before a slash, dash or arrow ("S.K. / tutor", "F.M. -> Iannace L.").
_LABEL_INITIALS = re.compile(
    r"(?:(?<=:)[ \t]*|(?m:^)[ \t]*(?:\d{1,2}[).][ \t]*)?|(?<=\()[ \t]*)(?P<ini>(?<![\w.])[A-Z]\.[ \t]?[A-Z]\.(?:[ \t]?[A-Z]\.)?)"
    r"(?=[ \t]*(?:\n|\Z|[/(),;]|->|[-–][ \t]|il[ \t]|del[ \t]))")
# A legend of signatures: "Sigle: AB = ass. san. Anna Bertolini; MF = inf. Mattia Fedri".
_LEGEND_INITIALS = re.compile(r"(?:(?<=[:;,])|(?m:^))[ \t]*(?P<ini>[A-Z]{2,3})[ \t]*=[ \t]*"
                              r"(?:[a-z]+\.?[ \t]*){0,3}[A-ZÀ-Þ][a-zà-ÿ]")
# Initials of two letters each after a role: "op. Fe.Ga.".
_SYLLABLE_INITIALS = re.compile(r"(?<![\w.])(?P<ini>[A-Z][a-z]?\.[A-Z][a-z]?\.(?:[A-Z][a-z]?\.)?)(?![\w])")
# A first name signing a message: "Grazie, Vale", "Un saluto,\nMarta".
_SIGN_OFF_NAME = re.compile(
    r"(?im:^[ \t]*(?:grazie(?:\s+mille)?|saluti|cordiali\s+saluti|distinti\s+saluti|un\s+saluto|"
    r"un\s+caro\s+saluto|a\s+presto|ciao|buon\s+lavoro|buona\s+giornata)[ \t]*[,!.]?[ \t]*\n?[ \t]*)"
    r"(?P<n>[A-ZÀ-Þ][a-zà-ÿ]{2,14})[ \t]*[.!]?[ \t]*(?=\n|\Z)")
# A maiden name after "nata"/"née" in brackets or after a name: "Zora Kosmina (nata Sosič)".
_MAIDEN = re.compile(r"(?:\(|,|(?<=\w)[ \t])[ \t]*(?:nata|née|nee|geb\.|geborene)[ \t]+(?P<n>[A-ZÀ-Þ][\w'’-]+)(?=[ \t]*[),]|[ \t]*$|[ \t]+(?:née|nata|n\.)\b)", re.MULTILINE)
# A business named after its owner: "Onoranze Funebri Zobec", "Studio Dentistico Ferrante".
_BUSINESS_NAME = re.compile(
    r"(?i:onoranze[ \t]+funebri|pompe[ \t]+funebri|studio[ \t]+(?:dentistico|medico|legale|"
    r"odontoiatrico|notarile|associato)|impresa[ \t]+edile|ditta|f\.lli|fratelli|autotrasporti|"
    r"officina|centro[ \t]+(?:diagnostico|medico|analisi)|farmacia|laboratorio[ \t]+analisi)[ \t]+(?P<n>[A-ZÀ-Þ][\w'’-]+(?:[ \t](?:&|e)[ \t][A-ZÀ-Þ][\w'’-]+)?)")
# The sender of a chat message: "12/04/24, 07:58 - Carmela Gentile: ...", "[09:16] Coord. Rita: ...".
_CHAT_SENDER = re.compile(
    r"(?m)^[ \t]*(?:\[?\d{1,2}/\d{1,2}/\d{2,4},?[ \t]+\d{1,2}[:.]\d{2}(?::\d{2})?\]?[ \t]*[-–]?|"
    r"\[\d{1,2}[:.]\d{2}(?::\d{2})?\])[ \t]*(?:(?i:coord\.|inf\.|dott\.(?:ssa)?|dr\.(?:ssa)?|oss)[ \t]*)?"
    r"(?P<n>[A-ZÀ-Þ][\w'’-]+(?:[ \t](?!(?:OSS|MMG|AS|INF)\b)[A-ZÀ-Þ][\w'’-]+){0,2})"
    r"(?:[ \t]+(?:OSS|inf\.|MMG|AS|INF))?[ \t]*:")
# A first name with a role in brackets: "Salvatore (OSS) ha eseguito".
_NAME_WITH_ROLE = re.compile(r"(?<![\w.])(?P<n>[A-ZÀ-Þ][a-zà-ÿ]{2,})[ \t]*\((?:OSS|oss|inf\.?|infermier[ea]|"
                             r"ASA|OTA|tirocinante|fisioterapista|MMG|AS)\)")
# A first name in brackets after a name, as everyone calls the patient: "SEMPRINI GIOVANNI (Nanni)".
_BRACKET_NICKNAME = re.compile(r"[ \t]*\((?P<n>[A-ZÀ-Þ][a-zà-ÿ]{2,})\)")
# Initials before an age: "si tratta di L.B., 7 anni".
_AGED_INITIALS = re.compile(r"(?<![\w.])(?P<ini>[A-Z]\.[ ]?[A-Z]\.(?:[ ]?[A-Z]\.)?)(?=,?[ \t]*\d{1,3}[ \t]*(?:anni|aa|a\.|mesi))")
# A line of first names signing a shift ("Linda / Jacopo", "Teresa / Vito C.") or a note ("... - Fede").
_FIRST_NAME_LINE = re.compile(r"(?m)^[ \t]*(?P<names>[A-ZÀ-Þ][a-zà-ÿ]{2,}(?:[ ][A-Z]\.)?(?:[ \t]*[/,][ \t]*"
                              r"[A-ZÀ-Þ][a-zà-ÿ]{2,}(?:[ ][A-Z]\.)?){1,3})[ \t]*$")
_DASH_SIGNATURE = re.compile(r"(?m)[.!)][ \t]+[-–—][ \t]?(?P<n>[A-ZÀ-Þ][a-zà-ÿ]{2,})[ \t]*$")
# A name in another script in brackets after a name: "HU Xiaoling (胡晓玲)".
_OTHER_SCRIPT_AFTER = re.compile(
    r"[ \t]*\([ \t]*(?P<n>[\u0400-\u04ff\u0590-\u06ff\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff"
    r"\uac00-\ud7af]+(?:[ ][\u0400-\u04ff\u0590-\u06ff\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff"
    r"\uac00-\ud7af]+){0,3})[ \t]*\)")
# A first name ending a diary line after a sentence: "... non nuove lesioni. Gianni".
_END_PAIR = re.compile(r"(?m)[.!?)][ \t]+(?P<n>[A-ZÀ-Þ][a-zà-ÿ]{2,})[ \t]*/[ \t]*(?P<n2>[A-ZÀ-Þ][a-zà-ÿ]{2,})[ \t]*$")
_END_SIGNATURE = re.compile(r"(?m)(?:(?P<w>[\w.]*\w)[.!?]|\)|(?<=\d)['’])[ \t]+(?P<n>[A-ZÀ-Þ][a-zà-ÿ]{2,})[ \t]*$")
# A short signature ending two or more lines of one note: "... in stanza. EdS", "... ATS. S.R.".
_REPEATED_SIGNATURE = re.compile(
    r"(?m)(?:[.!?)]|['’](?<=\d['’]))[ \t]+(?P<s>[A-Z][A-Za-z]{1,2}|[A-Z]\.[ ]?[A-Z]\.(?:[A-Z]\.)?|"
    r"[A-Z]\.[ ]?[A-ZÀ-Þ][a-zà-ÿ'’]{2,}|[A-ZÀ-Þ][a-zà-ÿ]{2,})[ \t]*$")
# Two or three capitals ending a line after a sentence in lower case: a diary's initials, even
# once ("Rivedo a 6 sett. LB", "verrà alle 15. AG").
_SENTENCE_END_INITIALS = re.compile(r"(?m)(?<![\w.])(?:[a-zà-ù]{2,}|\d+)[.!?][ \t]+(?P<s>[A-Z]{2,3})[ \t]*$")
# A name and an initial ending a line after a sentence: "Sospeso accesso. Vallino R.",
# "Mamma presente. Laura B." (not "Killip I.").
_SENTENCE_END_NAME_INITIAL = re.compile(
    r"(?m)(?<=[a-zà-ù\d][.!?])[ \t]+(?P<n>[A-ZÀ-Þ][a-zà-ÿ'’]{2,})(?P<i>[ ][A-Z]\.)[ \t]*$")
# Line-end abbreviations that sign nothing even when repeated.
_NOT_SIGNATURES = {"nb", "ps", "ok", "uo", "cc", "nn", "sc", "ev", "im", "os", "po", "sl", "fc", "pa", "fr",
                   "ta", "dx", "sx", "ivu", "ncd", "dpi", "mmg", "pls", "adi", "oss", "rsa"}
# A first name after a title or relative that is also a function word: "la moglie Nella".
_TRIGGERED_WORD_NAME = re.compile(
    r"(?<![\w.])(?i:sig\.?\s?ra|signora|moglie|marito|figli[ao]|madre|sorella|nipote|nonna|zia|"
    r"cugina|cognata|suocera|vicin[ao]|amica|badante|inf\.|dett[ao])[ \t]+[\"“«]?(?P<n>[A-ZÀ-Þ][a-zà-ÿ]{2,})(?![\w'’])")
# A first name after a surname in capitals and a comma: "Patient: HOFFMANN, Jürgen".
_COMMA_FIRST_NAME = re.compile(r"(?<![\w'’])[A-ZÀ-Þ]{3,}(?:[ '’][A-ZÀ-Þ]{2,})?,[ \t]+(?P<n>[A-ZÀ-Þ][a-zà-ÿ]{2,})(?![\w'’])")
# A first name alone in brackets, as a note gives who answered: "comunità "Il Faro" (Luca)".
_BRACKET_FIRST_NAME = re.compile(r"(?<=[\w\"”»][ \t])\((?P<n>[A-ZÀ-Þ][a-zà-ÿ]{2,})(?:\)|,(?![ \t]*\d{4})|"
                                 r"[ \t]+e[ \t]+(?P<n2>[A-ZÀ-Þ][a-zà-ÿ]{2,})\))")
# A name in brackets with a way to reach them, or after a companion: "(Ahmad, tel. 351 ...)",
# "(Karim, numero non noto)", "la coinquilina (Gift)".
_BRACKET_CONTACT = re.compile(
    r"\((?P<n>[A-ZÀ-Þ][a-zà-ÿ]{2,})(?:[ \t]+(?P<n2>[A-ZÀ-Þ][a-zà-ÿ]{2,}))?[ \t]*,[ \t]*"
    r"(?i:tel\b|tel\.|cell\b|cell\.|numero|n\.[ \t]*tel|recapito|reperibile)"
    r"|(?i:coinquilin[oa]|connazional[ei]|compagn[oa]|convivente|fidanzat[oa]|amic[oa]|vicin[oa]|"
    r"badante|caregiver|accompagnatore|accompagnatrice|ragazz[oa])[ \t]+\([\"“«]?(?P<m>[A-ZÀ-Þ][a-zà-ÿ]{2,})"
    r"(?:[ \t]+(?P<m2>[A-ZÀ-Þ][a-zà-ÿ]{2,}))?[\"”»]?[ \t]*[),]")
# A name someone is called by, in quotes: "a casa lo chiamano tutti "Nane"".
_CALLED = re.compile(r"(?i:chiamano(?:[ \t]+tutti)?|chiamat[oa][ \t]+da[ \t]+tutti|soprannominat[oa]|"
                     r"soprannome)[ \t]*:?[ \t]*[\"“«](?P<n>[A-ZÀ-Þ][\w'’]+(?:[ ][\w'’]+){0,2})[\"”»]")
# A company named after its owner, with its legal form: "Sala Logistica srl", "ditta Varagnolo
# snc." (not an address without a civic number: "via della Chiesa snc").
_OWNED_COMPANY = re.compile(
    r"(?P<n>[A-ZÀ-Þ][a-zà-ÿ]{2,})(?:[ \t]+[A-ZÀ-Þ][a-zà-ÿ]+){0,2}[ \t]+"
    r"(?i:s\.?r\.?l\.?|s\.?n\.?c\.?|s\.?a\.?s\.?|s\.?p\.?a\.?)(?!\w)")
_STREET_BEFORE = re.compile(r"(?i:via|viale|piazza|p\.zza|corso|c\.so|contrada|c/da|c\.da|loc\.|"
                            r"località|frazione|fraz\.|strada|vicolo|largo)[^\n,;]{0,30}\Z")
# A first name before an office: "Paola – Segreteria Cardiologia".
_NAME_BEFORE_OFFICE = re.compile(
    r"(?m)^[ \t]*(?P<n>[A-ZÀ-Þ][a-zà-ÿ]{2,})[ \t]+[-–—][ \t]+(?:Segreteria|Ufficio|Reparto|"
    r"Accettazione|CUP|Amministrazione|Coordinamento|Ambulatorio|Servizio|U\.?O)\b")
_INITIALS_BEFORE = re.compile(r"(?:[.!?)][ \t]+|[-–/,][ \t]+|\n[ \t]*)\Z")
_NICKNAME_AFTER = re.compile(r"[ \t]*\(?[ \t]*[\"“«]([A-ZÀ-Þ][^\W\d_]+(?:[ '’-][A-ZÀ-Þ][^\W\d_]+)?)[\"”»]")


# Header cells of a name column, and what a name cell may hold.
_HEADER_NAME = re.compile(
    r"cognome|nome|cognome(?: e |/| )nome|nome(?: e |/| )cognome|nominativo|paziente|assistito|"
    r"assistita|ospite|utente|operatore|operatrice|firma|medico|infermiere|infermiera|"
    r"compilatore|referente|contatto|familiare|caregiver|surname|name|patient|sigla|chiamante|"
    r"cognome_nome|nome_cognome|cognome_paziente|nome_paziente")
_CELL_NAME = re.compile(
    r"(?:[A-ZÀ-Þ][\w'’.-]*|[A-Z]\.)(?:[ ]+(?:[A-ZÀ-Þ][\w'’.-]*|[A-Z]\.|(?:de|di|da|del|van|von|der|"
    r"dos|el|al|ben|bin)))" r"{0,3}")
class _Tok:
    __slots__ = ("start", "end", "text", "kind", "first", "surname", "initial", "particle",
                 "clinical")

    def __init__(self, start: int, end: int, text: str) -> None:
        self.start, self.end, self.text = start, end, text
        self.kind = COMMON
        self.first = self.surname = self.initial = self.particle = self.clinical = False


class NameRecognizer(TextRecognizer):
    ENTITY = "PERSONA"
    NAME = "ItalianNameRecognizer"
    VERSION = "4"

    def __init__(self, gazetteers: Gazetteers) -> None:
        super().__init__()
        self.gaz = gazetteers

    # --- words
    def _classify(self, w: Word, text: str) -> _Tok:
        tok = _Tok(w.start, w.end, w.text)
        word = w.text.rstrip("'’")
        key = norm(word)
        if w.text[-1:] in "'’" and len(word) > 1:  # GIA', PERCHE': an accent typed as apostrophe
            key = key[:-1] + {"a": "à", "e": "è", "i": "ì", "o": "ò", "u": "ù"}.get(key[-1], key[-1])
            if key in self.gaz.vocabulary:
                return tok
        if text[w.end:w.end + 1].isdigit() or text[w.start - 1:w.start].isdigit() or \
                _ROMAN_STAGE.fullmatch(word) or \
                _ACRONYM_PART.match(word) and not word.isupper():
            tok.clinical = True  # FiO2, 8a, IIIB: a measure or a stage, not a name
            return tok
        if len(word) == 1:
            before = text[w.start - 1:w.start] if w.start else " "
            chained = before == "." and w.start >= 2 and text[w.start - 2].isupper() and \
                (w.start < 3 or not text[w.start - 3].isalnum())
            dotted = _DOTTED.match(text, _dotted_start(text, w.start))
            if dotted is not None and (len(dotted.group()) >= 8 or dotted.group().replace(
                    ".", "").lower() in _NOT_INITIALS):
                return tok  # A.O.R.N., U.O.C., S.C.: an acronym, not initials
            if word.isupper() and text[w.end:w.end + 1] == "." and (
                    before in " \t\n(\"'|" or chained):
                tok.initial, tok.end, tok.kind = True, w.end + 1, UNKNOWN
            return tok
        if key in _PARTICLES:
            tok.particle = True
            return tok
        if is_always_allowed(word) or key in self.gaz.clinical or key in _FUNCTION_WORDS or \
                key in self.gaz.countries or key in _REGIONS:  # "trattato in Romania"
            tok.clinical = True
            return tok
        main = key
        for prefix in _APOSTROPHE_PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix) + 1:
                main = key[len(prefix):]
                break
        parts = [p for p in re.split(r"-", main) if p]
        tok.first = any(p in self.gaz.first_names for p in parts) or key in self.gaz.first_names \
            or strip_accents(key) in self.gaz.first_names
        tok.surname = any(p in self.gaz.surnames for p in parts) or key in self.gaz.surnames
        # A word is common when every part is an Italian or clinical word; an apostrophe
        # surname (D'Angelo) is never common, "dell'ospedale" never capitalized mid-sentence.
        common = all(self.gaz.is_word(p) for p in parts) and (main == key or key in
                                                              self.gaz.vocabulary)
        if tok.first or tok.surname:
            tok.kind = WEAK if common else STRONG
        else:
            tok.kind = COMMON if common else UNKNOWN
        if word.isupper() and (len(word) <= 3 or not re.search(r"[AEIOUY]", word)) and \
                not upper_context(text, w.start, w.end):
            tok.kind = COMMON  # an acronym in mixed-case text (TAO, ECG), unless a title says
        tok.clinical = key in self.gaz.clinical or key in _FUNCTION_WORDS
        return tok

    # --- runs of capitalized words
    def _runs(self, toks: list[_Tok], text: str) -> Iterator[list[_Tok]]:
        """Runs of adjacent capitalized words, initials and particles (one space between)."""
        run: list[_Tok] = []
        for i, t in enumerate(toks):
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            adjacent = bool(run) and text[run[-1].end:t.start] in (" ", "")
            capital = (t.text[:1].isupper() or _ARTICLE_NAME.match(t.text) is not None) \
                and not t.particle
            # A capitalized particle joins even at the end: "Angelica Dalla," (see _judge).
            nxt2 = toks[i + 2] if i + 2 < len(toks) else None
            particle = t.particle and (t.text[:1].isupper() and bool(run) or (
                nxt is not None and nxt.text[:1].isupper() and text[t.end:nxt.start] in (" ", "")
                and (t.text[:1].isupper() or norm(t.text) in _LOWER_PARTICLES)) or (
                # "van der Berg", "de la Cruz": two particles before the surname
                norm(t.text) in _LOWER_PARTICLES and nxt is not None and nxt.particle and
                nxt2 is not None and nxt2.text[:1].isupper() and
                text[t.end:nxt.start] == " " and text[nxt.end:nxt2.start] == " "))
            if (capital or particle) and (adjacent or not run):
                run.append(t)
                continue
            if run:
                yield run
            run = [t] if capital or particle else []
        if run:
            yield run

    def _segments(self, run: list[_Tok], text: str,
                  chained: set[int]) -> Iterator[tuple[list[_Tok], str | None]]:
        """Cut a run at common words into candidate names, each with its trigger."""
        seg: list[_Tok] = []
        trigger: str | None = None
        alone = self._alone_on_line(text, run[0].start, run[-1].end) and len(run) >= 2
        for k, t in enumerate(run):
            nxt = run[k + 1] if k + 1 < len(run) else None
            if not seg:
                trigger = self._trigger(text, t.start, chained)
            if t.particle or t.initial or t.kind != COMMON or \
                    self._common_in_name(t, nxt, seg, trigger, text) or \
                    alone and not seg and not t.clinical and nxt is not None and nxt.first \
                    and nxt.kind == STRONG:  # a signature line: "Regge Sandro Livio"
                seg.append(t)
                continue
            if seg:
                yield seg, trigger
            seg, trigger = [], None
        if seg:
            yield seg, trigger

    def _common_in_name(self, t: _Tok, nxt: _Tok | None, seg: list[_Tok], trigger: str | None,
                        text: str) -> bool:
        """Whether a common word is part of a name here: surnames are often words too
        (Giacconi, Barese, Caboto). Clinical and function words never are."""
        if seg and seg[-1].particle and seg[-1].text.islower() and t.text.isupper():
            return False  # "dr. Sabbatani del CSM": an acronym is no surname
        if not seg and t.text.isupper() and len(t.text) <= 4 and nxt is not None \
                and nxt.first and not nxt.text.isupper() and \
                CAPITAL_AFTER.match(text, nxt.end) and not upper_context(text, t.start, t.end):
            return False  # "Inf. ADI Marisa Tugnoli": a service between the title and the name
        if trigger == "field" and not t.clinical and (
                not seg or t.text.isupper() and seg[-1].text.isupper() or seg[-1].particle):
            return True  # "Cognome: PITONI", "Cognome e nome: LO BUE ROSALIA": a form's value
        if t.clinical and trigger in ("title", "role") and len(seg) == 1 and (seg[0].first or seg[0].initial) \
                and norm(t.text) in self.gaz.surnames and t.text[:1].isupper() and \
                norm(t.text) not in _FUNCTION_WORDS:
            return True  # "dr. Giovanni Gentile", "dr. G. Gentile"
        if t.clinical and trigger == "title" and not seg and norm(t.text) in self.gaz.surnames \
                and t.text[:1].isupper() and not _TRIGGER_WORD.fullmatch(t.text) and \
                norm(t.text) not in _FUNCTION_WORDS and text[t.start - 1:t.start] == " " and \
                "\n" not in text[max(0, t.start - 12):t.start]:
            return True  # "sig.ra Gentile (letto 7)": after a title, a surname that is a word too
        if t.clinical:
            # a surname that is a clinical word ("Signora Eco G."): only as the first word after
            # a title or role, with an initial or a first name after it
            # ("INF. PS ZANNI": a short clinical acronym is the service, not a surname)
            return not seg and trigger is not None and nxt is not None and t.text[:1].isupper() \
                and not (t.text.isupper() and len(t.text) <= 3) \
                and (nxt.initial or nxt.first and nxt.kind == STRONG) \
                and norm(t.text) not in _FUNCTION_WORDS and not _TRIGGER_WORD.fullmatch(t.text)
        if not seg and trigger and text[t.start - 1:t.start] in "\"“«" and \
                text[t.end:t.end + 1] in "\"”»":
            return True  # a quoted nickname: per tutti "Nane"
        caps = upper_context(text, t.start, t.end)
        words_in = [x for x in seg if not x.particle and not x.initial]
        if seg and not words_in:  # "Del Caboto", "S. Caboto"
            if (caps or t.text.isupper() and seg[-1].text.isupper()) and trigger != "title":
                return False  # "MEDICO DI INFORTUNIO": a heading, not "DI CABOTO"
            return trigger is not None or nxt is not None and (
                nxt.first or nxt.initial) and nxt.kind in (STRONG, WEAK, UNKNOWN)
        if not seg:
            if trigger == "title":
                return True  # "Dott.ssa Giacconi"
            nxt_name = nxt is not None and (nxt.initial or nxt.kind in (STRONG, WEAK, UNKNOWN))
            if trigger in ("role", "field") and nxt_name and not (nxt.kind == WEAK and not nxt.first):
                return True  # "Pz: Caboto S."; not "Reparto richiedente: Chirurgia Generale"
            # "GIACCONI Cristina": an upper-case word before a first name in mixed-case text
            return not caps and t.text.isupper() and len(t.text) >= 3 and nxt is not None \
                and nxt.first and nxt.kind in (STRONG, WEAK) and not _TRIGGER_WORD.fullmatch(t.text)
        if any(x.kind == COMMON for x in words_in) or len(words_in) >= 3:
            return False
        if caps:
            # "DR.SSA CRISTINA GIACCONI": after a first name alone, with a trigger
            return trigger is not None and len(words_in) == 1 and words_in[0].first \
                and not words_in[0].surname
        if t.text.isupper() and len(t.text) >= 3:
            return True  # "Cristina GIACCONI"
        last = words_in[-1]
        # "Teresa Barese": a capitalized word after a first name that is no Italian word, or
        # after any name word when a title or role stands before ("dott. Vincentio Druso")
        return trigger is not None or last.first and last.kind == STRONG

    def _trigger(self, text: str, start: int, chained: set[int] | None = None) -> str | None:
        """'title', 'role', 'chain' or None for what stands just before `start`: a title or
        role, maybe one service word away ("INF. TRIAGE GHETTI"), or a link ("ed", "/", ",")
        to a name found after one ('chain')."""
        m = _TRIGGER.search(text, max(0, start - 48), start)
        if m is not None:
            if m.group("role") and _FIELD.fullmatch(m.group("role")) and ":" in m.group():
                return "field"
            return "title" if m.group("title") else "role"
        if chained and text[max(0, start - 4):start].rstrip().endswith((",", "/", " e", " ed", "+")):
            c = _CHAIN.search(text, max(0, start - 6), start)
            if c is not None and c.start() in chained:
                return "chain" if c.group("sep") == "," else "role"
        # one service word between: a short one in capitals or a clinical word (TRIAGE, ADI)
        i = start
        while i > 0 and text[i - 1] in " \t:,":
            i -= 1
        j = i
        while j > 0 and text[j - 1].isalpha():
            j -= 1
        word = text[j:i]
        k = j
        while k > 0 and text[k - 1] in " \t":
            k -= 1
        link = _LINK_BEFORE.search(text, max(0, k - 8), k)
        linked = False
        if link is not None and (word.isupper() and link.group().strip().isupper() or
                                 word.islower() and link.group().strip().islower()):
            k = link.start()  # "INF. DI TRIAGE SALA": step over the link word
            linked = True
            while k > 0 and text[k - 1] in " \t":
                k -= 1
        # after an abbreviated title ("INF. TRIAGE"), or a clinical word after any trigger
        if len(word) >= 2 and k < j and (
                word.isupper() and len(word) <= 6 and text[k - 1:k] == "." or
                linked and word.islower() and len(word) >= 4 and not _CAPS_WORD.match(text, start)
                or  # "infermiere di sala Romagnoli", not "Medico di categoria ANMIC"
                norm(word) in self.gaz.clinical and not self._word_at(text, start)) and \
                not _TRIGGER_WORD.fullmatch(word):
            m = _TRIGGER.search(text, max(0, k - 48), k)
            if m is not None:
                return "title" if m.group("title") else "role"
        return None

    def _word_at(self, text: str, start: int) -> bool:
        """Whether the word at `start` is an Italian word ("Chirurgia Generale": a ward)."""
        m = WORD_RE.match(text, start)
        return m is not None and self.gaz.is_word(m.group())

    def find(self, text: str) -> Iterator[tuple[int, int, float]]:
        toks = [self._classify(w, text) for w in words(text)]
        found: list[tuple[int, int, float]] = []
        chained: set[int] = set()  # ends of names found after a trigger
        for run in self._runs(toks, text):
            for seg, trigger in self._segments(run, text, chained):
                judged = self._judge(seg, trigger, text)
                # a name after a trigger, or one of two words or more, links the next one:
                # "Cipriani Adelmo e Gabriella Pitoni"
                chained.update(e for s, e, _ in judged if trigger or " " in text[s:e].strip())
                found.extend(judged)
        found.extend(self._lower_case_names(toks, text, found))
        found.extend(self._married_names(found, text))
        found.extend(self._nicknames(found, text))
        found.extend(self._cued_names(text))
        found.extend(self._signatures(text))
        found.extend(self._initials(text))
        found.extend(self._table_names(text, found))
        found.extend(self._initial_cells(text, found))
        found.extend(self._propagate(found, toks, text))
        yield from found

    def _lower_case_names(self, toks: list[_Tok], text: str,
                          found: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
        """Names written in lower case right after a title or role ("sig.ra de angelis", "la
        figlia annamaria"): words from the name lists that are no Italian word, with particles
        and with words in no list at all ("kastrati ermal"), never a common word alone."""
        extra = []
        covered = [(s, e) for s, e, _ in found]
        i = 0
        while i < len(toks):
            t = toks[i]
            if not self._lower_case_start(toks, i, text) or \
                    any(s <= t.start < e for s, e in covered):
                i += 1
                continue
            m = _TRIGGER.search(text, max(0, t.start - 48), t.start)
            if m is None:
                i += 1
                continue
            seg: list[_Tok] = []
            j = i
            while j < len(toks) and len(seg) < _MAX_NAME_WORDS + 1:
                x = toks[j]
                if seg and text[seg[-1].end:x.start] != " " or not x.text[:1].islower() or \
                        text[x.end:x.end + 1] == "." and len(x.text) <= 4 or \
                        x.clinical or not (x.particle or x.first or x.surname or
                                           x.kind == UNKNOWN) or \
                        x.kind == COMMON and not x.particle:
                    break
                seg.append(x)
                j += 1
            while seg and seg[-1].particle:
                seg.pop()
            after = toks[i + len(seg)] if seg and i + len(seg) < len(toks) else None
            if after is not None and after.text[:1].isupper() and \
                    text[seg[-1].end:after.start] == " ":
                i += 1  # "inf. di sala Dario Fortunato": the words qualify the role
                continue
            names = [x for x in seg if not x.particle]
            strong = [x for x in names if x.kind == STRONG]
            listed = [x for x in names if x.first or x.surname]
            # every word a name or unknown, at least one a name that is no Italian word; after
            # a relative, a first name alone even if it is a word too ("il marito pasquale")
            relative = m.group("role") is not None and _RELATIVE.fullmatch(m.group("role"))
            # after a title, words in no list count too ("sig.ra de angelis"), and frequent
            # surnames or first names that are also words ("sig. rossi", "dott.ssa conti")
            title = m.group("title") is not None and names and all(
                x.kind in (STRONG, UNKNOWN) or x.kind == WEAK and self._frequent(x)
                for x in names)
            if (title or strong and (len(names) == len(listed) or listed and len(names) >= 2)) \
                    and all(len(x.text) >= 3 for x in names):
                extra.append((seg[0].start, seg[-1].end, 0.8))
            elif relative and len(seg) == 1 and names[0].kind == WEAK and \
                    norm(names[0].text) in self.gaz.frequent_first_names:
                extra.append((seg[0].start, seg[-1].end, 0.6))
            i = max(j, i + 1)
        return extra

    def _frequent(self, t: _Tok) -> bool:
        key = norm(t.text)
        return key in self.gaz.frequent_surnames or key in self.gaz.frequent_first_names

    @staticmethod
    def _lower_case_start(toks: list[_Tok], i: int, text: str) -> bool:
        """Whether toks[i] may open a lower-case name (cheap tests before the trigger's)."""
        t = toks[i]
        if not t.text[:1].islower() or t.clinical or len(t.text) < 2 or \
                text[t.start - 1:t.start] not in (" ", "\t", "\n"):
            return False
        if t.first or t.surname:
            return True
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if t.particle:  # "de angelis"
            return nxt is not None and nxt.text[:1].islower() and not nxt.clinical and (
                nxt.first or nxt.surname or nxt.kind == UNKNOWN)
        # a word in no list: only right after an abbreviation or a colon ("letto A: xhaferi")
        return t.kind == UNKNOWN and (":" in text[t.start - 3:t.start] or
                                      "." in text[t.start - 3:t.start])

    def _nicknames(self, found: list[tuple[int, int, float]],
                   text: str) -> list[tuple[int, int, float]]:
        """What stands right after a name and names the same person: a quoted nickname
        (Giovanni "Nane" Bortolotti), the name in another script ("HU Xiaoling (胡晓玲)"), a first
        name in brackets ("SEMPRINI GIOVANNI (Nanni)")."""
        extra = []
        for _, end, score in found:
            if score < 0.6:
                continue
            m = _NICKNAME_AFTER.match(text, end)
            if m and norm(m.group(1)) not in self.gaz.clinical:
                extra.append((m.start(1), m.end(1), 0.7))
            m = _OTHER_SCRIPT_AFTER.match(text, end)
            if m:
                extra.append((m.start("n"), m.end("n"), 0.7))
            m = _BRACKET_NICKNAME.match(text, end)
            if m and not self.gaz.is_word(m.group("n")) and norm(m.group("n")) not in self.gaz.clinical:
                extra.append((m.start("n"), m.end("n"), 0.6))
        return extra

    def _first_name(self, word: str) -> bool:
        """A first name that is no clinical or function word ("Salvatore", not "Grazie")."""
        key = norm(word)
        return key in self.gaz.first_names and key not in self.gaz.clinical and \
            key not in _FUNCTION_WORDS

    def _bracket_first_name(self, word: str) -> bool:
        """A first name in brackets: a frequent one, or any that is no word, country or
        allow-listed name ("(Besnik)", "(Ermanno)"; not "(Marocco)", "(Mirena)")."""
        key = norm(word)
        if key in self.gaz.clinical:
            return False
        return key in self.gaz.frequent_first_names or (
            key in self.gaz.first_names and not self.gaz.is_word(key) and
            not self.gaz.is_country(word) and not is_always_allowed(word))

    def _cued_names(self, text: str) -> list[tuple[int, int, float]]:
        """Names a form of writing points at: a maiden name ("nata Sosič"), a business named after
        its owner, a chat message's sender, a first name with its role in brackets ("Salvatore
        (OSS)"), a first name that is also a word after a title or relative ("moglie Nella"), a
        first name after a surname and a comma ("HOFFMANN, Jürgen"), in brackets after a name
        ("Il Faro" (Luca)) or before an office ("Paola - Segreteria")."""
        extra = []
        for pattern in (_MAIDEN, _BUSINESS_NAME, _CHAT_SENDER):
            for m in pattern.finditer(text):
                words_ = [w for w in re.split(r"[ \t]+(?:&|e)?[ \t]*", m.group("n")) if w]
                # a name word that is no plain word ("Zobec") or a first name ("Carmela
                # Gentile"); "Nota:", "Sistema:" and "Ortopedia" name no one
                if any(norm(w) in self.gaz.first_names or not all(
                        self.gaz.is_word(p) for p in w.split("-")) for w in words_) \
                        and not (len(words_) == 1 and norm(words_[0]) in self.gaz.clinical) and \
                        not _TRIGGER_WORD.fullmatch(words_[0] + text[m.end("n"):m.end("n") + 1]):
                    extra.append((m.start("n"), m.end("n"), 0.6))
        for m in _NAME_WITH_ROLE.finditer(text):
            if self._first_name(m.group("n")):
                extra.append((m.start("n"), m.end("n"), 0.6))
        for m in _TRIGGERED_WORD_NAME.finditer(text):
            key = norm(m.group("n"))
            if key in _FUNCTION_WORDS and key in self.gaz.first_names:
                extra.append((m.start("n"), m.end("n"), 0.55))
        for m in _COMMA_FIRST_NAME.finditer(text):
            if self._first_name(m.group("n")) and not self.gaz.is_word(m.group("n")):
                extra.append((m.start(), m.end("n"), 0.55))
        for m in _CALLED.finditer(text):
            if norm(m.group("n")) not in self.gaz.clinical:
                extra.append((m.start("n"), m.end("n"), 0.55))
        for m in _OWNED_COMPANY.finditer(text):
            key = norm(m.group("n"))
            if key in self.gaz.surnames and key not in self.gaz.clinical and (
                    not self.gaz.is_word(key) or key in self.gaz.frequent_surnames) and \
                    not _STREET_BEFORE.search(text, max(0, m.start() - 40), m.start()):
                extra.append((m.start("n"), m.end("n"), 0.5))
        for m in _BRACKET_CONTACT.finditer(text):
            words = [g for g in ("n", "n2", "m", "m2") if m.group(g)]
            if self._first_name(m.group(words[0])) or not any(
                    self.gaz.is_word(m.group(g)) or norm(m.group(g)) in self.gaz.clinical
                    or is_always_allowed(m.group(g)) for g in words):
                extra.append((m.start(words[0]), m.end(words[-1]), 0.55))
        for pattern in (_BRACKET_FIRST_NAME, _NAME_BEFORE_OFFICE):
            for m in pattern.finditer(text):
                groups = ["n"] + (["n2"] if "n2" in pattern.groupindex and m.group("n2") else [])
                if all(self._bracket_first_name(m.group(g)) for g in groups):
                    extra += [(m.start(g), m.end(g), 0.55) for g in groups]
        return extra

    def _signatures(self, text: str) -> list[tuple[int, int, float]]:
        """Names signing a note, a shift or a diary line: a line of first names ("Linda /
        Jacopo"), a first name after a dash or a sentence at a line's end ("... - Fede", "...
        lesioni. Gianni", "... tranquilla. Gaia / Ferrante"), a short signature that ends two
        lines or more ("EdS", "A.M.", "I. Pastore"), a first name after a greeting ("Grazie,
        Vale")."""
        extra = []
        for m in _FIRST_NAME_LINE.finditer(text):
            parts = list(re.finditer(r"[A-ZÀ-Þ][a-zà-ÿ]{2,}(?:[ ][A-Z]\.)?", m.group("names")))
            if all(self._first_name(p.group().split(" ")[0]) for p in parts):
                extra.extend((m.start("names") + p.start(), m.start("names") + p.end(), 0.6)
                             for p in parts)
        for m in _DASH_SIGNATURE.finditer(text):
            if self._first_name(m.group("n")):
                extra.append((m.start("n"), m.end("n"), 0.55))
        for m in _END_SIGNATURE.finditer(text):
            before = m.group("w") or ""
            if len(before) <= 2 or _TRIGGER_WORD.fullmatch(before + ".") or \
                    _TRIGGER_WORD.fullmatch(before):
                continue  # "dr. P. Cecchi", "dott. Gianni": a title's dot, not a sentence's
            if self._first_name(m.group("n")) and (
                    not self.gaz.is_word(m.group("n"))
                    or norm(m.group("n")) in self.gaz.frequent_first_names):  # "... Riposizionato. Giada"
                extra.append((m.start("n"), m.end("n"), 0.55))
        for m in _END_PAIR.finditer(text):
            pair = [m.group("n"), m.group("n2")]
            if any(self._first_name(w) for w in pair) and all(self.gaz.is_name(w) for w in pair) \
                    and not any(norm(w) in self.gaz.clinical for w in pair):
                extra += [(m.start("n"), m.end("n"), 0.55), (m.start("n2"), m.end("n2"), 0.55)]
        signatures: dict[str, list[tuple[int, int]]] = {}
        for m in _REPEATED_SIGNATURE.finditer(text):
            signatures.setdefault(m.group("s"), []).append(m.span("s"))
        for sign, spans in signatures.items():
            key = sign.replace(".", "").replace(" ", "").lower()
            if len(spans) >= 2 and key not in _NOT_SIGNATURES and key not in self.gaz.clinical \
                    and key not in _FUNCTION_WORDS and not self.gaz.is_word(key) and \
                    not is_always_allowed(sign):
                extra.extend((a, b, 0.55) for a, b in spans)
        for m in _SENTENCE_END_NAME_INITIAL.finditer(text):
            word = m.group("n")
            if not is_always_allowed(word) and norm(word) not in self.gaz.clinical and \
                    norm(word) not in _FUNCTION_WORDS:
                extra.append((m.start("n"), m.end("i"), 0.55))
        for m in _SENTENCE_END_INITIALS.finditer(text):
            key = m.group("s").lower()
            if key not in _NOT_SIGNATURES and key not in _NOT_INITIALS and \
                    key not in self.gaz.clinical and not self.gaz.is_word(key):
                extra.append((*m.span("s"), 0.5))
        for m in _SIGN_OFF_NAME.finditer(text):
            key = norm(m.group("n"))
            if key not in self.gaz.clinical and key not in _FUNCTION_WORDS and \
                    not _TRIGGER_WORD.fullmatch(m.group("n")):
                extra.append((m.start("n"), m.end("n"), 0.6))
        return extra

    @staticmethod
    def _initials(text: str) -> list[tuple[int, int, float]]:
        """Chained initials alone on a line, as a signature ("G.L.M.", "R. T."), or ending a
        line after a sentence or a role ("... grazie. M.S.", "Assistente sanitaria R.T."), after a
        label's colon, in a legend ("AB = ass. san. ..."), or before an age ("L.B., 7 anni")."""
        extra = []
        for m in _INITIALS.finditer(text):
            letters = "".join(c for c in m.group("ini") if c.isalpha()).lower()
            if letters not in _NOT_INITIALS:
                extra.append((m.start("ini"), m.end("ini"), 0.6))
        seen = {s for s, _, _ in extra}
        for pattern in (_LABEL_INITIALS, _LEGEND_INITIALS, _AGED_INITIALS):
            for m in pattern.finditer(text):
                letters = "".join(c for c in m.group("ini") if c.isalpha()).lower()
                if m.start("ini") not in seen and letters not in _NOT_INITIALS and \
                        letters not in _NOT_CELL_INITIALS:
                    seen.add(m.start("ini"))
                    extra.append((m.start("ini"), m.end("ini"), 0.6))
        for m in _SYLLABLE_INITIALS.finditer(text):
            if m.start("ini") not in seen and any(c.islower() for c in m.group("ini")) and \
                    _TRIGGER.search(text, max(0, m.start() - 48), m.start()):
                seen.add(m.start("ini"))
                extra.append((m.start("ini"), m.end("ini"), 0.6))
        for m in _END_INITIALS.finditer(text):
            start = m.start("ini")
            letters = "".join(c for c in m.group("ini") if c.isalpha()).lower()
            if start in seen or letters in _NOT_INITIALS:
                continue
            if _INITIALS_BEFORE.search(text, max(0, start - 4), start) or \
                    _TRIGGER.search(text, max(0, start - 48), start):
                extra.append((start, m.end("ini"), 0.6))
        return extra

    def _table_names(self, text: str,
                     found: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
        """The cells of a table's name columns: a header row ("cognome";"nome", | operatore |)
        names the columns, and every following row with as many cells gives a name in each,
        after the role a cell may start with ("OSS Fabiola", "inf. T.B.")."""
        extra: list[tuple[int, int, float]] = []
        covered = [(s, e) for s, e, _ in found]
        for start, line, (a, b) in column_cells(text, _HEADER_NAME, spill=True):
            cell = line[a:b]
            lead = len(cell) - len(cell.lstrip(" \t\"'"))
            cell_text = cell.strip(" \t\"'")
            role = _TRIGGER_WORD.match(cell_text)
            if role is not None and role.end() < len(cell_text) and \
                    cell_text[role.end()] in " .":
                cut = role.end() + len(cell_text[role.end():]) - len(
                    cell_text[role.end():].lstrip(" ."))
                lead, cell_text = lead + cut, cell_text[cut:]
            initials = re.fullmatch(r"[A-Z]{2,3}", cell_text) is not None  # "MG" signs a row
            if not _CELL_NAME.fullmatch(cell_text) or not initials and \
                    all(norm(w) in self.gaz.clinical or norm(w) in _FUNCTION_WORDS
                        for w in cell_text.replace(".", " ").split()):
                continue
            s_, e_ = start + a + lead, start + a + lead + len(cell_text)
            if not any(x < e_ and s_ < y for x, y in covered):
                extra.append((s_, e_, 0.6))
        return extra

    @staticmethod
    def _initial_cells(text: str, found: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
        """Initials that fill a table cell ("| R.M. |", a signature column) or stand in
        brackets after a name ("Luca Borsetti (L.B.)")."""
        extra = []
        pos = 0
        for line in text.split("\n"):
            start, pos = pos, pos + len(line) + 1
            cells = table_cells(line)
            for a, b in cells[1] if cells else ():
                m = _CELL_INITIALS.fullmatch(line, a, b)
                if m and m.group("ini").replace(".", "").replace(" ", "").lower() not in \
                        _NOT_CELL_INITIALS:
                    extra.append((start + m.start("ini"), start + m.end("ini"), 0.6))
        for _, end, score in found:
            m = _BRACKET_INITIALS.match(text, end)
            if m and score >= 0.6:
                extra.append((m.start("ini"), m.end("ini"), 0.6))
        return extra

    def _married_names(self, found: list[tuple[int, int, float]],
                       text: str) -> list[tuple[int, int, float]]:
        """A husband's surname after a woman's name: "Giuseppina Moretti in Galli"."""
        extra = []
        for _, end, score in found:
            m = _MARRIED.match(text, end)
            if m and score >= 0.7 and norm(m.group(1)) not in self.gaz.clinical:
                extra.append((m.start(1), m.end(1), score))
        return extra

    def _judge(self, run: list[_Tok], trigger: str | None,
               text: str) -> list[tuple[int, int, float]]:
        # Trim particles at the edges; a capitalized one ending a name after a trigger is a
        # surname ("Sig.ra Angelica Dalla,").
        while run and run[-1].particle:
            tail = run[-1]
            if trigger and tail.text[:1].isupper() and len(run) > 1 and \
                    re.match(r"\s*(?:[,;:()\n–-]|$)", text[tail.end:tail.end + 2]):
                break
            run = run[:-1]
        while run and run[0].particle and not run[0].text[:1].isupper():
            run = run[1:]
        names = [t for t in run if not t.particle and not t.initial]
        if not names:
            if trigger and len(run) >= 2 and all(t.initial for t in run):
                return [(run[0].start, run[-1].end, 0.6)]  # "iniziali G.M.", "inf. T.B."
            return []
        if self.gaz.is_country(text[run[0].start:run[-1].end]) or \
                _AMBULANCE_SERVICE.match(text, run[0].start):
            return []  # "(Sri Lanka)", "Croce Verde di Viadana"
        start, end = run[0].start, run[-1].end
        if _SAINT.search(text, max(0, start - 30), start) or \
                not trigger and run[0].initial and run[0].text == "S" and not (
                    len(names) == 1 and names[0].surname and
                    norm(names[0].text) not in self.gaz.frequent_first_names) or \
                norm(run[0].text) in _INSTITUTION_WORDS and trigger != "title" and not (
                    trigger and len(names) >= 2 and any(t.first for t in names[1:])) or \
                not trigger and norm(run[0].text) in _SAINT_WORDS:  # S. Orsola, Villa Serena
            return []
        inst = _INSTITUTION_BEFORE.search(text, max(0, start - 60), start) if \
            _INSTITUTION_WORD.search(text, max(0, start - 60), start) else None
        if inst is not None and trigger != "title" and (
                inst.group("quote") or not trigger and all(
                    w[:1].isupper() for w in inst.group("between").split())):
            return []  # Istituto Ortopedico Rizzoli, scuola "Giovanni Pascoli"
        if trigger == "chain":
            # after a comma only a listed name continues the list: "dr. Rossi, Bologna" stops
            if not any(t.first or t.surname for t in names):
                return []
            trigger = "role"
        caps = upper_context(text, start, end)
        after = bool(_AFTER.match(text, end))
        strong = sum(t.kind == STRONG for t in names)
        weak = sum(t.kind == WEAK for t in names)
        unknown = sum(t.kind == UNKNOWN for t in names)
        common = sum(t.kind == COMMON for t in names)
        has_first = any(t.first for t in names)
        has_surname = any(t.surname for t in names)
        if len(names) > _MAX_NAME_WORDS:
            if not trigger:
                return []
            keep = []
            for t in run:
                keep.append(t)
                if sum(not x.particle and not x.initial for x in keep) == _MAX_NAME_WORDS:
                    break
            run, end = keep, keep[-1].end
        if trigger:
            return [(start, end, 0.9 if trigger == "title" else 0.85)]
        if after and (strong or weak or unknown) and (
                not common or common == 1 and strong + unknown >= 2):
            return [(start, end, 0.8)]  # "Ahmad Zia Sultani, 17 anni"
        informative = not caps and not sentence_start(text, start)
        # a line holding nothing but these words: a signature or a heading with a name
        alone = self._alone_on_line(text, start, end)
        if len(names) >= 2 or run[0].initial or run[-1].initial:
            if strong >= 1 and strong + weak >= 2:
                return [(start, end, 0.8)]
            if strong >= 1 and (unknown >= 1 or len(run) > len(names)):
                return [(start, end, 0.7 if informative or caps else 0.6)]
            if weak >= 2 and has_first and has_surname:
                return [(start, end, 0.6)]
            if weak >= 1 and len(run) > len(names) and (informative or caps or alone):
                return [(start, end, 0.55)]  # "M. Rossi", "De Luca"
            if alone and unknown >= 1 and has_first and not common:
                return [(start, end, 0.55)]  # "GIANVECCHIO MARCO" signing a letter
            return []
        only = names[0]
        dep = _DEPARTMENT_BEFORE.search(text, max(0, start - 30), start)
        if dep is not None and self.gaz.is_word(dep.group("word")) and \
                not self.gaz.is_name(dep.group("word")):
            return []  # "Medicina dello Sport"
        if norm(only.text) in self.gaz.comuni and \
                left_context(text, start, n=1)[-1:] in (["a"], ["in"], ["di"], ["da"], ["ad"]):
            return []  # "di Pistoia": the places recognizer's
        if only.kind == STRONG and informative and not only.text.isupper():
            return [(start, end, 0.6)]
        if only.first and only.kind in (STRONG, WEAK) and self._alone_on_line(text, start, end):
            return [(start, end, 0.6)]  # a signature: "Gennaro" on the last line
        return []

    @staticmethod
    def _alone_on_line(text: str, start: int, end: int) -> bool:
        before = text.rfind("\n", 0, start) + 1
        after = text.find("\n", end)
        after = len(text) if after == -1 else after
        return not text[before:start].strip() and not text[end:after].strip(" .,")

    def _propagate(self, found: list[tuple[int, int, float]], toks: list[_Tok],
                   text: str) -> list[tuple[int, int, float]]:
        """Other capitalized occurrences of words already found in names in this note."""
        confident = {norm(t.text) for s, e, score in found if score >= 0.7
                     for t in toks if s <= t.start and t.end <= e
                     and not t.particle and not t.initial and len(t.text) >= 3
                     and t.kind != COMMON}
        # each part of a hyphenated surname is a surname too: CAVAZZA-NERI, then "Neri"
        confident |= {p for key in list(confident) if "-" in key for p in key.split("-")
                      if len(p) >= 3 and p not in self.gaz.clinical and p not in _FUNCTION_WORDS}
        if not confident:
            return []
        covered = [(s, e) for s, e, _ in found]
        extra = []
        for t in toks:
            # lower case too when the word is no Italian word: "tatjana scusa" in a chat
            if norm(t.text) in confident and (t.text[:1].isupper() or not self.gaz.is_word(
                    t.text)) and not any(s <= t.start < e for s, e in covered):
                if _SAINT.search(text, max(0, t.start - 30), t.start):
                    continue
                extra.append((t.start, t.end, 0.7))
        return extra
