"""The deflection rollup: ``core.deflection.daily_counts`` stored per UTC day, so that the
dashboard and ``ardesk report deflection`` sum stored days (a few thousand rows for 90 days)
instead of reading every request and its decision record; both read it, so both agree.

A stored day stays true until something about its requests changes. ``refresh`` finds those
days and computes them again:

- the days a repeat can still change (now − the repeat window … today), when anything about
  their requests changed: new requests, or a request's status (a fingerprint of counts and
  highest ids per status, compared with the last refresh's);
- the days of requests named by audit events since the last refresh — a link opened or a
  document downloaded (through the link's request), a hand-off answered or closed, a
  correction — together with the repeat window before them (a corrected reading can make an
  earlier answer a repeat, or not);
- days never computed (a first run, or a range nobody read yet), at most ``BACKFILL_DAYS`` per
  refresh besides the days a reader asks for.

``ardesk clock`` refreshes every half minute; a reader refreshes first when the last refresh is
older than ``ar_rollup_max_age`` (a minute by default). Figures are "as of" the last refresh.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from core.config import Settings
from core.deflection import assemble, chunks, daily_counts, day_range, utc_day
from core.deflection_figures import COUNTS, TOP, Counts, Figures, Tally
from core.models import (
    AccessLink,
    AuditEvent,
    DeflectionContact,
    DeflectionDay,
    DeflectionReplyTime,
    DeflectionState,
    DeflectionTally,
    InboundMessage,
    utcnow,
)

# Any fixed 64-bit number naming this lock among the database's advisory locks: two refreshes
# at once (the clock and a reader) would otherwise both rewrite the same days.
LOCK_KEY = 0x6465666C6563  # "deflec"
# Audit events are stamped before their transaction commits; reading a little behind the last
# refresh catches those committed late (marking a day twice costs nothing).
OVERLAP = timedelta(minutes=5)
BACKFILL_DAYS = 31
CHUNK_DAYS = 31
ANALYZE_AFTER = 7  # days computed in one refresh
# Audit actions whose request's figures may change, beyond the link events.
TOUCHING = ("link.issue", "link.open", "document.download", "handoff.answer", "handoff.close",
            "request.correct")  # fmt: skip


@dataclass(frozen=True)
class Refresh:
    at: datetime
    days: list[date]  # computed again


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    else:  # SQLite: take the database's write lock now rather than at the first write
        session.execute(delete(DeflectionState).where(DeflectionState.id == -1))


def _fingerprint(session: Session, since: datetime) -> str:
    rows = session.execute(
        select(InboundMessage.status, func.count(), func.max(InboundMessage.id))
        .where(InboundMessage.received_at >= since)
        .group_by(InboundMessage.status)
        .order_by(InboundMessage.status)
    )
    return f"{since.date()}:" + ";".join(f"{status}={n}/{last}" for status, n, last in rows)


def _touched_days(session: Session, since: datetime, window: timedelta) -> set[date]:
    """Days whose figures the audit events since ``since`` may have changed."""
    messages: set[int] = set()
    links: set[str] = set()
    for link_id, target, detail in session.execute(
        select(AuditEvent.link_id, AuditEvent.target, AuditEvent.detail).where(
            AuditEvent.at >= since, AuditEvent.action.in_(TOUCHING)
        )
    ):
        message = (detail or {}).get("inbound_message_id")
        if isinstance(message, int):
            messages.add(message)
        elif target and target.startswith("inbound:") and target[8:].isdigit():
            messages.add(int(target[8:]))
        elif link_id:
            links.add(link_id)
    for chunk in chunks(sorted(links)):
        messages.update(
            m
            for m in session.scalars(
                select(AccessLink.inbound_message_id).where(AccessLink.id.in_(chunk))
            )
            if m is not None
        )
    days: set[date] = set()
    for chunk in chunks(sorted(messages)):
        for received in session.scalars(
            select(InboundMessage.received_at).where(InboundMessage.id.in_(chunk))
        ):
            days.update(_days(utc_day(received - window), utc_day(received)))
    return days


def _store(session: Session, days: list[date], now: datetime, window: timedelta) -> None:
    """Compute ``days`` again, as of ``now``, in passes of consecutive days."""
    for chunk in _runs(days):
        first, last = chunk[0], chunk[-1]
        counted = daily_counts(
            session, _start(first), _start(last + timedelta(days=1)), as_of=now, window=window
        )
        for model in (DeflectionTally, DeflectionContact, DeflectionReplyTime, DeflectionDay):
            session.execute(delete(model).where(model.day.in_(chunk)))
        tallies, contacts, replies = [], [], []
        for day, counts in counted.items():
            for (dimension, key), tally in counts.tallies.items():
                row = {name: getattr(tally, name) for name in COUNTS}
                tallies.append({"day": day, "dimension": dimension, "key": key[:100], **row})
            contacts += [{"day": day, "contact_id": c, "requests": n}
                         for c, n in counts.contacts.items()]  # fmt: skip
            replies += [{"day": day, "who": who, "seconds": s, "replies": n}
                        for who, histogram in counts.replies.items()
                        for s, n in histogram.items()]  # fmt: skip
        for model, rows in ((DeflectionTally, tallies), (DeflectionContact, contacts),
                            (DeflectionReplyTime, replies)):  # fmt: skip
            if rows:
                session.execute(insert(model), rows)
        session.execute(insert(DeflectionDay), [{"day": d, "computed_at": now} for d in chunk])


def _runs(days: list[date]) -> Iterable[list[date]]:
    """Consecutive days grouped, at most ``CHUNK_DAYS`` each."""
    run: list[date] = []
    for day in sorted(set(days)):
        if run and (day - run[-1] != timedelta(days=1) or len(run) == CHUNK_DAYS):
            yield run
            run = []
        run.append(day)
    if run:
        yield run


def refresh(
    session: Session, settings: Settings, now: datetime | None = None, days: Iterable[date] = ()
) -> Refresh:
    """Bring the rollup up to date as of ``now``, computing ``days`` too if never computed."""
    now = now or utcnow()
    window = settings.ar_repeat_window
    _lock(session)
    state = session.get(DeflectionState, 1)
    computed = set(session.scalars(select(DeflectionDay.day)))
    recent = _days(utc_day(now - window), utc_day(now))
    fingerprint = _fingerprint(session, _start(recent[0]))
    dirty = {day for day in (*days, *recent) if day not in computed and day <= utc_day(now)}
    if state is None or state.recent != fingerprint:
        dirty.update(recent)
    if state is not None:
        dirty.update(d for d in _touched_days(session, state.refreshed_at - OVERLAP, window)
                     if d in computed or d in dirty)  # fmt: skip
    first = session.scalar(select(func.min(InboundMessage.received_at)))
    if first is not None:
        missing = [d for d in _days(utc_day(first), utc_day(now)) if d not in computed]
        dirty.update(sorted(missing, reverse=True)[:BACKFILL_DAYS])
    _store(session, sorted(dirty), now, window)
    if len(dirty) >= ANALYZE_AFTER and session.get_bind().dialect.name == "sqlite":
        # SQLite reads a range of days through the keys only when its statistics show few keys
        # per day (PostgreSQL's autovacuum keeps its own); refreshed after a larger fill.
        for table in ("deflection_tallies", "deflection_contacts", "deflection_reply_times"):
            session.execute(text(f"ANALYZE {table}"))
    if state is None:
        session.add(DeflectionState(id=1, refreshed_at=now, recent=fingerprint))
    else:
        state.refreshed_at, state.recent = now, fingerprint
    session.flush()
    return Refresh(now, sorted(dirty))


def read(session: Session, settings: Settings, since: datetime, until: datetime) -> Figures:
    """The figures for whole days ``[since, until)`` from the rollup, as of its last refresh
    (refreshed first when older than ``ar_rollup_max_age`` or missing a day of the range)."""
    now = utcnow()
    wanted = _days(since.date(), min(until - timedelta(days=1), now).date())
    state = session.get(DeflectionState, 1)
    have = set(session.scalars(select(DeflectionDay.day).where(DeflectionDay.day.in_(wanted))))
    missing = set(wanted) - have
    if missing:  # days before the first request have nothing to compute
        first = session.scalar(select(func.min(InboundMessage.received_at)))
        missing = {d for d in missing if first is not None and d >= utc_day(first)}
    if state is None or state.refreshed_at < now - settings.ar_rollup_max_age or missing:
        refresh(session, settings, now, wanted)
        state = session.get(DeflectionState, 1)
    as_of = state.refreshed_at
    in_range = (DeflectionTally.day >= since.date(), DeflectionTally.day < until.date())
    counts = Counts()
    sums = [func.sum(getattr(DeflectionTally, name)) for name in COUNTS]
    for dimension, key, *values in session.execute(
        select(DeflectionTally.dimension, DeflectionTally.key, *sums)
        .where(*in_range)
        .group_by(DeflectionTally.dimension, DeflectionTally.key)
    ):
        counts.tallies[(dimension, key)] = Tally(**dict(zip(COUNTS, map(int, values), strict=True)))
    requests = func.sum(DeflectionContact.requests)
    counts.contacts.update(
        dict(
            session.execute(
                select(DeflectionContact.contact_id, requests)
                .where(DeflectionContact.day >= since.date(), DeflectionContact.day < until.date())
                .group_by(DeflectionContact.contact_id)
                .order_by(requests.desc(), DeflectionContact.contact_id)
                .limit(TOP)
            ).all()
        )
    )
    for who, seconds, replies in session.execute(
        select(DeflectionReplyTime.who, DeflectionReplyTime.seconds,
               func.sum(DeflectionReplyTime.replies))
        .where(DeflectionReplyTime.day >= since.date(), DeflectionReplyTime.day < until.date())
        .group_by(DeflectionReplyTime.who, DeflectionReplyTime.seconds)
    ):  # fmt: skip
        counts.replies[who][seconds] = int(replies)
    return assemble(session, counts, since, min(until, as_of), as_of=as_of,
                    window=settings.ar_repeat_window,
                    minutes_per_request=settings.ar_minutes_per_request)  # fmt: skip


def for_settings(session: Session, settings: Settings, since: date, until: date | None) -> Figures:
    """The dashboard's and the command's figures: whole days from the rollup."""
    start, end = day_range(since, until, utcnow())
    return read(session, settings, start, end)
