"""Requests per chat user: the per-sender reply limit counts addresses, and a chat user has none
in the outbox, so their requests of the last hour are counted in the inbox instead."""

from datetime import timedelta

from sqlalchemy import func, select

from bot.context import Context
from bot.guards import Rule
from core.models import InboundMessage

WINDOW = timedelta(hours=1)


def _check(ctx: Context) -> str | None:
    if ctx.inbound.chat is None:
        return None
    limit = ctx.settings.replies_per_sender_hour
    with ctx.db.admin_session() as session:
        asked = session.scalar(
            select(func.count()).where(
                InboundMessage.channel == ctx.inbound.channel,
                InboundMessage.sender == ctx.inbound.sender,
                InboundMessage.received_at >= ctx.now - WINDOW,
                InboundMessage.received_at < ctx.inbound.received_at,
            )
        )
    return (
        f"{asked} requests from this chat user in the last hour (limit {limit})"
        if asked >= limit
        else None
    )


CHAT_USER_RATE = Rule("chat_user_rate_limit", _check)
