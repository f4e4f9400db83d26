"""Processing one stored message: run the pipeline and, in ONE transaction, issue the links,
write the replies and hand-offs to the outbox and mark the message done. A crash before the
commit leaves no trace but the claim; a crash after it loses nothing and sends nothing twice."""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import undefer

from bot.channels import channel_for
from bot.context import Action, Context
from bot.inbound import Inbound
from bot.logbook import log_decision, log_given_up
from bot.pipeline import run_pipeline
from bot.record import decision_record
from bot.resolve.issuer import LinkIssuer
from bot.store import record_failure
from core import metrics, setting_overrides
from core.config import Settings
from core.db import Database
from core.decisions import Decision
from core.links import LinkSigner
from core.models import InboundMessage, InboundStatus, OutboundMessage, utcnow
from core.request_index import index_decision
from intents.result import INTENTS
from mailers.brand import load_brand

log = logging.getLogger(__name__)

_DONE = {
    Action.reply: InboundStatus.answered,
    Action.handoff: InboundStatus.handed_off,
    Action.ignore: InboundStatus.ignored,
}


def _issuer(
    session,
    settings: Settings,
    now: datetime,
    inbound_id: int | None,
    dry_run: bool,
    channel: str,
):
    return LinkIssuer(
        session=session,
        signer=LinkSigner(settings.secret_key),
        base_url=settings.base_url,
        ttl=settings.link_ttl,
        now=now,
        inbound_message_id=inbound_id,
        dry_run=dry_run,
        brand=load_brand(settings),
        attachment_limit=settings.automation_attachment_max_bytes,
        carries_files=channel_for(channel).carries_files,
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
    started = time.monotonic()
    now = now or utcnow()
    # What an admin changed in the console (intents answered, link lifetime, rate limits) holds
    # from the next message on.
    settings = setting_overrides.effective(db.portal_engine, settings)
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
        issuer = _issuer(session, settings, now, inbound_id, dry_run, inbound.channel)
        run_pipeline(ctx, issuer)
        if ctx.action is None:  # nothing decided: a person looks at it
            ctx.stop(Action.handoff, handoff=True, reason="no decision")
        decision = decision_record(ctx, issuer.issued)
        if dry_run:
            session.rollback()
            return decision
        for entry in ctx.rendered:
            session.add(
                OutboundMessage(
                    inbound_message_id=inbound_id,
                    channel=entry.channel,
                    account_id=entry.account_id,
                    recipient=entry.recipient,
                    subject=entry.subject,
                    payload=entry.payload,
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
    intents = ctx.understanding.intents if ctx.understanding else ()
    intent = metrics.bounded(intents[0] if intents else None, INTENTS)
    metrics.count_request(inbound.channel, intent, ctx.action.value, ctx.status.value)
    log_decision(ctx, links=len(issuer.issued), started=started)
    return decision


def process(db: Database, settings: Settings, message_id: int, now: datetime | None = None):
    """Process a claimed message; one that keeps failing goes to AR, never to the floor."""
    with db.admin_session() as session:
        row = session.get(InboundMessage, message_id)
        if row is None or row.status is not InboundStatus.processing:
            return None
        raw, attempts, received_at, channel = row.raw, row.attempts, row.received_at, row.channel
        last_error = row.error or "unknown"
    if attempts > settings.processing_attempts:
        reason = f"given up after {attempts - 1} failed attempts (last: {last_error})"
        return give_up(db, settings, message_id, reason, status=InboundStatus.failed)
    try:
        inbound = channel_for(channel).parse(raw, received_at)
        return decide(db, settings, inbound, inbound_id=message_id, now=now)
    except Exception as error:
        log.exception("processing message %s failed (attempt %s)", message_id, attempts)
        record_failure(db, message_id, error)
        metrics.count_error(metrics.ErrorKind.processing)
        return None


def give_up(
    db: Database,
    settings: Settings,
    message_id: int,
    reason: str,
    *,
    status: InboundStatus = InboundStatus.handed_off,
) -> dict[str, Any] | None:
    """Hand the original to AR without running the pipeline again: after repeated failures
    (``failed``) or a decision past its deadline. Only what was stored is read — the message
    is not parsed again, since parsing may be what failed."""
    import mailers

    with db.admin_session() as session:
        row = session.get(InboundMessage, message_id, options=[undefer(InboundMessage.raw)])
        if row is None or row.status is not InboundStatus.processing:
            return None
        raw, sender, subject = row.raw, row.sender, row.subject
        dedupe_key, received_at, channel = row.dedupe_key, row.received_at, row.channel
    request = mailers.HandoffRequest(
        # AR answers by mail: a chat user's id is no address to answer.
        sender=sender if channel == "email" else "",
        status="unknown",
        reason="processing_failed",
        subject=subject,
        message_id=dedupe_key if channel == "email" and dedupe_key.startswith("<") else None,
        received_at=received_at,
        notes=(reason,),
    )
    to = settings.handoff_address
    message = mailers.compose_handoff(
        request,
        # The email as it came; a chat event is no email to attach (its text is in the record).
        raw if channel == "email" else None,
        brand=mailers.load_brand(settings),
        from_address=settings.sender_address,
        ar_address=to,
    )
    decision = Decision(action="handoff", handoff=True, handoff_reason=reason).record()
    with db.admin_session() as session:
        query = select(InboundMessage).where(InboundMessage.id == message_id)
        if db.dialect == "postgresql":
            query = query.with_for_update()
        row = session.scalar(query)
        if row is None or row.status is not InboundStatus.processing:
            return None  # decided meanwhile by a worker that took over
        mailers.queue_email(
            session, message, account_id=None, recipient=to, inbound_message_id=message_id
        )
        row.status = status
        row.decision = decision
        index_decision(session, message_id, decision)
    metrics.count_request(channel, metrics.bounded(None, INTENTS), "handoff", "unknown")
    log_given_up(channel, sender, reason, outcome=status.value)
    return decision
