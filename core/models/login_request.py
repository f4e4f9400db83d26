"""A request for a portal link by address (``/login``), queued for the worker.

The web request only stores this row, so it does the same work whatever the address: a known
address cannot be told from an unknown one by the time the page takes. The worker looks the
address up, emails the link to a contact on file, audits the request and deletes the row; no
address of a stranger is kept.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, BigId, UTCDateTime, utcnow


class LoginRequest(Base):
    __tablename__ = "login_requests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    address: Mapped[str] = mapped_column(String(320))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
