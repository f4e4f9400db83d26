"""Retention: message text removed once it is older than ``ARDESK_RETENTION_DAYS``.

`ardesk retention run` and the clock's daily ``retention.run`` job call ``run``. It works in
batches of ``BATCH`` messages, each in its own short transaction, so a first run over a million
old messages neither holds one huge transaction nor locks the inbox for long, and a run cut off
halfway has kept what it did. Only messages whose work is over are touched: one waiting for or
claimed by a worker, an outbound message not yet delivered, and a request still in the hand-off
queue keep their text until they are done (``kept_open`` counts the last).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, not_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from core.db import Database
from core.models import (
    Correction,
    Handoff,
    HandoffMember,
    HandoffNote,
    InboundMessage,
    InboundStatus,
    OutboundMessage,
    OutboundStatus,
    utcnow,
)
from core.redaction import Redacted, redact_inbound, redact_outbound

BATCH = 500

_FINISHED_OUTBOUND = (OutboundStatus.sent, OutboundStatus.failed)


def _open_handoff() -> ColumnElement[bool]:
    """The message is in the hand-off queue (console/handoffs.py's definition of open), or is
    worked as part of a request that is (a follow-up, a merged duplicate: the agent reads it)."""
    has_row = exists().where(Handoff.inbound_message_id == InboundMessage.id)
    row_open = exists().where(
        Handoff.inbound_message_id == InboundMessage.id, Handoff.resolution.is_(None)
    )
    member_of_open = exists().where(
        HandoffMember.inbound_message_id == InboundMessage.id,
        Handoff.inbound_message_id == HandoffMember.handoff_id,
        Handoff.resolution.is_(None),
    )
    return or_(
        row_open,
        member_of_open,
        and_(InboundMessage.status == InboundStatus.failed, not_(has_row)),
    )


def _finished_inbound() -> ColumnElement[bool]:
    done = (
        InboundStatus.answered,
        InboundStatus.handed_off,
        InboundStatus.ignored,
        InboundStatus.failed,
    )
    return and_(InboundMessage.status.in_(done), not_(_open_handoff()))


@dataclass
class RetentionReport:
    cutoff: datetime
    dry_run: bool
    redacted: Redacted = field(default_factory=Redacted)
    # Old enough, but still in the hand-off queue: kept until a person answers or closes it.
    kept_open: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "cutoff": self.cutoff.isoformat(),
            "dry_run": self.dry_run,
            "redacted": asdict(self.redacted),
            "total": self.redacted.total(),
            "kept_open": self.kept_open,
        }


def run(
    db: Database,
    *,
    days: int,
    dry_run: bool = False,
    now: datetime | None = None,
    batch: int = BATCH,
) -> RetentionReport:
    now = now or utcnow()
    report = RetentionReport(cutoff=now - timedelta(days=days), dry_run=dry_run)
    old_inbound = and_(
        InboundMessage.redacted_at.is_(None), InboundMessage.received_at < report.cutoff
    )
    old_outbound = and_(
        OutboundMessage.redacted_at.is_(None),
        OutboundMessage.created_at < report.cutoff,
        OutboundMessage.status.in_(_FINISHED_OUTBOUND),
    )
    with db.admin_session() as session:
        report.kept_open = session.scalar(
            select(func.count()).select_from(InboundMessage).where(old_inbound, _open_handoff())
        )
    if dry_run:
        report.redacted = _would_redact(db, old_inbound, old_outbound)
        return report
    inbound = select(InboundMessage.id).where(old_inbound, _finished_inbound())
    outbound = select(OutboundMessage.id).where(old_outbound)
    # Each batch is chosen and redacted in one transaction: a request reopened meanwhile is
    # not among the chosen.
    while True:
        with db.admin_session() as session:
            ids = list(session.scalars(inbound.order_by(InboundMessage.id).limit(batch)))
            if not ids:
                break
            report.redacted.add(redact_inbound(session, ids, now))
    while True:
        with db.admin_session() as session:
            ids = list(session.scalars(outbound.order_by(OutboundMessage.id).limit(batch)))
            if not ids:
                break
            report.redacted.outbound_messages += redact_outbound(session, ids, now)
    return report


def _would_redact(db: Database, old_inbound, old_outbound) -> Redacted:
    finished = select(InboundMessage.id).where(old_inbound, _finished_inbound())

    def count(query) -> int:
        return session.scalar(select(func.count()).select_from(query.subquery()))

    with db.admin_session() as session:
        return Redacted(
            inbound_messages=count(finished),
            outbound_messages=count(select(OutboundMessage.id).where(old_outbound)),
            corrections=count(
                select(Correction.id).where(
                    Correction.inbound_message_id.in_(finished),
                    (Correction.text != "") | (Correction.subject != ""),
                )
            ),
            handoff_notes=count(
                select(HandoffNote.id).where(
                    HandoffNote.inbound_message_id.in_(finished), HandoffNote.text != ""
                )
            ),
            handoff_reasons=count(
                select(Handoff.inbound_message_id).where(
                    Handoff.inbound_message_id.in_(finished),
                    func.coalesce(Handoff.reason, "") != "",
                )
            ),
        )
