"""A payment received from a customer and its allocations to invoices.

What is not allocated is unapplied cash: ``amount - sum(allocations)``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import AccountOwned, Base, BigId, Exact, UTCDateTime, utcnow
from core.models.invoice import Invoice


class Payment(AccountOwned, Base):
    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("source", "erp_id"),
        Index("ix_payments_account_received", "account_id", "received_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source: Mapped[str] = mapped_column(String(64), default="ardesk")
    erp_id: Mapped[str] = mapped_column(String(64))
    reference: Mapped[str | None] = mapped_column(String(128))  # the remittance reference
    received_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str | None] = mapped_column(String(32))
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[Decimal] = mapped_column(Exact)
    source_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    allocations: Mapped[list[PaymentAllocation]] = relationship(
        back_populates="payment", cascade="all, delete-orphan"
    )

    @property
    def unapplied(self) -> Decimal:
        return self.amount - sum((a.amount for a in self.allocations), Decimal(0))


class PaymentAllocation(AccountOwned, Base):
    __tablename__ = "payment_allocations"
    __table_args__ = (Index("ix_payment_allocations_account_applied", "account_id", "applied_on"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    payment_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("payments.id", ondelete="CASCADE"), index=True
    )
    invoice_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    amount: Mapped[Decimal] = mapped_column(Exact)
    applied_on: Mapped[date] = mapped_column(Date)

    payment: Mapped[Payment] = relationship(back_populates="allocations")
    invoice: Mapped[Invoice] = relationship()
