"""Wordings that change what the bot may do, whatever the model thinks of the rest.

- A change of bank details is a fraud pattern: the message always goes to a person, as `other`,
  even when it names an invoice ("pay invoice 4471 to our new account").
- A request whose documents are only in an attachment ("please find attached our remittance")
  cannot be answered from the text: without a number in it, a person reads the attachment.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

_BANK_CHANGE = re.compile(
    # en
    r"\b(?:change|update|updated|new|changed)\s+(?:of\s+|to\s+)?(?:our\s+|the\s+)?bank(?:ing)?"
    r"\s+(?:details|account|information|info|data)\b|\bnew\s+(?:iban|bank\s+account|account\s+number)"
    r"\b|\bbank\s+(?:details|account)\s+(?:have|has)\s+changed\b|\bchanged\s+(?:our\s+)?bank\b"
    # de
    r"|\bneue[nr]?\s+(?:bankverbindung|iban|kontoverbindung)\b|\bbankverbindung\s+(?:hat\s+sich\s+)?"
    r"geändert\b|\bänderung\s+(?:der|unserer)\s+(?:bankverbindung|bankdaten|kontoverbindung)\b"
    # fr
    r"|\bchangement\s+de\s+(?:coordonnées\s+bancaires|rib|banque|compte\s+bancaire)\b"
    r"|\bnouveau\s+rib\b|\bnouvelles\s+coordonnées\s+bancaires\b"
    # es
    r"|\bcambio\s+de\s+(?:cuenta\s+bancaria|datos\s+bancarios|banco|iban)\b"
    r"|\bnuev[oa]s?\s+(?:cuenta\s+bancaria|datos\s+bancarios|iban)\b"
    # nl
    r"|\bnieuwe?\s+(?:bankrekening|rekeningnummer|iban|bankgegevens)\b"
    r"|\b(?:gewijzigde|wijziging\s+(?:van\s+)?(?:onze\s+)?)bankgegevens\b"
    # it
    r"|\bnuov[oe]\s+(?:coordinate\s+bancarie|iban|conto\s+corrente)\b"
    r"|\bcambio\s+(?:di\s+)?(?:iban|coordinate\s+bancarie|conto\s+corrente)\b"
    # pt
    r"|\balteração\s+(?:de|dos)\s+dados\s+bancários\b|\bnov[oa]s?\s+(?:iban|conta\s+bancária"
    r"|dados\s+bancários)\b",
    _I,
)

_ATTACHMENT = re.compile(
    # en
    r"\b(?:see|find|please\s+find|refer\s+to)\s+(?:the\s+|our\s+)?attached\b|\battached\s+(?:is|are"
    r"|please\s+find|you\s+will\s+find)\b|\bin\s+the\s+attachment\b|\benclosed\s+(?:is|please)\b"
    r"|\bas\s+attached\b|\battached\s+(?:remittance|list|file|advice)\b"
    # de
    r"|\banbei\b|\bim\s+anhang\b|\bin\s+der\s+anlage\b|\bbeigefügt\w*"
    # fr
    r"|\bci-joint\w*|\ben\s+pièce\s+jointe\b|\ben\s+pj\b"
    # es
    r"|\badjunt(?:o|a|os|as|amos)\b|\ben\s+el\s+adjunto\b"
    # nl
    r"|\bin\s+de\s+bijlage\b|\bbijgevoegd\w*|\bals\s+bijlage\b|\bbijgaand\w*"
    # it
    r"|\bin\s+allegato\b|\ballegat[oaie]\b|\bvi\s+alleghiamo\b"
    # pt
    r"|\bem\s+anexo\b|\bsegue\s+anexo\b|\banexamos\b|\banexo\s+o\b",
    _I,
)


def changes_bank_details(text: str) -> bool:
    return bool(_BANK_CHANGE.search(text))


def points_to_attachment(text: str) -> bool:
    return bool(_ATTACHMENT.search(text))
