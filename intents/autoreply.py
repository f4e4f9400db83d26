"""Automatic mail: out-of-office notices, bounces, read receipts, recalls, ticket acknowledgements.

A missed auto-reply risks a mail loop, so these are rules, not a model's guess. Strong signals
(subject prefixes, out-of-office and bounce wording) decide alone. "Automated, do not reply" alone
is weak: remittance advices are automated too, and they are requests we answer.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

_SUBJECT = re.compile(
    r"^\s*(?:\[[^\]]*\]\s*)?(?:"
    r"auto(?:matic|matische|matisch|matique|mática|matica|mático)?[- ]?(?:reply|response|antwort"
    r"|antwoord|réponse|respuesta|risposta|resposta)"
    r"|(?:réponse|respuesta|risposta|resposta) automática|réponse automatique|risposta automatica"
    r"|out of (?:the )?office|ooo\b|abwesen(?:heit|d)|absence|absent|ausente|afwezig|assente"
    r"|fuori ufficio|ausência|fuera de la oficina|vacation|vacances|urlaub"
    r"|undeliverable|undelivered|delivery status notification|delivery (?:has )?failed"
    r"|mail delivery (?:failed|subsystem)|returned mail|failure notice|non remis|non distribuable"
    r"|unzustellbar|nicht zustellbar|onbestelbaar|non recapitabile|no entregado|não entregue"
    r"|read:|gelesen:|lu\s?:|leído:|gelezen:|letto:|lido:|read receipt"
    r"|recall:|rückruf:|rappel du message|recuperar:"
    r"|auto[- ]?acknowledge?ment|acknowledge?ment of receipt|eingangsbestätigung"
    r"|accusé de réception"
    r"|we(?:'ve| have) received your (?:e-?mail|message|request)|document received"
    r"|ticket (?:received|created)|your request has been received|delivered:"
    r"|(?:ticket|case|request) #?\w+ has been (?:created|received|logged))",
    _I,
)
_BODY_STRONG = re.compile(
    r"\bout of (?:the )?office\b|\bi am (?:currently )?away\b|\bi'?m (?:currently )?away\b"
    r"|\bon (?:annual |parental |maternity |paternity |sick |medical )?leave\b|\bout sick\b"
    r"|\blimited access to (?:my )?e-?mail\b|\bwill (?:be )?(?:back|return(?:ing)?) (?:on|in)\b"
    r"|\bno longer (?:with|works? (?:at|for))\b"
    r"|\bmailbox is (?:no longer|not) (?:being )?monitored\b"
    r"|\b(?:address|mailbox) is no longer (?:active|in use)\b|\bno longer monitored\b"
    r"|\bdelivery has failed\b|\bcould(?:n'?t| not) be (?:delivered|found)\b|\bwasn'?t delivered\b"
    r"|\bdelivery incomplete\b|\bmessage (?:was|has been) read\b|\bwas read on\b"
    r"|\bwould like to recall\b|\bautomated (?:confirmation|acknowledge?ment)\b"
    r"|\b(?:ticket|case) has been (?:created|logged|opened)\b|\bhas been delivered to\b"
    r"|\bcreated automatically by mail delivery\b"
    r"|\brequest has been (?:logged|received)\b|\bhas been received and will be processed\b"
    r"|\boffices? (?:are|is|will be) closed\b"
    r"|\bnicht im (?:büro|hause|haus)\b|\bim urlaub\b|\babwesend\b|\bnicht mehr im unternehmen\b"
    r"|\bpostfach wird nicht\b|\bnicht zugestellt\b|\bautomatisch generiert\b"
    r"|\bwieder erreichbar\b|\bje serai absente?\b|\bje suis absente?\b"
    r"|\babsente? du bureau\b|\ben congés?\b|\bserai de retour\b|\bn'a pas pu être remis\b"
    r"|\bfuera de la oficina\b|\bde vacaciones\b|\bestaré ausente\b|\bno se ha podido entregar\b"
    r"|\bafwezig\b|\bmet vakantie\b|\bniet (?:kon )?(?:worden )?bezorgd\b"
    r"|\bniet op kantoor\b|\bniet aanwezig\b"
    r"|\bassente dall'ufficio\b|\bfuori ufficio\b|\bin ferie\b|\bimpossibile recapitare\b"
    r"|\bausente do escritório\b|\bde férias\b|\bestarei ausente\b|\bnão foi possível entregar\b"
    r"|\b(?:5\.\d\.\d+|4\.\d\.\d+) \w",
    _I,
)
_BODY_WEAK = re.compile(
    r"\b(?:this is an? )?(?:automated|automatic|auto-generated|system[- ]generated) "
    r"(?:message|response|reply|notification|e-?mail)\b|\bdo not reply\b|\bplease do not resend\b",
    _I,
)
_PAYMENT_WORDS = re.compile(
    r"\b(?:remittance|payment (?:advice|notification|date|total|run|reference)|paid amount|net paid"
    r"|amount paid|paid|gezahlt|bezahlt|payé|pagado|betaald|pagato|pago"
    r"|zahlungsavis|avis de (?:virement|paiement)|aviso de pago|betalingsspecificatie"
    r"|avviso di pagamento)\b",
    _I,
)


def is_auto_reply(subject: str, new_text: str) -> bool:
    """True when the message is automatic mail that asks for nothing."""
    if _SUBJECT.search(subject or ""):
        return True
    head = new_text[:1500]
    if _BODY_STRONG.search(head):
        return True
    return bool(_BODY_WEAK.search(head)) and not _PAYMENT_WORDS.search(head) and len(head) < 700
