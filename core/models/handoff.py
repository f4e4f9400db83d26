"""A handed-off request as AR works it: who has it, its notes, how it ended.

The row is made when an agent first touches the request (claims, assigns, notes, answers or
closes it); until then a handed-off inbound message is simply unassigned in the queue.
``resolution`` is set exactly once, by a conditional update, so two agents answering at the
same moment produce one reply.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, BigId, UTCDateTime, utcnow


class Resolution(enum.StrEnum):
    answered = "answered"  # a person replied through the outbox
    closed = "closed"  # closed without a reply, with a reason
    merged = "merged"  # a duplicate, merged into another open hand-off (reason "duplicate of N")


class Handoff(Base):
    __tablename__ = "handoffs"
    __table_args__ = (
        # The queue reads the few open ones among every hand-off ever made.
        Index(
            "ix_handoffs_open",
            "inbound_message_id",
            sqlite_where=text("resolution IS NULL"),
            postgresql_where=text("resolution IS NULL"),
        ),
        # The deflection dashboard counts each agent's resolutions in a range of days.
        Index("ix_handoffs_resolved_by_at", "resolved_by", "resolved_at"),
    )

    inbound_message_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("inbound_messages.id", ondelete="CASCADE"), primary_key=True
    )
    assigned_to: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("ar_users.id", ondelete="SET NULL"), index=True
    )
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[Resolution | None] = mapped_column(
        Enum(Resolution, native_enum=False, length=16)
    )
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    resolved_by: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("ar_users.id", ondelete="SET NULL")
    )
    reason: Mapped[str | None] = mapped_column(String(500))  # why it was closed
    outbound_message_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("outbound_messages.id", ondelete="SET NULL")
    )
    # When the customer last wrote again (a follow-up, a merged duplicate) and no agent has
    # looked since: the queue marks the item as having new customer input.
    new_input_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MemberKind(enum.StrEnum):
    followup = "followup"  # the customer wrote again in the hand-off's thread
    duplicate = "duplicate"  # the same ask, merged by an agent


class HandoffMember(Base):
    """A message worked as part of another request's hand-off: a follow-up in its thread, or a
    duplicate merged into it. Its text shows on that hand-off; the answer threads to it."""

    __tablename__ = "handoff_members"

    inbound_message_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("inbound_messages.id", ondelete="CASCADE"), primary_key=True
    )
    handoff_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("inbound_messages.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[MemberKind] = mapped_column(Enum(MemberKind, native_enum=False, length=16))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HandoffNote(Base):
    __tablename__ = "handoff_notes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    inbound_message_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("inbound_messages.id", ondelete="CASCADE"), index=True
    )
    ar_user_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("ar_users.id", ondelete="SET NULL")
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    text: Mapped[str] = mapped_column(Text)
