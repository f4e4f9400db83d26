"""One run of a periodic job for one tick, written by the clock that ran it.

A tick is the job's interval counted from the Unix epoch. (job, tick) is unique, so however
many clocks run — a standby that took over, a restarted one, one that lost its lock while the
database restarted — a tick runs at most once: the insert is the decision to run it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, BigId, UTCDateTime, utcnow


class JobRun(Base):
    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "tick"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    job: Mapped[str] = mapped_column(String(100))
    tick: Mapped[int] = mapped_column(BigInteger)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "ok", or "error: <exception type>" (never its text, which may quote data)
    outcome: Mapped[str | None] = mapped_column(String(100))
    leader: Mapped[str] = mapped_column(String(100))  # host:pid of the clock that ran it
