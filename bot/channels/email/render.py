"""Email rendering of replies and hand-offs: MIME built by ``mailers``, threaded to the request."""

from __future__ import annotations

from typing import Any

import mailers
import mailers.outbox
from bot.context import Context
from core.answers import Reply


def _entry(ctx, message, *, recipient: str, account_id, account, language, kind) -> dict[str, Any]:
    body = message.get_body(preferencelist=("plain",))
    return {
        "channel": "email",
        "kind": kind,
        "to": recipient,
        "subject": str(message["Subject"]),
        "text": body.get_content() if body is not None else "",
        "payload": mailers.message_bytes(message),
        "account_id": account_id,
        "account": account,
        "language": language,
    }


def reply(ctx: Context, answer: Reply, *, recipient: str, account_id: int) -> dict[str, Any]:
    inbound = ctx.inbound
    references = [*inbound.references, *([inbound.message_id] if inbound.message_id else [])]
    message = mailers.compose_reply(
        answer,
        brand=mailers.load_brand(ctx.settings),
        from_address=ctx.settings.sender_address,
        to_address=recipient,
        in_reply_to=inbound.message_id,
        references=references,
        subject=inbound.subject,
        now=ctx.now,
    )
    account = next((c.account_erp_id for c in ctx.contacts if c.account_id == account_id), None)
    return _entry(
        ctx,
        message,
        recipient=recipient,
        account_id=account_id,
        account=account,
        language=answer.language,
        kind="reply",
    )


def handoff_request(ctx: Context) -> mailers.HandoffRequest:
    """The parsed request, on top of the original, for the person in AR who takes it over."""
    understood = ctx.understanding
    first = ctx.contacts[0] if ctx.contacts else None
    notes = [f"Sender check: {ctx.verification}"] if ctx.verification else []
    notes += [f"Also a contact of {c.account_erp_id} ({c.account_name})" for c in ctx.contacts[1:]]
    if ctx.action is not None and ctx.action.value == "reply":
        notes.append("ardesk replied to the customer as well.")
    return mailers.HandoffRequest(
        sender=ctx.inbound.sender,
        status=ctx.status.value,
        reason=ctx.handoff_reason or "needs_human",
        subject=ctx.inbound.subject,
        sender_name=ctx.inbound.sender_name or None,
        contact=first.name if first else None,
        account=f"{first.account_erp_id} ({first.account_name})" if first else None,
        role=first.role if first else None,
        language=understood.language if understood else None,
        intents=tuple(sorted(understood.confidence.items(), key=lambda item: -item[1])[:3])
        if understood
        else (),
        invoice_refs=tuple(understood.invoice_numbers) if understood else (),
        po_refs=tuple(understood.po_numbers) if understood else (),
        period=(
            f"{understood.period.start} – {understood.period.end}"
            if understood and understood.period
            else None
        ),
        message_id=ctx.inbound.message_id,
        received_at=ctx.inbound.received_at,
        notes=tuple(notes),
    )


def handoff(ctx: Context) -> dict[str, Any]:
    to = ctx.settings.handoff_address
    message = mailers.compose_handoff(
        handoff_request(ctx),
        ctx.inbound.raw,
        brand=mailers.load_brand(ctx.settings),
        from_address=ctx.settings.sender_address,
        ar_address=to,
        now=ctx.now,
    )
    first = ctx.contacts[0] if ctx.contacts else None
    return _entry(
        ctx,
        message,
        recipient=to,
        account_id=first.account_id if first else None,
        account=first.account_erp_id if first else None,
        language="en",
        kind="handoff",
    )
