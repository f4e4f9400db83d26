"""Understand: the text of the request, read by ``intents`` (pure, no database), helped by the
invoice-number formats of the sender's accounts."""

from __future__ import annotations

import intents
from bot.context import Context
from bot.resolve.matching import invoice_patterns


def understand(ctx: Context) -> None:
    if ctx.understanding is not None:  # a person's corrected reading (bot.corrected)
        return
    patterns: list[str] = []
    for contact in ctx.contacts:
        patterns.extend(invoice_patterns(ctx.db, contact.account_id))
    ctx.understanding = intents.understand(
        ctx.inbound.subject,
        ctx.inbound.text,
        ctx.inbound.received_at.date(),
        channel="email" if ctx.inbound.channel == "email" else "chat",
        invoice_patterns=tuple(dict.fromkeys(patterns)),
    )
