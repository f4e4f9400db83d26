"""E-invoices: every format built from the same facts passes its official schema (XSD) and the
EN 16931 business rules (Schematron), and reads back to the invoice's totals."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from lxml import etree

from core.documents import cii, ubl
from core.documents.einvoice import NotEligible, xml_for
from core.documents.formats import Format
from core.documents.schema_check import SchemaError, check
from tests.documents.samples import INVOICE, credit_note_of
from tests.documents.schematron import failures

NS = {
    "rsm": cii.RSM, "ram": cii.RAM, "cbc": ubl.CBC, "cac": ubl.CAC,
    "inv": ubl.INVOICE, "cn": ubl.CREDIT_NOTE,
}  # fmt: skip
# The Factur-X rules pin the guideline id to Factur-X's own; XRechnung's CII states KoSIT's
# id (its CIUS) and otherwise follows the same EN 16931 rules, which are all checked.
GUIDELINE_RULE = "FX-SCH-A-000556"


def rules_for(fmt: Format) -> str:
    return "cii" if fmt in (Format.facturx, Format.xrechnung_cii) else "ubl"


def read_back(xml: bytes, fmt: Format) -> dict[str, Decimal]:
    root = etree.fromstring(xml)
    if rules_for(fmt) == "cii":
        total = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation"
        paths = {
            "net": f"{total}/ram:TaxBasisTotalAmount", "tax": f"{total}/ram:TaxTotalAmount",
            "total": f"{total}/ram:GrandTotalAmount",
        }  # fmt: skip
    else:
        paths = {
            "net": "//cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount",
            "tax": "/*/cac:TaxTotal/cbc:TaxAmount",
            "total": "//cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount",
        }
    return {name: Decimal(root.xpath(path, namespaces=NS)[0].text) for name, path in paths.items()}


@pytest.mark.parametrize("fmt", [f for f in Format])
def test_each_format_passes_its_schema_and_the_en16931_rules(fmt):
    xml = xml_for(INVOICE, fmt)
    problems = [f for f in failures(xml, rules_for(fmt)) if f.rule != GUIDELINE_RULE]
    assert problems == []
    assert read_back(xml, fmt) == {
        "net": Decimal("1500.00"), "tax": Decimal("285.00"), "total": Decimal("1785.00"),
    }  # fmt: skip


@pytest.mark.parametrize("fmt", [f for f in Format])
def test_a_credit_note_is_stated_with_positive_amounts_and_its_own_type(fmt):
    xml = xml_for(credit_note_of(INVOICE), fmt)
    assert [f for f in failures(xml, rules_for(fmt)) if f.rule != GUIDELINE_RULE] == []
    assert read_back(xml, fmt)["total"] == Decimal("1785.00")
    root = etree.fromstring(xml)
    if rules_for(fmt) == "cii":
        assert root.xpath("//rsm:ExchangedDocument/ram:TypeCode/text()", namespaces=NS) == ["381"]
    else:
        assert etree.QName(root).localname == "CreditNote"


def test_the_identifiers_of_each_format_name_its_specification():
    peppol = etree.fromstring(xml_for(INVOICE, Format.ubl))
    xrechnung = etree.fromstring(xml_for(INVOICE, Format.xrechnung_ubl))
    assert peppol.findtext(f"{{{ubl.CBC}}}CustomizationID") == ubl.PEPPOL
    assert xrechnung.findtext(f"{{{ubl.CBC}}}CustomizationID") == ubl.XRECHNUNG
    guideline = "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID/text()"
    assert etree.fromstring(xml_for(INVOICE, Format.xrechnung_cii)).xpath(
        guideline, namespaces=NS
    ) == [cii.XRECHNUNG]


def test_the_rules_catch_totals_that_do_not_add_up():
    """The checks can fail: the same builder on totals the lines do not support is refused by
    the Schematron, which is why eligibility refuses such an invoice before building."""
    broken = dataclasses.replace(INVOICE, total=Decimal("1790.00"))
    xml = cii.factur_x(broken)
    assert any(f.rule.startswith("BR-CO-15") or "BR-CO-15" in f.text for f in failures(xml, "cii"))
    with pytest.raises(NotEligible) as refused:
        xml_for(broken, Format.facturx)
    assert [m.value for m in refused.value.missing] == ["totals"]


def test_the_schema_check_refuses_a_document_out_of_order():
    xml = etree.fromstring(ubl.peppol(INVOICE))
    xml.append(xml[0])  # CustomizationID moved to the end
    with pytest.raises(SchemaError):
        check(etree.tostring(xml), "ubl-invoice")
