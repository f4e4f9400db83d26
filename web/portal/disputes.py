"""A dispute raised in the portal, handed to AR: stored as a hand-off and emailed to AR.

Both rows are written in one transaction (with the queue's entry: ``web.portal.invoices``), as
the email bot writes its hand-offs: the email is only in the outbox if the hand-off is stored,
and the worker delivers it. The email reads like the bot's hand-offs
(``mailers.compose_handoff``), with the reason ``dispute`` and the contact's comment and the
invoice number in its notes; Reply-To is the contact, so AR answers them directly.
"""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

import mailers
import mailers.outbox
from core.decisions import Decision, Sender, Understood
from core.models import Account, InboundMessage, InboundStatus, Invoice, OutboundMessage, utcnow
from core.request_index import index_decision
from web.extensions import app_settings
from web.visitor import Visitor


def hand_off_dispute(
    session: Session, visitor: Visitor, invoice: Invoice, comment: str
) -> tuple[InboundMessage, OutboundMessage]:
    """Store the dispute as a hand-off of the visitor's account, in AR's queue, and queue its
    email to AR; flushed, not committed."""
    settings = app_settings()
    now = utcnow()
    subject = f"Dispute: invoice {invoice.number}"
    account = session.get(Account, visitor.account_id)
    erp_id = account.erp_id if account else ""
    handoff = InboundMessage(
        account_id=visitor.account_id,
        channel="portal",
        dedupe_key=f"portal-dispute-{secrets.token_hex(12)}",
        received_at=now,
        sender=visitor.contact_email,
        subject=subject,
        raw=comment.encode(),
        status=InboundStatus.handed_off,
        contact_id=visitor.contact_id,
        decision=Decision(
            channel="portal",
            action="handoff",
            handoff=True,
            handoff_reason="dispute",
            understood=Understood(
                language=visitor.language or "",
                intents=("dispute",),
                confidence=(("dispute", 1.0),),
                invoice_numbers=(invoice.number,),
                po_numbers=(invoice.po_number,) if invoice.po_number else (),
            ),
            sender=Sender(
                email=visitor.contact_email,
                # The contact followed a link sent to their address on file.
                status="verified",
                verification="portal link",
                contact=visitor.contact_name,
                account=erp_id,
                role=visitor.role,
                accounts=(erp_id,),
            ),
            answers=({"type": "dispute", "invoice_id": invoice.id, "link_id": visitor.link_id},),
        ).record(),
    )
    session.add(handoff)
    session.flush()  # the hand-off's id, for the email's row and the queue's
    index_decision(session, handoff.id, handoff.decision)  # AR's queue and search terms
    request = mailers.HandoffRequest(
        sender=visitor.contact_email,
        # The contact followed a link sent to their address on file.
        status="verified",
        reason="dispute",
        subject=subject,
        sender_name=visitor.contact_name or None,
        contact=visitor.contact_name,
        account=visitor.account_name,
        role=visitor.role,
        language=visitor.language,
        intents=(("dispute", 1.0),),
        invoice_refs=(invoice.number,),
        po_refs=(invoice.po_number,) if invoice.po_number else (),
        received_at=now,
        notes=(
            f"Raised in the portal on invoice {invoice.number}.",
            f"The contact's comment: {comment}",
        ),
    )
    to = settings.handoff_address
    message = mailers.compose_handoff(
        request,
        None,
        brand=mailers.load_brand(settings),
        from_address=settings.sender_address,
        ar_address=to,
        now=now,
    )
    email = mailers.queue_email(
        session, message, account_id=visitor.account_id, recipient=to,
        inbound_message_id=handoff.id,
    )  # fmt: skip
    return handoff, email
