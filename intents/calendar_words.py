"""Calendar vocabulary of the seven languages, as data for `intents.periods`."""

from __future__ import annotations

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "januar", "jänner", "janvier", "janv", "enero", "ene", "januari",
        "gennaio", "gen", "janeiro"),
    2: ("february", "feb", "februar", "février", "fevrier", "févr", "fevr", "febrero", "februari",
        "febbraio", "fevereiro", "fev"),
    3: ("march", "mar", "märz", "maerz", "mars", "marzo", "maart", "mrt", "março", "marco"),
    4: ("april", "apr", "avril", "avr", "abril", "abr", "aprile"),
    5: ("may", "mai", "mayo", "mei", "maggio", "mag", "maio"),
    6: ("june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho"),
    7: ("july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho"),
    8: ("august", "aug", "août", "aout", "agosto", "ago", "augustus"),
    9: ("september", "sept", "sep", "septembre", "septiembre", "setiembre", "settembre", "set",
        "setembro"),
    10: ("october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro",
         "out"),
    11: ("november", "nov", "novembre", "noviembre", "novembro"),
    12: ("december", "dec", "dezember", "dez", "décembre", "decembre", "déc", "diciembre", "dic",
         "dicembre", "dezembro"),
}
MONTHS: dict[str, int] = {name: number for number, names in _MONTH_NAMES.items() for name in names}

ORDINALS: dict[str, int] = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "erstes": 1, "erste": 1, "ersten": 1, "1.": 1, "zweites": 2, "zweite": 2, "zweiten": 2, "2.": 2,
    "drittes": 3, "dritte": 3, "dritten": 3, "3.": 3, "viertes": 4, "vierte": 4, "vierten": 4, "4.": 4,
    "premier": 1, "1er": 1, "deuxième": 2, "second": 2, "2e": 2, "2ème": 2, "troisième": 3,
    "3e": 3, "3ème": 3, "quatrième": 4, "4e": 4, "4ème": 4,
    "primer": 1, "primero": 1, "segundo": 2, "tercer": 3, "tercero": 3, "cuarto": 4,
    "eerste": 1, "tweede": 2, "derde": 3, "vierde": 4,
    "primo": 1, "secondo": 2, "terzo": 3, "quarto": 4,
    "primeiro": 1, "terceiro": 3,
}
QUARTER_WORDS: tuple[str, ...] = (
    "quarter", "quartal", "quartals", "trimestre", "kwartaal",
)
HALF_WORDS: tuple[str, ...] = (
    "half", "halbjahr", "halbjahres", "semestre", "halfjaar",
)
YEAR_WORDS: tuple[str, ...] = (
    r"(?:the )?(?:whole |full |entire |calendar )?year", r"all of", r"fiscal year",
    r"(?:das )?(?:gesamte |ganze )?(?:jahr|geschäftsjahr|kalenderjahr)",
    r"(?:toute )?l'année", r"l'exercice", r"exercice", r"année",
    r"(?:todo )?el año", r"ejercicio", r"año",
    r"(?:het )?(?:hele )?jaar", r"boekjaar",
    r"(?:tutto )?l'anno", r"anno", r"esercizio",
    r"(?:todo )?o ano", r"ano", r"exercício",
)
YEAR_TO_DATE: tuple[str, ...] = (
    r"\byear[- ]to[- ]date\b", r"\bytd\b", r"\bso far this year\b", r"\bthis year so far\b",
    r"\bsince the (?:beginning|start) of (?:the|this) year\b",
    r"\bseit (?:jahresbeginn|jahresanfang|anfang des jahres|beginn des jahres)\b",
    r"\bdepuis le début de l'année\b", r"\bdepuis janvier\b",
    r"\bdesde (?:principios|el (?:inicio|comienzo|principio)) de(?:l)? año\b",
    r"\ben lo que va de año\b",
    r"\b(?:dit jaar tot nu toe|sinds het begin van het jaar|van dit jaar tot nu)\b",
    r"\bdall'inizio dell'anno\b", r"\bda inizio anno\b",
    r"\bdesde o (?:início|inicio|começo) do ano\b",
)
LAST_MONTH: tuple[str, ...] = (
    r"\blast month(?:'s)?\b", r"\bprevious month\b", r"\bprior month\b",
    r"\bvormonat(?:s)?\b", r"\bletzten monat(?:s)?\b", r"\bvorigen monat(?:s)?\b",
    r"\bmois (?:dernier|précédent)\b", r"\bdernier mois\b",
    r"\bmes (?:pasado|anterior)\b",
    r"\b(?:vorige|afgelopen) maand\b",
    r"\bmese (?:scorso|precedente)\b",
    r"\bmês (?:passado|anterior)\b",
)
LAST_QUARTER: tuple[str, ...] = (
    r"\b(?:last|previous|prior) quarter\b",
    r"\b(?:letzten|letztes|vorigen|vorheriges|vergangenen|vergangenes) quartal\b", r"\bvorquartal\b",
    r"\btrimestre (?:dernier|précédent|passé)\b", r"\bdernier trimestre\b",
    r"\btrimestre (?:pasado|anterior)\b", r"\búltimo trimestre\b",
    r"\b(?:vorig|afgelopen) kwartaal\b",
    r"\btrimestre (?:scorso|precedente)\b", r"\bultimo trimestre\b",
    r"\btrimestre (?:passado|anterior)\b",
)
LAST_YEAR: tuple[str, ...] = (
    r"\b(?:last|previous|prior) year\b", r"\bvorjahr(?:es)?\b", r"\bletztes jahr\b",
    r"\bl'année (?:dernière|précédente)\b", r"\baño (?:pasado|anterior)\b",
    r"\b(?:vorig|afgelopen) jaar\b", r"\banno (?:scorso|precedente)\b",
    r"\bano (?:passado|anterior)\b",
)
AS_OF: tuple[str, ...] = (
    r"\bas (?:of|at)", r"\bper", r"\bzum", r"\bstand", r"\bstichtag",
    r"\barrêtée? au", r"\bau", r"\bà la date du", r"\ben date du",
    r"\ba fecha de", r"\bal", r"\ba", r"\bcon fecha",
    r"\bop", r"\bper datum",
    r"\balla data del", r"\bal", r"\bin data",
    r"\bà data de", r"\breportado a", r"\bem",
)
END_OF: tuple[str, ...] = (
    r"\b(?:as (?:of|at) )?(?:the )?end of", r"\b(?:zum |per )?ende", r"\b(?:à |au )?(?:la )?fin(?: de| du mois de| d')?",
    r"\b(?:a )?(?:finales|final|fin) de", r"\b(?:per )?eind(?:e)?", r"\b(?:a |alla )?fine",
    r"\b(?:no |ao |em )?(?:final|fim) de",
)
SINCE: tuple[str, ...] = (
    r"\bsince", r"\bseit(?: dem)?", r"\bab(?: dem)?", r"\bdepuis(?: le)?", r"\bà partir du",
    r"\bdesde(?: el)?", r"\ba partir del", r"\bsinds", r"\bvanaf", r"\bdal", r"\ba partire dal",
    r"\bdesde(?: o| a)?", r"\ba partir de",
)
RANGE_JOIN: tuple[str, ...] = (
    r"-", r"–", r"—", r"to", r"till", r"until", r"through", r"thru", r"and", r"bis", r"au",
    r"à", r"al", r"a", r"hasta(?: el)?", r"tot(?: en met)?", r"t/m", r"en", r"e", r"et", r"y",
    r"und", r"fino al", r"até(?: ao| a)?",
)
RANGE_START: tuple[str, ...] = (
    r"\bfrom", r"\bbetween", r"\bcovering", r"\bvon", r"\bvom", r"\bdu", r"\bdel", r"\bde",
    r"\bentre", r"\bvan", r"\bdal", r"\bda", r"\bperiod", r"\bperiodo", r"\bpériode",
)
