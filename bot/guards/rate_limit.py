"""Reply rate limits per sender and per account: a loop with a misbehaving mailbox, or a flood,
must not turn ardesk into a mail cannon. Counted from the outbox, so they hold across workers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, or_, select

from bot.context import Context
from bot.guards import Rule
from core.models import OutboundMessage

WINDOW = timedelta(hours=1)


def _recent(ctx: Context) -> dict[str, int]:
    """Replies of the last hour to the sender and to each of the sender's accounts, counted in
    one query that both rules share."""
    if "recent_replies" not in ctx.memo:
        accounts = [c.account_id for c in ctx.contacts]
        recent = OutboundMessage.created_at >= ctx.now - WINDOW
        columns = [
            func.count().filter(OutboundMessage.recipient == ctx.contacts[0].email),
            *(func.count().filter(OutboundMessage.account_id == a) for a in accounts),
        ]
        with ctx.db.admin_session() as session:
            counts = session.execute(
                select(*columns).where(
                    recent,
                    or_(
                        OutboundMessage.recipient == ctx.contacts[0].email,
                        OutboundMessage.account_id.in_(accounts),
                    ),
                )
            ).one()
        ctx.memo["recent_replies"] = {
            "sender": counts[0],
            **{str(a): n for a, n in zip(accounts, counts[1:], strict=True)},
        }
    return ctx.memo["recent_replies"]


def _sender(ctx: Context) -> str | None:
    if not ctx.contacts:
        return None
    limit = ctx.settings.replies_per_sender_hour
    sent = _recent(ctx)["sender"]
    return (
        f"{sent} replies to this sender in the last hour (limit {limit})" if sent >= limit else None
    )


def _account(ctx: Context) -> str | None:
    if not ctx.contacts:
        return None
    limit = ctx.settings.replies_per_account_hour
    for contact in ctx.contacts:
        sent = _recent(ctx)[str(contact.account_id)]
        if sent >= limit:
            return f"{sent} replies to account {contact.account_erp_id} in the last hour"
    return None


SENDER_RATE = Rule("sender_rate_limit", _sender)
ACCOUNT_RATE = Rule("account_rate_limit", _account)
