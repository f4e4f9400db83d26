"""The request log and one request's page: what was asked, what the bot decided and sent, the
links it issued and what became of them, and the message itself (as text, or as .eml)."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from core.decisions import Decision
from core.models import (
    AccessLink,
    Account,
    AuditEvent,
    Contact,
    InboundMessage,
    InboundStatus,
    OutboundMessage,
    utcnow,
)
from web.console import blueprint, raw, request_log, staff


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
        contact_id=int(contact) if contact.isdigit() else None,
        since=_date("since"),
        until=_date("until"),
        search=args.get("q", "").strip()[:100],
    )


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
            now=utcnow(),
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
