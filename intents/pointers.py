"""Words that point at documents of the thread, in the seven languages (for `intents.thread`).

A pointing phrase has a shape, not just a word: a demonstrative and a document noun ("these
invoices", "diese Rechnung", "cette facture"), a noun and where it stands ("the invoice below",
"die Rechnung unten", "la factura de abajo"), "the one" and a time ("the one from last week",
"die von letzter Woche", "celle de la semaine dernière"), or a pronoun as the object of a copy
verb or the subject of "was paid" ("resend them", "me la renvoyer", "rimandarcela", "deze is al
betaald"). Each language is one `Language` entry; adding a language is adding an entry.
"""

from __future__ import annotations

from dataclasses import dataclass

#: A pronoun whose number the phrase does not tell (Dutch "deze", German "sie").
EITHER = None
ONE = False
MANY = True


@dataclass(frozen=True, slots=True)
class Language:
    #: Determiners that point, before a singular / a plural document noun.
    this: str
    these: str
    #: Document nouns, singular and plural.
    noun: str
    nouns: str
    #: The definite article(s) before a noun that a locator follows ("the invoice below").
    article_one: str
    article_many: str
    #: Where the document stands in the thread, after the noun.
    locator: str
    #: Phrases that point on their own, each with what it tells of the number.
    phrases: tuple[tuple[str, bool | None], ...]
    #: "The one(s)" before a time ("the one from last week"): the one / the ones.
    one_of: str
    ones_of: str


# What may follow a bare pronoun that points ("resend them please"): the end of the clause or a
# word that qualifies the sending, never a noun ("send this email to ...", "diese Woche").
_END_EN = (
    r"(?=\s*(?:$|[?.!,;:)]|please|pls|again|over|as well|too|once more|asap|by e-?mail"
    r"|to (?:me|us)|as (?:a )?pdfs?))"
)
_END_DE = r"(?=\s*(?:$|[?.!,;:)]|bitte|noch|nochmal|erneut|als pdf|per e-?mail|zu))"

_TIME_EN = r"last week|the previous week|the week before|yesterday|earlier this week"
_TIME_DE = r"(?:letzte[rn]?|vergangene[rn]?|vorige[rn]?) woche|gestern|anfang der woche"
_TIME_FR = r"la semaine (?:dernière|passée|précédente)|hier|début de semaine"
_TIME_ES = r"la semana (?:pasada|anterior)|ayer|principios de semana"
_TIME_NL = r"(?:vorige|verleden|afgelopen) week|gisteren|begin deze week"
_TIME_IT = r"(?:la )?settimana scorsa|(?:la )?scorsa settimana|ieri|inizio settimana"
_TIME_PT = r"(?:a )?semana passada|ontem|início da semana"

#: Times that narrow which document is meant, and the days they cover before the received date:
#: a key for `intents.thread` to turn into dates.
TIMES: dict[str, str] = {
    "last_week": r"last week|the previous week|the week before|(?:letzte[rn]?|vergangene[rn]?"
    r"|vorige[rn]?) woche|la semaine (?:dernière|passée|précédente)|la semana (?:pasada|anterior)"
    r"|(?:vorige|verleden|afgelopen) week|(?:la )?settimana scorsa|(?:la )?scorsa settimana"
    r"|(?:a )?semana passada",
    "yesterday": r"yesterday|gestern|hier|ayer|gisteren|ieri|ontem",
    "this_week": r"earlier this week|anfang der woche|début de semaine|principios de semana"
    r"|begin deze week|inizio settimana|início da semana",
}

LANGUAGES: dict[str, Language] = {
    "en": Language(
        this=r"this|that|the same|the said",
        these=r"these|those|both|both of the|both of these|both of those|all of these|all those",
        noun=r"invoice|bill|document|one",
        nouns=r"invoices|bills|documents|ones",
        article_one=r"the",
        article_many=r"the",
        locator=r"below|above|(?:you|we) (?:mentioned|listed|sent|referred to|flagged|are chasing)"
        r"|(?:mentioned|listed|quoted|shown) (?:below|above|in (?:your|the) (?:e-?mail|mail"
        r"|message|reminder|notice))|in (?:your|the|this) (?:e-?mail|mail|message|reminder"
        r"|notice|letter)|from (?:your|the) (?:e-?mail|mail|message|reminder|notice)|in question"
        r"|(?:from|of|dated|sent) (?:" + _TIME_EN + ")",
        phrases=(
            (r"the (?:above|aforementioned|above-mentioned|below-mentioned) invoice", ONE),
            (r"the (?:above|aforementioned|above-mentioned|below-mentioned) invoices", MANY),
            (r"(?:" + _TIME_EN + r")'s (?:invoice|bill|one)", ONE),
            (r"(?:" + _TIME_EN + r")'s (?:invoices|bills|ones)", MANY),
            (
                r"(?:re-?send|send|forward|e-?mail|mail)(?: (?:me|us))?(?: over)?(?: again)?"
                r" (?:it|that one|this one)" + _END_EN,
                ONE,
            ),
            (
                r"(?:re-?send|send|forward|e-?mail|mail)(?: (?:me|us))?(?: over)?(?: again)?"
                r" (?:them|those|these|both)" + _END_EN,
                MANY,
            ),
            (r"(?:a )?copy of (?:it|that one|this one)" + _END_EN, ONE),
            (r"copies of (?:them|those|these|both)" + _END_EN, MANY),
            (
                r"\b(?:it|this|that)(?: one)? (?:was|has been|is|got) (?:already |now )?"
                r"(?:paid|settled|cleared)",
                ONE,
            ),
            (
                r"\b(?:they|these|those|both)(?: ones)? (?:were|have been|are|got) (?:already |all "
                r"|now )?(?:paid|settled|cleared)",
                MANY,
            ),
        ),
        one_of=r"the one|that one",
        ones_of=r"the ones|those",
    ),
    "de": Language(
        this=r"diese|dieser|diesen|dieses|jene|besagte|die besagte|die genannte|die erwähnte"
        r"|die oben genannte|die unten genannte|die obige|die untenstehende|die obenstehende",
        these=r"diese beiden|dieser beiden|diese|dieser|jene|besagten|die besagten|die genannten"
        r"|die erwähnten|die oben genannten|die unten genannten|die obigen|die untenstehenden"
        r"|beide|die beiden|beiden",
        noun=r"rechnung|beleg|dokument",
        nouns=r"rechnungen|belege|dokumente",
        article_one=r"die|der|den",
        article_many=r"die|den",
        locator=r"unten|oben|(?:aus|in) (?:ihrer|deiner|eurer|der) (?:e-?mail|mail|nachricht"
        r"|erinnerung|zahlungserinnerung|mahnung)|(?:von|vom|aus der) (?:" + _TIME_DE + ")",
        phrases=(
            (
                r"(?:uns|mir) (?:bitte |doch |noch ?mal |nochmals |erneut |noch einmal ){0,3}"
                r"(?:diese|sie|beide|die beiden|jene)(?: bitte| noch ?mal| nochmals| erneut"
                r"| noch einmal){0,3} (?:zu)?(?:schicken|senden|zusenden|zukommen lassen|mailen"
                r"|weiterleiten)",
                EITHER,
            ),
            (
                r"(?:schicken|senden|schickt|sendet|schick|sende)(?: sie| du| ihr)? (?:uns|mir)"
                r" (?:bitte )?(?:diese|sie|beide)" + _END_DE,
                EITHER,
            ),
            (r"(?:eine )?kopien? davon", EITHER),
            (
                r"\b(?:diese|jene|die|sie)(?: rechnung)? (?:ist|wurde) (?:bereits |schon |doch )?"
                r"(?:bezahlt|beglichen|überwiesen|ausgeglichen)",
                ONE,
            ),
            (
                r"\b(?:diese|jene|sie|beide)(?: rechnungen)? (?:sind|wurden) (?:bereits |schon "
                r"|doch )?(?:bezahlt|beglichen|überwiesen|ausgeglichen)",
                MANY,
            ),
        ),
        one_of=r"die|diejenige",
        ones_of=r"die|diejenigen",
    ),
    "fr": Language(
        this=r"cette|ladite|la susdite",
        these=r"ces|lesdites|les deux|les susdites",
        noun=r"facture|pièce",
        nouns=r"factures|pièces",
        article_one=r"la",
        article_many=r"les",
        locator=r"ci-dessous|ci-dessus|en question|(?:mentionnée?s?|citée?s?|indiquée?s?)"
        r"(?: ci-dessous| ci-dessus)?|(?:de|dans) votre (?:mail|e-?mail|courriel|message"
        r"|relance|rappel)|que vous (?:mentionnez|citez|relancez)|(?:de|du) (?:" + _TIME_FR + ")",
        phrases=(
            (r"celle-(?:ci|là)", ONE),
            (r"celles-(?:ci|là)", MANY),
            (
                r"(?:me|nous) la (?:r?envoyer|renvoyer|transmettre|retransmettre|faire parvenir)"
                r"|(?:r?envoyez|renvoyez|transmettez)-la",
                ONE,
            ),
            (
                r"(?:me|nous) les (?:r?envoyer|renvoyer|transmettre|retransmettre|faire parvenir)"
                r"|(?:r?envoyez|renvoyez|transmettez)-les",
                MANY,
            ),
            (r"\belle (?:a|est) (?:déjà |bien )?(?:été )?(?:payée|réglée)", ONE),
            (r"\belles (?:ont|sont) (?:déjà |bien )?(?:été )?(?:payées|réglées)", MANY),
        ),
        one_of=r"celle",
        ones_of=r"celles",
    ),
    "es": Language(
        this=r"esta|esa|aquella|dicha",
        these=r"estas|esas|aquellas|dichas|ambas|las dos",
        noun=r"factura",
        nouns=r"facturas",
        article_one=r"la",
        article_many=r"las",
        locator=r"(?:de )?abajo|(?:de )?arriba|en cuestión|(?:mencionadas?|indicadas?|citadas?)"
        r"(?: abajo| arriba)?|que (?:nos )?(?:mencion|indic|reclam|envi)\w{1,5}"
        r"|(?:de|en) (?:su|tu|vuestro) (?:correo|mensaje|recordatorio|aviso|e-?mail)"
        r"|de (?:" + _TIME_ES + ")",
        phrases=(
            (
                r"(?:me|nos) la (?:pod\w{1,5} |puede\w{0,2} )?(?:reenvi|envi|mand|pas)\w{0,6}"
                r"|\b(?:reenvi|envi|mand|pas)\w{0,6}(?:nosla|mela)\b",
                ONE,
            ),
            (
                r"(?:me|nos) las (?:pod\w{1,5} |puede\w{0,2} )?(?:reenvi|envi|mand|pas)\w{0,6}"
                r"|\b(?:reenvi|envi|mand|pas)\w{0,6}(?:noslas|melas)\b",
                MANY,
            ),
            (r"copia de (?:esa|esta|ella)\b", ONE),
            (r"copias de (?:esas|estas|ellas)\b", MANY),
            (r"\b(?:esa|esta|ya) (?:ya )?(?:está|fue|ha sido) (?:ya )?(?:pagada|abonada)", ONE),
            (
                r"\b(?:esas|estas|ya) (?:ya )?(?:están|fueron|han sido) (?:ya )?(?:pagadas"
                r"|abonadas)",
                MANY,
            ),
        ),
        one_of=r"la",
        ones_of=r"las",
    ),
    "nl": Language(
        this=r"deze|die|dit|dat|onderstaande|bovenstaande|genoemde|vermelde",
        these=r"deze|die|beide|onderstaande|bovenstaande|genoemde|vermelde",
        noun=r"factuur|nota|document",
        nouns=r"facturen|nota's|documenten",
        article_one=r"de",
        article_many=r"de",
        locator=r"hieronder|hierboven|in kwestie|(?:uit|in) (?:uw|je|jullie|de) (?:e-?mail|mail"
        r"|bericht|herinnering|aanmaning)|die (?:u|jullie|je) noemt|van (?:" + _TIME_NL + ")",
        phrases=(
            (
                r"\b(?:deze|die|ze) (?:(?:nog|nogmaals|opnieuw|een keer|eens|even|graag|aub)"
                r" ){0,3}(?:(?:naar )?(?:ons|mij) )?(?:(?:nog|nogmaals|opnieuw|een keer|eens|even"
                r"|graag) ){0,3}(?:toe)?(?:sturen|mailen|zenden|doorsturen)",
                EITHER,
            ),
            (r"kopie(?:ën)? (?:daarvan|van deze|van die)", EITHER),
            (
                r"\b(?:deze|die|dit|dat)(?: factuur)? (?:is|werd) (?:al |reeds |toch )*"
                r"(?:betaald|voldaan|overgemaakt)",
                ONE,
            ),
            (
                r"\b(?:deze|die|ze)(?: facturen)? (?:zijn|werden) (?:al |reeds |toch )*"
                r"(?:betaald|voldaan|overgemaakt)",
                MANY,
            ),
        ),
        one_of=r"die|deze|de",
        ones_of=r"die|deze|de",
    ),
    "it": Language(
        this=r"questa|quella|tale|detta|suddetta|la suddetta",
        these=r"queste|quelle|tali|dette|suddette|le suddette|entrambe|le due",
        noun=r"fattura",
        nouns=r"fatture",
        article_one=r"la",
        article_many=r"le",
        locator=r"(?:qui )?sotto|sopra|in oggetto|di cui (?:sopra|sotto)"
        r"|(?:indicat[ae]|menzionat[ae]|citat[ae]|riportat[ae])(?: sotto| sopra| qui sotto)?"
        r"|(?:della|nella|dalla) vostra (?:mail|e-?mail|comunicazione|sollecito|lettera)"
        r"|(?:della|dalla|di) (?:" + _TIME_IT + ")",
        phrases=(
            (
                r"\b(?:rimand|invi|mand|rinvi|reinvi|inoltr|spedir)\w{0,4}(?:arla|arcela|armela"
                r"|irla|ircela|irmela)\b|(?:ce|me) la (?:potete |potreste |puoi )?(?:rimandare"
                r"|inviare|mandare|reinviare|inoltrare)",
                ONE,
            ),
            (
                r"\b(?:rimand|invi|mand|rinvi|reinvi|inoltr|spedir)\w{0,4}(?:arle|arcele|armele"
                r"|irle|ircele|irmele)\b|(?:ce|me) le (?:potete |potreste |puoi )?(?:rimandare"
                r"|inviare|mandare|reinviare|inoltrare)",
                MANY,
            ),
            (r"copia di (?:questa|quella)\b", ONE),
            (r"copie di (?:queste|quelle)\b", MANY),
            (
                r"\b(?:questa|quella|è|risulta)(?: fattura)? (?:è )?(?:già )?(?:stata )?"
                r"(?:pagata|saldata)",
                ONE,
            ),
            (
                r"\b(?:queste|quelle|sono|risultano)(?: fatture)? (?:sono )?(?:già )?(?:state )?"
                r"(?:pagate|saldate)",
                MANY,
            ),
        ),
        one_of=r"quella",
        ones_of=r"quelle",
    ),
    "pt": Language(
        this=r"esta|essa|aquela|dita|a referida|a mencionada|a citada",
        these=r"estas|essas|aquelas|ditas|as referidas|as mencionadas|as citadas|ambas|as duas",
        noun=r"fatura|factura",
        nouns=r"faturas|facturas",
        article_one=r"a",
        article_many=r"as",
        locator=r"abaixo|acima|em questão|(?:mencionadas?|indicadas?|referidas?|citadas?)"
        r"(?: abaixo| acima)?|(?:do|no) (?:seu|vosso|teu) (?:e-?mail|lembrete|aviso)"
        r"|(?:da|na) (?:sua|vossa|tua) (?:mensagem|comunicação)|da (?:" + _TIME_PT + ")",
        phrases=(
            (r"\b\w{2,10}[áa]-la\b|(?:nos|me) (?:reenviar|enviar|mandar)\w{0,2} a mesma\b", ONE),
            (
                r"\b\w{2,10}[áa]-las\b|(?:nos|me) (?:reenviar|enviar|mandar)\w{0,2} as mesmas\b",
                MANY,
            ),
            (r"cópia (?:dessa|desta|dela)\b", ONE),
            (r"cópias (?:dessas|destas|delas)\b", MANY),
            (
                r"\b(?:essa|esta|já)(?: fatura)? (?:já )?(?:foi|está) (?:já )?(?:paga|liquidada)\b",
                ONE,
            ),
            (
                r"\b(?:essas|estas|já)(?: faturas)? (?:já )?(?:foram|estão) (?:já )?(?:pagas"
                r"|liquidadas)\b",
                MANY,
            ),
        ),
        one_of=r"a",
        ones_of=r"as",
    ),
}

#: Times, by language, for "the one(s) <time>": the one from last week, die von letzter Woche.
TIME_WORDS: dict[str, str] = {
    "en": r"(?:from|of|dated|sent) (?:" + _TIME_EN + ")",
    "de": r"(?:von|vom|aus der) (?:" + _TIME_DE + ")",
    "fr": r"(?:de|du) (?:" + _TIME_FR + ")",
    "es": r"de (?:" + _TIME_ES + ")",
    "nl": r"van (?:" + _TIME_NL + ")",
    "it": r"(?:della|dalla|di) (?:" + _TIME_IT + ")",
    "pt": r"da (?:" + _TIME_PT + ")",
}
