"""The audit trail, read-only: filtered by account, contact, target, action, actor and date,
paged newest first by id, and exported as CSV through ``core.spreadsheets`` (text that looks
like a formula is escaped). There is no update or delete path here or anywhere in code; the
database refuses both (migration 0001's triggers, and no grant to the portal role)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from flask import Response, render_template, request
from sqlalchemy import Select, select

from core.db import written_limit
from core.models import Account, AuditEvent, utcnow
from core.spreadsheets import csv_text
from web.console import blueprint, staff
from web.console.request_log import end_of, escape_like
from web.row_ids import row_id

PAGE_SIZE = 100
EXPORT_LIMIT = 100_000
COLUMNS = ("id", "at", "action", "actor", "account", "contact_id", "link_id", "target", "ip")


@dataclass(frozen=True)
class AuditFilters:
    account: str = ""  # ERP id
    contact_id: int | None = None
    target: str = ""  # "invoice:12", "document:7", or a prefix such as "inbound:"
    action: str = ""  # "link.revoke", or a prefix such as "link."
    actor: str = ""
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_args(cls) -> AuditFilters:
        args = request.args
        contact = args.get("contact", "")
        return cls(
            account=args.get("account", "").strip()[:64],
            contact_id=row_id(contact),
            target=args.get("target", "").strip()[:200],
            action=args.get("action", "").strip()[:64],
            actor=args.get("actor", "").strip()[:200],
            since=_date(args.get("since", "")),
            until=_date(args.get("until", "")),
        )

    def apply(self, query: Select) -> Select:
        event = AuditEvent
        if self.account:
            query = query.where(
                event.account_id.in_(select(Account.id).where(Account.erp_id == self.account))
            )
        if self.contact_id is not None:
            query = query.where(event.contact_id == self.contact_id)
        if self.target:
            query = query.where(_exact_or_prefix(event.target, self.target))
        if self.action:
            query = query.where(_exact_or_prefix(event.action, self.action))
        if self.actor:
            query = query.where(event.actor == self.actor)
        if self.since:
            query = query.where(event.at >= datetime.combine(self.since, time.min, tzinfo=UTC))
        if self.until and (end := end_of(self.until)) is not None:
            query = query.where(event.at < end)
        return query

    def as_args(self) -> dict[str, str]:
        values = {
            "account": self.account,
            "contact": str(self.contact_id or ""),
            "target": self.target,
            "action": self.action,
            "actor": self.actor,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        return {key: value for key, value in values.items() if value}


def _exact_or_prefix(column, value: str):
    """``link.`` or ``inbound:`` (ending in a separator) match as a prefix; anything else
    exactly."""
    if value.endswith((".", ":")):
        return column.like(escape_like(value) + "%", escape="\\")
    return column == value


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _query(filters: AuditFilters) -> Select:
    return filters.apply(
        select(AuditEvent, Account.erp_id)
        .outerjoin(Account, Account.id == AuditEvent.account_id)
        .order_by(AuditEvent.id.desc())
    )


@blueprint.get("/audit")
def audit():
    filters = AuditFilters.from_args()
    before = request.args.get("before", "")
    query = _query(filters).limit(written_limit(PAGE_SIZE + 1))
    if (before_id := row_id(before)) is not None:
        query = query.where(AuditEvent.id < before_id)
    with staff.database().admin_session() as session:
        rows = session.execute(query).all()
        more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        return render_template(
            "console/audit.html",
            rows=rows,
            filters=filters,
            next_before=rows[-1][0].id if more else None,
        )


@blueprint.get("/audit.csv")
def audit_csv():
    filters = AuditFilters.from_args()
    with staff.database().admin_session() as session:
        found = session.execute(_query(filters).limit(EXPORT_LIMIT)).all()
        body = csv_text(
            COLUMNS,
            (
                (e.id, e.at, e.action, e.actor, erp_id, e.contact_id, e.link_id, e.target, e.ip)
                for e, erp_id in found
            ),
        )
        # The export is itself an event of the trail. Its filters are one field of the event's
        # detail: spread out, ``action``, ``actor`` or ``target`` would be taken for the export's
        # own (its action, who exported, what).
        staff.audit(session, "audit.export", rows=len(found), filters=filters.as_args())
    name = f"audit-{utcnow():%Y%m%d-%H%M%S}.csv"
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
