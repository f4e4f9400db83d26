"""What the request log searches by, outside the decision record's JSON: each inbound message's
intents, invoice numbers and PO numbers as rows, indexed for exact and prefix match."""

from __future__ import annotations

import enum

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, BigId


class TermKind(enum.StrEnum):
    intent = "intent"
    invoice = "invoice"
    po = "po"


class RequestTerm(Base):
    __tablename__ = "request_terms"
    __table_args__ = (
        # text_pattern_ops: LIKE 'AB-1%' uses the index whatever the database's collation.
        Index(
            "ix_request_terms_value",
            "value",
            "inbound_message_id",
            postgresql_ops={"value": "text_pattern_ops"},
        ),
        Index("ix_request_terms_kind_value", "kind", "value", "inbound_message_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    inbound_message_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("inbound_messages.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[TermKind] = mapped_column(Enum(TermKind, native_enum=False, length=16))
    value: Mapped[str] = mapped_column(String(100))  # upper-cased, as typed in a search
