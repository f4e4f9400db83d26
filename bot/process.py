"""Processing one stored message: run the pipeline and, in ONE transaction, issue the links,
write the replies and hand-offs to the outbox and mark the message done. A crash before the
commit leaves no trace but the claim; a crash after it loses nothing and sends nothing twice."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.channels.email.parse import parse_email
from bot.context import Action, Context
from bot.inbound import Inbound
from bot.pipeline import run_pipeline
from bot.record import decision_record
from bot.resolve.issuer import LinkIssuer
from bot.store import MAX_ATTEMPTS, record_failure
from core.config import Settings
from core.db import Database
from core.links import LinkSigner
from core.models import InboundMessage, InboundStatus, OutboundMessage, utcnow
from core.request_index import index_decision

log = logging.getLogger(__name__)

_DONE = {
    Action.reply: InboundStatus.answered,
    Action.handoff: InboundStatus.handed_off,
    Action.ignore: InboundStatus.ignored,
}


def _issuer(session, settings: Settings, now: datetime, inbound_id: int | None, dry_run: bool):
    return LinkIssuer(
        session=session,
        signer=LinkSigner(settings.secret_key),
        base_url=settings.base_url,
        ttl=settings.link_ttl,
        now=now,
        inbound_message_id=inbound_id,
        dry_run=dry_run,
    )


def decide(
    db: Database,
    settings: Settings,
    inbound: Inbound,
    *,
    inbound_id: int | None,
    now: datetime | None = None,
    dry_run: bool = False,
    understanding: Any = None,
) -> dict[str, Any]:
    """Run the pipeline and commit its outcome (or, dry, roll everything back); with
    ``understanding`` (a person's corrected reading, ``bot.corrected``) instead of reading the
    text again."""
    now = now or utcnow()
    ctx = Context(inbound=inbound, settings=settings, db=db, now=now, dry_run=dry_run)
    ctx.understanding = understanding
    with db.admin_session() as session:
        if inbound_id is not None:
            query = select(InboundMessage).where(InboundMessage.id == inbound_id)
            if db.dialect == "postgresql":
                query = query.with_for_update()
            row = session.scalar(query)
            if row is None or row.status is not InboundStatus.processing:
                return row.decision if row is not None and row.decision else {}
        issuer = _issuer(session, settings, now, inbound_id, dry_run)
        run_pipeline(ctx, issuer)
        if ctx.action is None:  # nothing decided: a person looks at it
            ctx.stop(Action.handoff, handoff=True, reason="no decision")
        decision = decision_record(ctx, issuer.issued)
        if dry_run:
            decision["dry_run"] = True
            session.rollback()
            return decision
        for entry in ctx.rendered:
            session.add(
                OutboundMessage(
                    inbound_message_id=inbound_id,
                    channel=entry["channel"],
                    account_id=entry["account_id"],
                    recipient=entry["to"],
                    subject=entry["subject"],
                    payload=entry["payload"],
                    next_attempt_at=now,
                    created_at=now,
                )
            )
        if inbound_id is not None:
            row.status = _DONE[ctx.action]
            row.decision = decision
            index_decision(session, inbound_id, decision)
            row.error = None
            if ctx.contacts:
                row.account_id = ctx.contacts[0].account_id
                row.contact_id = ctx.contacts[0].contact_id
    return decision


def process(db: Database, settings: Settings, message_id: int, now: datetime | None = None):
    """Process a claimed message; one that keeps failing goes to AR, never to the floor."""
    with db.admin_session() as session:
        row = session.get(InboundMessage, message_id)
        if row is None or row.status is not InboundStatus.processing:
            return None
        raw, attempts, received_at, channel = row.raw, row.attempts, row.received_at, row.channel
    if attempts > MAX_ATTEMPTS:
        return give_up(db, settings, message_id, raw, received_at)
    try:
        inbound = inbound_from_raw(channel, raw, received_at)
        return decide(db, settings, inbound, inbound_id=message_id, now=now)
    except Exception as error:
        log.exception("processing message %s failed (attempt %s)", message_id, attempts)
        record_failure(db, message_id, error)
        return None


def inbound_from_raw(channel: str, raw: bytes, received_at: datetime) -> Inbound:
    if channel == "email":
        return parse_email(raw, received_at)
    from bot.channels import chat_inbound_from_raw

    return chat_inbound_from_raw(channel, raw, received_at)


def give_up(db: Database, settings: Settings, message_id: int, raw: bytes, received_at):
    """After MAX_ATTEMPTS failures: hand the original to AR without running the pipeline again."""
    import mailers

    reason = f"processing failed {MAX_ATTEMPTS} times"
    inbound = inbound_from_raw("email", raw, received_at) if raw else None
    request = mailers.HandoffRequest(
        sender=inbound.sender if inbound else "",
        status="unknown",
        reason="processing_failed",
        subject=inbound.subject if inbound else "",
        message_id=inbound.message_id if inbound else None,
        received_at=received_at,
        notes=(reason,),
    )
    to = settings.handoff_address
    message = mailers.compose_handoff(
        request,
        raw,
        brand=mailers.load_brand(settings),
        from_address=settings.sender_address,
        ar_address=to,
    )
    decision = {"action": "handoff", "handoff": True, "handoff_reason": reason}
    with db.admin_session() as session:
        row = session.get(InboundMessage, message_id)
        if row is None or row.status is not InboundStatus.processing:
            return None
        mailers.queue_email(
            session, message, account_id=None, recipient=to, inbound_message_id=message_id
        )
        row.status = InboundStatus.handed_off
        row.decision = decision
        index_decision(session, message_id, decision)
    return decision
