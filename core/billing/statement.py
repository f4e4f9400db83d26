"""A statement of account for a period, one section per currency.

The opening balance is everything invoiced or credited before the period less everything paid
before it; each entry moves the running balance; the closing balance is where it ends. Void
documents appear nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.billing.open_items import ZERO
from core.models import Exact, Invoice, InvoiceKind, InvoiceStatus, Payment


@dataclass(frozen=True)
class StatementEntry:
    on: date
    kind: str  # "invoice", "credit_note", "payment"
    currency: str
    reference: str
    amount: Decimal  # signed: invoices raise the balance, credit notes and payments lower it
    balance: Decimal  # running balance after this entry
    due_date: date | None = None
    po_number: str | None = None
    invoice_id: int | None = None
    payment_id: int | None = None


@dataclass
class Statement:
    currency: str
    period_from: date
    period_to: date
    opening_balance: Decimal = ZERO
    entries: list[StatementEntry] = field(default_factory=list)

    @property
    def closing_balance(self) -> Decimal:
        return self.entries[-1].balance if self.entries else self.opening_balance

    def total(self, kind: str) -> Decimal:
        return sum((e.amount for e in self.entries if e.kind == kind), ZERO)


def _opening(session: Session, account_id: int, before: date) -> dict[str, Decimal]:
    opening: dict[str, Decimal] = {}
    invoiced = session.execute(
        select(Invoice.currency, func.sum(Invoice.total, type_=Exact()))
        .where(
            Invoice.account_id == account_id,
            Invoice.issue_date < before,
            Invoice.status != InvoiceStatus.void,
        )
        .group_by(Invoice.currency)
    )
    for currency, amount in invoiced:
        opening[currency] = opening.get(currency, ZERO) + amount
    paid = session.execute(
        select(Payment.currency, func.sum(Payment.amount, type_=Exact()))
        .where(Payment.account_id == account_id, Payment.received_on < before)
        .group_by(Payment.currency)
    )
    for currency, amount in paid:
        opening[currency] = opening.get(currency, ZERO) - amount
    return opening


def statement(
    session: Session, account_id: int, period_from: date, period_to: date
) -> dict[str, Statement]:
    """Statements per currency for ``period_from``..``period_to`` inclusive, by currency code."""
    if period_to < period_from:
        raise ValueError("a statement period ends after it starts")
    opening = _opening(session, account_id, period_from)
    moves: list[tuple[date, int, str, StatementEntry]] = []
    documents = session.scalars(
        select(Invoice).where(
            Invoice.account_id == account_id,
            Invoice.issue_date.between(period_from, period_to),
            Invoice.status != InvoiceStatus.void,
        )
    )
    for invoice in documents:
        entry = StatementEntry(
            on=invoice.issue_date,
            kind=InvoiceKind(invoice.kind).value,
            currency=invoice.currency,
            reference=invoice.number,
            amount=invoice.total,
            balance=ZERO,
            due_date=invoice.due_date,
            po_number=invoice.po_number,
            invoice_id=invoice.id,
        )
        moves.append((invoice.issue_date, 0, invoice.number, entry))
    payments = session.scalars(
        select(Payment).where(
            Payment.account_id == account_id, Payment.received_on.between(period_from, period_to)
        )
    )
    for payment in payments:
        reference = payment.reference or payment.erp_id
        entry = StatementEntry(
            on=payment.received_on,
            kind="payment",
            currency=payment.currency,
            reference=reference,
            amount=-payment.amount,
            balance=ZERO,
            payment_id=payment.id,
        )
        moves.append((payment.received_on, 1, reference, entry))

    result: dict[str, Statement] = {
        currency: Statement(currency, period_from, period_to, amount)
        for currency, amount in opening.items()
        if amount != 0
    }
    # Within a day, documents before payments, each in reference order: a stable, readable order.
    for _on, _order, _ref, entry in sorted(moves, key=lambda m: m[:3]):
        section = result.setdefault(
            entry.currency, Statement(entry.currency, period_from, period_to)
        )
        section.entries.append(replace(entry, balance=section.closing_balance + entry.amount))
    return dict(sorted(result.items()))
