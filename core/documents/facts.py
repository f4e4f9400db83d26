"""What a copy or an e-invoice states about one invoice, as plain typed values.

Taken once from the ORM rows (invoice, lines, account) and the issuing legal entity, so the PDF
template, the QR payloads and the XML builders read the same facts and none of them touches the
database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.documents.parties import LegalEntity, PostalAddress
from core.documents.reference import structured_reference
from core.models import (
    Account,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
)


@dataclass(frozen=True)
class LineFacts:
    number: int
    description: str
    sku: str | None
    quantity: Decimal
    unit_price: Decimal
    net_amount: Decimal
    tax_rate: Decimal  # percent
    tax_category: str | None  # UNTDID 5305
    tax_amount: Decimal


@dataclass(frozen=True)
class Exemption:
    """Why lines are exempt from VAT (EN 16931 BT-120 text, BT-121 CEF VATEX code): one or both,
    as the ERP states them."""

    code: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class AppliedPayment:
    """A payment applied to the invoice, as its copy lists it."""

    applied_on: date
    reference: str | None
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Buyer:
    name: str
    customer_number: str
    tax_id: str | None
    address: PostalAddress
    electronic_address: str | None  # "scheme:identifier" (BT-49)


@dataclass(frozen=True)
class InvoiceFacts:
    number: str
    credit_note: bool
    status: InvoiceStatus
    issue_date: date
    due_date: date
    currency: str
    # Signed as the ERP states them: a credit note's amounts are negative.
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    amount_paid: Decimal
    balance: Decimal
    po_number: str | None
    payment_terms: str | None
    payment_reference: str | None
    entity_code: str | None  # as named by the invoice or account (None: the default)
    seller: LegalEntity | None  # None: the named entity is not in the brand file
    buyer: Buyer
    lines: tuple[LineFacts, ...]
    # The invoice's VAT exemption (else the account's), for lines exempt from VAT (E).
    exemption: Exemption | None = None
    delivery_date: date | None = None  # BT-72, the date of supply

    @property
    def payable(self) -> bool:
        """Something is still to be paid on it: a payment QR makes sense."""
        return (
            not self.credit_note
            and self.status in (InvoiceStatus.open, InvoiceStatus.partially_paid)
            and self.balance > 0
        )


def entity_code(invoice: Invoice, account: Account) -> str | None:
    return invoice.legal_entity or account.legal_entity


def invoice_facts(
    invoice: Invoice,
    account: Account,
    seller: LegalEntity | None,
    lines: Iterable[InvoiceLine] | None = None,
) -> InvoiceFacts:
    """The facts of ``invoice`` billed to ``account`` by ``seller``: its ``lines``, or without
    them its loaded ``lines`` relationship. (Rows of the same columns serve as well as the ORM
    objects: the portal's cached-PDF path reads them with Core, ``web.documents.reads``.)"""
    return InvoiceFacts(
        number=invoice.number,
        credit_note=invoice.kind is InvoiceKind.credit_note,
        status=invoice.status,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        currency=invoice.currency,
        subtotal=invoice.subtotal,
        tax=invoice.tax,
        total=invoice.total,
        amount_paid=invoice.amount_paid,
        balance=invoice.balance,
        po_number=invoice.po_number,
        payment_terms=invoice.payment_terms or account.payment_terms,
        payment_reference=structured_reference(invoice.number, invoice.payment_reference),
        entity_code=entity_code(invoice, account),
        seller=seller,
        buyer=buyer_of(account),
        exemption=_exemption(invoice) or _exemption(account),
        delivery_date=invoice.delivery_date,
        lines=tuple(
            LineFacts(
                number=line.line_no,
                description=line.description,
                sku=line.sku,
                quantity=line.quantity,
                unit_price=line.unit_price,
                net_amount=line.net_amount,
                tax_rate=line.tax_rate,
                tax_category=line.tax_category,
                tax_amount=line.tax_amount,
            )
            for line in (invoice.lines if lines is None else lines)
        ),
    )


def _exemption(row: Invoice | Account) -> Exemption | None:
    code, text = row.vat_exemption_code, row.vat_exemption_reason
    return Exemption(code or None, text or None) if code or text else None


def buyer_of(account: Account) -> Buyer:
    """The account as documents bill it (EN 16931 BG-7)."""
    return Buyer(
        name=account.name,
        customer_number=account.erp_id,
        tax_id=account.tax_id,
        address=PostalAddress(
            line1=account.address_line1 or "",
            line2=account.address_line2 or "",
            postal_code=account.postal_code or "",
            city=account.city or "",
            region=account.region or "",
            country_code=account.country_code or "",
        ),
        electronic_address=account.electronic_address,
    )


def applied_payments(session: Session, invoice_id: int) -> tuple[AppliedPayment, ...]:
    """The payments applied to an invoice, oldest first, as its copy lists them."""
    rows = session.execute(
        select(
            PaymentAllocation.applied_on,
            Payment.reference,
            PaymentAllocation.amount,
            Payment.currency,
        )
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(PaymentAllocation.invoice_id == invoice_id)
        .order_by(PaymentAllocation.applied_on, PaymentAllocation.id)
    )
    return tuple(AppliedPayment(*row) for row in rows)
