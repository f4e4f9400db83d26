"""The deflection rollup: ``core.deflection``'s per-day counts, stored so that the dashboard and
``ardesk report deflection`` sum a few thousand rows instead of re-reading every request.

Rows are per UTC day of receipt. ``deflection_tallies`` holds one row per (day, dimension, key)
for the dimensions ``total``, ``channel``, ``intent`` and ``account``; ``deflection_contacts``
the requests per contact (the repeat askers); ``deflection_reply_times`` a histogram of reply
times in whole seconds (so medians and p90s over any range stay exact). ``deflection_days``
says which days are computed and when; ``deflection_state`` when the rollup was last brought
up to date (the figures' "as of"). All of them are rewritten by ``core.deflection_rollup``
only, a day at a time.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, BigId, UTCDateTime

# Keyed by what a reader groups by, then the day: a range of days is summed group after group in
# key order (SQLite skips through the key to the days, with no sort; tables without rowid keep
# the rows in that order). The day index serves the refresh, which rewrites whole days.
CLUSTERED = {"sqlite_with_rowid": False}


class DeflectionTally(Base):
    __tablename__ = "deflection_tallies"
    __table_args__ = (
        PrimaryKeyConstraint("dimension", "key", "day"),
        Index("ix_deflection_tallies_day", "day"),
        CLUSTERED,
    )

    dimension: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(100))
    day: Mapped[date] = mapped_column(Date)
    received: Mapped[int] = mapped_column(Integer)
    answered: Mapped[int] = mapped_column(Integer)
    handed_off: Mapped[int] = mapped_column(Integer)
    ignored: Mapped[int] = mapped_column(Integer)
    pending: Mapped[int] = mapped_column(Integer)
    deflected: Mapped[int] = mapped_column(Integer)
    asked_again: Mapped[int] = mapped_column(Integer)
    unopened: Mapped[int] = mapped_column(Integer)
    with_links: Mapped[int] = mapped_column(Integer)
    opened: Mapped[int] = mapped_column(Integer)
    downloaded: Mapped[int] = mapped_column(Integer)


class DeflectionContact(Base):
    __tablename__ = "deflection_contacts"
    __table_args__ = (
        PrimaryKeyConstraint("contact_id", "day"),
        Index("ix_deflection_contacts_day", "day"),
        CLUSTERED,
    )

    # No foreign key: a contact deleted later keeps its past counts (shown by id).
    contact_id: Mapped[int] = mapped_column(BigId)
    day: Mapped[date] = mapped_column(Date)
    requests: Mapped[int] = mapped_column(Integer)


class DeflectionReplyTime(Base):
    __tablename__ = "deflection_reply_times"
    __table_args__ = (
        PrimaryKeyConstraint("who", "seconds", "day"),
        Index("ix_deflection_reply_times_day", "day"),
        CLUSTERED,
    )

    who: Mapped[str] = mapped_column(String(16))  # bot, people
    seconds: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    replies: Mapped[int] = mapped_column(Integer)


class DeflectionDay(Base):
    __tablename__ = "deflection_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DeflectionState(Base):
    __tablename__ = "deflection_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # What the recent days' requests looked like at the last refresh: counts and highest id
    # per status. Unchanged, the recent days need no recomputing.
    recent: Mapped[str] = mapped_column(String(400), default="")
