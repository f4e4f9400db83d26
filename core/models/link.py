"""A signed, time-limited, revocable access link, backed by this row.

The token in a URL carries only the random ``id``, signed; everything it grants is here.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import AccountOwned, Base, BigId, UTCDateTime, utcnow


class LinkScope(enum.StrEnum):
    invoice = "invoice"  # one or more invoices: targets {"invoice_ids": [...]}
    statement = "statement"  # a period: targets {"from": ISO, "to": ISO}
    list = "list"  # a filtered invoice list: targets {"status": ..., "from": ..., ...}
    portal = "portal"  # the contact's whole portal


class AccessLink(AccountOwned, Base):
    __tablename__ = "access_links"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[LinkScope] = mapped_column(Enum(LinkScope, native_enum=False, length=16))
    targets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    max_uses: Mapped[int | None] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(200))
    inbound_message_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("inbound_messages.id", ondelete="SET NULL")
    )

    def is_usable(self, now: datetime) -> bool:
        if self.revoked_at is not None or now >= self.expires_at:
            return False
        return self.max_uses is None or self.uses < self.max_uses
