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

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, BigId, UTCDateTime


class DeflectionTally(Base):
    __tablename__ = "deflection_tallies"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
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

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    # No foreign key: a contact deleted later keeps its past counts (shown by id).
    contact_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    requests: Mapped[int] = mapped_column(Integer)


class DeflectionReplyTime(Base):
    __tablename__ = "deflection_reply_times"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    who: Mapped[str] = mapped_column(String(16), primary_key=True)  # bot, people
    seconds: Mapped[int] = mapped_column(Integer, primary_key=True)
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
