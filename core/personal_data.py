"""What ardesk holds about one person, found by address: `ardesk contacts export-data`.

The person is an address, optionally within one account. Their data are: the contact rows with
that address; the messages they sent (by address, or by contact for chat) and every message
written to them or about their requests (replies, hand-offs to AR); the decision records; the
links issued to them and each use; their portal sessions; the audit events naming them; their
chat identities; what AR noted on or corrected in their requests; a portal link they asked for
that is still queued. ``forget`` (core.forget) erases the same selection.
"""

from __future__ import annotations

import email
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from email import policy
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, undefer

from core.directory import find_account, normalise_email
from core.models import (
    AccessLink,
    AuditEvent,
    Contact,
    Correction,
    Handoff,
    HandoffNote,
    InboundMessage,
    LoginRequest,
    OutboundMessage,
    WebSession,
)
from core.suppression import Suppression

# A link's token in a text: the export shows that a link was sent, not a key that opens it.
_TOKEN = re.compile(r"/l/[A-Za-z0-9_.\-]+")


@dataclass(frozen=True)
class Selection:
    """Whose data: the address, the account if one was given, the contacts found."""

    address: str
    account_id: int | None
    account_erp_id: str | None
    contacts: tuple[Contact, ...]

    @property
    def contact_ids(self) -> list[int]:
        return [c.id for c in self.contacts]

    def inbound_query(self):
        mine = [InboundMessage.sender == self.address]
        if self.contact_ids:
            mine.append(InboundMessage.contact_id.in_(self.contact_ids))
        query = select(InboundMessage).where(or_(*mine))
        if self.account_id is not None:
            query = query.where(InboundMessage.account_id == self.account_id)
        return query.order_by(InboundMessage.id)

    def outbound_query(self, inbound_ids: list[int]):
        mine = [OutboundMessage.recipient == self.address]
        if inbound_ids:
            mine.append(OutboundMessage.inbound_message_id.in_(inbound_ids))
        query = select(OutboundMessage).where(or_(*mine))
        if self.account_id is not None:
            query = query.where(
                or_(
                    OutboundMessage.account_id == self.account_id,
                    OutboundMessage.inbound_message_id.in_(inbound_ids or [-1]),
                )
            )
        return query.order_by(OutboundMessage.id)


def select_person(session: Session, address: str, account_erp_id: str | None = None) -> Selection:
    address = normalise_email(address)
    account = find_account(session, account_erp_id) if account_erp_id else None
    query = select(Contact).where(Contact.email == address)
    if account is not None:
        query = query.where(Contact.account_id == account.id)
    contacts = tuple(session.scalars(query.order_by(Contact.account_id, Contact.id)))
    return Selection(
        address, account.id if account else None, account.erp_id if account else None, contacts
    )


@dataclass(frozen=True)
class ContactData:
    id: int
    account: str
    account_name: str
    email: str
    name: str
    role: str
    language: str | None
    active: bool
    source: str
    erp_id: str | None
    preferred_format: str | None
    automation_inbox: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ChatIdentity:
    contact_id: int
    channel: str  # slack or teams
    workspace: str | None  # Slack team or Teams tenant
    user_id: str


@dataclass(frozen=True)
class MessageData:
    id: int
    channel: str
    received_at: datetime
    sender: str
    subject: str
    status: str
    contact_id: int | None
    text: str  # the message as stored, its text parts for an email; empty once redacted
    attachments: tuple[str, ...]
    decision: dict[str, Any] | None
    redacted_at: datetime | None


@dataclass(frozen=True)
class ReplyData:
    id: int
    inbound_message_id: int | None
    channel: str
    recipient: str
    subject: str
    status: str
    created_at: datetime
    sent_at: datetime | None
    text: str  # link tokens masked
    redacted_at: datetime | None


@dataclass(frozen=True)
class NoteData:
    inbound_message_id: int
    kind: str  # note, correction, closing reason
    at: datetime | None
    text: str


@dataclass(frozen=True)
class LinkData:
    id: str
    contact_id: int
    scope: str
    targets: dict[str, Any]
    created_at: datetime
    expires_at: datetime
    max_uses: int | None
    uses: int
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class SessionData:
    contact_id: int | None
    link_id: str | None
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    ended_reason: str | None


@dataclass(frozen=True)
class AuditData:
    id: int
    at: datetime
    action: str
    actor: str
    contact_id: int | None
    link_id: str | None
    target: str | None
    ip: str | None
    user_agent: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class PersonalData:
    email: str
    account: str | None  # the account the export was limited to, if any
    exported_at: datetime
    suppressed: bool  # the address is on the suppression list (it was forgotten)
    contacts: list[ContactData] = field(default_factory=list)
    chat_identities: list[ChatIdentity] = field(default_factory=list)
    messages: list[MessageData] = field(default_factory=list)
    replies: list[ReplyData] = field(default_factory=list)
    notes: list[NoteData] = field(default_factory=list)
    links: list[LinkData] = field(default_factory=list)
    sessions: list[SessionData] = field(default_factory=list)
    audit_events: list[AuditData] = field(default_factory=list)
    login_requests: list[datetime] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def export(session: Session, person: Selection, now: datetime) -> PersonalData:
    suppression = Suppression.load(session)
    data = PersonalData(
        email=person.address,
        account=person.account_erp_id,
        exported_at=now,
        suppressed=(
            suppression.is_suppressed(session, person.account_id, person.address)
            if person.account_id is not None
            else suppression.listed(session, person.address)
        ),
    )
    for c in person.contacts:
        data.contacts.append(
            ContactData(
                c.id, c.account.erp_id, c.account.name, c.email, c.name, c.role, c.language,
                c.active, c.source, c.erp_id, c.preferred_format, c.automation_inbox,
                c.created_at, c.updated_at,
            )
        )  # fmt: skip
        if c.slack_user_id:
            data.chat_identities.append(
                ChatIdentity(c.id, "slack", c.slack_team_id, c.slack_user_id)
            )
        if c.teams_user_id:
            data.chat_identities.append(
                ChatIdentity(c.id, "teams", c.teams_tenant_id, c.teams_user_id)
            )
    messages = session.scalars(person.inbound_query().options(undefer(InboundMessage.raw))).all()
    inbound_ids = [m.id for m in messages]
    for m in messages:
        text, attachments = _readable(m.channel, m.raw)
        data.messages.append(
            MessageData(
                m.id, m.channel, m.received_at, m.sender, m.subject, m.status.value,
                m.contact_id, text, attachments, m.decision, m.redacted_at,
            )
        )  # fmt: skip
    query = person.outbound_query(inbound_ids).options(undefer(OutboundMessage.payload))
    for o in session.scalars(query):
        text, _ = _readable(o.channel, o.payload)
        data.replies.append(
            ReplyData(
                o.id, o.inbound_message_id, o.channel, o.recipient, o.subject, o.status.value,
                o.created_at, o.sent_at, _TOKEN.sub("/l/…", text), o.redacted_at,
            )
        )  # fmt: skip
    data.notes.extend(_notes(session, inbound_ids))
    ids = person.contact_ids
    if ids:
        for link in session.scalars(
            select(AccessLink).where(AccessLink.contact_id.in_(ids)).order_by(AccessLink.created_at)
        ):
            data.links.append(
                LinkData(
                    link.id, link.contact_id, link.scope.value, link.targets, link.created_at,
                    link.expires_at, link.max_uses, link.uses, link.last_used_at, link.revoked_at,
                )
            )  # fmt: skip
        for s in session.scalars(
            select(WebSession).where(WebSession.contact_id.in_(ids)).order_by(WebSession.created_at)
        ):
            data.sessions.append(
                SessionData(
                    s.contact_id, s.link_id, s.created_at, s.last_seen_at, s.expires_at,
                    s.ended_at, s.ended_reason,
                )
            )  # fmt: skip
        for e in session.scalars(
            select(AuditEvent).where(AuditEvent.contact_id.in_(ids)).order_by(AuditEvent.id)
        ):
            data.audit_events.append(
                AuditData(
                    e.id, e.at, e.action, e.actor, e.contact_id, e.link_id, e.target, e.ip,
                    e.user_agent, e.detail,
                )
            )  # fmt: skip
    data.login_requests.extend(
        session.scalars(
            select(LoginRequest.created_at).where(LoginRequest.address == person.address)
        )
    )
    return data


def _notes(session: Session, inbound_ids: list[int]) -> list[NoteData]:
    if not inbound_ids:
        return []
    notes = [
        NoteData(n.inbound_message_id, "note", n.at, n.text)
        for n in session.scalars(
            select(HandoffNote).where(HandoffNote.inbound_message_id.in_(inbound_ids))
        )
    ]
    notes += [
        NoteData(c.inbound_message_id, "correction", c.at, c.text)
        for c in session.scalars(
            select(Correction).where(Correction.inbound_message_id.in_(inbound_ids))
        )
    ]
    notes += [
        NoteData(h.inbound_message_id, "closing reason", h.resolved_at, h.reason or "")
        for h in session.scalars(
            select(Handoff).where(Handoff.inbound_message_id.in_(inbound_ids), Handoff.reason != "")
        )
    ]
    return sorted(notes, key=lambda n: (n.inbound_message_id, n.kind))


def _readable(channel: str, raw: bytes | None) -> tuple[str, tuple[str, ...]]:
    """A stored message as text: an email's text parts and its attachments' names; a chat
    event's JSON as it came."""
    if not raw:
        return "", ()
    if channel != "email":
        return raw.decode("utf-8", errors="replace"), ()
    message = email.message_from_bytes(raw, policy=policy.default)
    texts, names = [], []
    for part in message.walk():
        if part.is_multipart():
            continue
        if part.get_filename():
            names.append(part.get_filename())
        elif part.get_content_maintype() == "text":
            try:
                texts.append(part.get_content())
            except (LookupError, ValueError):
                texts.append(part.get_payload(decode=True).decode("utf-8", errors="replace"))
    return "\n\n".join(texts), tuple(names)
