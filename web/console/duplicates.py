"""The same contact asking the same thing more than once: the repeats shown on any request's
page, the possible duplicates among a hand-off's fellow open hand-offs, and merging one into
another.

"The same thing" is the deflection report's notion (``core.deflection.Ask``): a shared intent,
and a shared invoice or PO number, or overlapping periods, or neither naming any.

A merged hand-off leaves the queue (resolution ``merged``, reason "duplicate of N"); its
message, and whatever had been attached to it, shows on the survivor. The survivor's answer is
threaded to every message it covers (``handoffs.answer``), and recorded on each merged
hand-off too: the customer asked twice and gets one answer that reads as the answer to both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased

from core.decisions import Decision
from core.deflection import Ask
from core.handoff_state import AlreadyResolved, handoff, resolve
from core.handoff_threads import attach
from core.models import (
    Handoff,
    HandoffMember,
    InboundMessage,
    InboundStatus,
    MemberKind,
    Resolution,
)

SHOWN = 20  # a contact asking the same thing more often than this is shown the latest ones


@dataclass(frozen=True)
class Related:
    id: int
    received_at: datetime
    subject: str
    status: InboundStatus
    open: bool  # an open hand-off


class CannotMerge(Exception):
    """Not two open hand-offs of the same contact."""


def _related(session: Session, message: InboundMessage, query) -> list[Related]:
    ask = Ask.of(Decision.read(message.decision))
    return [
        Related(ident, received_at, subject, InboundStatus(status), resolution_row is not None)
        for ident, received_at, subject, status, record, resolution_row in session.execute(query)
        if ask.same_thing(Ask.of(Decision.read(record)))
    ]


def _columns():
    row = aliased(Handoff)
    open_row = (
        select(row.inbound_message_id)
        .where(row.inbound_message_id == InboundMessage.id, row.resolution.is_(None))
        .correlate(InboundMessage)
    )
    return select(
        InboundMessage.id,
        InboundMessage.received_at,
        InboundMessage.subject,
        InboundMessage.status,
        InboundMessage.decision,
        open_row.scalar_subquery(),
    )


def repeats(session: Session, message: InboundMessage, window: timedelta) -> list[Related]:
    """The contact's other requests about the same thing within ``window`` either side."""
    if message.contact_id is None:
        return []
    query = (
        _columns()
        .where(
            InboundMessage.contact_id == message.contact_id,
            InboundMessage.id != message.id,
            InboundMessage.received_at >= message.received_at - window,
            InboundMessage.received_at <= message.received_at + window,
            InboundMessage.status != InboundStatus.ignored,
        )
        .order_by(InboundMessage.received_at.desc())
        .limit(SHOWN * 5)
    )
    return sorted(_related(session, message, query)[:SHOWN], key=lambda r: r.received_at)


def duplicates(session: Session, message: InboundMessage) -> list[Related]:
    """The contact's other open hand-offs about the same thing: possible duplicates."""
    if message.contact_id is None:
        return []
    query = (
        _columns()
        .join(Handoff, Handoff.inbound_message_id == InboundMessage.id)
        .where(
            Handoff.resolution.is_(None),
            InboundMessage.contact_id == message.contact_id,
            InboundMessage.id != message.id,
        )
        .order_by(InboundMessage.received_at)
        .limit(SHOWN * 5)
    )
    return _related(session, message, query)[:SHOWN]


def merge(session: Session, survivor: InboundMessage, other: InboundMessage, user_id: int) -> None:
    """Merge ``other``'s hand-off into ``survivor``'s: both open, the same contact."""
    if other.id == survivor.id or other.contact_id is None:
        raise CannotMerge
    if (other.contact_id, other.account_id) != (survivor.contact_id, survivor.account_id):
        raise CannotMerge
    if session.get(Handoff, other.id) is None:  # not a hand-off at all
        raise CannotMerge
    if handoff(session, survivor.id).resolution is not None:
        raise AlreadyResolved
    resolve(session, other.id, user_id, Resolution.merged, reason=f"duplicate of {survivor.id}")
    attach(session, other.id, survivor.id, MemberKind.duplicate)


def record_answer(session: Session, handoff_id: int, outbound_id: int) -> None:
    """The survivor's answer answers the duplicates merged into it: recorded on each."""
    merged = select(HandoffMember.inbound_message_id).where(
        HandoffMember.handoff_id == handoff_id, HandoffMember.kind == MemberKind.duplicate
    )
    session.execute(
        update(Handoff)
        .where(Handoff.inbound_message_id.in_(merged))
        .values(outbound_message_id=outbound_id)
        .execution_options(synchronize_session=False)
    )
