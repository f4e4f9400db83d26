"""Inbound requests (stored before anything else happens) and outbound replies (the outbox).

Both are one aggregate each; they live together because each refers to the other.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.logs import request_id
from core.models.base import AccountScoped, Base, BigId, UTCDateTime, utcnow


class InboundStatus(enum.StrEnum):
    received = "received"  # stored, waiting for the pipeline
    processing = "processing"  # claimed by a worker
    answered = "answered"
    handed_off = "handed_off"
    ignored = "ignored"
    failed = "failed"  # given up after repeated errors; handed to AR with the original


class InboundMessage(AccountScoped, Base):
    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("channel", "dedupe_key"),
        Index("ix_inbound_messages_status_received", "status", "received_at"),
        # The chat rate limit counts a chat user's requests of the last hour.
        Index("ix_inbound_messages_sender_received", "channel", "sender", "received_at"),
        # The AR console's request log: newest first, cut by (received_at, id).
        Index("ix_inbound_messages_received_id", "received_at", "id"),
        # A contact's requests around one: the console's repeats and possible duplicates.
        Index("ix_inbound_messages_contact_received", "contact_id", "received_at"),
        # Retention walks the messages whose text is still there: a few among a million.
        Index(
            "ix_inbound_messages_unredacted",
            "received_at",
            sqlite_where=text("redacted_at IS NULL"),
            postgresql_where=text("redacted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))  # email, slack, teams
    # The Message-ID (or the chat's event id); a hash of the raw message when there is none.
    dedupe_key: Mapped[str] = mapped_column(String(255))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sender: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    status: Mapped[InboundStatus] = mapped_column(
        Enum(InboundStatus, native_enum=False, length=16), default=InboundStatus.received
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    contact_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("contacts.id", ondelete="SET NULL")
    )
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    # When its text (raw, subject, the decision's texts) was removed (core.redaction).
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The id of the web request that brought it in (Slack, Teams, a portal dispute), taken from
    # the log context wherever the row is stored, so the worker's log lines carry it too.
    request_id: Mapped[str | None] = mapped_column(String(64), default=request_id)


class OutboundStatus(enum.StrEnum):
    pending = "pending"
    sending = "sending"  # handed to the transport; a crash here leaves the outcome unknown
    sent = "sent"
    failed = "failed"  # permanently, or unknown after a crash: handed to AR, never re-sent


class OutboundMessage(AccountScoped, Base):
    __tablename__ = "outbound_messages"
    __table_args__ = (
        Index("ix_outbound_messages_status_next", "status", "next_attempt_at"),
        # The reply rate limits count an address's replies of the last hour.
        Index("ix_outbound_messages_recipient_created", "recipient", "created_at"),
        Index(
            "ix_outbound_messages_unredacted",
            "created_at",
            sqlite_where=text("redacted_at IS NULL"),
            postgresql_where=text("redacted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    inbound_message_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("inbound_messages.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # MIME or chat JSON
    status: Mapped[OutboundStatus] = mapped_column(
        Enum(OutboundStatus, native_enum=False, length=16), default=OutboundStatus.pending
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # When its subject and payload (which held link tokens) were removed (core.redaction).
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
