"""Resolve: answers per intent from the sender's own account, within the role's permissions.

Channel-neutral: resolvers read through the account-scoped session (row-level security on
PostgreSQL) and return ``core.answers`` values; nothing here knows which channel asked.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.channels import channel_for
from bot.context import Action, Context, SenderStatus
from bot.resolve import balance, dispute, invoice_copy, payment_status, statement
from bot.resolve.confirm import confirm_candidates, numbers_only_in_attachment
from bot.resolve.issuer import LinkIssuer
from core.answers import AccessInstructions, Answer, EInvoiceUnavailable, HandedOff, NotPermitted
from core.config_processes import BOT_INTENTS
from core.permissions import Surface, allows, missing

Resolver = Callable[..., list[Answer]]

#: Hand-off reason: the reply points at documents of the thread ("that one") among several.
THREAD_AMBIGUOUS = "points at documents in the thread without saying which"

# Which resolver answers an intent, and the surface (core.permissions) its answer shows.
# Anyone may send a dispute: a customer must be able to complain. It only reaches AR, and the
# acknowledgement carries a link only where the role may open it.
RESOLVERS: dict[str, tuple[Resolver, Surface | None]] = {
    "invoice_copy": (invoice_copy.resolve, Surface.invoice_page),
    "statement": (statement.resolve, Surface.statement_page),
    "balance": (balance.resolve, Surface.aging),
    "payment_status": (payment_status.resolve, Surface.payment_facts),
    "dispute": (dispute.resolve, None),
}


assert set(RESOLVERS) == set(BOT_INTENTS), "ARDESK_AUTO_ANSWER_INTENTS names what resolves"


def _acknowledge_handoffs(ctx: Context) -> bool:
    return ctx.settings.handoff_ack


def _to_a_person(ctx: Context, reason: str) -> None:
    """The request goes to the queue, the sender told so where ``ARDESK_HANDOFF_ACK`` says."""
    if _acknowledge_handoffs(ctx):
        for contact in ctx.contacts:
            ctx.answers[contact.account_id] = [HandedOff("needs_human")]
        ctx.stop(Action.reply, handoff=True, reason=reason)
    else:
        ctx.stop(Action.handoff, handoff=True, reason=reason)


def resolve(ctx: Context, issuer: LinkIssuer) -> None:
    if ctx.status is SenderStatus.unknown:
        if ctx.domain_account is not None:
            account_id, domain = ctx.domain_account
            ctx.answers[account_id] = [AccessInstructions(domain)]
            ctx.hand_off("unknown sender at a customer's domain")
            ctx.stop(Action.reply)
        elif channel_for(ctx.inbound.channel).strangers_to_ar:
            ctx.stop(Action.handoff, handoff=True, reason="unknown sender")
        else:  # the channel's help message, and AR is not asked (``Channel.strangers_to_ar``)
            ctx.stop(Action.reply, handoff=False)
        return
    if ctx.status is SenderStatus.unverified:
        for contact in ctx.contacts:
            ctx.answers[contact.account_id] = [HandedOff("unverified")]
        ctx.stop(Action.reply, handoff=True, reason="sender failed authentication")
        return

    understanding = ctx.understanding
    wanted = [i for i in understanding.intents if i in RESOLVERS]
    if understanding.needs_human or not wanted:
        reason = (
            THREAD_AMBIGUOUS
            if understanding.thread_ambiguous
            else "needs a person"
            if understanding.needs_human
            else "not an answerable request"
        )
        _to_a_person(ctx, reason)
        return
    # Intents AR chose to answer themselves: the whole request waits for a person, so the
    # customer gets one answer rather than half of one from the bot.
    held = [intent for intent in wanted if intent not in ctx.settings.auto_answer_intents]
    if held:
        _to_a_person(ctx, f"not answered automatically: {', '.join(held)}")
        return

    for contact in ctx.contacts:  # each account answered on its own, never merged
        answers: list[Answer] = []
        with ctx.db.account_scope(contact.account_id) as session:
            understanding = confirm_candidates(session, contact.account_id, ctx.understanding)
            if numbers_only_in_attachment(understanding, wanted):
                # Never "not found" nor a guess: a person reads the attachment.
                ctx.stop(Action.handoff, handoff=True, reason="documents only in an attachment")
                return
            for intent in wanted:
                resolver, surface = RESOLVERS[intent]
                lacking = missing(contact.permissions, surface) if surface else None
                if lacking:
                    answers.append(NotPermitted(lacking))
                    ctx.hand_off(f"role {contact.role} may not {lacking}")
                    continue
                given = resolver(session, contact, understanding, issuer)
                answers.extend(given)
                if intent == "dispute":
                    if allows(contact.permissions, Surface.dispute_form):
                        ctx.hand_off("dispute")
                    else:
                        ctx.hand_off(f"dispute from role {contact.role} without raise_disputes")
                if any(isinstance(answer, EInvoiceUnavailable) for answer in given):
                    ctx.hand_off("e-invoice lacks required details")
        ctx.answers[contact.account_id] = answers
    ctx.action = Action.reply
