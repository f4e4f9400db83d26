"""One entry point per format: check eligibility, build, check the schema.

Callers (the portal's downloads, the bot's replies) get either a valid file or NotEligible with
what the invoice lacks — never a file that breaks its format.
"""

from __future__ import annotations

import facturx

from core.documents import cii, schema_check, ubl
from core.documents.eligibility import Missing, missing
from core.documents.facts import InvoiceFacts
from core.documents.formats import Format


class NotEligible(ValueError):
    def __init__(self, fmt: Format, lacking: tuple[Missing, ...]) -> None:
        super().__init__(f"{fmt.value} needs: {', '.join(m.value for m in lacking)}")
        self.format = fmt
        self.missing = lacking


def _eligible(facts: InvoiceFacts, fmt: Format) -> None:
    lacking = missing(facts, fmt)
    if lacking:
        raise NotEligible(fmt, lacking)


def xml_for(facts: InvoiceFacts, fmt: Format) -> bytes:
    """The XML e-invoice of ``facts`` in ``fmt`` (for Factur-X: the CII it embeds)."""
    _eligible(facts, fmt)
    if fmt in (Format.facturx, Format.xrechnung_cii):
        xml = cii.factur_x(facts) if fmt is Format.facturx else cii.xrechnung(facts)
        schema_check.check(xml, "cii")
    else:
        xml = ubl.peppol(facts) if fmt is Format.ubl else ubl.xrechnung(facts)
        schema_check.check(xml, "ubl-creditnote" if facts.credit_note else "ubl-invoice")
    return xml


def factur_x_pdf(facts: InvoiceFacts, pdf_a3: bytes, language: str) -> bytes:
    """``pdf_a3`` (the rendered copy, written as PDF/A-3) with the CII XML embedded and the
    Factur-X XMP metadata added, profile EN 16931."""
    xml = xml_for(facts, Format.facturx)
    return facturx.generate_from_binary(
        pdf_a3, xml, flavor="factur-x", level="en16931", check_xsd=True, lang=language
    )
