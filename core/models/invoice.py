"""An invoice or credit note with its lines.

Amounts are signed: a credit note has a negative total and balance, so open items, aging and
statements add documents without special cases. ``balance = total - amount_paid`` always.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import AccountOwned, Base, BigId, Exact, UTCDateTime, utcnow


class InvoiceKind(enum.StrEnum):
    invoice = "invoice"
    credit_note = "credit_note"


class InvoiceStatus(enum.StrEnum):
    open = "open"
    partially_paid = "partially_paid"
    paid = "paid"
    void = "void"


OPEN_STATUSES = (InvoiceStatus.open, InvoiceStatus.partially_paid)


def status_for(total: Decimal, amount_paid: Decimal, *, void: bool = False) -> InvoiceStatus:
    """The status that follows from the amounts (used by loaders and syncs)."""
    if void:
        return InvoiceStatus.void
    balance = total - amount_paid
    if balance == 0:
        return InvoiceStatus.paid
    if amount_paid == 0:
        return InvoiceStatus.open
    return InvoiceStatus.partially_paid


class Invoice(AccountOwned, Base):
    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("source", "erp_id"),
        Index("ix_invoices_account_status_due", "account_id", "status", "due_date"),
        Index("ix_invoices_account_po", "account_id", "po_number"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source: Mapped[str] = mapped_column(String(64), default="ardesk")
    erp_id: Mapped[str] = mapped_column(String(64))
    number: Mapped[str] = mapped_column(String(64))
    kind: Mapped[InvoiceKind] = mapped_column(
        Enum(InvoiceKind, native_enum=False, length=16), default=InvoiceKind.invoice
    )
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[Decimal] = mapped_column(Exact)
    tax: Mapped[Decimal] = mapped_column(Exact)
    total: Mapped[Decimal] = mapped_column(Exact)
    amount_paid: Mapped[Decimal] = mapped_column(Exact, default=Decimal(0))
    balance: Mapped[Decimal] = mapped_column(Exact)
    status: Mapped[InvoiceStatus] = mapped_column(
        Enum(InvoiceStatus, native_enum=False, length=16), default=InvoiceStatus.open
    )
    po_number: Mapped[str | None] = mapped_column(String(64))
    # Terms and issuer as the ERP states them for this document (else the account's).
    payment_terms: Mapped[str | None] = mapped_column(String(200))
    legal_entity: Mapped[str | None] = mapped_column(String(64))
    # The structured reference a payer quotes (the invoice's own or an ISO 11649 RF reference).
    payment_reference: Mapped[str | None] = mapped_column(String(64))
    # The VAT exemption of the invoice's exempt lines (BT-120 text, BT-121 VATEX code), when
    # the ERP states one (else the account's), and the date of supply (BT-72), which an
    # intra-Community supply must state.
    vat_exemption_reason: Mapped[str | None] = mapped_column(String(300))
    vat_exemption_code: Mapped[str | None] = mapped_column(String(32))
    delivery_date: Mapped[date | None] = mapped_column(Date)
    source_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.line_no", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def days_overdue(self, today: date) -> int:
        if not self.is_open or self.kind is InvoiceKind.credit_note:
            return 0
        return max(0, (today - self.due_date).days)

    def __repr__(self) -> str:
        return f"<Invoice {self.number} {self.total} {self.currency} {self.status}>"


class InvoiceLine(AccountOwned, Base):
    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    line_no: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[Decimal] = mapped_column(Exact)
    unit_price: Mapped[Decimal] = mapped_column(Exact)
    tax_rate: Mapped[Decimal] = mapped_column(Exact, default=Decimal(0))  # percent, 19 = 19 %
    # VAT category (UNTDID 5305: S standard, Z zero, E exempt, AE reverse charge, K, G, O, L, M).
    tax_category: Mapped[str | None] = mapped_column(String(4))
    net_amount: Mapped[Decimal] = mapped_column(Exact)
    tax_amount: Mapped[Decimal] = mapped_column(Exact, default=Decimal(0))

    invoice: Mapped[Invoice] = relationship(back_populates="lines")
