"""Aging as of a date: what is open, per currency, in buckets of days past due.

Aggregated in SQL by (currency, kind, due date), then bucketed here, so an account with a
hundred thousand invoices costs one grouped query, not a hundred thousand objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.billing.open_items import ZERO, _allocated_after, open_as_of, unapplied_payments
from core.models import Exact, Invoice, InvoiceKind

BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


def bucket_for(days_past_due: int) -> str:
    if days_past_due <= 0:
        return "current"
    if days_past_due <= 30:
        return "1-30"
    if days_past_due <= 60:
        return "31-60"
    if days_past_due <= 90:
        return "61-90"
    return "90+"


@dataclass
class Aging:
    """One currency's aging. ``total`` = buckets + unapplied (unapplied cash is negative)."""

    currency: str
    as_of: date
    buckets: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKETS, ZERO))
    unapplied: Decimal = ZERO
    overdue: Decimal = ZERO  # invoices past their due date (credits are never overdue)
    open_invoices: int = 0

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), ZERO) + self.unapplied

    def as_json(self) -> dict:
        return {
            "currency": self.currency,
            "as_of": self.as_of.isoformat(),
            "buckets": {name: str(amount) for name, amount in self.buckets.items()},
            "unapplied": str(self.unapplied),
            "overdue": str(self.overdue),
            "total": str(self.total),
            "open_invoices": self.open_invoices,
        }


def aging(session: Session, account_id: int, as_of: date) -> dict[str, Aging]:
    """Aging per currency, keyed and ordered by currency code."""
    later = _allocated_after(as_of)
    open_amount = Invoice.balance + func.coalesce(later.c.amount, 0)
    rows = session.execute(
        select(
            Invoice.currency,
            Invoice.kind,
            Invoice.due_date,
            func.sum(open_amount, type_=Exact()),
            func.count(),
        )
        .outerjoin(later, later.c.invoice_id == Invoice.id)
        .where(*open_as_of(account_id, as_of, later))
        .group_by(Invoice.currency, Invoice.kind, Invoice.due_date)
    ).all()
    result: dict[str, Aging] = {}
    for currency, kind, due_date, amount, count in rows:
        amount = Decimal(amount)  # aggregate of an Exact column; Decimal on both databases
        if amount == 0:
            continue
        report = result.setdefault(currency, Aging(currency, as_of))
        days = (as_of - due_date).days
        report.buckets[bucket_for(days)] += amount
        if InvoiceKind(kind) is InvoiceKind.invoice:
            report.open_invoices += count
            if days > 0:
                report.overdue += amount
    for item in unapplied_payments(session, account_id, as_of):
        report = result.setdefault(item.currency, Aging(item.currency, as_of))
        report.unapplied += item.open_amount
    return dict(sorted(result.items()))
