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

Link opens and downloads come from the audit trail (link rows are purged after expiry). The
dashboard and ``ardesk report deflection`` both call ``figures``, so they always agree.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.config import Settings
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
    utcnow,
)

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

    @property
    def needed_answer(self) -> int:
        return self.received - self.ignored - self.pending

    @property
    def rate(self) -> Decimal | None:
        """Deflected ÷ needed an answer, as a fraction with 4 places; None when nothing needed."""
        if not self.needed_answer:
            return None
        return (Decimal(self.deflected) / Decimal(self.needed_answer)).quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class Durations:
    count: int
    median_seconds: float | None
    p90_seconds: float | None

    @classmethod
    def of(cls, seconds: list[float]) -> Durations:
        if not seconds:
            return cls(0, None, None)
        ordered = sorted(seconds)
        p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
        return cls(len(ordered), statistics.median(ordered), p90)


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


def _count(tally: Tally, kind: str, deflected: bool) -> None:
    tally.received += 1
    setattr(tally, kind, getattr(tally, kind) + 1)
    tally.deflected += int(deflected)


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


def figures(
    session: Session,
    since: datetime,
    until: datetime,
    *,
    as_of: datetime,
    window: timedelta,
    minutes_per_request: int,
) -> Figures:
    until = min(until, as_of)
    requests = _requests(session, since, until)
    # Repeats may arrive up to ``window`` after the range, but never after ``as_of``.
    later = _requests(session, until, min(until + window, as_of))
    by_contact: dict[int, list[_Request]] = defaultdict(list)
    for request in (*requests.values(), *later.values()):
        if request.contact_id is not None and request.status is not InboundStatus.ignored:
            by_contact[request.contact_id].append(request)
    issued, opened, downloaded = _links_by_request(session, since, as_of)

    total, channels, intents, accounts = Tally(), defaultdict(Tally), defaultdict(Tally), {}
    repeats = unopened = 0
    for request in requests.values():
        kind = _kind(request)
        deflected = False
        if kind == "answered":
            asked_again = any(
                other.id != request.id
                and request.received_at < other.received_at <= request.received_at + window
                and request.same_thing(other)
                for other in by_contact.get(request.contact_id or -1, [])
            )
            links = issued.get(request.id, set())
            never_opened = bool(links) and not (links & opened)
            repeats += asked_again
            unopened += never_opened and not asked_again
            deflected = not asked_again and not never_opened
        _count(total, kind, deflected)
        _count(channels[request.channel], kind, deflected)
        _count(intents[request.primary_intent], kind, deflected)
        _count(accounts.setdefault(request.account, Tally()), kind, deflected)

    answered_with_links = [ids for rid, ids in issued.items() if rid in requests]
    return Figures(
        since=since,
        until=until,
        as_of=as_of,
        window_hours=int(window.total_seconds() // 3600),
        minutes_per_request=minutes_per_request,
        total=total,
        by_channel=dict(sorted(channels.items())),
        by_intent=dict(sorted(intents.items())),
        by_account=dict(sorted(accounts.items())),
        not_deflected_repeat=repeats,
        not_deflected_unopened=unopened,
        bot_reply=_bot_reply(session, requests),
        person_reply=_person_reply(session, since, until),
        funnel=Funnel(
            answers_with_links=len(answered_with_links),
            opened=sum(1 for ids in answered_with_links if ids & opened),
            downloaded=sum(1 for ids in answered_with_links if ids & downloaded),
        ),
        repeat_contacts=_top_contacts(session, requests.values()),
        repeat_accounts=Counter(
            r.account for r in requests.values() if r.status is not InboundStatus.ignored
        ).most_common(TOP),
        workload=_workload(session, since, until),
        oldest_open_handoff=session.scalar(
            select(func.min(InboundMessage.received_at))
            .join(Handoff, Handoff.inbound_message_id == InboundMessage.id)
            .where(Handoff.resolution.is_(None))
        ),
    )


def _bot_reply(session: Session, requests: dict[int, _Request]) -> Durations:
    answered = [r.id for r in requests.values() if _kind(r) == "answered"]
    seconds: list[float] = []
    for chunk in _chunks(answered, 5000):
        for received, first in session.execute(
            select(InboundMessage.received_at, func.min(OutboundMessage.created_at))
            .join(OutboundMessage, OutboundMessage.inbound_message_id == InboundMessage.id)
            .where(InboundMessage.id.in_(chunk))
            .group_by(InboundMessage.id, InboundMessage.received_at)
        ):
            seconds.append(max(0.0, (first - received).total_seconds()))
    return Durations.of(seconds)


def _person_reply(session: Session, since: datetime, until: datetime) -> Durations:
    rows = session.execute(
        select(InboundMessage.received_at, Handoff.resolved_at)
        .join(Handoff, Handoff.inbound_message_id == InboundMessage.id)
        .where(
            Handoff.resolution == Resolution.answered,
            InboundMessage.received_at >= since,
            InboundMessage.received_at < until,
        )
    )
    return Durations.of([(done - received).total_seconds() for received, done in rows])


def _top_contacts(session: Session, requests: Iterable[_Request]) -> list[tuple[str, int]]:
    counts = Counter(
        r.contact_id for r in requests if r.contact_id and r.status is not InboundStatus.ignored
    ).most_common(TOP)
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


def for_settings(session: Session, settings: Settings, since: date, until: date | None) -> Figures:
    """The figures with the configured window and minutes per request, as of now."""
    now = utcnow()
    start, end = day_range(since, until, now)
    return figures(
        session,
        start,
        end,
        as_of=now,
        window=settings.ar_repeat_window,
        minutes_per_request=settings.ar_minutes_per_request,
    )
