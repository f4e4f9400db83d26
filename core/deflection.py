"""Deflection, measured honestly: what the bot answered that nobody had to answer again.

For requests received in ``[since, until)``, as of ``as_of`` (a later repeat changes an earlier
day, so figures always say when they were taken):

- *received*: every inbound message; *ignored*: auto-replies, loops, lists (they needed no
  answer); *handed off*: the pipeline asked for a person (a dispute it acknowledged included);
  *answered automatically*: a reply and no hand-off; *pending*: not processed yet.
- an automatic answer is **not deflected** when the same contact asked again about the same
  thing (a shared intent, and a shared invoice or PO number, or overlapping periods, or neither
  request naming any) within ``window`` after it, or when it sent links and none was opened.
- *deflection rate* = deflected ÷ (received − ignored − pending).

Link opens and downloads come from the audit trail (link rows are purged after expiry).
``daily_counts`` counts per UTC day of receipt; ``figures`` sums those directly, and
``core.deflection_rollup`` stores them so that the dashboard and ``ardesk report deflection``
sum stored days instead (and so always agree).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.decisions import Decision
from core.deflection_figures import Counts, Durations, Figures, Funnel, Tally, top
from core.models import (
    Account,
    ARUser,
    AuditEvent,
    Contact,
    Handoff,
    InboundMessage,
    InboundStatus,
    OutboundMessage,
    Resolution,
)

PENDING = (InboundStatus.received, InboundStatus.processing)


@dataclass(frozen=True)
class Ask:
    """What a request asks about, as far as repeats go (the console's repeats and duplicates
    use the same notion): its intents, invoice and PO numbers, and period."""

    intents: frozenset[str]
    references: frozenset[str]
    period: tuple[str, str] | None

    @classmethod
    def of(cls, decision: Decision) -> Ask:
        understood = decision.understood
        if understood is None:
            return cls(frozenset(), frozenset(), None)
        period = (understood.period_from, understood.period_to) if understood.period else None
        references = frozenset((*understood.invoice_numbers, *understood.po_numbers))
        return cls(frozenset(understood.intents), references, period)

    def same_thing(self, other: Ask) -> bool:
        if not self.intents & other.intents:
            return False
        if self.references or other.references:
            return bool(self.references & other.references)
        if self.period and other.period:
            return self.period[0] <= other.period[1] and other.period[0] <= self.period[1]
        return self.period is None and other.period is None


@dataclass
class _Request:
    id: int
    received_at: datetime
    channel: str
    status: InboundStatus
    contact_id: int | None
    account: str
    ask: Ask
    primary_intent: str  # the first the understanding lists, for the by-intent table
    handoff: bool


def _requests(session: Session, since: datetime, until: datetime) -> dict[int, _Request]:
    rows = session.execute(
        select(
            InboundMessage.id,
            InboundMessage.received_at,
            InboundMessage.channel,
            InboundMessage.status,
            InboundMessage.contact_id,
            InboundMessage.decision,
            Account.erp_id,
            Handoff.inbound_message_id,
        )
        .outerjoin(Account, Account.id == InboundMessage.account_id)
        .outerjoin(Handoff, Handoff.inbound_message_id == InboundMessage.id)
        .where(InboundMessage.received_at >= since, InboundMessage.received_at < until)
    ).all()
    found: dict[int, _Request] = {}
    for ident, received, channel, status, contact, record, erp_id, handoff_row in rows:
        decision = Decision.read(record)
        understood = decision.understood
        found[ident] = _Request(
            id=ident,
            received_at=received,
            channel=channel,
            status=InboundStatus(status),
            contact_id=contact,
            account=erp_id or "—",
            ask=Ask.of(decision),
            primary_intent=understood.intents[0] if understood and understood.intents else "none",
            handoff=decision.handoff or handoff_row is not None,
        )
    return found


def _kind(request: _Request) -> str:
    if request.status in PENDING:
        return "pending"
    if request.status is InboundStatus.ignored:
        return "ignored"
    if request.handoff or request.status is not InboundStatus.answered:
        return "handed_off"
    return "answered"


def _links_by_request(session: Session, since: datetime, as_of: datetime):
    """Link ids issued per request, and which of them were opened / downloaded by ``as_of``."""
    issued: dict[int, set[str]] = defaultdict(set)
    for link_id, detail in session.execute(
        select(AuditEvent.link_id, AuditEvent.detail).where(
            AuditEvent.action == "link.issue", AuditEvent.at >= since, AuditEvent.at <= as_of
        )
    ):
        message = (detail or {}).get("inbound_message_id")
        if isinstance(message, int) and link_id:
            issued[message].add(link_id)
    every = {link for links in issued.values() for link in links}

    def used(action: str) -> set[str]:
        # Read the range's events and keep those of these links (an IN list of every link id
        # would exceed the database's parameter limit at scale).
        events = session.scalars(
            select(AuditEvent.link_id).where(
                AuditEvent.action == action, AuditEvent.at >= since, AuditEvent.at <= as_of
            )
        )
        return {link for link in events if link in every}

    return issued, used("link.open"), used("document.download")


def daily_counts(
    session: Session, since: datetime, until: datetime, *, as_of: datetime, window: timedelta
) -> dict[date, Counts]:
    """The counts of the requests received in ``[since, until)``, as of ``as_of``, per UTC day
    of receipt: what the rollup stores, and what ``figures`` sums directly."""
    until = min(until, as_of)
    requests = _requests(session, since, until)
    # Repeats may arrive up to ``window`` after the range, but never after ``as_of``.
    later = _requests(session, until, min(until + window, as_of))
    by_contact: dict[int, list[_Request]] = defaultdict(list)
    for request in (*requests.values(), *later.values()):
        if request.contact_id is not None and request.status is not InboundStatus.ignored:
            by_contact[request.contact_id].append(request)
    issued, opened, downloaded = _links_by_request(session, since, as_of)

    days: dict[date, Counts] = defaultdict(Counts)
    for request in requests.values():
        kind = _kind(request)
        links = issued.get(request.id, set())
        tally = Tally(
            received=1,
            with_links=int(bool(links)),
            opened=int(bool(links & opened)),
            downloaded=int(bool(links & downloaded)),
        )
        setattr(tally, kind, 1)
        if kind == "answered":
            asked_again = any(
                other.id != request.id
                and request.received_at < other.received_at <= request.received_at + window
                and request.ask.same_thing(other.ask)
                for other in by_contact.get(request.contact_id or -1, [])
            )
            never_opened = bool(links) and not (links & opened)
            tally.asked_again = int(asked_again)
            tally.unopened = int(never_opened and not asked_again)
            tally.deflected = int(not asked_again and not never_opened)
        counts = days[utc_day(request.received_at)]
        keys = (("total", "all"), ("channel", request.channel),
                ("intent", request.primary_intent), ("account", request.account))  # fmt: skip
        for dimension, key in keys:
            counts.tally(dimension, key).add(tally)
        if request.contact_id and request.status is not InboundStatus.ignored:
            counts.contacts[request.contact_id] += 1
    for received, seconds in _bot_replies(session, requests):
        days[utc_day(received)].replies["bot"][seconds] += 1
    for received, seconds in _person_replies(session, since, until):
        days[utc_day(received)].replies["people"][seconds] += 1
    return dict(days)


def utc_day(moment: datetime) -> date:
    """The UTC day a moment falls on: the unit of the daily counts and the rollup."""
    return moment.astimezone(UTC).date()


def _seconds(start: datetime, end: datetime) -> int:
    """Whole seconds, never negative: the unit the rollup's histograms keep."""
    return max(0, int((end - start).total_seconds()))


def figures(
    session: Session,
    since: datetime,
    until: datetime,
    *,
    as_of: datetime,
    window: timedelta,
    minutes_per_request: int,
) -> Figures:
    """The figures computed directly from the requests (the rollup must agree with these)."""
    total = Counts()
    for counts in daily_counts(session, since, until, as_of=as_of, window=window).values():
        total.add(counts)
    return assemble(session, total, since, min(until, as_of), as_of=as_of, window=window,
                    minutes_per_request=minutes_per_request)  # fmt: skip


def assemble(
    session: Session,
    counts: Counts,
    since: datetime,
    until: datetime,
    *,
    as_of: datetime,
    window: timedelta,
    minutes_per_request: int,
) -> Figures:
    """Figures from summed counts, plus what is read live (workload, the oldest open hand-off)."""

    def dimension(name: str) -> dict[str, Tally]:
        return dict(sorted((key, t) for (dim, key), t in counts.tallies.items() if dim == name))

    total = counts.tallies.get(("total", "all"), Tally())
    accounts = dimension("account")
    return Figures(
        since=since,
        until=until,
        as_of=as_of,
        window_hours=int(window.total_seconds() // 3600),
        minutes_per_request=minutes_per_request,
        total=total,
        by_channel=dimension("channel"),
        by_intent=dimension("intent"),
        by_account=accounts,
        not_deflected_repeat=total.asked_again,
        not_deflected_unopened=total.unopened,
        bot_reply=Durations.of(counts.replies["bot"]),
        person_reply=Durations.of(counts.replies["people"]),
        funnel=Funnel(total.with_links, total.opened, total.downloaded),
        repeat_contacts=_top_contacts(session, counts.contacts),
        repeat_accounts=top({key: t.received - t.ignored for key, t in accounts.items()}),
        workload=_workload(session, since, until),
        oldest_open_handoff=session.scalar(
            select(func.min(InboundMessage.received_at))
            .join(Handoff, Handoff.inbound_message_id == InboundMessage.id)
            .where(Handoff.resolution.is_(None))
        ),
    )


def _bot_replies(session: Session, requests: dict[int, _Request]):
    """(received, seconds to the first reply) of each automatic answer."""
    answered = [r.id for r in requests.values() if _kind(r) == "answered"]
    for chunk in chunks(answered):
        for received, first in session.execute(
            select(InboundMessage.received_at, func.min(OutboundMessage.created_at))
            .join(OutboundMessage, OutboundMessage.inbound_message_id == InboundMessage.id)
            .where(InboundMessage.id.in_(chunk))
            .group_by(InboundMessage.id, InboundMessage.received_at)
        ):
            yield received, _seconds(received, first)


def _person_replies(session: Session, since: datetime, until: datetime):
    rows = session.execute(
        select(InboundMessage.received_at, Handoff.resolved_at)
        .join(Handoff, Handoff.inbound_message_id == InboundMessage.id)
        .where(
            Handoff.resolution == Resolution.answered,
            InboundMessage.received_at >= since,
            InboundMessage.received_at < until,
        )
    )
    return [(received, _seconds(received, done)) for received, done in rows]


def _top_contacts(session: Session, contacts: Mapping[int, int]) -> list[tuple[str, int]]:
    counts = top(contacts)
    emails = dict(
        session.execute(
            select(Contact.id, Contact.email).where(Contact.id.in_([c for c, _ in counts]))
        ).all()
    )
    return [(emails.get(contact, str(contact)), n) for contact, n in counts]


def _workload(session: Session, since: datetime, until: datetime) -> list[tuple[str, int, int]]:
    open_now = dict(
        session.execute(
            select(ARUser.email, func.count())
            .join(Handoff, Handoff.assigned_to == ARUser.id)
            .where(Handoff.resolution.is_(None))
            .group_by(ARUser.email)
        ).all()
    )
    done = dict(
        session.execute(
            select(ARUser.email, func.count())
            .join(Handoff, Handoff.resolved_by == ARUser.id)
            .where(Handoff.resolved_at >= since, Handoff.resolved_at < until)
            .group_by(ARUser.email)
        ).all()
    )
    return [(who, open_now.get(who, 0), done.get(who, 0)) for who in sorted({*open_now, *done})]


def chunks(values: list, size: int = 5000) -> Iterable[list]:
    """Slices of ``values`` short enough for an IN list on every database."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


# The longest range the dashboard and the report read: ten years of days.
MAX_DAYS = 3660


def bounded_days(since: date, until: date | None, today: date) -> tuple[date, date]:
    """``since`` to ``until`` (today when omitted) as the figures can be read: no day after
    today (nothing has happened there, and the calendar's last day has no next one) and at most
    ``MAX_DAYS`` days back from the last (each day of the range is looked up)."""
    last = min(until or today, today)
    earliest = date.fromordinal(max(1, last.toordinal() - (MAX_DAYS - 1)))
    return max(since, earliest), last


def day_range(since: date, until: date | None, now: datetime) -> tuple[datetime, datetime]:
    """Whole UTC days from ``since`` to ``until`` inclusive (today when omitted; see
    ``bounded_days``), as the dashboard and the command both read a range."""
    first, last = bounded_days(since, until, now.date())
    return (
        datetime.combine(first, time.min, tzinfo=UTC),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC),
    )
