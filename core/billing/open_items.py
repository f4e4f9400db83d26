"""Open items as of a date: invoices and credit notes with a balance, and unapplied cash.

For a date in the past the balance is reconstructed: today's balance plus whatever was allocated
after that date. A document issued after the date is not an item yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from core.models import Invoice, InvoiceKind, InvoiceStatus, Payment, PaymentAllocation

ZERO = Decimal("0.0000")


@dataclass(frozen=True)
class OpenItem:
    kind: str  # "invoice", "credit_note" or "payment" (unapplied cash)
    reference: str  # invoice number or payment reference
    document_date: date
    due_date: date
    currency: str
    amount: Decimal  # original, signed (credit notes and payments negative)
    open_amount: Decimal  # still open as of the date, signed
    invoice_id: int | None = None
    payment_id: int | None = None

    def days_past_due(self, as_of: date) -> int:
        return max(0, (as_of - self.due_date).days)


def _allocated_after(as_of: date):
    return (
        select(
            PaymentAllocation.invoice_id.label("invoice_id"),
            func.sum(PaymentAllocation.amount).label("amount"),
        )
        .where(PaymentAllocation.applied_on > as_of)
        .group_by(PaymentAllocation.invoice_id)
        .subquery()
    )


def open_as_of(account_id: int, as_of: date, later):
    """Documents of the account that were open on ``as_of``: issued by then, not void, and with
    a balance now or allocations after that day (``later``: ``_allocated_after(as_of)``)."""
    return (
        Invoice.account_id == account_id,
        Invoice.issue_date <= as_of,
        Invoice.status != InvoiceStatus.void,
        or_(Invoice.balance != 0, later.c.amount.is_not(None)),
    )


def open_documents(session: Session, account_id: int, as_of: date) -> list[OpenItem]:
    later = _allocated_after(as_of)
    rows = session.execute(
        select(Invoice, later.c.amount)
        .outerjoin(later, later.c.invoice_id == Invoice.id)
        .where(*open_as_of(account_id, as_of, later))
        .order_by(Invoice.due_date, Invoice.number)
    ).all()
    items = []
    for invoice, allocated_later in rows:
        remaining = invoice.balance + (allocated_later or ZERO)
        if remaining == 0:
            continue
        items.append(
            OpenItem(
                kind=InvoiceKind(invoice.kind).value,
                reference=invoice.number,
                document_date=invoice.issue_date,
                due_date=invoice.due_date,
                currency=invoice.currency,
                amount=invoice.total,
                open_amount=remaining,
                invoice_id=invoice.id,
            )
        )
    return items


def unapplied_payments(session: Session, account_id: int, as_of: date) -> list[OpenItem]:
    applied = (
        select(
            PaymentAllocation.payment_id.label("payment_id"),
            func.sum(PaymentAllocation.amount).label("amount"),
        )
        .where(PaymentAllocation.applied_on <= as_of)
        .group_by(PaymentAllocation.payment_id)
        .subquery()
    )
    rows = session.execute(
        select(Payment, applied.c.amount)
        .outerjoin(applied, applied.c.payment_id == Payment.id)
        .where(
            Payment.account_id == account_id,
            Payment.received_on <= as_of,
            and_(Payment.amount != func.coalesce(applied.c.amount, 0)),
        )
        .order_by(Payment.received_on)
    ).all()
    return [
        OpenItem(
            kind="payment",
            reference=payment.reference or payment.erp_id,
            document_date=payment.received_on,
            due_date=payment.received_on,
            currency=payment.currency,
            amount=-payment.amount,
            open_amount=-(payment.amount - (applied_amount or ZERO)),
            payment_id=payment.id,
        )
        for payment, applied_amount in rows
    ]


def open_items(session: Session, account_id: int, as_of: date) -> list[OpenItem]:
    """Everything open on the account as of ``as_of``: documents first, then unapplied cash."""
    return open_documents(session, account_id, as_of) + unapplied_payments(
        session, account_id, as_of
    )
