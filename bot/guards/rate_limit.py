"""Reply rate limits per sender and per account: a loop with a misbehaving mailbox, or a flood,
must not turn ardesk into a mail cannon. Counted from the outbox, so they hold across workers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.context import Context
from bot.guards import Rule
from core.models import OutboundMessage

WINDOW = timedelta(hours=1)


def _limit(ctx: Context, name: str, default: int) -> int:
    return int(ctx.settings.get(name) or default)


def _count(ctx: Context, *criteria) -> int:
    with ctx.db.admin_session() as session:
        return session.scalar(
            select(func.count())
            .select_from(OutboundMessage)
            .where(OutboundMessage.created_at >= ctx.now - WINDOW, *criteria)
        )


def _sender(ctx: Context) -> str | None:
    if not ctx.contacts:
        return None
    limit = _limit(ctx, "REPLIES_PER_SENDER_HOUR", 20)
    sent = _count(ctx, OutboundMessage.recipient == ctx.contacts[0].email)
    return (
        f"{sent} replies to this sender in the last hour (limit {limit})" if sent >= limit else None
    )


def _account(ctx: Context) -> str | None:
    limit = _limit(ctx, "REPLIES_PER_ACCOUNT_HOUR", 200)
    for contact in ctx.contacts:
        sent = _count(ctx, OutboundMessage.account_id == contact.account_id)
        if sent >= limit:
            return f"{sent} replies to account {contact.account_erp_id} in the last hour"
    return None


SENDER_RATE = Rule("sender_rate_limit", _sender)
ACCOUNT_RATE = Rule("account_rate_limit", _account)
