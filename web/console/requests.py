"""The request log and one request's page: what was asked, what the bot decided and sent, the
links it issued and what became of them, and the message itself (as text, or as .eml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask import Response, abort, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer

from core.billing.open_items import OpenItem, open_items
from core.decisions import Decision
from core.handoff_threads import members
from core.models import (
    AccessLink,
    Account,
    ARUser,
    AuditEvent,
    Contact,
    Correction,
    Handoff,
    HandoffMember,
    HandoffNote,
    InboundMessage,
    InboundStatus,
    MemberKind,
    OutboundMessage,
    utcnow,
)
from web.console import blueprint, duplicates, handoffs, raw, request_log, staff
from web.extensions import app_settings
from web.row_ids import row_id


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _filters() -> request_log.Filters:
    args = request.args
    status = args.get("status", "")
    contact = args.get("contact", "")
    return request_log.Filters(
        status=InboundStatus(status) if status in InboundStatus.__members__ else None,
        channel=args.get("channel", "")[:16],
        intent=args.get("intent", "")[:64],
        account=args.get("account", "").strip()[:64],
        contact_id=row_id(contact),
        since=_date("since"),
        until=_date("until"),
        search=args.get("q", "").strip()[:100],
    )


# A link in a stored reply is a bearer credential for the customer's portal: shown to AR
# without its token, as the audit trail shows links by id.
_LINK_TOKEN = re.compile(r"(/l/)[\w.\-]+")


@blueprint.app_template_filter("mask_links")
def mask_links(text: str) -> str:
    return _LINK_TOKEN.sub(r"\1…", text)


@blueprint.get("/")
@blueprint.get("/requests")
def requests():
    filters = _filters()
    with staff.database().admin_session() as session:
        found = request_log.page(session, filters, request.args.get("after", ""))
    return render_template(
        "console/requests.html",
        page=found,
        filters=filters,
        statuses=list(InboundStatus),
    )


@blueprint.get("/requests/<int:message_id>")
def request_detail(message_id: int):
    with staff.database().admin_session() as session:
        message = session.get(InboundMessage, message_id, options=[undefer(InboundMessage.raw)])
        if message is None:
            abort(404)
        contact = session.get(Contact, message.contact_id) if message.contact_id else None
        account = session.get(Account, message.account_id) if message.account_id else None
        replies = session.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.inbound_message_id == message_id)
            .order_by(OutboundMessage.id)
        ).all()
        issued = session.scalars(
            select(AccessLink)
            .where(AccessLink.inbound_message_id == message_id)
            .order_by(AccessLink.created_at)
        ).all()
        # Downloads per link come from the audit trail: link rows are purged after expiry.
        downloads = dict(
            session.execute(
                select(AuditEvent.link_id, func.count())
                .where(
                    AuditEvent.link_id.in_([link.id for link in issued]),
                    AuditEvent.action.like("document.%"),
                )
                .group_by(AuditEvent.link_id)
            ).all()
        )
        shown = raw.readable(message.channel, message.raw, message.received_at)
        work = _handoff_panel(session, message, staff.current())
        member_of = session.get(HandoffMember, message_id)
        repeats = duplicates.repeats(session, message, app_settings().ar_repeat_window)
        corrections = session.execute(
            select(Correction, ARUser.name)
            .outerjoin(ARUser, ARUser.id == Correction.ar_user_id)
            .where(Correction.inbound_message_id == message_id)
            .order_by(Correction.at)
        ).all()
        staff.audit(session, "ar.request_view", f"inbound:{message_id}",
                    account_id=message.account_id)  # fmt: skip
        return render_template(
            "console/request.html",
            message=message,
            decision=Decision.read(message.decision),
            contact=contact,
            account=account,
            replies=replies,
            links=issued,
            downloads=downloads,
            shown=shown,
            work=work,
            corrections=corrections,
            member_of=member_of,
            repeats=repeats,
            now=utcnow(),
        )


@dataclass(frozen=True)
class HandoffPanel:
    row: Handoff | None
    open: bool
    due_at: datetime
    notes: list[tuple[HandoffNote, str | None]]
    team: list[tuple[int, str]]
    open_items: list[OpenItem]
    assignee: str | None
    members: list[Member]
    duplicates: list[duplicates.Related]
    new_input_at: datetime | None  # the customer wrote again since an agent last looked


@dataclass(frozen=True)
class Member:
    """A message worked with this hand-off: a follow-up, or a duplicate merged into it."""

    id: int
    kind: MemberKind
    received_at: datetime
    subject: str
    text: str


def _handoff_panel(
    session: Session, message: InboundMessage, me: staff.Staff | None
) -> HandoffPanel | None:
    """What an agent needs beside a handed-off request: its state, notes, what the customer
    wrote since (follow-ups, merged duplicates), possible duplicates, the account's open items
    (so nobody opens the ERP to answer)."""
    row = session.get(Handoff, message.id)
    if row is None and message.status not in handoffs.UNRECORDED_STATES:
        return None
    settings = app_settings()
    team = handoffs.team(session)
    names = dict(team)
    new_input_at = row.new_input_at if row else None
    if row is not None and new_input_at and me is not None and row.assigned_to in (None, me.id):
        row.new_input_at = None  # seen by the agent working it (or by anyone, unassigned)
    is_open = handoffs.in_queue(message, row)
    return HandoffPanel(
        row=row,
        open=is_open,
        due_at=settings.schedule().due(message.received_at, settings.ar_first_response),
        notes=handoffs.notes(session, message.id),
        team=team,
        open_items=open_items(session, message.account_id, date.today())
        if message.account_id
        else [],
        assignee=names.get(row.assigned_to) if row and row.assigned_to else None,
        members=[
            Member(
                m.id,
                member.kind,
                m.received_at,
                m.subject,
                raw.readable(m.channel, m.raw, m.received_at).text,
            )
            for member, m in members(session, message.id)
        ],
        duplicates=duplicates.duplicates(session, message) if is_open else [],
        new_input_at=new_input_at,
    )


@blueprint.get("/requests/<int:message_id>.eml")
def request_eml(message_id: int):
    with staff.database().admin_session() as session:
        message = session.get(InboundMessage, message_id, options=[undefer(InboundMessage.raw)])
        if message is None:
            abort(404)
        staff.audit(session, "ar.request_download", f"inbound:{message_id}",
                    account_id=message.account_id)  # fmt: skip
        body = message.raw
        is_email = message.channel == "email"
    response = Response(body, mimetype="message/rfc822" if is_email else "application/json")
    suffix = "eml" if is_email else "json"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="request-{message_id}.{suffix}"'
    )
    return response
