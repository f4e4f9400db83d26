"""A hand-off's thread: the messages worked as one request (the hand-off's own, the customer's
follow-ups in its thread, duplicates merged into it) and the Message-IDs that name them.

A customer's follow-up is attached when its In-Reply-To / References name any of those ids —
the request's own Message-ID, a follow-up's, or that of any email ardesk sent for them (a
reply, an acknowledgement, a person's answer; read from the outbox). Only open hand-offs of the
sender's own accounts are looked at: someone who knows a Message-ID cannot attach to another
account's request. Email only: a chat message names no Message-ID.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from email.parser import BytesHeaderParser
from email.utils import unquote

from sqlalchemy import select, update
from sqlalchemy.orm import Session, undefer

from core.models import (
    Handoff,
    HandoffMember,
    InboundMessage,
    MemberKind,
    OutboundMessage,
    utcnow,
)

# An account has a handful of open hand-offs; the newest of these are looked at.
MAX_OPEN = 100


def members(session: Session, handoff_id: int) -> list[tuple[HandoffMember, InboundMessage]]:
    """The messages attached to (or merged into) a hand-off, oldest first."""
    return [
        (member, message)
        for member, message in session.execute(
            select(HandoffMember, InboundMessage)
            .join(InboundMessage, InboundMessage.id == HandoffMember.inbound_message_id)
            .where(HandoffMember.handoff_id == handoff_id)
            .options(undefer(InboundMessage.raw))
            .order_by(InboundMessage.received_at, InboundMessage.id)
        )
    ]


def latest_inputs(session: Session, handoff_ids: Collection[int]) -> dict[int, InboundMessage]:
    """The last message each hand-off got from the customer after it (for the queue's mark)."""
    latest: dict[int, InboundMessage] = {}
    if handoff_ids:
        for handoff_id, message in session.execute(
            select(HandoffMember.handoff_id, InboundMessage)
            .join(InboundMessage, InboundMessage.id == HandoffMember.inbound_message_id)
            .where(HandoffMember.handoff_id.in_(list(handoff_ids)))
            .options(undefer(InboundMessage.raw))
            .order_by(InboundMessage.received_at, InboundMessage.id)
        ):
            latest[handoff_id] = message
    return latest


def _message_id(payload: bytes | None) -> str | None:
    if not payload:
        return None
    value = BytesHeaderParser().parsebytes(payload).get("Message-ID")
    return f"<{unquote(str(value).strip()).strip('<>')}>" if value else None


def thread_ids(
    session: Session, handoff_ids: Collection[int], *, sent: bool = True
) -> dict[int, set[str]]:
    """Each hand-off's Message-IDs: its messages' own and, with ``sent``, those of the emails
    sent for them (read from the stored emails' headers)."""
    owner = {ident: ident for ident in handoff_ids}
    for message_id, handoff_id in session.execute(
        select(HandoffMember.inbound_message_id, HandoffMember.handoff_id).where(
            HandoffMember.handoff_id.in_(list(handoff_ids))
        )
    ):
        owner[message_id] = handoff_id
    found: dict[int, set[str]] = {ident: set() for ident in handoff_ids}
    if not owner:
        return found
    for ident, channel, key in session.execute(
        select(InboundMessage.id, InboundMessage.channel, InboundMessage.dedupe_key).where(
            InboundMessage.id.in_(list(owner))
        )
    ):
        if channel == "email" and key.startswith("<"):
            found[owner[ident]].add(key)
    if not sent:
        return found
    for ident, payload in session.execute(
        select(OutboundMessage.inbound_message_id, OutboundMessage.payload).where(
            OutboundMessage.inbound_message_id.in_(list(owner)),
            OutboundMessage.channel == "email",
            OutboundMessage.redacted_at.is_(None),
        )
    ):
        sent = _message_id(payload)
        if sent:
            found[owner[ident]].add(sent)
    return found


def open_handoff_in_thread(
    session: Session, named: Iterable[str], account_ids: Collection[int]
) -> int | None:
    """The open hand-off of one of ``account_ids`` whose thread ``named`` points into."""
    wanted = {value for value in named if value}
    if not wanted or not account_ids:
        return None
    open_ids = list(
        session.scalars(
            select(Handoff.inbound_message_id)
            .join(InboundMessage, InboundMessage.id == Handoff.inbound_message_id)
            .where(Handoff.resolution.is_(None), InboundMessage.account_id.in_(list(account_ids)))
            .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
            .limit(MAX_OPEN)
        )
    )
    # Most clients name the request itself in References: found without reading any email sent.
    for sent in (False, True):
        ids = thread_ids(session, open_ids, sent=sent)
        found = next((ident for ident in open_ids if ids[ident] & wanted), None)
        if found is not None:
            return found
    return None


def attach(session: Session, message_id: int, handoff_id: int, kind: MemberKind) -> None:
    """Work ``message_id`` as part of ``handoff_id``'s hand-off; the queue shows new input."""
    now = utcnow()
    # Whatever was attached to the message moves along with it (a merged duplicate's follow-ups).
    session.execute(
        update(HandoffMember)
        .where(HandoffMember.handoff_id == message_id)
        .values(handoff_id=handoff_id)
        .execution_options(synchronize_session=False)
    )
    # Decided again (a person corrected its reading): the one row is updated, not doubled.
    member = session.get(HandoffMember, message_id)
    if member is None:
        session.add(HandoffMember(inbound_message_id=message_id, handoff_id=handoff_id, kind=kind,
                                  at=now))  # fmt: skip
    else:
        member.handoff_id, member.kind = handoff_id, kind
    session.execute(
        update(Handoff)
        .where(Handoff.inbound_message_id == handoff_id)
        .values(new_input_at=now)
        .execution_options(synchronize_session=False)
    )
