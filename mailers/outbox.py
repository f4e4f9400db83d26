"""Putting composed email in the outbox, in the caller's transaction.

Nothing is sent here: the worker delivers pending rows (``mailers.smtp``), so a crash between
deciding and sending never loses a reply, and a rollback never leaves one behind.
"""

from __future__ import annotations

from email import policy
from email.generator import BytesGenerator
from email.message import EmailMessage
from io import BytesIO

from sqlalchemy.orm import Session

from core.config import Settings
from core.links import IssuedLink
from core.models import Contact, OutboundMessage, OutboundStatus, utcnow
from mailers.brand import Brand, load_brand
from mailers.compose import compose_link_email
from mailers.i18n import choose_language

EMAIL_CHANNEL = "email"


class _VerbatimBytesGenerator(BytesGenerator):
    """A generator that writes an attached original (a message/rfc822 part kept as the original
    bytes, see ``mailers.handoff.original_part``) back as exactly those bytes, 8-bit ones too."""

    def _encode(self, s: str) -> bytes:
        return s.encode("ascii", "surrogateescape")


def message_bytes(message: EmailMessage) -> bytes:
    """The RFC 5322 bytes as they go on the wire: CRLF line endings, folded headers.

    Use this rather than ``as_bytes()``: it also serialises hand-offs whose attached original
    has 8-bit bytes.
    """
    buffer = BytesIO()
    _VerbatimBytesGenerator(buffer, policy=policy.SMTP).flatten(message)
    return buffer.getvalue()


def queue_email(
    session: Session,
    message: EmailMessage,
    *,
    account_id: int | None,
    recipient: str,
    inbound_message_id: int | None = None,
) -> OutboundMessage:
    """A pending outbox row holding ``message``; flushed, not committed (the caller commits)."""
    now = utcnow()
    row = OutboundMessage(
        account_id=account_id,
        inbound_message_id=inbound_message_id,
        channel=EMAIL_CHANNEL,
        recipient=recipient,
        subject=str(message.get("Subject", "")),
        payload=message_bytes(message),
        status=OutboundStatus.pending,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def queue_link_email(
    session: Session,
    settings: Settings,
    contact: Contact,
    link: IssuedLink,
    purpose: str,
    language: str | None = None,
    *,
    brand: Brand | None = None,
) -> OutboundMessage:
    """Compose the email carrying ``link`` to the contact's address on file, and queue it.

    Language: the given one, else the contact's preferred, else English.
    """
    message = compose_link_email(
        contact.name,
        choose_language(language, contact.language),
        link,
        purpose,
        brand=brand or load_brand(settings),
        from_address=settings.sender_address,
        to_address=contact.email,
    )
    return queue_email(session, message, account_id=contact.account_id, recipient=contact.email)
