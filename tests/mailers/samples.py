"""Answers and replies to render, the same in every test."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from core import answers as a

NOW = datetime(2025, 3, 15, 12, 0, tzinfo=UTC)
EXPIRES = NOW + timedelta(hours=48)


def link(scope: str = "invoice", key: str = "tok123") -> a.LinkRef:
    return a.LinkRef(f"https://ar.supplier.example/l/{key}", EXPIRES, scope)


def invoice(number: str = "10423", **changes) -> a.InvoiceFact:
    values = {
        "number": number,
        "kind": "invoice",
        "status": "open",
        "issue_date": date(2025, 2, 1),
        "due_date": date(2025, 3, 3),
        "currency": "EUR",
        "total": Decimal("1234.56"),
        "balance": Decimal("1234.56"),
        "po_number": "PO-4711",
        "days_overdue": 12,
    }
    values.update(changes)
    return a.InvoiceFact(**values)


INVOICE_COPIES = a.InvoiceCopies(found=((invoice(), link()),), not_found=("99999",))
SEVERAL_COPIES = a.InvoiceCopies(
    found=((invoice(), link(key="one")), (invoice("10424"), link(key="two"))),
    all_found=link(key="both"),
)
INVOICE_LIST = a.InvoiceList(
    link("list", "list1"), "open", date(2025, 3, 1), date(2025, 3, 31), count=3
)
STATEMENT = a.StatementLinkAnswer(link("statement", "st1"), date(2025, 7, 1), date(2025, 9, 30))
OPEN_ITEMS_STATEMENT = a.StatementLinkAnswer(link("statement", "st2"), None, date(2025, 3, 15))
BALANCE = a.BalanceAnswer(
    as_of=date(2025, 3, 15),
    balances=(
        a.CurrencyBalance(
            "EUR",
            Decimal("1234.56"),
            Decimal("200.00"),
            (
                ("current", Decimal("1034.56")),
                ("1-30", Decimal("200.00")),
                ("31-60", Decimal(0)),
                ("61-90", Decimal(0)),
                ("90+", Decimal(0)),
            ),
        ),
        a.CurrencyBalance(
            "USD", Decimal("5000.00"), Decimal(0), (("current", Decimal("5000.00")),)
        ),
    ),
    link=link("list", "open1"),
)
PAYMENT_STATUS = a.PaymentStatusAnswer(
    invoices=(
        a.InvoicePayments(
            invoice(status="partially_paid", balance=Decimal("234.56")),
            (a.PaymentApplied(date(2025, 3, 10), Decimal("1000.00"), "EUR", "REM-881"),),
        ),
    ),
    not_found=("77777",),
)
DISPUTE = a.DisputeAcknowledged(invoices=((invoice(), link(key="d1")),))
HANDED_OFF = a.HandedOff("needs_human")
UNVERIFIED = a.HandedOff("unverified")
ACCESS = a.AccessInstructions("customer.example")
NOT_PERMITTED = a.NotPermitted("download_documents")

ALL_ANSWERS = {
    "invoice_copies": INVOICE_COPIES,
    "several_copies": SEVERAL_COPIES,
    "invoice_list": INVOICE_LIST,
    "statement": STATEMENT,
    "open_items_statement": OPEN_ITEMS_STATEMENT,
    "balance": BALANCE,
    "payment_status": PAYMENT_STATUS,
    "dispute": DISPUTE,
    "handed_off": HANDED_OFF,
    "unverified": UNVERIFIED,
    "access": ACCESS,
    "not_permitted": NOT_PERMITTED,
}


def reply(language: str, *answers: a.Answer, name: str | None = "Anna Weber") -> a.Reply:
    return a.Reply(language, name, "Müller Maschinenbau GmbH", tuple(answers), link_ttl_hours=48)
