"""The audit trail: every view, download, export, link issue and refusal. Append-only.

The migrations add triggers that refuse UPDATE and DELETE on this table in both databases. Its
account and contact ids have no foreign keys (migration 0024): an event outlives what it names,
and a key's check locked the account's and the contact's row on every portal request.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import AccountScoped, Base, BigId, UTCDateTime, utcnow


class AuditEvent(AccountScoped, Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_account_at", "account_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # No index of its own: ``ix_audit_events_account_at`` begins with it (migration 0022).
    account_id: Mapped[int | None] = mapped_column(BigId)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)  # e.g. "document.download"
    actor: Mapped[str] = mapped_column(String(200))  # "contact:12", "ar:alice@…", "system"
    contact_id: Mapped[int | None] = mapped_column(BigId)
    link_id: Mapped[str | None] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(String(200))  # "invoice:123", "statement:…"
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(400))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
