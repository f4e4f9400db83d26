"""The customer account: who is billed, in which currency, from which ERP record."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, BigId, UTCDateTime, utcnow


class AccountStatus(enum.StrEnum):
    active = "active"
    on_hold = "on_hold"
    closed = "closed"


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("source", "erp_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source: Mapped[str] = mapped_column(String(64), default="ardesk")
    erp_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    # Domains whose senders may be told how to get access (never given data by domain alone).
    email_domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[AccountStatus] = mapped_column(
        Enum(AccountStatus, native_enum=False, length=16), default=AccountStatus.active
    )
    # The buyer as complete copies and e-invoices name it (EN 16931 BG-7/BG-8), from the ERP.
    tax_id: Mapped[str | None] = mapped_column(String(64))
    address_line1: Mapped[str | None] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(32))
    city: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    country_code: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    payment_terms: Mapped[str | None] = mapped_column(String(200))
    # Which of the brand file's legal entities bills this account (None: the brand's default).
    legal_entity: Mapped[str | None] = mapped_column(String(64))
    # Where e-invoices are addressed (BT-49, "scheme:identifier", e.g. "0088:4000001000005").
    electronic_address: Mapped[str | None] = mapped_column(String(128))
    # The e-invoice format AR set for this account (core.documents.formats.Format), if any.
    preferred_format: Mapped[str | None] = mapped_column(String(24))
    # Why the account's supplies are exempt from VAT or not subject to it (EN 16931 BT-120 and
    # the CEF VATEX code, BT-121), for invoices that do not state their own.
    vat_exemption_reason: Mapped[str | None] = mapped_column(String(300))
    vat_exemption_code: Mapped[str | None] = mapped_column(String(32))
    source_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the last successful sync of the account's source started: its data are at least
    # that recent (what the portal shows as "data as of").
    data_as_of: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Account {self.erp_id} {self.name!r}>"
