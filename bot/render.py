"""Render: the answers for each account become one reply in the request's language, and a
hand-off becomes a message to AR. The channel decides the wire format; the recipient is always
the identity on file, never a Reply-To."""

from __future__ import annotations

from bot.channels import channel_for
from bot.context import Action, Context, pick_language
from bot.handoff import handoff
from bot.resolve.issuer import LinkIssuer
from core.answers import AccessInstructions, Reply


def reply_language(ctx: Context, preferred: str | None) -> str:
    return pick_language(ctx.understanding.language if ctx.understanding else None, preferred)


def render(ctx: Context, issuer: LinkIssuer) -> None:
    channel = channel_for(ctx.inbound.channel)
    if ctx.action is Action.reply and ctx.answers:
        ttl_hours = int(issuer.ttl.total_seconds() // 3600)
        for account_id, answers in ctx.answers.items():
            contact = next((c for c in ctx.contacts if c.account_id == account_id), None)
            if contact is None and not all(isinstance(a, AccessInstructions) for a in answers):
                continue  # data only ever goes to a contact on file
            reply = Reply(
                language=reply_language(ctx, contact.language if contact else None),
                recipient_name=contact.name if contact else None,
                account_name=contact.account_name if contact else None,
                answers=tuple(answers),
                link_ttl_hours=ttl_hours if issuer.issued else None,
            )
            ctx.rendered.append(channel.reply(ctx, reply, contact=contact, account_id=account_id))
    elif ctx.attached_to is not None:
        pass  # a follow-up: the person working the hand-off answers, the bot says nothing
    elif ctx.action in (Action.reply, Action.handoff):  # nothing to answer with, or AR answers
        told = channel.unanswered(ctx)
        if told is not None:
            ctx.rendered.append(told)
    if ctx.handoff or ctx.action is Action.handoff:
        ctx.rendered.append(handoff(ctx))
