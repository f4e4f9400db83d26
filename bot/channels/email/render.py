"""Email rendering of replies: MIME built by ``mailers``, threaded to the request."""

from __future__ import annotations

import mailers
from bot.channels import OutboxEntry
from bot.context import ContactRef, Context
from bot.handoff import email_entry
from core.answers import Reply


def reply(
    ctx: Context, answer: Reply, *, contact: ContactRef | None, account_id: int
) -> OutboxEntry:
    inbound = ctx.inbound
    # The address on file; a stranger at a customer's domain is told how to get access.
    recipient = contact.email if contact else inbound.sender
    references = [*inbound.references, *([inbound.message_id] if inbound.message_id else [])]
    message = mailers.compose_reply(
        answer,
        brand=mailers.load_brand(ctx.settings),
        from_address=ctx.settings.sender_address,
        to_address=recipient,
        in_reply_to=inbound.message_id,
        references=references,
        subject=inbound.subject,
        now=ctx.now,
    )
    return email_entry(
        message,
        recipient=recipient,
        account_id=account_id,
        account=contact.account_erp_id if contact else None,
        language=answer.language,
        kind="reply",
    )
