"""Erasing a person on request: `ardesk contacts forget --email E [--account ID]`.

In one transaction, for the selection ``core.personal_data`` exports: their messages and every
message to them or about their requests are redacted as retention does, with their address and
name replaced by a pseudonym wherever those remain; a message not yet worked on is dropped
(``ignored``) and a reply not yet delivered is cancelled, so nothing is sent to them afterwards;
their active links are revoked and their portal sessions ended; the contact rows keep their ids
(audit events, which are append-only, point at them and hold no address of their own) but lose
the address, name, chat identities and ERP id; a queued portal-link request is dropped; and the
address goes on the suppression list, so neither the ERP sync, `contacts add` nor the demo loader
brings it back. Mail from the address afterwards is mail from an unknown sender at its domain.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from core.audit import record
from core.links import active_links, revoke
from core.models import (
    InboundMessage,
    InboundStatus,
    LoginRequest,
    OutboundMessage,
    OutboundStatus,
)
from core.personal_data import Selection
from core.redaction import FORGOTTEN_DOMAIN, Scrub, redact_inbound, redact_outbound
from core.sessions import end_all
from core.suppression import Suppression

CHUNK = 500
FORGOTTEN_NAME = "Forgotten contact"


def pseudonym(contact_id: int) -> str:
    return f"forgotten-{contact_id}@{FORGOTTEN_DOMAIN}"


@dataclass
class ForgetReport:
    contacts: int = 0
    messages: int = 0  # inbound messages redacted
    dropped: int = 0  # of which not yet worked on: never answered now
    replies: int = 0  # outbound messages redacted
    cancelled: int = 0  # of which not yet delivered: never sent now
    notes: int = 0  # corrections, hand-off notes and closing reasons emptied
    links_revoked: int = 0
    sessions_ended: int = 0
    login_requests: int = 0
    newly_suppressed: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def forget(session, person: Selection, *, actor: str, now: datetime) -> ForgetReport:
    report = ForgetReport(contacts=len(person.contacts))
    scrub = Scrub(person.address, tuple(c.name for c in person.contacts))
    inbound_ids = list(session.scalars(person.inbound_query().with_only_columns(InboundMessage.id)))
    waiting = (InboundStatus.received, InboundStatus.processing)
    for start in range(0, len(inbound_ids), CHUNK):
        ids = inbound_ids[start : start + CHUNK]
        for row in session.scalars(
            select(InboundMessage).where(
                InboundMessage.id.in_(ids), InboundMessage.status.in_(waiting)
            )
        ):
            # A worker holding it finds it no longer ``processing`` and leaves it (bot.process).
            row.status = InboundStatus.ignored
            row.claimed_at = None
            row.error = "forgotten on request"
            report.dropped += 1
        done = redact_inbound(session, ids, now, scrub)
        report.messages += done.inbound_messages
        report.notes += done.corrections + done.handoff_notes + done.handoff_reasons
    outbound_ids = list(
        session.scalars(person.outbound_query(inbound_ids).with_only_columns(OutboundMessage.id))
    )
    for start in range(0, len(outbound_ids), CHUNK):
        ids = outbound_ids[start : start + CHUNK]
        for row in session.scalars(
            select(OutboundMessage).where(
                OutboundMessage.id.in_(ids),
                OutboundMessage.status.in_((OutboundStatus.pending, OutboundStatus.sending)),
            )
        ):
            row.status = OutboundStatus.failed
            row.last_error = "cancelled: the recipient was forgotten on request"
            report.cancelled += 1
        report.replies += redact_outbound(session, ids, now, scrub)
    for contact in person.contacts:
        report.sessions_ended += end_all(session, "forgotten", contact_id=contact.id, now=now)
        report.links_revoked += revoke(
            session, active_links(session, contact_id=contact.id), by=actor
        )
        contact.email = pseudonym(contact.id)
        contact.name = FORGOTTEN_NAME
        contact.active = False
        contact.language = None
        contact.slack_team_id = contact.slack_user_id = None
        contact.teams_tenant_id = contact.teams_user_id = None
        contact.erp_id = None  # else the next sync would match the ERP's row to it again
        contact.preferred_format = None
    report.login_requests = (
        session.execute(
            delete(LoginRequest)
            .where(LoginRequest.address == person.address)
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )
    report.newly_suppressed = Suppression.load(session).add(
        session, person.address, person.account_id
    )
    facts = {
        "messages": report.messages,
        "replies": report.replies,
        "links_revoked": report.links_revoked,
        "sessions_ended": report.sessions_ended,
        "scope": "account" if person.account_id is not None else "all accounts",
    }
    for contact in person.contacts:
        record(
            session,
            "contact.forget",
            actor=actor,
            account_id=contact.account_id,
            contact_id=contact.id,
            target=f"contact:{contact.id}",
            **facts,
        )
    if not person.contacts:
        record(session, "contact.forget", actor=actor, account_id=person.account_id, **facts)
    session.flush()
    return report
