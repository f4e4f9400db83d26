"""UBL 2.1 invoices and credit notes per Peppol BIS Billing 3.0, and XRechnung in its UBL syntax.

Element order follows the UBL 2.1 schema (``schemas/ubl``); the tests validate every output
against it and against the EN 16931 business rules.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree
from lxml.builder import ElementMaker

from core.documents.facts import Exemption, InvoiceFacts
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

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
PEPPOL = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
XRECHNUNG = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
UNIT = "C62"


def peppol(facts: InvoiceFacts) -> bytes:
    return _document(facts, PEPPOL)


def xrechnung(facts: InvoiceFacts) -> bytes:
    return _document(facts, XRECHNUNG)


def _document(facts: InvoiceFacts, customization: str) -> bytes:
    root_ns = CREDIT_NOTE if facts.credit_note else INVOICE
    nsmap = {None: root_ns, "cac": CAC, "cbc": CBC}
    doc = ElementMaker(namespace=root_ns, nsmap=nsmap)
    cac = ElementMaker(namespace=CAC, nsmap=nsmap)
    cbc = ElementMaker(namespace=CBC, nsmap=nsmap)
    b = _Builder(facts, cac, cbc)
    head = [
        cbc.CustomizationID(customization),
        cbc.ProfileID(PROFILE),
        cbc.ID(facts.number),
        cbc.IssueDate(facts.issue_date.isoformat()),
    ]
    if facts.credit_note:
        head.append(cbc.CreditNoteTypeCode("381"))
    else:
        head += [cbc.DueDate(facts.due_date.isoformat()), cbc.InvoiceTypeCode("380")]
    head += [
        cbc.DocumentCurrencyCode(facts.currency),
        # BT-10: the buyer's order number when there is one, else their customer number.
        cbc.BuyerReference(facts.po_number or facts.buyer.customer_number),
    ]
    if facts.po_number:
        head.append(cac.OrderReference(cbc.ID(facts.po_number)))
    body = [*b.parties(), *b.delivery(), *b.payment(), *b.taxes(), b.totals(), *b.lines()]
    root = (doc.CreditNote if facts.credit_note else doc.Invoice)(*head, *body)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class _Builder:
    def __init__(self, facts: InvoiceFacts, cac: ElementMaker, cbc: ElementMaker) -> None:
        self.facts, self.cac, self.cbc = facts, cac, cbc
        self.factor = sign(facts)
        self.groups = breakdown(facts)

    def money(self, tag: str, value: Decimal) -> etree._Element:
        return getattr(self.cbc, tag)(amount_text(value), currencyID=self.facts.currency)

    def address(self, address: PostalAddress) -> etree._Element:
        cac, cbc = self.cac, self.cbc
        parts = []
        if address.line1:
            parts.append(cbc.StreetName(address.line1))
        if address.line2:
            parts.append(cbc.AdditionalStreetName(address.line2))
        if address.city:
            parts.append(cbc.CityName(address.city))
        if address.postal_code:
            parts.append(cbc.PostalZone(address.postal_code))
        if address.region:
            parts.append(cbc.CountrySubentity(address.region))
        parts.append(cac.Country(cbc.IdentificationCode(address.country_code)))
        return cac.PostalAddress(*parts)

    def party(
        self,
        *,
        endpoint: str | None,
        name: str,
        address: PostalAddress,
        vat_id: str | None,
        registration_id: str | None = None,
        contact: list[etree._Element] | None = None,
    ) -> etree._Element:
        cac, cbc = self.cac, self.cbc
        parts = []
        if endpoint and ":" in endpoint:
            scheme, identifier = endpoint.split(":", 1)
            parts.append(cbc.EndpointID(identifier, schemeID=scheme))
        parts.append(self.address(address))
        if vat_id:
            parts.append(cac.PartyTaxScheme(cbc.CompanyID(vat_id), cac.TaxScheme(cbc.ID("VAT"))))
        legal = [cbc.RegistrationName(name)]
        if registration_id:
            legal.append(cbc.CompanyID(registration_id))
        parts.append(cac.PartyLegalEntity(*legal))
        if contact:
            parts.append(cac.Contact(*contact))
        return cac.Party(*parts)

    def parties(self) -> list[etree._Element]:
        cac, cbc = self.cac, self.cbc
        seller, buyer = self.facts.seller, self.facts.buyer
        assert seller is not None  # eligibility refuses an invoice without a known issuer
        states_vat_ids = not not_subject(self.facts)  # BR-O-02
        contact = []
        if seller.contact_name:
            contact.append(cbc.Name(seller.contact_name))
        if seller.contact_phone:
            contact.append(cbc.Telephone(seller.contact_phone))
        if seller.contact_email:
            contact.append(cbc.ElectronicMail(seller.contact_email))
        return [
            cac.AccountingSupplierParty(
                self.party(
                    endpoint=seller.electronic_address,
                    name=seller.name,
                    address=seller.address,
                    vat_id=seller.vat_id if states_vat_ids else None,
                    registration_id=seller.registration_id,
                    contact=contact,
                )
            ),
            cac.AccountingCustomerParty(
                self.party(
                    endpoint=buyer.electronic_address,
                    name=buyer.name,
                    address=buyer.address,
                    vat_id=buyer.tax_id if states_vat_ids else None,
                )
            ),
        ]

    def delivery(self) -> list[etree._Element]:
        """The date of supply (BT-72) when known; an intra-Community supply also names the
        country delivered to (BT-80, BR-IC-12): the buyer's."""
        cac, cbc, facts = self.cac, self.cbc, self.facts
        parts = []
        if facts.delivery_date:
            parts.append(cbc.ActualDeliveryDate(facts.delivery_date.isoformat()))
        if any(line.tax_category == INTRA_COMMUNITY for line in facts.lines):
            country = cac.Country(cbc.IdentificationCode(facts.buyer.address.country_code))
            parts.append(cac.DeliveryLocation(cac.Address(country)))
        return [cac.Delivery(*parts)] if parts else []

    def payment(self) -> list[etree._Element]:
        cac, cbc, facts = self.cac, self.cbc, self.facts
        found = []
        bank = facts.seller.bank_for(facts.currency) if facts.seller else None
        if bank is not None:
            means = [cbc.PaymentMeansCode("58")]  # SEPA credit transfer
            if facts.credit_note:
                means.append(cbc.PaymentDueDate(facts.due_date.isoformat()))
            if facts.payment_reference:
                means.append(cbc.PaymentID(facts.payment_reference))
            means.append(
                cac.PayeeFinancialAccount(
                    cbc.ID(bank.iban_compact),
                    cbc.Name(bank.account_holder),
                    cac.FinancialInstitutionBranch(cbc.ID(bank.bic)),
                )
            )
            found.append(cac.PaymentMeans(*means))
        if facts.payment_terms:
            found.append(cac.PaymentTerms(cbc.Note(facts.payment_terms)))
        return found

    def category(
        self, tag: str, category: str, rate: Decimal, exemption: Exemption | None = None
    ) -> etree._Element:
        cac, cbc = self.cac, self.cbc
        parts = [cbc.ID(category)]
        if category != NOT_SUBJECT:  # BR-O-05: no rate where VAT does not apply
            parts.append(cbc.Percent(plain_text(rate)))
        if exemption and exemption.code:
            parts.append(cbc.TaxExemptionReasonCode(exemption.code))
        if exemption and exemption.text:
            parts.append(cbc.TaxExemptionReason(exemption.text))
        return getattr(cac, tag)(*parts, cac.TaxScheme(cbc.ID("VAT")))

    def taxes(self) -> list[etree._Element]:
        cac = self.cac
        subtotals = [
            cac.TaxSubtotal(
                self.money("TaxableAmount", g.basis),
                self.money("TaxAmount", g.amount),
                self.category("TaxCategory", g.category, g.rate, g.exemption),
            )
            for g in self.groups
        ]
        total = sum((g.amount for g in self.groups), Decimal(0))
        return [cac.TaxTotal(self.money("TaxAmount", total), *subtotals)]

    def totals(self) -> etree._Element:
        net = sum((g.basis for g in self.groups), Decimal(0))
        total = self.facts.total * self.factor
        return self.cac.LegalMonetaryTotal(
            self.money("LineExtensionAmount", net),
            self.money("TaxExclusiveAmount", net),
            self.money("TaxInclusiveAmount", total),
            self.money("PayableAmount", total),
        )

    def lines(self) -> list[etree._Element]:
        cac, cbc, facts = self.cac, self.cbc, self.facts
        line_tag, quantity_tag = (
            ("CreditNoteLine", "CreditedQuantity")
            if facts.credit_note
            else ("InvoiceLine", "InvoicedQuantity")
        )
        found = []
        for line in facts.lines:
            item = [cbc.Name(line.description)]
            if line.sku:
                item.append(cac.SellersItemIdentification(cbc.ID(line.sku)))
            item.append(
                self.category("ClassifiedTaxCategory", line.tax_category or "", line.tax_rate)
            )
            found.append(
                getattr(cac, line_tag)(
                    cbc.ID(str(line.number)),
                    getattr(cbc, quantity_tag)(
                        plain_text(line.quantity * self.factor), unitCode=UNIT
                    ),
                    self.money("LineExtensionAmount", line.net_amount * self.factor),
                    cac.Item(*item),
                    cac.Price(
                        cbc.PriceAmount(plain_text(line.unit_price), currencyID=facts.currency)
                    ),
                )
            )
        return found
