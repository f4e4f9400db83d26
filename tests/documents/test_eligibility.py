"""What a format requires that an invoice lacks: said in codes a person can act on."""

from __future__ import annotations

import dataclasses

from core.documents.eligibility import Missing, eligible_formats, missing
from core.documents.formats import Format
from core.documents.parties import PostalAddress
from tests.documents.samples import BUYER, GERMAN_ENTITY, INVOICE, line


def test_a_complete_invoice_qualifies_for_every_format():
    assert eligible_formats(INVOICE) == tuple(Format)


def test_a_line_without_a_tax_category_qualifies_for_none():
    lacking = dataclasses.replace(INVOICE, lines=(line(1, "1000.00", category=None),
                                                  line(2, "500.00")))  # fmt: skip
    assert missing(lacking, Format.facturx) == (Missing.tax_category,)
    assert eligible_formats(lacking) == ()


def test_reverse_charge_needs_the_buyer_tax_id():
    reverse = dataclasses.replace(
        INVOICE,
        tax=INVOICE.tax * 0,
        total=INVOICE.subtotal,
        balance=INVOICE.subtotal,
        lines=(line(1, "1000.00", rate="0", category="AE"), line(2, "500.00", "0", "AE")),
        buyer=dataclasses.replace(BUYER, tax_id=None),
    )
    assert missing(reverse, Format.facturx) == (Missing.buyer_tax_id,)
    with_id = dataclasses.replace(reverse, buyer=BUYER)
    assert missing(with_id, Format.facturx) == ()


def test_peppol_and_xrechnung_need_electronic_addresses_factur_x_does_not():
    no_endpoint = dataclasses.replace(
        INVOICE, buyer=dataclasses.replace(BUYER, electronic_address=None)
    )
    assert missing(no_endpoint, Format.facturx) == ()
    for fmt in (Format.ubl, Format.xrechnung_cii, Format.xrechnung_ubl):
        assert missing(no_endpoint, fmt) == (Missing.buyer_electronic_address,)


def test_xrechnung_needs_the_buyer_postcode_and_the_seller_contact():
    thin = dataclasses.replace(
        INVOICE,
        buyer=dataclasses.replace(
            BUYER, address=PostalAddress("Hauptstraße 5", city="Berlin", country_code="DE")
        ),
        seller=dataclasses.replace(GERMAN_ENTITY, contact_phone=""),
    )
    assert missing(thin, Format.ubl) == ()
    assert missing(thin, Format.xrechnung_ubl) == (Missing.seller_contact, Missing.buyer_address)


def test_an_issuer_missing_from_the_brand_file_qualifies_for_none():
    unknown = dataclasses.replace(INVOICE, entity_code="FR09", seller=None)
    assert missing(unknown, Format.facturx) == (Missing.seller,)
