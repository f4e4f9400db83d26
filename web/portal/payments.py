"""Payments received, newest first, with what each was applied to and its remittance reference."""

from __future__ import annotations

from datetime import date

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import BadRequest

from core.models import Payment, PaymentAllocation
from core.permissions import Surface
from web.portal import blueprint
from web.portal.listing import PAGE_SIZE, decode_cursor, encode_cursor
from web.visitor import audit, require, scoped


@blueprint.get("/payments")
def payments() -> ResponseReturnValue:
    visitor = require(Surface.payments_page)
    if not visitor.sees_everything:
        abort(404)
    query = select(Payment).options(
        selectinload(Payment.allocations).selectinload(PaymentAllocation.invoice)
    )
    after = request.args.get("after")
    if after:
        received, row_id = decode_cursor(after, "issued")
        if not isinstance(received, date):
            raise BadRequest()
        query = query.where(
            Payment.received_on <= received,
            or_(
                Payment.received_on < received,
                and_(Payment.received_on == received, Payment.id < row_id),
            ),
        )
    rows = list(
        scoped().scalars(
            query.order_by(Payment.received_on.desc(), Payment.id.desc()).limit(PAGE_SIZE + 1)
        )
    )
    next_cursor = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        next_cursor = encode_cursor(rows[-1].received_on, rows[-1].id)
    audit("payments.view", "payments", rows=len(rows))
    return render_template("portal/payments.html", payments=rows, next_cursor=next_cursor)
