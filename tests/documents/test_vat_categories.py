"""Every VAT category ardesk states (S and Z aside: test_einvoices): exempt (E), reverse charge
(AE), intra-Community supply (K), export (G), not subject to VAT (O), IGIC (L) and IPSI (M).
Each passes the schema and the EN 16931 rules in every format; an invoice lacking what its
category requires is refused, saying what it lacks."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from core.documents.einvoice import NotEligible, xml_for
from core.documents.eligibility import Missing, missing
from core.documents.facts import Exemption, InvoiceFacts
from core.documents.formats import Format
from core.documents.parties import PostalAddress
from core.documents.schema_check import SCHEMAS
from core.documents.vatex import VATEX
from tests.documents.samples import BUYER, INVOICE, credit_note_of, line
from tests.documents.schematron import failures
from tests.documents.test_einvoices import GUIDELINE_RULE, NS, read_back, rules_for

EXEMPTION = Exemption("VATEX-EU-132-1C", "Exempt under Article 132(1)(c) of Directive 2006/112/EC")


def invoice_in(category: str, rate: str = "0", **changes) -> InvoiceFacts:
    """INVOICE with both lines in ``category`` at ``rate``, its totals worked out again."""
    lines = (line(1, "1000.00", rate, category, qty="4"), line(2, "500.00", rate, category))
    tax = sum((x.tax_amount for x in lines), Decimal(0))
    subtotal = Decimal("1500.00")
    return dataclasses.replace(
        INVOICE,
        lines=lines,
        subtotal=subtotal,
        tax=tax,
        total=subtotal + tax,
        balance=subtotal + tax,
        **changes,
    )


FRENCH_BUYER = dataclasses.replace(
    BUYER,
    tax_id="FR40303265045",
    address=PostalAddress("12 rue de la Paix", "", "75002", "Paris", "", "FR"),
)
US_BUYER = dataclasses.replace(
    BUYER,
    tax_id=None,
    address=PostalAddress("1 Main Street", "", "10001", "New York", "NY", "US"),
)
CASES = {
    "E": invoice_in("E", exemption=EXEMPTION),
    "E (code only)": invoice_in("E", exemption=Exemption("VATEX-EU-132-1C")),
    "E (text only)": invoice_in("E", exemption=Exemption(text="Medical care, exempt")),
    "AE": invoice_in("AE"),
    "K": invoice_in("K", buyer=FRENCH_BUYER, delivery_date=date(2026, 3, 10)),
    "G": invoice_in("G", buyer=US_BUYER),
    "O": invoice_in("O"),
    "L": invoice_in("L", "7"),
    "M": invoice_in("M", "4"),
}


def _fatal(xml: bytes, fmt: Format) -> list:
    return [f for f in failures(xml, rules_for(fmt)) if f.rule != GUIDELINE_RULE]


@pytest.mark.parametrize("fmt", list(Format))
@pytest.mark.parametrize("case", list(CASES))
def test_each_category_passes_the_schema_and_the_en16931_rules(case, fmt):
    facts = CASES[case]
    assert missing(facts, fmt) == ()
    xml = xml_for(facts, fmt)  # checked against the XSD on the way out
    assert _fatal(xml, fmt) == []
    assert read_back(xml, fmt) == {
        "net": Decimal("1500.00"), "tax": facts.tax, "total": facts.total,
    }  # fmt: skip


@pytest.mark.parametrize("fmt", [Format.facturx, Format.ubl])
@pytest.mark.parametrize("case", ["E", "K", "O"])
def test_a_credit_note_in_each_category_passes_too(case, fmt):
    assert _fatal(xml_for(credit_note_of(CASES[case]), fmt), fmt) == []


def test_the_exemption_reason_is_stated_in_the_vat_breakdown():
    ubl = etree.fromstring(xml_for(CASES["E"], Format.ubl))
    category = "//cac:TaxSubtotal/cac:TaxCategory"
    assert ubl.xpath(f"{category}/cbc:TaxExemptionReasonCode/text()", namespaces=NS) == [
        "VATEX-EU-132-1C"
    ]
    assert ubl.xpath(f"{category}/cbc:TaxExemptionReason/text()", namespaces=NS) == [EXEMPTION.text]
    cii = etree.fromstring(xml_for(CASES["E"], Format.facturx))
    tax = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax"
    assert cii.xpath(f"{tax}/ram:ExemptionReasonCode/text()", namespaces=NS) == ["VATEX-EU-132-1C"]


def test_not_subject_to_vat_states_no_vat_ids_and_no_rate():
    for fmt in (Format.ubl, Format.xrechnung_cii):
        text = xml_for(CASES["O"], fmt).decode()
        assert "DE123456789" not in text and BUYER.tax_id not in text  # BR-O-02
        assert "<cbc:Percent>" not in text and "RateApplicablePercent" not in text  # BR-O-05
        assert "VATEX-EU-O" in text


def test_an_intra_community_supply_states_its_date_and_the_country_delivered_to():
    ubl = etree.fromstring(xml_for(CASES["K"], Format.ubl))
    assert ubl.xpath("//cac:Delivery/cbc:ActualDeliveryDate/text()", namespaces=NS) == [
        "2026-03-10"
    ]
    country = "//cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode"
    assert ubl.xpath(f"{country}/text()", namespaces=NS) == ["FR"]
    cii = etree.fromstring(xml_for(CASES["K"], Format.facturx))
    assert cii.xpath("//ram:ShipToTradeParty//ram:CountryID/text()", namespaces=NS) == ["FR"]


REFUSED = {
    "exempt without a reason": (invoice_in("E"), Missing.vat_exemption_reason),
    "exempt with a code not in the VATEX list": (
        invoice_in("E", exemption=Exemption("VATEX-EU-999")),
        Missing.vat_exemption_reason,
    ),
    "reverse charge without the buyer's VAT id": (
        invoice_in("AE", buyer=US_BUYER),
        Missing.buyer_tax_id,
    ),
    "intra-Community supply without the buyer's VAT id": (
        invoice_in("K", buyer=US_BUYER, delivery_date=date(2026, 3, 10)),
        Missing.buyer_tax_id,
    ),
    "intra-Community supply without the date of supply": (
        invoice_in("K", buyer=FRENCH_BUYER),
        Missing.delivery_date,
    ),
    "export taxed at a rate": (invoice_in("G", "19"), Missing.tax_category),
    "not subject to VAT beside a taxed line": (
        dataclasses.replace(
            invoice_in("O"),
            lines=(line(1, "1000.00", "0", "O", qty="4"), line(2, "500.00", "19", "S")),
        ),
        Missing.tax_category,
    ),
    "not subject to VAT from a seller without a registration": (
        invoice_in("O", seller=dataclasses.replace(INVOICE.seller, registration_id="")),
        Missing.seller_registration,
    ),
    "IGIC at a negative rate": (invoice_in("L", "-7"), Missing.tax_category),
    "an unknown category": (invoice_in("X"), Missing.tax_category),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_an_invoice_lacking_what_its_category_requires_is_refused_with_the_reason(case):
    facts, reason = REFUSED[case]
    for fmt in Format:
        with pytest.raises(NotEligible) as refused:
            xml_for(facts, fmt)
        assert reason in refused.value.missing, (fmt, refused.value.missing)


def test_the_vatex_codes_are_the_ones_the_pinned_rules_accept():
    rules = (SCHEMAS / "ubl" / "EN16931-UBL-validation.xslt").read_text()
    listed = re.search(r"VATEX-EU-79-C[^']*", rules)
    assert listed is not None
    assert set(listed.group(0).split()) == VATEX
