"""The decision record: what each step decided, stored with the inbound message, printed by
`ardesk handle-eml --json`, shown in the AR console. Plain JSON values only."""

from __future__ import annotations

from typing import Any

from bot.context import Context
from core.plain import plain


def decision_record(ctx: Context, links: list[dict[str, Any]]) -> dict[str, Any]:
    first = ctx.contacts[0] if ctx.contacts else None
    replies = [
        {
            "to": r.recipient,
            "subject": r.subject,
            "text": r.text,
            "account": r.account,
            "language": r.language,
        }
        for r in ctx.rendered
    ]
    return {
        "message_id": ctx.inbound.message_id or ctx.inbound.dedupe_key,
        "channel": ctx.inbound.channel,
        "sender": {
            "email": ctx.inbound.sender,
            "status": ctx.status.value,
            "verification": ctx.verification,
            "contact": first.name if first else None,
            "account": first.account_erp_id if first else None,
            "role": first.role if first else None,
            "accounts": [c.account_erp_id for c in ctx.contacts],
        },
        "guards": ctx.guards,
        "understanding": ctx.understanding.to_dict() if ctx.understanding else None,
        "action": (ctx.action.value if ctx.action else None),
        "handoff": ctx.handoff,
        "handoff_reason": ctx.handoff_reason,
        "answers": [
            {"account": _erp(ctx, account_id), **plain(answer)}
            for account_id, answers in ctx.answers.items()
            for answer in answers
        ],
        "links": links,
        "reply": replies[0] if replies else None,
        "replies": replies,
        "attachments": [
            {"name": a.name, "type": a.content_type, "size": a.size}
            for a in ctx.inbound.attachments
        ],
        "parse_problem": ctx.inbound.parse_problem,
    }


def _erp(ctx: Context, account_id: int) -> str | None:
    for contact in ctx.contacts:
        if contact.account_id == account_id:
            return contact.account_erp_id
    return None
