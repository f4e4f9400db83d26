"""Statements: pick a period (presets or custom), view it, download it as PDF.

A statement link opens its own statement only; a portal session may pick any period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from core.billing import OpenItem, Statement, open_items, statement
from core.models import utcnow
from core.permissions import Surface, statement_for
from web.portal import blueprint, periods, scope
from web.visitor import Visitor, audit, current_visitor, scoped


@dataclass(frozen=True)
class StatementRequest:
    """A period statement (``start`` set) or open items as of ``end`` (``start`` None)."""

    start: date | None
    end: date
    preset: str | None = None

    def as_args(self) -> dict[str, str]:
        if self.start is None:
            return {"as_of": self.end.isoformat()}
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def requested_statement(
    visitor: Visitor, surface: Surface = Surface.statement_page
) -> StatementRequest | None:
    """The statement asked for in the query string, within what the visitor may see."""
    if not visitor.allows(surface):
        abort(403)
    own = scope.statement_period(visitor)
    if own is not None:
        return StatementRequest(*own)
    if not scope.may_pick_statements(visitor):
        abort(404)
    today = utcnow().date()
    args = request.args
    if args.get("as_of"):
        try:
            return StatementRequest(None, min(date.fromisoformat(args["as_of"]), today))
        except ValueError:
            return None
    if args.get("from") or args.get("to"):
        chosen = periods.custom(args.get("from", ""), args.get("to", ""))
        return StatementRequest(*chosen, preset="custom") if chosen else None
    name = args.get("period", "last_month")
    if name not in periods.PRESETS:
        name = "last_month"
    return StatementRequest(*periods.preset(name, today), preset=name)


def build(
    session: Session, visitor: Visitor, wanted: StatementRequest
) -> dict[str, Statement] | list[OpenItem]:
    if wanted.start is None:
        content = open_items(session, visitor.account_id, wanted.end)
    else:
        content = statement(session, visitor.account_id, wanted.start, wanted.end)
    return statement_for(visitor.permissions, content)


@blueprint.get("/statements")
def statements() -> ResponseReturnValue:
    visitor = current_visitor()
    wanted = requested_statement(visitor)
    if wanted is None:
        return render_template("portal/statements.html", wanted=None, invalid=True), 400
    content = build(scoped(), visitor, wanted)
    audit("statement.view", f"statement:{'/'.join(wanted.as_args().values())}")
    return render_template(
        "portal/statements.html",
        wanted=wanted,
        sections=content if isinstance(content, dict) else None,
        items=content if isinstance(content, list) else None,
        presets=periods.PRESETS if scope.may_pick_statements(visitor) else (),
        today=utcnow().date(),
    )
