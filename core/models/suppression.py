"""Addresses forgotten on request, kept only as keyed hashes, so that nothing adds them back.

``ardesk contacts forget`` puts the address here; the ERP sync, ``contacts add`` and the demo
loader skip an address found here. The list holds HMAC-SHA256 digests of the normalised address
under a random key made once for the purpose (``suppression_keys``), never the address itself:
the list can answer "is this address forgotten?" for an address one already has, and cannot be
read back as a list of addresses.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, BigId, UTCDateTime, utcnow


class SuppressedAddress(Base):
    __tablename__ = "suppressed_addresses"
    __table_args__ = (UniqueConstraint("digest", "account_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))  # hex HMAC-SHA256
    # The account it was forgotten in; None: in every account.
    account_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SuppressionKey(Base):
    """The one key the digests are made with; made by the migration, never rotated (a new key
    would make every stored digest unrecognisable)."""

    __tablename__ = "suppression_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))  # 32 random bytes, hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
