"""Resolve: answers per intent from the sender's own account, within the role's permissions.

Channel-neutral: resolvers read through the account-scoped session (row-level security on
PostgreSQL) and return ``core.answers`` values; nothing here knows which channel asked.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.context import Action, Context, SenderStatus
from bot.resolve import balance, dispute, invoice_copy, payment_status, statement
from bot.resolve.issuer import LinkIssuer
from core.answers import AccessInstructions, Answer, EInvoiceUnavailable, HandedOff, NotPermitted

Resolver = Callable[..., list[Answer]]

# Which resolver answers an intent, and the permission the contact's role needs for it.
# Anyone may raise a dispute: it only reaches AR, with a link the role may see.
RESOLVERS: dict[str, tuple[Resolver, str | None]] = {
    "invoice_copy": (invoice_copy.resolve, "view_invoices"),
    "statement": (statement.resolve, "view_statements"),
    "balance": (balance.resolve, "view_invoices"),
    "payment_status": (payment_status.resolve, "view_payments"),
    "dispute": (dispute.resolve, None),
}


def _acknowledge_handoffs(ctx: Context) -> bool:
    return ctx.settings.handoff_ack


def resolve(ctx: Context, issuer: LinkIssuer) -> None:
    if ctx.status is SenderStatus.unknown:
        if ctx.domain_account is not None:
            account_id, domain = ctx.domain_account
            ctx.answers[account_id] = [AccessInstructions(domain)]
            ctx.hand_off("unknown sender at a customer's domain")
            ctx.stop(Action.reply)
        else:
            ctx.stop(Action.handoff, handoff=True, reason="unknown sender")
        return
    if ctx.status is SenderStatus.unverified:
        for contact in ctx.contacts:
            ctx.answers[contact.account_id] = [HandedOff("unverified")]
        ctx.stop(Action.reply, handoff=True, reason="sender failed authentication")
        return

    understanding = ctx.understanding
    wanted = [i for i in understanding.intents if i in RESOLVERS]
    if understanding.needs_human or not wanted:
        reason = "needs a person" if understanding.needs_human else "not an answerable request"
        if _acknowledge_handoffs(ctx):
            for contact in ctx.contacts:
                ctx.answers[contact.account_id] = [HandedOff("needs_human")]
            ctx.stop(Action.reply, handoff=True, reason=reason)
        else:
            ctx.stop(Action.handoff, handoff=True, reason=reason)
        return

    for contact in ctx.contacts:  # each account answered on its own, never merged
        answers: list[Answer] = []
        with ctx.db.account_scope(contact.account_id) as session:
            for intent in wanted:
                resolver, permission = RESOLVERS[intent]
                if permission and permission not in contact.permissions:
                    answers.append(NotPermitted(permission))
                    ctx.hand_off(f"role {contact.role} may not {permission}")
                    continue
                given = resolver(session, contact, understanding, issuer)
                answers.extend(given)
                if intent == "dispute":
                    ctx.hand_off("dispute")
                if any(isinstance(answer, EInvoiceUnavailable) for answer in given):
                    ctx.hand_off("e-invoice lacks required details")
        ctx.answers[contact.account_id] = answers
    ctx.action = Action.reply
