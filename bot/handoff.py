"""Hand-offs: whatever channel a request came by, AR gets it by email, the parsed request on top.

An email request travels with its original attached; a chat request's text is quoted instead
(AR has no reader for a platform's JSON).
"""

from __future__ import annotations

import mailers
from bot.channels import OutboxEntry, channel_for
from bot.context import Action, Context


def handoff_request(ctx: Context) -> mailers.HandoffRequest:
    """The parsed request, on top of the original, for the person in AR who takes it over."""
    understood = ctx.understanding
    inbound = ctx.inbound
    first = ctx.contacts[0] if ctx.contacts else None
    notes = [f"Sender check: {ctx.verification}"] if ctx.verification else []
    notes += [f"Also a contact of {c.account_erp_id} ({c.account_name})" for c in ctx.contacts[1:]]
    if ctx.action is Action.reply:
        notes.append("ardesk replied to the customer as well.")
    chat = inbound.chat
    if chat is not None:
        notes.append(f"Asked in {inbound.channel} by user {chat.user}: {inbound.text}")
    return mailers.HandoffRequest(
        # AR answers the customer by mail: a chat user's address is the one on file, if any.
        sender=inbound.sender if chat is None else (first.email if first else ""),
        status=ctx.status.value,
        reason=ctx.handoff_reason or "needs_human",
        subject=inbound.subject,
        sender_name=inbound.sender_name or None,
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
        message_id=inbound.message_id,
        received_at=inbound.received_at,
        notes=tuple(notes),
    )


def email_entry(message, *, recipient: str, account_id, account, language, kind) -> OutboxEntry:
    body = message.get_body(preferencelist=("plain",))
    return OutboxEntry(
        channel="email",
        kind=kind,
        recipient=recipient,
        subject=str(message["Subject"]),
        text=body.get_content() if body is not None else "",
        payload=mailers.message_bytes(message),
        account_id=account_id,
        account=account,
        language=language,
    )


def handoff(ctx: Context) -> OutboxEntry:
    to = ctx.settings.handoff_address
    message = mailers.compose_handoff(
        handoff_request(ctx),
        channel_for(ctx.inbound.channel).original(ctx.inbound),
        brand=mailers.load_brand(ctx.settings),
        from_address=ctx.settings.sender_address,
        ar_address=to,
        now=ctx.now,
    )
    first = ctx.contacts[0] if ctx.contacts else None
    return email_entry(
        message,
        recipient=to,
        account_id=first.account_id if first else None,
        account=first.account_erp_id if first else None,
        language="en",
        kind="handoff",
    )
