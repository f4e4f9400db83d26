"""The overview (open balance, overdue and aging per currency, recent activity) and the button
that emails the whole portal to the contact on file."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from core.billing import BUCKETS, Aging, aging
from core.freshness import data_as_of
from core.models import Contact, Invoice, LinkScope, Payment, utcnow
from core.permissions import Surface
from web.outbox import email_link
from web.portal import blueprint, scope
from web.visitor import audit, audit_in, close_scope, current_visitor, database, scoped

RECENT = 5
CHART_WIDTH = 320
CHART_HEIGHT = 120


@dataclass(frozen=True)
class Bar:
    bucket: str
    amount: Decimal
    x: int
    y: int
    width: int
    height: int


def chart(report: Aging) -> list[Bar]:
    """Bars of the aging buckets, scaled to the largest (credits draw no bar)."""
    values = [max(report.buckets[name], Decimal(0)) for name in BUCKETS]
    top = max(values) or Decimal(1)
    slot = CHART_WIDTH // len(BUCKETS)
    bars = []
    for index, (name, value) in enumerate(zip(BUCKETS, values, strict=True)):
        height = int(value / top * (CHART_HEIGHT - 20))
        x, y = index * slot + 8, CHART_HEIGHT - height
        bars.append(Bar(name, report.buckets[name], x, y, slot - 16, height))
    return bars


@blueprint.get("/")
def overview() -> ResponseReturnValue:
    visitor = current_visitor()
    if not visitor.sees_everything:
        endpoint, values = scope.home_endpoint(visitor)
        return redirect(url_for(endpoint, **values))
    today = utcnow().date()
    session = scoped()
    reports = aging(session, visitor.account_id, today) if visitor.allows(Surface.aging) else {}
    recent_invoices = []
    if visitor.allows(Surface.invoice_list):
        recent_invoices = list(
            session.scalars(
                select(Invoice).order_by(Invoice.issue_date.desc(), Invoice.id.desc()).limit(RECENT)
            )
        )
    recent_payments = []
    if visitor.allows(Surface.payments_page):
        newest_first = (Payment.received_on.desc(), Payment.id.desc())
        recent_payments = list(
            session.scalars(select(Payment).order_by(*newest_first).limit(RECENT))
        )
    audit("overview.view", "overview")
    return render_template(
        "portal/overview.html",
        reports=reports,
        charts={currency: chart(report) for currency, report in reports.items()},
        chart_width=CHART_WIDTH,
        chart_height=CHART_HEIGHT,
        recent_invoices=recent_invoices,
        recent_payments=recent_payments,
        today=today,
        # When the ERP last confirmed this account's data (the last successful sync).
        data_as_of=data_as_of(session, visitor.account_id),
    )


@blueprint.post("/everything")
def everything() -> ResponseReturnValue:
    """ "Show me all my invoices": a portal link by email, to the address on file only."""
    visitor = current_visitor()
    # The scoped transaction ends first: on SQLite two open writers in one request would wait
    # on each other.
    close_scope(None)
    with database().admin_session() as session:
        contact = session.get(Contact, visitor.contact_id)
        sent = contact is not None and email_link(
            session, contact, LinkScope.portal, "portal", actor=visitor.actor
        )
        # In the same transaction: on SQLite the scoped one may not write after this commit.
        audit_in(session, "portal.requested", "portal", sent=bool(sent))
    if sent:
        flash(_("We have emailed a link to all your invoices to your address on file."), "ok")
    else:
        flash(_("We have recently sent you several links. Please use the newest one."), "error")
    endpoint, values = scope.home_endpoint(visitor)
    return redirect(url_for(endpoint, **values), 303)
