"""A hand-off's resolution, set exactly once: the gate that makes answering from the console
(by a person or by the bot from a corrected reading) send one reply however many clicks."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from core.models import Handoff, InboundStatus, Resolution, utcnow

# A hand-off gets its queue row when its decision is stored (``core.request_index``); a message
# given up without one (a store that marks it failed directly) is queued by its state alone.
UNRECORDED_STATES = tuple(s for s in InboundStatus if s.value == "failed")


class AlreadyResolved(Exception):
    """Someone answered or closed this request first."""


def handoff(session: Session, message_id: int) -> Handoff:
    """The request's hand-off row, made on first touch."""
    row = session.get(Handoff, message_id)
    if row is None:
        row = Handoff(inbound_message_id=message_id)
        session.add(row)
        session.flush()
    return row


def resolve(
    session: Session, message_id: int, user_id: int, resolution: Resolution, **values
) -> None:
    """Resolve the hand-off, or raise AlreadyResolved if it was (one conditional update)."""
    handoff(session, message_id)
    done = session.execute(
        update(Handoff)
        .where(Handoff.inbound_message_id == message_id, Handoff.resolution.is_(None))
        .values(resolution=resolution, resolved_at=utcnow(), resolved_by=user_id, **values)
        .execution_options(synchronize_session=False)
    )
    if not done.rowcount:
        raise AlreadyResolved


def reopen(session: Session, message_id: int) -> None:
    """Back in the queue: the answer a person asked for handed off again."""
    session.execute(
        update(Handoff)
        .where(Handoff.inbound_message_id == message_id)
        .values(resolution=None, resolved_at=None, resolved_by=None)
        .execution_options(synchronize_session=False)
    )
