"""The storage types keep money exact and time aware on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError

from core.models import AuditEvent, Invoice, InvoiceLine
from tests.support import builders as b


def test_it_keeps_amounts_exact_to_the_ten_thousandth(db):
    with db.admin_session() as s:
        acc = b.account(s, "A", "A")
        for n, amount in enumerate(["0.1", "0.2", "12345678901.2345", "-0.0001"]):
            b.invoice(s, acc, f"I{n}", amount, issued=date(2026, 1, 1))
    with db.admin_session() as s:
        totals = sorted(s.scalars(select(Invoice.total)))
        total = s.scalar(select(func.sum(Invoice.total)))
        assert all(isinstance(t, Decimal) for t in totals)
        assert Decimal(total) == Decimal("12345678901.5344")  # 0.1 + 0.2 is 0.3, not 0.30000000004
        assert totals[0] == Decimal("-0.0001")


def test_it_refuses_floats_for_money(db):
    with pytest.raises(StatementError, match="never float"), db.admin_session() as s:
        acc = b.account(s, "A", "A")
        doc = b.invoice(s, acc, "I1", "1.00", issued=date(2026, 1, 1))
        s.add(
            InvoiceLine(
                account_id=acc.id,
                invoice_id=doc.id,
                line_no=2,
                description="x",
                quantity=1.5,
                unit_price=Decimal(1),
                net_amount=Decimal(1),
            )
        )
        s.flush()


def test_it_stores_aware_utc_datetimes_and_refuses_naive_ones(db):
    paris = timezone(timedelta(hours=1))
    with db.admin_session() as s:
        s.add(AuditEvent(action="x", actor="system", at=datetime(2026, 3, 1, 13, 0, tzinfo=paris)))
    with db.admin_session() as s:
        at = s.scalar(select(AuditEvent.at))
        assert at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
        assert at.tzinfo is not None
    with pytest.raises(StatementError, match="naive"), db.admin_session() as s:
        s.add(AuditEvent(action="x", actor="system", at=datetime(2026, 3, 1, 13, 0)))
        s.flush()
