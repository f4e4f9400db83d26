"""What a format requires that an invoice lacks.

An e-invoice is imported by the buyer's system without a person looking at it, so one that
breaks the format's rules is worse than none: the bot answers with what is missing and hands the
request to AR, and the portal offers only the formats an invoice qualifies for.
"""

from __future__ import annotations

import enum
from decimal import Decimal

from core.documents.facts import InvoiceFacts
from core.documents.formats import Format
from core.documents.taxes import EXEMPTIONS, NEEDS_BUYER_VAT, breakdown, cents, sign


class Missing(enum.StrEnum):
    """One thing an invoice lacks; the value is a stable code (templates say it in words)."""

    lines = "lines"
    seller = "seller"  # the legal entity named is not in the brand file
    seller_vat_id = "seller_vat_id"
    seller_address = "seller_address"
    seller_contact = "seller_contact"
    seller_electronic_address = "seller_electronic_address"
    seller_bank = "seller_bank"
    buyer_address = "buyer_address"
    buyer_tax_id = "buyer_tax_id"
    buyer_electronic_address = "buyer_electronic_address"
    tax_category = "tax_category"
    totals = "totals"  # the lines and taxes do not add up to the stated totals


PEPPOL = frozenset({Format.ubl, Format.xrechnung_cii, Format.xrechnung_ubl})
XRECHNUNG = frozenset({Format.xrechnung_cii, Format.xrechnung_ubl})


def missing(facts: InvoiceFacts, fmt: Format) -> tuple[Missing, ...]:
    """Everything ``fmt`` requires that ``facts`` lack, in a fixed order; empty: eligible."""
    found: list[Missing] = []
    if not facts.lines:
        found.append(Missing.lines)
    seller = facts.seller
    if seller is None:
        found.append(Missing.seller)
    else:
        if not seller.vat_id:
            found.append(Missing.seller_vat_id)
        address = seller.address
        if not (address.line1 and address.city and address.country_code):
            found.append(Missing.seller_address)
        if fmt in XRECHNUNG:
            if not address.postal_code:
                found.append(Missing.seller_address)
            if not (seller.contact_name and seller.contact_phone and seller.contact_email):
                found.append(Missing.seller_contact)
            if seller.bank_for(facts.currency) is None:
                found.append(Missing.seller_bank)  # BR-DE-1: payment instructions
        if fmt in PEPPOL and ":" not in seller.electronic_address:
            found.append(Missing.seller_electronic_address)
    buyer = facts.buyer
    if not buyer.address.country_code or (
        fmt in XRECHNUNG and not (buyer.address.city and buyer.address.postal_code)
    ):
        found.append(Missing.buyer_address)
    categories = {line.tax_category for line in facts.lines}
    if categories & NEEDS_BUYER_VAT and not buyer.tax_id:
        found.append(Missing.buyer_tax_id)
    if fmt in PEPPOL and ":" not in (buyer.electronic_address or ""):
        found.append(Missing.buyer_electronic_address)
    if any(not _category_fits(line.tax_category, line.tax_rate) for line in facts.lines):
        found.append(Missing.tax_category)
    elif facts.lines and not _adds_up(facts):
        found.append(Missing.totals)
    return tuple(dict.fromkeys(found))


def eligible_formats(facts: InvoiceFacts) -> tuple[Format, ...]:
    return tuple(fmt for fmt in Format if not missing(facts, fmt))


def _category_fits(category: str | None, rate: Decimal) -> bool:
    if category not in EXEMPTIONS:
        return False
    return rate > 0 if category == "S" else rate == 0


def _adds_up(facts: InvoiceFacts) -> bool:
    """The e-invoice recomputes its totals from the lines (BR-CO-10, BR-CO-14, BR-CO-15): they
    must be the totals the ERP stated, or the file would read back to other amounts."""
    factor = sign(facts)
    groups = breakdown(facts)
    net = sum((g.basis for g in groups), Decimal(0))
    tax = sum((g.amount for g in groups), Decimal(0))
    return (
        net == cents(facts.subtotal * factor)
        and tax == cents(facts.tax * factor)
        and net + tax == cents(facts.total * factor)
    )
