"""The worker's lines an operator reads: one per decision, one per delivery.

Each says what happened to which message in ids, names and counts — the channel, the sender's
domain, the verification, the intents, the action, the guards that held, the outcome — never the
text, the subject, a token or an address. The message, request and outbox ids come from the log
context (``core.logs.bound``), which the worker binds around each message and each delivery, so
every other line written meanwhile carries them too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from core.db import Database
from core.logs import bound
from core.models import InboundMessage, OutboundMessage

if TYPE_CHECKING:
    from bot.context import Context
    from bot.outbox import DeliveryReport

decisions = logging.getLogger("ardesk.decision")
deliveries = logging.getLogger("ardesk.delivery")


def domain_of(sender: str) -> str | None:
    """The part of an address after its last ``@``; None for a chat user's id."""
    if "@" not in sender:
        return None
    return sender.rpartition("@")[2].lower() or None


def since(started: float) -> int:
    """Milliseconds since ``started`` (a ``time.monotonic()``)."""
    return round((time.monotonic() - started) * 1000)


def _request_id_of(db: Database, message_id: int | None) -> str | None:
    """The id of the web request a message came in with (None for mail)."""
    if message_id is None:
        return None
    with db.admin_session() as session:
        return session.scalar(
            select(InboundMessage.request_id).where(InboundMessage.id == message_id)
        )


@contextmanager
def message_scope(db: Database, message_id: int) -> Iterator[None]:
    """Every line logged while a message is worked on carries its id and, when it came in over
    HTTP, the request id it was stored with."""
    with bound(message_id=message_id, request_id=_request_id_of(db, message_id)):
        yield


def log_decision(ctx: Context, *, links: int, started: float, outcome: str = "decided") -> None:
    understanding = ctx.understanding
    decisions.info(
        "decision",
        extra={
            "channel": ctx.inbound.channel,
            "sender_domain": domain_of(ctx.inbound.sender),
            "sender_status": ctx.status.value,
            "verification": ctx.verification,
            "intents": list(understanding.intents) if understanding is not None else [],
            "action": ctx.action.value if ctx.action else None,
            "handoff": ctx.handoff,
            "handoff_reason": ctx.handoff_reason,
            "guards": [g["rule"] for g in ctx.guards if g["verdict"] == "hold"],
            "links": links,
            "replies": len(ctx.rendered),
            "outcome": outcome,
            "duration_ms": since(started),
        },
    )


def log_given_up(channel: str, sender: str, reason: str, outcome: str) -> None:
    """A message handed to AR without a decision (past its deadline, failing again and again)."""
    decisions.warning(
        "decision",
        extra={
            "channel": channel,
            "sender_domain": domain_of(sender),
            "action": "handoff",
            "handoff": True,
            "handoff_reason": reason,
            "outcome": outcome,
        },
    )


@contextmanager
def delivery_scope(db: Database, row: OutboundMessage, report: DeliveryReport) -> Iterator[None]:
    """Binds the outbox id, the message id and its request id around one delivery and logs its
    result (the ``report`` counter it moved) when it ends."""
    before = {f.name: getattr(report, f.name) for f in fields(report)}
    request_id = _request_id_of(db, row.inbound_message_id)
    started = time.monotonic()
    with bound(outbox_id=row.id, message_id=row.inbound_message_id, request_id=request_id):
        try:
            yield
        except BaseException:
            log_delivery(row, "error", started=started)
            raise
        moved = [name for name, count in before.items() if getattr(report, name) != count]
        log_delivery(row, moved[0] if moved else "error", started=started)


def log_delivery(row: OutboundMessage, result: str, *, started: float | None = None) -> None:
    extra: dict[str, Any] = {
        "channel": row.channel,
        "result": result,
        "attempt": row.attempts,
        "recipient_domain": domain_of(row.recipient),
    }
    if started is not None:
        extra["duration_ms"] = since(started)
    level = logging.INFO if result == "sent" else logging.WARNING
    deliveries.log(level, "delivery", extra=extra)
