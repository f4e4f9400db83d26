"""One run of a connector sync: its report, and the watermarks the next run starts from.

Not account-owned: a run spans every account of its source and only the privileged role reads it.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Enum, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, BigId, UTCDateTime, utcnow


class SyncStatus(enum.StrEnum):
    running = "running"
    succeeded = "succeeded"
    failed = "failed"


class SyncRun(Base):
    __tablename__ = "sync_runs"
    __table_args__ = (Index("ix_sync_runs_source_started", "source", "started_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[SyncStatus] = mapped_column(
        Enum(SyncStatus, native_enum=False, length=16), default=SyncStatus.running
    )
    full: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(default=1)
    # Per record type, the newest ERP change time seen (ISO 8601): where the next run starts.
    watermarks: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # The report as `ardesk sync --json` prints it.
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # One line a user can act on; never a message body or a secret.
    error: Mapped[str | None] = mapped_column(Text)
