"""Understand: the text of the request, read by ``intents`` (pure, no database) with the model in
use (``bot.intent_model``), helped by the invoice-number formats of the sender's accounts.

Understanding is a pure function of the text, so if it raises it will raise again: retrying is
pointless and the customer would wait for nothing. The request goes to AR at once instead, with
the failure (its type only: exception text may quote the message) in the decision record.
"""

from __future__ import annotations

import logging

import intents
from bot import failpoints, intent_model
from bot.context import Action, Context
from bot.resolve.matching import invoice_patterns

log = logging.getLogger(__name__)


def understand(ctx: Context) -> None:
    if ctx.understanding is not None:  # a person's corrected reading (bot.corrected)
        return
    failpoints.stall(ctx.inbound.subject)
    patterns: list[str] = []
    for contact in ctx.contacts:
        patterns.extend(invoice_patterns(ctx.db, contact.account_id))
    try:
        model = intent_model.active(ctx.settings)
        ctx.understanding = intents.understand(
            ctx.inbound.subject,
            ctx.inbound.text,
            ctx.inbound.received_at.date(),
            channel="email" if ctx.inbound.channel == "email" else "chat",
            invoice_patterns=tuple(dict.fromkeys(patterns)),
            nlp=model.nlp,
            thresholds=model.thresholds,
        )
    except Exception as error:  # RecursionError included: it is an Exception
        log.warning("understanding failed (%s): handed to AR", type(error).__name__)
        ctx.stop(
            Action.handoff, handoff=True, reason=f"understanding failed: {type(error).__name__}"
        )
