"""Which document format a message asks for: "as XRechnung", "e-invoice XML", "Factur-X", "UBL",
in the seven languages.

Pure: text in, a format code out. The codes are the values of ``core.documents.formats.Format``
(the bot maps them there; ``intents`` imports nothing of ours), plus ``E_INVOICE`` for a request
for "an e-invoice" that names no format, which the bot answers in the contact's or account's
preferred format.
"""

from __future__ import annotations

import re

FACTURX = "facturx"
UBL = "ubl"
XRECHNUNG_CII = "xrechnung_cii"
XRECHNUNG_UBL = "xrechnung_ubl"
E_INVOICE = "e_invoice"  # an e-invoice, format not named
FORMATS = (FACTURX, UBL, XRECHNUNG_CII, XRECHNUNG_UBL)

_XRECHNUNG = re.compile(r"\bx[\s-]?rechnung", re.IGNORECASE)
_FACTURX = re.compile(r"\bfactur[\s-]?x\b|\bzugferd\b", re.IGNORECASE)
_UBL = re.compile(r"\bubl\b|\bpeppol\b", re.IGNORECASE)
_CII = re.compile(r"\bcii\b|\bcross[\s-]industry[\s-]invoice\b", re.IGNORECASE)
# "e-invoice" and "as XML" in en, de, fr, es, nl, it, pt. A bare "electronic copy" is not one:
# people say it of a PDF.
_E_INVOICE = re.compile(
    r"\be[\s-]?invoic(?:e|es|ing)\b|\belectronic invoices?\b"
    r"|\be[\s-]?rechnung(?:en)?\b|\belektronische[n]? rechnung(?:en)?\b"
    r"|\bfactures? (?:électroniques?|electroniques?|dématérialisées?)\b|\be[\s-]?factures?\b"
    r"|\bfacturas? electr[oó]nicas?\b|\be[\s-]?facturas?\b"
    r"|\be[\s-]?factu(?:ur|ren)\b|\belektronische factu(?:ur|ren)\b"
    r"|\bfattur[ae] elettronic(?:a|he)\b"
    r"|\bfaturas? eletr[oóô]nicas?\b"
    r"|\bxml\b",
    re.IGNORECASE,
)


def requested_format(text: str) -> str | None:
    """The format ``text`` asks for (a value of ``FORMATS`` or ``E_INVOICE``), or None."""
    if _XRECHNUNG.search(text):
        # XRechnung comes in two syntaxes; UBL unless the sender names CII.
        return XRECHNUNG_CII if _CII.search(text) else XRECHNUNG_UBL
    if _FACTURX.search(text):
        return FACTURX
    if _UBL.search(text):
        return UBL
    if _E_INVOICE.search(text):
        return E_INVOICE
    return None
