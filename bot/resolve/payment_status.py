"""payment_status: for the invoices named, what was received and applied, when, and what is
still open; with no invoice named, the payments received lately."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.context import ContactRef
from bot.resolve.issuer import LinkIssuer
from bot.resolve.matching import fact, find_invoices
from core.answers import Answer, InvoicePayments, PaymentApplied, PaymentStatusAnswer
from core.documents.facts import applied_payments
from core.models import Payment

RECENT = timedelta(days=60)


def resolve(
    session: Session, contact: ContactRef, understanding, issuer: LinkIssuer
) -> list[Answer]:
    today = issuer.now.date()
    references = list(dict.fromkeys(understanding.invoice_numbers))
    if not references:
        payments = session.scalars(
            select(Payment)
            .where(Payment.account_id == contact.account_id, Payment.received_on >= today - RECENT)
            .order_by(Payment.received_on.desc())
            .limit(10)
        )
        recent = tuple(
            PaymentApplied(p.received_on, p.amount, p.currency, p.reference) for p in payments
        )
        return [PaymentStatusAnswer(recent=recent, remittance_acknowledged=True)]
    found, not_found = [], []
    for reference in references:
        invoices = find_invoices(session, contact.account_id, reference)
        if not invoices:
            not_found.append(reference)
        for invoice in invoices:
            applied = tuple(
                PaymentApplied(p.applied_on, p.amount, p.currency, p.reference)
                for p in applied_payments(session, invoice.id)
            )
            found.append(InvoicePayments(fact(invoice, today), applied))
    return [PaymentStatusAnswer(invoices=tuple(found), not_found=tuple(not_found))]
