"""A customer's follow-up in the thread of their open hand-off: attached to it, not a new
request. The person working the hand-off answers it, so the bot sends nothing to the customer;
AR's mailbox still gets the follow-up (marked as one) with the original attached.

Only a verified sender's email is attached, and only to an open hand-off of the sender's own
accounts (``core.handoff_threads``): a Message-ID alone proves nothing. A follow-up to a
hand-off already answered, closed or merged is a new request, as any other.
"""

from __future__ import annotations

from bot.context import Action, Context, SenderStatus
from bot.resolve.issuer import LinkIssuer
from core.handoff_threads import open_handoff_in_thread
from core.models import Handoff


def attach_follow_up(ctx: Context, issuer: LinkIssuer) -> None:
    inbound = ctx.inbound
    if inbound.channel != "email" or ctx.status is not SenderStatus.verified:
        return
    own = issuer.inbound_message_id
    if own is not None and issuer.session.get(Handoff, own) is not None:
        return  # a hand-off decided again (a person corrected it) stays a request of its own
    named = (inbound.in_reply_to, *inbound.references)
    accounts = {contact.account_id for contact in ctx.contacts}
    found = open_handoff_in_thread(issuer.session, [n for n in named if n], accounts)
    if found is not None:
        ctx.attached_to = found
        ctx.stop(Action.handoff, handoff=True, reason=f"follow-up to request {found}")
