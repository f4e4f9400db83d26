"""The hand-off queue: requests that need a person, oldest first, and what a person does with
one — claim or assign it, note on it, answer it through the outbox, or close it with a reason.

Answering and closing set the hand-off's resolution with one conditional update, in the same
transaction that queues the reply: two agents pressing "Send" at once produce one reply, and a
crash before the commit produces none (the worker delivers the outbox, as for the bot).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import false, null, select, update
from sqlalchemy.orm import Session, aliased

import mailers
from bot.channels import channel_for
from core.config import Settings
from core.db import written_limit
from core.decisions import Decision
from core.handoff_state import UNRECORDED_STATES, AlreadyResolved, handoff, resolve
from core.handoff_threads import latest_inputs, members
from core.models import (
    Account,
    ARUser,
    Contact,
    Handoff,
    HandoffNote,
    InboundMessage,
    Resolution,
    utcnow,
)
from web.console.duplicates import record_answer
from web.console.raw import readable

DUE_SOON = timedelta(hours=1)
SNIPPET = 160  # characters of a follow-up shown in the queue


@dataclass(frozen=True)
class QueueItem:
    id: int
    received_at: datetime
    sender: str
    subject: str
    account_name: str | None
    assignee: str | None
    due_at: datetime
    new_input_at: datetime | None = None  # the customer wrote again since an agent looked
    new_input: str = ""  # the start of what they wrote

    def urgency(self, now: datetime) -> str:
        if now >= self.due_at:
            return "overdue"
        return "due_soon" if self.due_at - now <= DUE_SOON else "on_time"


def _columns(person):
    return select(
        InboundMessage.id,
        InboundMessage.received_at,
        InboundMessage.sender,
        InboundMessage.subject,
        Account.name,
        person.name,
    ).outerjoin(Account, Account.id == InboundMessage.account_id)


def queue(
    session: Session, settings: Settings, *, assignee: int | None = None, limit: int = 200
) -> list[QueueItem]:
    """Open hand-offs, oldest first; ``assignee`` 0 means unassigned ones only.

    Two selects merged here rather than an OR across an outer join: the open hand-off rows (a
    partial index holds only those: a few among every hand-off ever made), and failed messages
    that never got a row (their state's index). Either stays small beside a million messages.

    The limit is written into the SQL, not bound: psycopg prepares a statement run often, and
    PostgreSQL's generic plan for ``LIMIT $1`` guesses a tenth of the rows and walks every
    message in (received_at, id) order probing for open hand-offs (100 ms at 200,000 messages,
    against 5 ms for sorting the few open ones; bench/queue_plan.py, docs/benchmarks.md).
    """
    schedule = settings.schedule()
    person = aliased(ARUser)
    with_row = (
        _columns(person)
        .join(Handoff, Handoff.inbound_message_id == InboundMessage.id)
        .add_columns(Handoff.new_input_at)
        .outerjoin(person, person.id == Handoff.assigned_to)
        .where(Handoff.resolution.is_(None))
        .order_by(InboundMessage.received_at, InboundMessage.id)
        .limit(written_limit(limit))
    )
    if assignee == 0:
        with_row = with_row.where(Handoff.assigned_to.is_(None))
    elif assignee is not None:
        with_row = with_row.where(Handoff.assigned_to == assignee)
    rows = list(session.execute(with_row))
    if assignee in (None, 0) and UNRECORDED_STATES:
        without_row = (
            _columns(person)
            .add_columns(null())
            .outerjoin(person, false())
            .where(
                InboundMessage.status.in_(UNRECORDED_STATES),
                ~select(Handoff.inbound_message_id)
                .where(Handoff.inbound_message_id == InboundMessage.id)
                .exists(),
            )
            .order_by(InboundMessage.received_at, InboundMessage.id)
            .limit(written_limit(limit))
        )
        rows = sorted([*rows, *session.execute(without_row)], key=lambda r: (r[1], r[0]))[:limit]
    items = [
        QueueItem(*row[:6], due_at=schedule.due(row[1], settings.ar_first_response),
                  new_input_at=row[6])
        for row in rows
    ]  # fmt: skip
    # Read only for the items marked: a few among the queue's hundreds.
    latest = latest_inputs(session, [item.id for item in items if item.new_input_at])
    return [
        replace(item, new_input=_snippet(latest[item.id])) if item.id in latest else item
        for item in items
    ]


def _snippet(message: InboundMessage, length: int = SNIPPET) -> str:
    text = " ".join(readable(message.channel, message.raw, message.received_at).text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def assign(session: Session, message_id: int, user_id: int | None) -> None:
    row = handoff(session, message_id)
    if row.resolution is not None:
        raise AlreadyResolved
    row.assigned_to = user_id
    row.assigned_at = utcnow() if user_id else None


def add_note(session: Session, message_id: int, user_id: int, text: str) -> None:
    handoff(session, message_id)
    session.add(HandoffNote(inbound_message_id=message_id, ar_user_id=user_id, text=text))


def notes(session: Session, message_id: int) -> list[tuple[HandoffNote, str | None]]:
    return [
        (note, name)
        for note, name in session.execute(
            select(HandoffNote, ARUser.name)
            .outerjoin(ARUser, ARUser.id == HandoffNote.ar_user_id)
            .where(HandoffNote.inbound_message_id == message_id)
            .order_by(HandoffNote.at, HandoffNote.id)
        )
    ]


def close(session: Session, message_id: int, user_id: int, reason: str) -> None:
    resolve(session, message_id, user_id, Resolution.closed, reason=reason[:500])


def answer(
    session: Session, settings: Settings, message: InboundMessage, user_id: int, text: str
) -> str:
    """Queue a person's reply to ``message`` and resolve its hand-off; returns the recipient.

    The reply goes to the contact's address on file (never a Reply-To), in the contact's
    language, else the language the request was written in, threaded to the request and to
    every message worked with it (follow-ups, merged duplicates): in reply to the latest, with
    the others in References, so it shows in each of the customer's threads.
    """
    resolve(session, message.id, user_id, Resolution.answered)
    contact = session.get(Contact, message.contact_id) if message.contact_id else None
    understood = Decision.read(message.decision).understood
    inbound = channel_for(message.channel).parse(message.raw, message.received_at)
    recipient = contact.email if contact else message.sender
    thread, latest = list(inbound.references), inbound.message_id
    for _member, row in members(session, message.id):
        if row.channel == "email" and row.dedupe_key.startswith("<"):
            thread += [latest] if latest else []
            latest = row.dedupe_key
    reply = mailers.compose_person_reply(
        text,
        language=(contact.language if contact else None) or (understood and understood.language),
        recipient_name=contact.name if contact else None,
        brand=mailers.load_brand(settings),
        from_address=settings.sender_address,
        to_address=recipient,
        in_reply_to=latest,
        references=thread,
        subject=message.subject,
    )
    row = mailers.queue_email(
        session,
        reply,
        account_id=message.account_id,
        recipient=recipient,
        inbound_message_id=message.id,
    )
    session.execute(
        update(Handoff)
        .where(Handoff.inbound_message_id == message.id)
        .values(outbound_message_id=row.id, new_input_at=None)
        .execution_options(synchronize_session=False)
    )
    record_answer(session, message.id, row.id)
    return recipient


def team(session: Session) -> list[tuple[int, str]]:
    """Active AR users an item can be assigned to."""
    query = select(ARUser.id, ARUser.name).where(ARUser.active).order_by(ARUser.name)
    return [(user_id, name) for user_id, name in session.execute(query)]


def in_queue(message: InboundMessage, row: Handoff | None) -> bool:
    if row is not None:
        return row.resolution is None
    return message.status in UNRECORDED_STATES
