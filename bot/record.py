"""The decision record of one pipeline run: the context, as the one typed record
(``core.decisions.Decision``) that every writer stores and every reader reads back."""

from __future__ import annotations

from typing import Any

from bot.context import Context
from core.decisions import (
    AttachmentSeen,
    Decision,
    GuardVerdict,
    IssuedLink,
    Reply,
    Sender,
    Understood,
)
from core.plain import plain


def decision_of(ctx: Context, links: list[dict[str, Any]]) -> Decision:
    first = ctx.contacts[0] if ctx.contacts else None
    return Decision(
        message_id=ctx.inbound.message_id or ctx.inbound.dedupe_key,
        channel=ctx.inbound.channel,
        sender=Sender(
            email=ctx.inbound.sender,
            status=ctx.status.value,
            verification=ctx.verification,
            contact=first.name if first else "",
            account=first.account_erp_id if first else "",
            role=first.role if first else "",
            accounts=tuple(c.account_erp_id for c in ctx.contacts),
        ),
        guards=tuple(GuardVerdict(g["rule"], g["verdict"], g["reason"]) for g in ctx.guards),
        understood=Understood.of(ctx.understanding) if ctx.understanding else None,
        action=ctx.action.value if ctx.action else "",
        handoff=ctx.handoff,
        handoff_reason=ctx.handoff_reason or "",
        attached_to=ctx.attached_to,
        answers=tuple(
            {"account": _erp(ctx, account_id), **plain(answer)}
            for account_id, answers in ctx.answers.items()
            for answer in answers
        ),
        links=tuple(IssuedLink(**link) for link in links),
        replies=tuple(
            Reply(
                to=r.recipient,
                subject=r.subject,
                text=r.text,
                account=r.account or "",
                language=r.language,
            )
            for r in ctx.rendered
        ),
        attachments=tuple(
            AttachmentSeen(a.name, a.content_type, a.size) for a in ctx.inbound.attachments
        ),
        parse_problem=ctx.inbound.parse_problem or "",
        dry_run=ctx.dry_run,
    )


def decision_record(ctx: Context, links: list[dict[str, Any]]) -> dict[str, Any]:
    return decision_of(ctx, links).record()


def _erp(ctx: Context, account_id: int) -> str | None:
    for contact in ctx.contacts:
        if contact.account_id == account_id:
            return contact.account_erp_id
    return None
