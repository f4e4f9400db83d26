"""The request log's query: filters, search and keyset pagination over inbound messages.

Pages are cut by ``(received_at, id)`` descending — "older than the last row shown" — so page
500 costs what page 1 costs, and a message arriving meanwhile never shifts a page. Search by
reference goes through ``request_terms`` (exact or prefix, indexed), never inside the JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from core.db import written_limit
from core.models import Account, InboundMessage, InboundStatus, RequestTerm, TermKind
from core.request_index import normalise
from web.row_ids import row_id

PAGE_SIZE = 50
MAX_REFERENCE_IDS = 2_000


@dataclass(frozen=True)
class Filters:
    status: InboundStatus | None = None
    channel: str = ""
    intent: str = ""
    account: str = ""  # the account's ERP id
    contact_id: int | None = None
    since: date | None = None
    until: date | None = None  # inclusive
    search: str = ""  # subject or sender contains it, or a reference starts with it

    def as_args(self) -> dict[str, str]:
        """The filters as query-string arguments (for the next page's link)."""
        values = {
            "status": self.status.value if self.status else "",
            "channel": self.channel,
            "intent": self.intent,
            "account": self.account,
            "contact": str(self.contact_id or ""),
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "q": self.search,
        }
        return {key: value for key, value in values.items() if value}


@dataclass(frozen=True)
class Row:
    id: int
    received_at: datetime
    channel: str
    sender: str
    subject: str
    status: str
    account_name: str | None


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    next_cursor: str | None  # "older than this" for the next page


def encode_cursor(received_at: datetime, message_id: int) -> str:
    return f"{received_at.astimezone(UTC).isoformat()}~{message_id}"


def decode_cursor(text: str) -> tuple[datetime, int] | None:
    """The cursor ``encode_cursor`` wrote, or None for anything else (the first page is shown):
    a time that is no time, or one that names no moment in UTC (``0001-01-01T00:00+14:00`` is
    before the first day a date can hold)."""
    try:
        stamp, _, ident = text.partition("~")
        moment = datetime.fromisoformat(stamp)
        message_id = row_id(ident)
        moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    if message_id is None:
        return None
    return moment, message_id


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def end_of(day: date) -> datetime | None:
    """Where an inclusive "until ``day``" stops: the start of the next day, or None after the
    last day a date can hold (there is no next day, and nothing later to leave out)."""
    if day >= date.max:
        return None
    return _start_of(day + timedelta(days=1))


def _filtered(query: Select, filters: Filters) -> Select:
    message = InboundMessage
    if filters.status is not None:
        query = query.where(message.status == filters.status)
    if filters.channel:
        query = query.where(message.channel == filters.channel)
    if filters.contact_id is not None:
        query = query.where(message.contact_id == filters.contact_id)
    if filters.account:
        query = query.where(
            message.account_id.in_(select(Account.id).where(Account.erp_id == filters.account))
        )
    if filters.since:
        query = query.where(message.received_at >= _start_of(filters.since))
    if filters.until and (end := end_of(filters.until)) is not None:
        query = query.where(message.received_at < end)
    if filters.intent:
        query = query.where(
            message.id.in_(
                select(RequestTerm.inbound_message_id).where(
                    RequestTerm.kind == TermKind.intent,
                    RequestTerm.value == normalise(filters.intent),
                )
            )
        )
    if filters.search:
        query = query.where(_search(filters.search))
    return query


# Something with a digit and no spaces is a reference (INV-10423, 4500012345, PO/77): the
# indexed terms answer it, by prefix. An address is looked for in the sender; anything else in
# the subject.
_REFERENCE = re.compile(r"[\w\-/.#]*\d[\w\-/.#]*")


def _search(text: str):
    if "@" in text:
        return InboundMessage.sender.ilike(f"%{escape_like(text)}%", escape="\\")
    if _REFERENCE.fullmatch(text):
        return InboundMessage.id.in_(_reference_ids(text))
    return InboundMessage.subject.ilike(f"%{escape_like(text)}%", escape="\\")


def _reference_ids(text: str, dialect: str = "postgresql") -> Select:
    prefix = normalise(text)
    if dialect == "sqlite" and prefix:
        # SQLite's LIKE ignores case and so never uses an index; terms are stored upper-cased
        # in binary order, so the prefix is a range of the index.
        after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        matching = and_(RequestTerm.value >= prefix, RequestTerm.value < after)
    else:  # PostgreSQL: LIKE 'X%' reads the text_pattern_ops index
        matching = RequestTerm.value.like(f"{escape_like(prefix)}%", escape="\\")
    return select(RequestTerm.inbound_message_id).where(
        RequestTerm.kind != TermKind.intent, matching
    )


def _reference_first(session: Session, query: Select, text: str) -> Select:
    """A reference matches few requests among many: read their ids from the terms' index first,
    so the page is those rows sorted, not a walk through every message in date order looking for
    them. A prefix matching very many falls back to the subquery."""
    dialect = session.get_bind().dialect.name
    ids = session.scalars(_reference_ids(text, dialect).limit(MAX_REFERENCE_IDS + 1)).all()
    if len(ids) > MAX_REFERENCE_IDS:
        return query.where(_search(text))
    return query.where(InboundMessage.id.in_(ids))


def escape_like(text: str) -> str:
    """``text`` matched literally inside a LIKE pattern."""
    return text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")


def page(session: Session, filters: Filters, cursor: str = "", size: int = PAGE_SIZE) -> Page:
    query = (
        select(
            InboundMessage.id,
            InboundMessage.received_at,
            InboundMessage.channel,
            InboundMessage.sender,
            InboundMessage.subject,
            InboundMessage.status,
            Account.name,
        )
        .outerjoin(Account, Account.id == InboundMessage.account_id)
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
        .limit(written_limit(size + 1))
    )
    if filters.search and _REFERENCE.fullmatch(filters.search):
        query = _reference_first(session, _filtered(query, replace(filters, search="")),
                                 filters.search)  # fmt: skip
    else:
        query = _filtered(query, filters)
    after = decode_cursor(cursor) if cursor else None
    if after is not None:
        moment, ident = after
        query = query.where(
            or_(
                InboundMessage.received_at < moment,
                and_(InboundMessage.received_at == moment, InboundMessage.id < ident),
            )
        )
    found = session.execute(query).all()
    rows = [Row(r[0], r[1], r[2], r[3], r[4] or "", InboundStatus(r[5]).value, r[6]) for r in found]
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, encode_cursor(rows[-1].received_at, rows[-1].id) if more else None)
