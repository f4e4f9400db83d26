"""Delivering the outbox: claim what is due, hand it to the channel's transport, record the result.

A row is marked ``sending`` (committed) before the transport sees it. If the worker dies before
the result is recorded, nobody can know whether the recipient got it; such a row is never sent
again but handed to AR to check — so no reply is ever sent twice and none is silently lost.
Temporary failures (4xx, connection trouble) retry with backoff; a permanent one (5xx) is handed
to AR.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import undefer

from bot import failpoints
from bot.channels import Send, dispatch
from bot.logbook import delivery_scope, log_delivery
from core.config import Settings
from core.db import Database
from core.logs import bound
from core.models import OutboundMessage, OutboundStatus, utcnow
from mailers.smtp import PermanentDeliveryError, TransientDeliveryError, next_attempt_delay

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unknown: int = 0


def _claim(db: Database, now: datetime, limit: int, lease: timedelta) -> list[int]:
    with db.admin_session() as session:
        query = (
            select(OutboundMessage)
            .where(
                OutboundMessage.status == OutboundStatus.pending,
                OutboundMessage.next_attempt_at <= now,
            )
            .order_by(OutboundMessage.id)
            .limit(limit)
        )
        if db.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = list(session.scalars(query))
        for row in rows:
            row.status = OutboundStatus.sending
            row.attempts += 1
            row.next_attempt_at = now + lease  # past it, the outcome counts as unknown
        return [row.id for row in rows]


def _finish(db: Database, outbound_id: int, **values) -> None:
    with db.admin_session() as session:
        row = session.get(OutboundMessage, outbound_id)
        for name, value in values.items():
            setattr(row, name, value)


def _escalate(db: Database, settings: Settings, outbound_id: int, why: str) -> None:
    """Tell AR about a reply that could not be delivered (never about a hand-off to AR itself)."""
    from mailers import compose_delivery_problem, queue_email

    ar_address = settings.ar_address
    with db.admin_session() as session:
        row = session.get(OutboundMessage, outbound_id)
        if row is None or not ar_address or row.recipient == ar_address:
            return
        message = compose_delivery_problem(
            original=row.payload,
            recipient=row.recipient,
            reason=why,
            from_address=settings.sender_address,
            to_address=ar_address,
        )
        queue_email(
            session,
            message,
            account_id=row.account_id,
            recipient=ar_address,
            inbound_message_id=row.inbound_message_id,
        )


def recover_interrupted(db: Database, settings: Settings, now: datetime | None = None) -> int:
    """Rows left in ``sending`` by a worker that died: outcome unknown, so AR checks them."""
    now = now or utcnow()
    with db.admin_session() as session:
        stuck = list(
            session.scalars(
                select(OutboundMessage.id).where(
                    and_(
                        OutboundMessage.status == OutboundStatus.sending,
                        OutboundMessage.next_attempt_at < now,
                    )
                )
            )
        )
        for outbound_id in stuck:
            row = session.get(OutboundMessage, outbound_id)
            row.status = OutboundStatus.failed
            row.last_error = "delivery outcome unknown: the worker stopped while sending"
            with bound(outbox_id=row.id, message_id=row.inbound_message_id):
                log_delivery(row, "unknown")
    for outbound_id in stuck:
        _escalate(db, settings, outbound_id, "the outcome of delivery is unknown (worker stopped)")
    return len(stuck)


def deliver_due(
    db: Database,
    settings: Settings,
    send: Send | None = None,
    *,
    now: datetime | None = None,
    limit: int = 50,
    recover: bool = True,
) -> DeliveryReport:
    """Deliver what is due, each row through its channel's transport (or through ``send``);
    first, unless ``recover`` is false, hand AR the rows a dead worker left in doubt."""
    now = now or utcnow()
    send = send or dispatch(settings)
    report = DeliveryReport(unknown=recover_interrupted(db, settings, now) if recover else 0)
    for outbound_id in _claim(db, now, limit, settings.sending_lease):
        with db.admin_session() as session:
            row = session.get(
                OutboundMessage, outbound_id, options=[undefer(OutboundMessage.payload)]
            )
            session.expunge(row)
        with delivery_scope(db, row, report):
            try:
                send(row)
                failpoints.reach("after_send")
            except TransientDeliveryError as error:
                if row.attempts >= MAX_ATTEMPTS:
                    _finish(db, outbound_id, status=OutboundStatus.failed, last_error=str(error))
                    _escalate(db, settings, outbound_id, f"gave up after {row.attempts} attempts")
                    report.failed += 1
                else:
                    _finish(
                        db,
                        outbound_id,
                        status=OutboundStatus.pending,
                        last_error=str(error),
                        next_attempt_at=utcnow()
                        + next_attempt_delay(row.attempts, base=settings.delivery_retry_base),
                    )
                    report.retried += 1
            except PermanentDeliveryError as error:
                _finish(db, outbound_id, status=OutboundStatus.failed, last_error=str(error))
                _escalate(db, settings, outbound_id, f"refused: {error}")
                report.failed += 1
            else:
                _finish(
                    db, outbound_id, status=OutboundStatus.sent, sent_at=utcnow(), last_error=None
                )
                report.sent += 1
    return report
