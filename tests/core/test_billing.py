"""Open items, aging and statements, computed by hand for one customer with EUR and USD business.

The story (all amounts gross):
- INV-1  EUR 1,190.00 issued 10 Jan, due 9 Feb; 500.00 paid 15 Feb        → 690.00 open
- INV-2  EUR   238.00 issued  1 Feb, due 3 Mar; paid in full 1 Mar        → paid
- CN-1   EUR  −119.00 credit note issued 20 Feb                            → open credit
- INV-3  EUR   595.00 issued  5 Mar, voided                                → counts nowhere
- INV-4  USD 2,000.00 issued 20 Jan, due 19 Feb; a 2,500.00 payment on 10 Mar pays it and
         leaves 500.00 unapplied (an over-payment)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.billing import aging, open_items, statement
from core.models import InvoiceKind, InvoiceStatus
from tests.support import builders as b

D = Decimal


@pytest.fixture
def acme(db):
    with db.admin_session() as s:
        acme = b.account(s, "C100", "Acme Industrial GmbH", "EUR")
        other = b.account(s, "C200", "Bystander Ltd", "EUR")
        inv1 = b.invoice(
            s,
            acme,
            "INV-1",
            "1190.00",
            tax="190.00",
            issued=date(2026, 1, 10),
            due=date(2026, 2, 9),
        )
        inv2 = b.invoice(s, acme, "INV-2", "238.00", issued=date(2026, 2, 1), due=date(2026, 3, 3))
        b.invoice(
            s, acme, "CN-1", "-119.00", issued=date(2026, 2, 20), kind=InvoiceKind.credit_note
        )
        b.invoice(s, acme, "INV-3", "595.00", issued=date(2026, 3, 5), void=True)
        inv4 = b.invoice(
            s,
            acme,
            "INV-4",
            "2000.00",
            currency="USD",
            issued=date(2026, 1, 20),
            due=date(2026, 2, 19),
        )
        b.payment(
            s, acme, "P-1", "500.00", received=date(2026, 2, 15), allocations={inv1: "500.00"}
        )
        b.payment(s, acme, "P-2", "238.00", received=date(2026, 3, 1), allocations={inv2: "238.00"})
        b.payment(
            s,
            acme,
            "P-3",
            "2500.00",
            currency="USD",
            received=date(2026, 3, 10),
            allocations={inv4: "2000.00"},
        )
        # Another customer's debt must never leak into Acme's figures.
        b.invoice(s, other, "X-1", "99999.99", issued=date(2026, 1, 1))
        return acme.id


def test_it_keeps_statuses_and_balances_exact(db, acme):
    from sqlalchemy import select

    from core.models import Invoice

    with db.account_scope(acme) as s:
        by_number = {i.number: i for i in s.scalars(select(Invoice))}
    assert by_number["INV-1"].status is InvoiceStatus.partially_paid
    assert by_number["INV-1"].balance == D("690.00")
    assert by_number["INV-2"].status is InvoiceStatus.paid
    assert by_number["INV-3"].status is InvoiceStatus.void
    assert by_number["INV-4"].status is InvoiceStatus.paid
    assert by_number["CN-1"].balance == D("-119.00")
    assert by_number["INV-1"].days_overdue(date(2026, 3, 31)) == 50
    assert by_number["INV-2"].days_overdue(date(2026, 3, 31)) == 0


def test_it_lists_open_items_with_unapplied_cash(db, acme):
    with db.account_scope(acme) as s:
        items = open_items(s, acme, date(2026, 3, 31))
    assert [(i.reference, i.currency, i.open_amount) for i in items] == [
        ("INV-1", "EUR", D("690.00")),
        ("CN-1", "EUR", D("-119.00")),
        ("P-3", "USD", D("-500.00")),
    ]


def test_it_ages_per_currency_at_the_end_of_march(db, acme):
    with db.account_scope(acme) as s:
        report = aging(s, acme, date(2026, 3, 31))
    assert list(report) == ["EUR", "USD"]
    eur, usd = report["EUR"], report["USD"]
    # INV-1 is 50 days past due, CN-1 39 days: both in 31–60.
    assert eur.buckets == {"current": 0, "1-30": 0, "31-60": D("571.00"), "61-90": 0, "90+": 0}
    assert eur.overdue == D("690.00")
    assert eur.total == D("571.00")
    assert eur.open_invoices == 1
    # The over-payment is unapplied cash: the customer is in credit.
    assert usd.buckets == dict.fromkeys(usd.buckets, D(0))
    assert usd.unapplied == D("-500.00")
    assert usd.total == D("-500.00")


def test_it_reconstructs_aging_for_an_earlier_date(db, acme):
    with db.account_scope(acme) as s:
        early = aging(s, acme, date(2026, 2, 10))
        march = aging(s, acme, date(2026, 3, 5))
    # On 10 Feb the 15 Feb payment had not come: INV-1 was open in full, a day late.
    assert early["EUR"].buckets["1-30"] == D("1190.00")
    assert early["EUR"].buckets["current"] == D("238.00")
    assert early["EUR"].total == D("1428.00")
    assert early["USD"].buckets["current"] == D("2000.00")
    # On 5 Mar INV-2 is paid, INV-4 still open; the void INV-3 counts nowhere.
    assert march["EUR"].buckets["1-30"] == D("571.00")
    assert march["EUR"].total == D("571.00")
    assert march["USD"].buckets["1-30"] == D("2000.00")
    assert march["USD"].unapplied == 0


def test_it_builds_a_february_statement(db, acme):
    with db.account_scope(acme) as s:
        feb = statement(s, acme, date(2026, 2, 1), date(2026, 2, 28))
    assert list(feb) == ["EUR", "USD"]
    usd = feb["USD"]  # nothing moved in USD in February: the section only carries its balance
    assert (usd.opening_balance, usd.entries, usd.closing_balance) == (
        D("2000.00"),
        [],
        D("2000.00"),
    )
    eur = feb["EUR"]
    assert eur.opening_balance == D("1190.00")
    assert [(e.on.day, e.kind, e.reference, e.amount, e.balance) for e in eur.entries] == [
        (1, "invoice", "INV-2", D("238.00"), D("1428.00")),
        (15, "payment", "P-1", D("-500.00"), D("928.00")),
        (20, "credit_note", "CN-1", D("-119.00"), D("809.00")),
    ]
    assert eur.closing_balance == D("809.00")


def test_it_builds_a_quarter_statement_per_currency(db, acme):
    with db.account_scope(acme) as s:
        q1 = statement(s, acme, date(2026, 1, 1), date(2026, 3, 31))
        march = statement(s, acme, date(2026, 3, 1), date(2026, 3, 31))
    assert list(q1) == ["EUR", "USD"]
    assert q1["EUR"].opening_balance == 0
    assert q1["EUR"].closing_balance == D("571.00")  # equals the aging total: books balance
    assert "INV-3" not in [e.reference for e in q1["EUR"].entries]
    assert q1["USD"].total("invoice") == D("2000.00")
    assert q1["USD"].total("payment") == D("-2500.00")
    assert q1["USD"].closing_balance == D("-500.00")
    assert march["EUR"].opening_balance == D("809.00")
    assert [e.reference for e in march["EUR"].entries] == ["P-2"]
    assert march["USD"].opening_balance == D("2000.00")


def test_it_refuses_a_period_that_ends_before_it_starts(db, acme):
    with db.account_scope(acme) as s, pytest.raises(ValueError):
        statement(s, acme, date(2026, 3, 1), date(2026, 2, 1))
