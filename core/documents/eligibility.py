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
from core.documents.taxes import (
    CATEGORIES,
    EXEMPT,
    INTRA_COMMUNITY,
    NEEDS_BUYER_VAT,
    NOT_SUBJECT,
    Rate,
    breakdown,
    cents,
    not_subject,
    sign,
)
from core.documents.vatex import VATEX


class Missing(enum.StrEnum):
    """One thing an invoice lacks; the value is a stable code (templates say it in words)."""

    lines = "lines"
    seller = "seller"  # the legal entity named is not in the brand file
    seller_vat_id = "seller_vat_id"
    seller_registration = "seller_registration"  # not subject to VAT: no VAT id identifies it
    seller_address = "seller_address"
    seller_contact = "seller_contact"
    seller_electronic_address = "seller_electronic_address"
    seller_bank = "seller_bank"
    buyer_address = "buyer_address"
    buyer_tax_id = "buyer_tax_id"
    buyer_electronic_address = "buyer_electronic_address"
    tax_category = "tax_category"
    vat_exemption_reason = "vat_exemption_reason"  # exempt lines (E) need one (a VATEX code)
    delivery_date = "delivery_date"  # an intra-Community supply states when it was made
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
        if not_subject(facts):
            if not seller.registration_id:
                found.append(Missing.seller_registration)  # BR-CO-26, without BT-31
        elif not seller.vat_id:
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
    if categories & {EXEMPT} and not _exemption_stated(facts):
        found.append(Missing.vat_exemption_reason)
    if INTRA_COMMUNITY in categories and facts.delivery_date is None:
        found.append(Missing.delivery_date)  # BR-IC-11 (the deliver-to country: the buyer's)
    if any(not _category_fits(line.tax_category, line.tax_rate) for line in facts.lines) or (
        NOT_SUBJECT in categories and len(categories) > 1  # BR-O-11
    ):
        found.append(Missing.tax_category)
    elif facts.lines and not _adds_up(facts):
        found.append(Missing.totals)
    return tuple(dict.fromkeys(found))


def eligible_formats(facts: InvoiceFacts) -> tuple[Format, ...]:
    return tuple(fmt for fmt in Format if not missing(facts, fmt))


def _category_fits(category: str | None, rate: Decimal) -> bool:
    known = CATEGORIES.get(category or "")
    if known is None:
        return False
    if known.rate is Rate.positive:
        return rate > 0
    return rate == 0 if known.rate is Rate.zero else rate >= 0


def _exemption_stated(facts: InvoiceFacts) -> bool:
    """BR-E-10: a reason text or code; a code must be one of the VATEX list (BR-CL-22)."""
    exemption = facts.exemption
    if exemption is None:
        return False
    if exemption.code is not None:
        return exemption.code in VATEX
    return bool(exemption.text and exemption.text.strip())


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
