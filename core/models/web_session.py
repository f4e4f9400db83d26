"""A signed-in session, held on the server: the cookie carries only a random secret.

Customer sessions (opened from a link) and AR sessions (the console) share the table and differ
in ``kind``; each kind has its own cookie, so one can never stand in for the other. The row is
stored under the SHA-256 of the secret, so a copy of the table opens nothing. A session ends when
its row says so (sign-out, revocation, "end all for this account"), when it sits idle, or at
``expires_at`` — for a customer, the expiry of the link it was opened from.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import AccountScoped, Base, BigId, UTCDateTime, utcnow


class SessionKind(enum.StrEnum):
    customer = "customer"
    ar = "ar"


class WebSession(AccountScoped, Base):
    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_contact", "contact_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie secret
    kind: Mapped[SessionKind] = mapped_column(Enum(SessionKind, native_enum=False, length=16))
    contact_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("contacts.id", ondelete="CASCADE")
    )
    link_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("access_links.id", ondelete="CASCADE"), index=True
    )
    ar_user_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("ar_users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_reason: Mapped[str | None] = mapped_column(String(32))
