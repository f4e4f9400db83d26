"""UN/CEFACT Cross Industry Invoice (CII D16B) at the EN 16931 level: the XML inside a
Factur-X / ZUGFeRD PDF, and XRechnung in its CII syntax.

Element order follows the schema (``schemas/cii``); the tests validate every output against it
and against the EN 16931 business rules.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree
from lxml.builder import ElementMaker

from core.documents.facts import InvoiceFacts
from core.documents.parties import PostalAddress
from core.documents.taxes import (
    INTRA_COMMUNITY,
    NOT_SUBJECT,
    amount_text,
    breakdown,
    not_subject,
    plain_text,
    sign,
)

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NAMESPACES = {"rsm": RSM, "ram": RAM, "udt": UDT}
EN16931 = "urn:cen.eu:en16931:2017"
XRECHNUNG = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
PEPPOL_PROCESS = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
UNIT = "C62"  # "one": ERPs' units are free text; C62 is what every validator accepts

rsm = ElementMaker(namespace=RSM, nsmap=NAMESPACES)
ram = ElementMaker(namespace=RAM, nsmap=NAMESPACES)
udt = ElementMaker(namespace=UDT, nsmap=NAMESPACES)


def factur_x(facts: InvoiceFacts) -> bytes:
    return _document(facts, EN16931, process=None)


def xrechnung(facts: InvoiceFacts) -> bytes:
    return _document(facts, XRECHNUNG, process=PEPPOL_PROCESS)


def _document(facts: InvoiceFacts, guideline: str, *, process: str | None) -> bytes:
    context = []
    if process:
        context.append(ram.BusinessProcessSpecifiedDocumentContextParameter(ram.ID(process)))
    context.append(ram.GuidelineSpecifiedDocumentContextParameter(ram.ID(guideline)))
    root = rsm.CrossIndustryInvoice(
        rsm.ExchangedDocumentContext(*context),
        rsm.ExchangedDocument(
            ram.ID(facts.number),
            ram.TypeCode("381" if facts.credit_note else "380"),
            ram.IssueDateTime(_date(facts.issue_date)),
        ),
        rsm.SupplyChainTradeTransaction(
            *_lines(facts),
            _agreement(facts),
            _delivery(facts),
            _settlement(facts),
        ),
    )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _date(day: date) -> etree._Element:
    return udt.DateTimeString(day.strftime("%Y%m%d"), format="102")


def _lines(facts: InvoiceFacts) -> list[etree._Element]:
    factor = sign(facts)
    items = []
    for line in facts.lines:
        product = [ram.SellerAssignedID(line.sku)] if line.sku else []
        items.append(
            ram.IncludedSupplyChainTradeLineItem(
                ram.AssociatedDocumentLineDocument(ram.LineID(str(line.number))),
                ram.SpecifiedTradeProduct(*product, ram.Name(line.description)),
                ram.SpecifiedLineTradeAgreement(
                    ram.NetPriceProductTradePrice(ram.ChargeAmount(plain_text(line.unit_price)))
                ),
                ram.SpecifiedLineTradeDelivery(
                    ram.BilledQuantity(plain_text(line.quantity * factor), unitCode=UNIT)
                ),
                ram.SpecifiedLineTradeSettlement(
                    ram.ApplicableTradeTax(
                        ram.TypeCode("VAT"),
                        ram.CategoryCode(line.tax_category or ""),
                        *_rate(line.tax_category or "", line.tax_rate),
                    ),
                    ram.SpecifiedTradeSettlementLineMonetarySummation(
                        ram.LineTotalAmount(amount_text(line.net_amount * factor))
                    ),
                ),
            )
        )
    return items


def _address(address: PostalAddress) -> etree._Element:
    parts = []
    if address.postal_code:
        parts.append(ram.PostcodeCode(address.postal_code))
    if address.line1:
        parts.append(ram.LineOne(address.line1))
    if address.line2:
        parts.append(ram.LineTwo(address.line2))
    if address.city:
        parts.append(ram.CityName(address.city))
    parts.append(ram.CountryID(address.country_code))
    if address.region:
        parts.append(ram.CountrySubDivisionName(address.region))
    return ram.PostalTradeAddress(*parts)


def _endpoint(address: str | None) -> list[etree._Element]:
    if not address or ":" not in address:
        return []
    scheme, identifier = address.split(":", 1)
    return [ram.URIUniversalCommunication(ram.URIID(identifier, schemeID=scheme))]


def _agreement(facts: InvoiceFacts) -> etree._Element:
    seller, buyer = facts.seller, facts.buyer
    assert seller is not None  # eligibility refuses an invoice without a known issuer
    seller_parts = [ram.Name(seller.name)]
    if seller.registration_id:
        seller_parts.append(ram.SpecifiedLegalOrganization(ram.ID(seller.registration_id)))
    if seller.contact_name or seller.contact_phone or seller.contact_email:
        contact = [ram.PersonName(seller.contact_name)] if seller.contact_name else []
        if seller.contact_phone:
            contact.append(
                ram.TelephoneUniversalCommunication(ram.CompleteNumber(seller.contact_phone))
            )
        if seller.contact_email:
            contact.append(ram.EmailURIUniversalCommunication(ram.URIID(seller.contact_email)))
        seller_parts.append(ram.DefinedTradeContact(*contact))
    seller_parts += [_address(seller.address), *_endpoint(seller.electronic_address)]
    states_vat_ids = not not_subject(facts)  # BR-O-02
    if seller.vat_id and states_vat_ids:
        seller_parts.append(ram.SpecifiedTaxRegistration(ram.ID(seller.vat_id, schemeID="VA")))
    buyer_parts = [
        ram.Name(buyer.name),
        _address(buyer.address),
        *_endpoint(buyer.electronic_address),
    ]
    if buyer.tax_id and states_vat_ids:
        buyer_parts.append(ram.SpecifiedTaxRegistration(ram.ID(buyer.tax_id, schemeID="VA")))
    parts = [
        # BT-10: the buyer's order number when there is one, else their customer number.
        ram.BuyerReference(facts.po_number or buyer.customer_number),
        ram.SellerTradeParty(*seller_parts),
        ram.BuyerTradeParty(*buyer_parts),
    ]
    if facts.po_number:
        parts.append(ram.BuyerOrderReferencedDocument(ram.IssuerAssignedID(facts.po_number)))
    return ram.ApplicableHeaderTradeAgreement(*parts)


def _rate(category: str, rate: Decimal) -> list[etree._Element]:
    """No rate where VAT does not apply (BR-O-05)."""
    return [] if category == NOT_SUBJECT else [ram.RateApplicablePercent(plain_text(rate))]


def _delivery(facts: InvoiceFacts) -> etree._Element:
    """The date of supply (BT-72) when known; an intra-Community supply also names the country
    delivered to (BT-80, BR-IC-12): the buyer's."""
    parts = []
    if any(line.tax_category == INTRA_COMMUNITY for line in facts.lines):
        country = ram.CountryID(facts.buyer.address.country_code)
        parts.append(ram.ShipToTradeParty(ram.PostalTradeAddress(country)))
    if facts.delivery_date:
        parts.append(
            ram.ActualDeliverySupplyChainEvent(ram.OccurrenceDateTime(_date(facts.delivery_date)))
        )
    return ram.ApplicableHeaderTradeDelivery(*parts)


def _settlement(facts: InvoiceFacts) -> etree._Element:
    factor = sign(facts)
    currency = facts.currency
    parts = []
    if facts.payment_reference:
        parts.append(ram.PaymentReference(facts.payment_reference))
    parts.append(ram.InvoiceCurrencyCode(currency))
    bank = facts.seller.bank_for(currency) if facts.seller else None
    if bank is not None:
        parts.append(
            ram.SpecifiedTradeSettlementPaymentMeans(
                ram.TypeCode("58"),  # SEPA credit transfer
                ram.PayeePartyCreditorFinancialAccount(
                    ram.IBANID(bank.iban_compact), ram.AccountName(bank.account_holder)
                ),
                ram.PayeeSpecifiedCreditorFinancialInstitution(ram.BICID(bank.bic)),
            )
        )
    groups = breakdown(facts)
    for group in groups:
        exemption = group.exemption
        tax = [ram.CalculatedAmount(amount_text(group.amount)), ram.TypeCode("VAT")]
        if exemption and exemption.text:
            tax.append(ram.ExemptionReason(exemption.text))
        tax += [ram.BasisAmount(amount_text(group.basis)), ram.CategoryCode(group.category)]
        if exemption and exemption.code:
            tax.append(ram.ExemptionReasonCode(exemption.code))
        tax += _rate(group.category, group.rate)
        parts.append(ram.ApplicableTradeTax(*tax))
    terms = [ram.Description(facts.payment_terms)] if facts.payment_terms else []
    if not facts.credit_note:
        terms.append(ram.DueDateDateTime(_date(facts.due_date)))
    if terms:
        parts.append(ram.SpecifiedTradePaymentTerms(*terms))
    net = sum((g.basis for g in groups), Decimal(0))
    tax_total = sum((g.amount for g in groups), Decimal(0))
    parts.append(
        ram.SpecifiedTradeSettlementHeaderMonetarySummation(
            ram.LineTotalAmount(amount_text(net)),
            ram.TaxBasisTotalAmount(amount_text(net)),
            ram.TaxTotalAmount(amount_text(tax_total), currencyID=currency),
            ram.GrandTotalAmount(amount_text(facts.total * factor)),
            ram.DuePayableAmount(amount_text(facts.total * factor)),
        )
    )
    return ram.ApplicableHeaderTradeSettlement(*parts)
