"""Corrections: an AR person's reading of a request replaces the bot's, is kept as a labelled
example, and — when asked — the bot answers from it as it would have answered itself (links,
templates, threading, the outbox).

Answering resolves the request's hand-off first, with the same one-time gate as a person's
reply (``core.handoff_state``), then claims the message and runs the pipeline with the corrected
understanding: a second click finds the hand-off resolved and sends nothing. If the corrected
request still needs a person, the hand-off goes back to the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from bot.channels import channel_for
from bot.process import decide
from core.config import Settings
from core.db import Database
from core.decisions import Decision, Understood
from core.handoff_state import reopen, resolve
from core.models import Correction, InboundMessage, InboundStatus, Resolution, utcnow
from core.request_index import index_terms
from intents.result import LANGUAGES, Period, Understanding


@dataclass(frozen=True)
class Reading:
    """What the request asks, as a person read it."""

    intents: tuple[str, ...]
    invoice_numbers: tuple[str, ...] = ()
    po_numbers: tuple[str, ...] = ()
    period: tuple[date, date] | None = None
    language: str = "en"

    def understanding(self, text: str) -> Understanding:
        return Understanding(
            language=self.language if self.language in LANGUAGES else "en",
            intents=self.intents,
            confidence={name: 1.0 for name in self.intents},
            invoice_numbers=self.invoice_numbers,
            po_numbers=self.po_numbers,
            period=Period(*self.period) if self.period else None,
            needs_human=False,
            new_text=text,
        )


def correct(
    db: Database,
    settings: Settings,
    message_id: int,
    user_id: int,
    reading: Reading,
    *,
    answer: bool,
) -> dict[str, Any] | None:
    """Store the correction (and re-index the request's terms); with ``answer``, let the bot
    answer from it and return the new decision record. Raises AlreadyResolved when the request
    was answered or closed meanwhile."""
    with db.admin_session() as session:
        message = session.get(InboundMessage, message_id, options=[undefer(InboundMessage.raw)])
        if message is None:
            raise LookupError(message_id)
        inbound = channel_for(message.channel).parse(message.raw, message.received_at)
        understanding = reading.understanding(inbound.text)
        understood = _understood_by_bot(session, message)
        session.add(
            Correction(
                inbound_message_id=message_id,
                ar_user_id=user_id,
                channel=message.channel,
                subject=message.subject,
                text=inbound.text,
                language=understanding.language,
                intents=list(reading.intents),
                invoice_numbers=list(reading.invoice_numbers),
                po_numbers=list(reading.po_numbers),
                period_from=reading.period[0] if reading.period else None,
                period_to=reading.period[1] if reading.period else None,
                understood=understood,
            )
        )
        reread = Decision(action="", handoff=False, understood=Understood.of(understanding))
        index_terms(session, message_id, reread.record())
        if not answer:
            return None
        resolve(session, message_id, user_id, Resolution.answered)
        message.status = InboundStatus.processing
        message.claimed_at = utcnow()
    decision = decide(db, settings, inbound, inbound_id=message_id, understanding=understanding)
    if decision.get("handoff"):
        with db.admin_session() as session:
            reopen(session, message_id)
    return decision


def _understood_by_bot(session: Session, message: InboundMessage) -> list[str] | None:
    """The intents the bot itself read: an earlier correction knows them (once answered from a
    correction, the decision record holds the person's reading), else the decision record."""
    earlier = session.scalar(
        select(Correction)
        .where(Correction.inbound_message_id == message.id)
        .order_by(Correction.id)
        .limit(1)
    )
    if earlier is not None:
        return earlier.understood
    understood = Decision.read(message.decision).understood
    return list(understood.intents) if understood and understood.intents else None
