"""Where a chat workspace or channel belongs: a Slack team or shared (Slack Connect) channel, or
a Teams tenant, bound to one customer account. AR's configuration, read by the worker only."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, BigId, UTCDateTime, utcnow


class ChatPlace(enum.StrEnum):
    slack_team = "slack_team"  # every user of this team belongs to the account
    slack_channel = "slack_channel"  # in this channel only the account answers
    teams_tenant = "teams_tenant"  # every user of this tenant belongs to the account


class ChatMapping(Base):
    __tablename__ = "chat_mappings"
    __table_args__ = (UniqueConstraint("place", "external_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    place: Mapped[ChatPlace] = mapped_column(Enum(ChatPlace, native_enum=False, length=16))
    external_id: Mapped[str] = mapped_column(String(64))  # team, channel or tenant id
    account_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
