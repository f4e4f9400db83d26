"""Where IMAP intake stands in each mailbox: UIDVALIDITY and the last UID stored, so that a
restart neither skips nor repeats a message."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime, utcnow


class MailboxState(Base):
    __tablename__ = "mailbox_states"

    mailbox: Mapped[str] = mapped_column(String(400), primary_key=True)  # user@host/folder
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
