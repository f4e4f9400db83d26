"""Small builders that make test scenarios read like the story they tell."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from core.models import (
    Account,
    Contact,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    status_for,
)


def account(session: Session, erp_id: str, name: str, currency: str = "EUR", **kw) -> Account:
    acc = Account(erp_id=erp_id, name=name, currency=currency, **kw)
    session.add(acc)
    session.flush()
    return acc


def contact(session: Session, acc: Account, email: str, role: str = "ap_contact", **kw) -> Contact:
    person = Contact(account_id=acc.id, email=email, name=kw.pop("name", email), role=role, **kw)
    session.add(person)
    session.flush()
    return person


def invoice(
    session: Session,
    acc: Account,
    number: str,
    total: str,
    *,
    issued: date,
    due: date | None = None,
    currency: str | None = None,
    kind: InvoiceKind = InvoiceKind.invoice,
    void: bool = False,
    po: str | None = None,
    tax: str = "0",
) -> Invoice:
    total_amount = Decimal(total)
    tax_amount = Decimal(tax)
    doc = Invoice(
        account_id=acc.id,
        erp_id=f"{acc.erp_id}-{number}",
        number=number,
        kind=kind,
        issue_date=issued,
        due_date=due or issued,
        currency=currency or acc.currency,
        subtotal=total_amount - tax_amount,
        tax=tax_amount,
        total=Decimal(0) if void else total_amount,
        amount_paid=Decimal(0),
        balance=Decimal(0) if void else total_amount,
        status=status_for(total_amount, Decimal(0), void=void),
        po_number=po,
    )
    doc.lines.append(
        InvoiceLine(
            account_id=acc.id,
            line_no=1,
            description=f"Goods for {number}",
            quantity=Decimal(1),
            unit_price=total_amount - tax_amount,
            net_amount=total_amount - tax_amount,
            tax_amount=tax_amount,
        )
    )
    session.add(doc)
    session.flush()
    return doc


def payment(
    session: Session,
    acc: Account,
    reference: str,
    amount: str,
    *,
    received: date,
    currency: str | None = None,
    allocations: dict[Invoice, str] | None = None,
) -> Payment:
    pay = Payment(
        account_id=acc.id,
        erp_id=f"{acc.erp_id}-{reference}",
        reference=reference,
        received_on=received,
        currency=currency or acc.currency,
        amount=Decimal(amount),
    )
    session.add(pay)
    session.flush()
    for doc, applied in (allocations or {}).items():
        applied_amount = Decimal(applied)
        session.add(
            PaymentAllocation(
                account_id=acc.id,
                payment_id=pay.id,
                invoice_id=doc.id,
                amount=applied_amount,
                applied_on=received,
            )
        )
        doc.amount_paid += applied_amount
        doc.balance = doc.total - doc.amount_paid
        doc.status = status_for(doc.total, doc.amount_paid)
    session.flush()
    return pay
