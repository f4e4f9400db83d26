"""One row per run of a long-running process (worker, clock, smtpd, slack, teams): who it is,
when it last said it was alive, whether it is stopping or stopped, and how its mail intake fares.

The process writes its own row every few seconds (``core.heartbeats``); ``ardesk status`` and
``/readyz`` read them. Not account-owned and never customer data: the customer-facing role gets
no grant on it. Intake failures are kept as a short kind (``oauth2``, ``login``, ``tls``…),
never an error's text, which may quote a server's answer or a credential.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, BigId, UTCDateTime, utcnow


class ProcessKind(enum.StrEnum):
    worker = "worker"
    clock = "clock"
    smtpd = "smtpd"
    slack = "slack"
    teams = "teams"


class ProcessState(enum.StrEnum):
    running = "running"
    stopping = "stopping"  # asked to stop (SIGTERM); finishing or giving back its work
    stopped = "stopped"  # stopped cleanly: nothing of its work is left in its hands


class Heartbeat(Base):
    __tablename__ = "heartbeats"
    __table_args__ = (Index("ix_heartbeats_beat_at", "beat_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[ProcessKind] = mapped_column(Enum(ProcessKind, native_enum=False, length=16))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[ProcessState] = mapped_column(
        Enum(ProcessState, native_enum=False, length=16), default=ProcessState.running
    )
    leads: Mapped[bool | None] = mapped_column(Boolean)  # clocks only: it fires the jobs
    # Intake health, where the process has intake: IMAP in a worker, SMTP in smtpd.
    imap_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # last good fetch
    imap_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    imap_failure: Mapped[str | None] = mapped_column(String(32))  # the kind of the last failure
    smtp_errors: Mapped[int] = mapped_column(Integer, default=0)  # since the process started
    smtp_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
