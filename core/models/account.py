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
    source_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Account {self.erp_id} {self.name!r}>"
