"""An AR person's correction of what the bot understood: a labelled example (the request's text
and the corrected labels, who, when) that training and evaluation read, and the reading the bot
answered from."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, BigId, UTCDateTime, utcnow


class Correction(Base):
    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    inbound_message_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("inbound_messages.id", ondelete="CASCADE"), index=True
    )
    ar_user_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("ar_users.id", ondelete="SET NULL")
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")  # the request's text as the bot read it
    language: Mapped[str] = mapped_column(String(8))
    intents: Mapped[list[str]] = mapped_column(JSON, default=list)
    invoice_numbers: Mapped[list[str]] = mapped_column(JSON, default=list)
    po_numbers: Mapped[list[str]] = mapped_column(JSON, default=list)
    period_from: Mapped[date | None] = mapped_column(Date)
    period_to: Mapped[date | None] = mapped_column(Date)
    #: The intents the bot had understood before this correction (None: it had understood
    #: nothing, e.g. the message was given up): the "before" of accuracy over time.
    understood: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
