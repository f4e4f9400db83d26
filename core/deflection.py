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

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.decisions import Decision
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

K = TypeVar("K", int, str)
PENDING = (InboundStatus.received, InboundStatus.processing)
TOP = 10


@dataclass
class Tally:
    received: int = 0
    answered: int = 0  # automatically
    handed_off: int = 0
    ignored: int = 0
    pending: int = 0
    deflected: int = 0
    # Why automatic answers were not deflected, and the funnel answer → opened → downloaded.
    asked_again: int = 0
    unopened: int = 0
    with_links: int = 0
    opened: int = 0
    downloaded: int = 0

    @property
    def needed_answer(self) -> int:
        return self.received - self.ignored - self.pending

    @property
    def rate(self) -> Decimal | None:
        """Deflected ÷ needed an answer, as a fraction with 4 places; None when nothing needed."""
        if not self.needed_answer:
            return None
        return (Decimal(self.deflected) / Decimal(self.needed_answer)).quantize(Decimal("0.0001"))

    def add(self, other: Tally) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


COUNTS = tuple(f.name for f in fields(Tally))


@dataclass(frozen=True)
class Durations:
    count: int
    median_seconds: float | None
    p90_seconds: float | None

    @classmethod
    def of(cls, histogram: Counter[int]) -> Durations:
        """From a histogram of whole seconds → replies (what the rollup stores per day)."""
        ordered = sorted(histogram.items())
        count = sum(histogram.values())
        if not count:
            return cls(0, None, None)

        def nth(index: int) -> int:
            for seconds, replies in ordered:
                if index < replies:
                    return seconds
                index -= replies
            raise IndexError(index)

        middle = count // 2
        median = float(nth(middle)) if count % 2 else (nth(middle - 1) + nth(middle)) / 2
        return cls(count, median, float(nth(min(count - 1, int(count * 0.9)))))


@dataclass(frozen=True)
class Funnel:
    answers_with_links: int
    opened: int
    downloaded: int


@dataclass
class Figures:
    since: datetime
    until: datetime
    as_of: datetime
    window_hours: int
    minutes_per_request: int
    total: Tally
    by_channel: dict[str, Tally]
    by_intent: dict[str, Tally]
    by_account: dict[str, Tally]
    not_deflected_repeat: int
    not_deflected_unopened: int
    bot_reply: Durations
    person_reply: Durations
    funnel: Funnel
    repeat_contacts: list[tuple[str, int]]
    repeat_accounts: list[tuple[str, int]]
    workload: list[tuple[str, int, int]]  # agent, open now, answered or closed in range
    oldest_open_handoff: datetime | None
    notes: list[str] = field(default_factory=list)

    @property
    def hours_saved(self) -> Decimal:
        return (Decimal(self.total.deflected * self.minutes_per_request) / 60).quantize(
            Decimal("0.1")
        )


@dataclass
class _Request:
    id: int
    received_at: datetime
    channel: str
    status: InboundStatus
    contact_id: int | None
    account: str
    intents: set[str]
    primary_intent: str  # the first the understanding lists, for the by-intent table
    references: set[str]
    period: tuple[str, str] | None
    handoff: bool

    def same_thing(self, other: _Request) -> bool:
        if not self.intents & other.intents:
            return False
        if self.references or other.references:
            return bool(self.references & other.references)
        if self.period and other.period:
            return self.period[0] <= other.period[1] and other.period[0] <= self.period[1]
        return self.period is None and other.period is None


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
        period = None
        if understood and understood.period:
            start, _, end = understood.period.partition(" – ")
            period = (start, end)
        found[ident] = _Request(
            id=ident,
            received_at=received,
            channel=channel,
            status=InboundStatus(status),
            contact_id=contact,
            account=erp_id or "—",
            intents=set(understood.intents) if understood else set(),
            primary_intent=understood.intents[0] if understood and understood.intents else "none",
            references={*understood.invoice_numbers, *understood.po_numbers}
            if understood
            else set(),
            period=period,
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


@dataclass
class Counts:
    """What ``figures`` sums: per (dimension, key) tallies (``total`` / ``all`` for every
    request), requests per contact, and reply-time histograms. One per day in the rollup."""

    tallies: dict[tuple[str, str], Tally] = field(default_factory=dict)
    contacts: Counter[int] = field(default_factory=Counter)
    replies: dict[str, Counter[int]] = field(
        default_factory=lambda: {"bot": Counter(), "people": Counter()}
    )

    def tally(self, dimension: str, key: str) -> Tally:
        return self.tallies.setdefault((dimension, key), Tally())

    def add(self, other: Counts) -> None:
        for key, tally in other.tallies.items():
            self.tally(*key).add(tally)
        self.contacts.update(other.contacts)
        for who, histogram in other.replies.items():
            self.replies[who].update(histogram)


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
                and request.same_thing(other)
                for other in by_contact.get(request.contact_id or -1, [])
            )
            never_opened = bool(links) and not (links & opened)
            tally.asked_again = int(asked_again)
            tally.unopened = int(never_opened and not asked_again)
            tally.deflected = int(not asked_again and not never_opened)
        counts = days[_day(request.received_at)]
        keys = (("total", "all"), ("channel", request.channel),
                ("intent", request.primary_intent), ("account", request.account))  # fmt: skip
        for dimension, key in keys:
            counts.tally(dimension, key).add(tally)
        if request.contact_id and request.status is not InboundStatus.ignored:
            counts.contacts[request.contact_id] += 1
    for received, seconds in _bot_replies(session, requests):
        days[_day(received)].replies["bot"][seconds] += 1
    for received, seconds in _person_replies(session, since, until):
        days[_day(received)].replies["people"][seconds] += 1
    return dict(days)


def _day(moment: datetime) -> date:
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


def top(counts: Mapping[K, int]) -> list[tuple[K, int]]:
    """The ``TOP`` largest, ties by key: the same order however the counts were summed."""
    return sorted(((k, n) for k, n in counts.items() if n), key=lambda kn: (-kn[1], kn[0]))[:TOP]


def _bot_replies(session: Session, requests: dict[int, _Request]):
    """(received, seconds to the first reply) of each automatic answer."""
    answered = [r.id for r in requests.values() if _kind(r) == "answered"]
    for chunk in _chunks(answered, 5000):
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


def _chunks(values: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def day_range(since: date, until: date | None, now: datetime) -> tuple[datetime, datetime]:
    """Whole UTC days from ``since`` to ``until`` inclusive (today when omitted), as the
    dashboard and the command both read a range."""
    last = until or now.date()
    return (
        datetime.combine(since, time.min, tzinfo=UTC),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC),
    )
