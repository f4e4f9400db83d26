"""Running a raw message through the bot the way the worker does, for the scenarios."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import undefer

from bot.channels.email.parse import parse_email
from bot.process import decide
from bot.store import claim_one, store
from core.models import OutboundMessage


def handle(db, raw: bytes) -> dict:
    inbound = parse_email(raw)
    message_id, created = store(db, inbound)
    assert created
    assert claim_one(db, message_id)
    return decide(db, db.settings, inbound, inbound_id=message_id)


def outbox(db) -> list[tuple[OutboundMessage, EmailMessage]]:
    with db.admin_session() as s:
        rows = s.scalars(
            select(OutboundMessage)
            .options(undefer(OutboundMessage.payload))
            .order_by(OutboundMessage.id)
        ).all()
    return [(row, email.message_from_bytes(row.payload, policy=policy.default)) for row in rows]


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def with_headers(raw: bytes, **headers: str) -> bytes:
    """The same message with some headers replaced (From="…", Message_ID="…")."""
    message = email.message_from_bytes(raw, policy=policy.default)
    for name, value in headers.items():
        header = name.replace("_", "-")
        del message[header]
        message[header] = value
    return message.as_bytes()
