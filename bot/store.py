"""The inbox table: storing a message before anything else happens, and claiming it for work.

Storing is idempotent on (channel, dedupe key). Claiming takes a lease (``ARDESK_WORKER_LEASE``)
that the worker renews while it works: a worker that dies mid-way leaves the message claimable
again once the lease runs out; one that keeps failing hands the message to AR. On PostgreSQL
several workers claim with FOR UPDATE SKIP LOCKED.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.inbound import Inbound
from bot.logbook import domain_of
from bot.wakeup import notify_stored
from core.db import Database
from core.models import InboundMessage, InboundStatus, utcnow

log = logging.getLogger("ardesk.intake")

LEASE = timedelta(minutes=5)  # the setting's default, for callers without settings


def store(db: Database, inbound: Inbound) -> tuple[int, bool]:
    """Store the message; returns (id, True) when new, (id of the earlier copy, False) if not."""
    try:
        with db.admin_session() as session:
            row = InboundMessage(
                channel=inbound.channel,
                dedupe_key=inbound.dedupe_key,
                received_at=inbound.received_at,
                sender=inbound.sender[:320],
                subject=inbound.subject,
                raw=inbound.raw,
                status=InboundStatus.received,
            )
            session.add(row)
            session.flush()
            notify_stored(session)
            message_id = row.id
    except IntegrityError:
        with db.admin_session() as session:
            existing = session.scalar(
                select(InboundMessage.id).where(
                    InboundMessage.channel == inbound.channel,
                    InboundMessage.dedupe_key == inbound.dedupe_key,
                )
            )
        if existing is None:  # the conflict was something else: let it surface
            raise
        return existing, False
    # The line that ties the request id (a web request's, bound here) to the message id.
    log.info(
        "stored",
        extra={
            "message_id": message_id,
            "channel": inbound.channel,
            "sender_domain": domain_of(inbound.sender),
        },
    )
    return message_id, True


def claim(
    db: Database, *, limit: int = 10, now: datetime | None = None, lease: timedelta = LEASE
) -> list[int]:
    """Claim up to ``limit`` messages: new ones, and ones whose worker's lease ran out."""
    now = now or utcnow()
    claimable = or_(
        InboundMessage.status == InboundStatus.received,
        and_(
            InboundMessage.status == InboundStatus.processing,
            InboundMessage.claimed_at < now - lease,
        ),
    )
    with db.admin_session() as session:
        query = select(InboundMessage.id).where(claimable).order_by(InboundMessage.id).limit(limit)
        if db.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = list(session.scalars(query))
        if ids:
            session.execute(
                update(InboundMessage)
                .where(InboundMessage.id.in_(ids))
                .values(
                    status=InboundStatus.processing,
                    claimed_at=now,
                    attempts=InboundMessage.attempts + 1,
                )
                .execution_options(synchronize_session=False)
            )
    return ids


def record_failure(db: Database, message_id: int, error: BaseException | str) -> None:
    """Note why processing failed (the type only: exception text may quote the message)."""
    with db.admin_session() as session:
        row = session.get(InboundMessage, message_id)
        if row is not None:
            row.error = error if isinstance(error, str) else type(error).__name__


def claim_one(db: Database, message_id: int, now: datetime | None = None) -> bool:
    """Claim one given message (`ardesk handle-eml`); False if taken or done already."""
    with db.admin_session() as session:
        result = session.execute(
            update(InboundMessage)
            .where(InboundMessage.id == message_id, InboundMessage.status == InboundStatus.received)
            .values(
                status=InboundStatus.processing,
                claimed_at=now or utcnow(),
                attempts=InboundMessage.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1


def _update_held(db: Database, ids: list[int], **values) -> None:
    if not ids:
        return
    with db.admin_session() as session:
        session.execute(
            update(InboundMessage)
            .where(InboundMessage.id.in_(ids), InboundMessage.status == InboundStatus.processing)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def renew(db: Database, ids: list[int], now: datetime | None = None) -> None:
    """Extend the lease on messages this worker still holds, so none lapses while it works."""
    _update_held(db, ids, claimed_at=now or utcnow())


def release(db: Database, ids: list[int]) -> None:
    """Give back claims not yet worked on (a stopping worker), for the next worker at once.
    The attempt the claim counted is given back too: nothing was tried."""
    _update_held(
        db,
        ids,
        status=InboundStatus.received,
        claimed_at=None,
        attempts=InboundMessage.attempts - 1,
    )
