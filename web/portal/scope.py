"""What a link's scope lets its visitor see, as SQL conditions and yes/no questions.

* ``portal``: everything the role allows.
* ``invoice``: the invoices named in the link (one opens its page; several, a list of them).
* ``list``: the filtered list the link was issued for, and the invoices in it.
* ``statement``: that statement (a period, or open items as of a date) and its PDF.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, false

from core.models import Invoice, InvoiceStatus, LinkScope
from web.portal.listing import open_invoices
from web.visitor import Visitor


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def list_filters(visitor: Visitor) -> dict[str, object]:
    """The filters a ``list`` link fixes (the visitor cannot widen them)."""
    if visitor.scope is not LinkScope.list:
        return {}
    targets = visitor.targets
    fixed: dict[str, object] = {"status": targets.get("status") or "all"}
    if _date(targets.get("from")):
        fixed["issued_from"] = _date(targets.get("from"))
    if _date(targets.get("to")):
        fixed["issued_to"] = _date(targets.get("to"))
    return fixed


def invoice_conditions(visitor: Visitor) -> list[ColumnElement[bool]]:
    """Conditions every invoice query of this visitor carries (the account is the session's)."""
    if visitor.scope is LinkScope.portal:
        return []
    if visitor.scope is LinkScope.invoice:
        ids = [int(i) for i in visitor.targets.get("invoice_ids") or [] if str(i).isdigit()]
        return [Invoice.id.in_(ids)] if ids else [false()]
    if visitor.scope is LinkScope.list:
        fixed = list_filters(visitor)
        conditions: list[ColumnElement[bool]] = []
        if fixed["status"] == "open":
            conditions.append(open_invoices())
        elif fixed["status"] == "paid":
            conditions.append(Invoice.status == InvoiceStatus.paid)
        if "issued_from" in fixed:
            conditions.append(Invoice.issue_date >= fixed["issued_from"])
        if "issued_to" in fixed:
            conditions.append(Invoice.issue_date <= fixed["issued_to"])
        return conditions
    return [false()]


def can_list_invoices(visitor: Visitor) -> bool:
    if visitor.scope is LinkScope.invoice:
        return len(visitor.targets.get("invoice_ids") or []) > 1
    return visitor.scope in (LinkScope.portal, LinkScope.list)


def single_invoice(visitor: Visitor) -> int | None:
    ids = visitor.targets.get("invoice_ids") or []
    if visitor.scope is LinkScope.invoice and len(ids) == 1 and str(ids[0]).isdigit():
        return int(ids[0])
    return None


def statement_period(visitor: Visitor) -> tuple[date | None, date] | None:
    """A statement link's own statement: (from, to), or (None, as_of) for open items."""
    if visitor.scope is not LinkScope.statement:
        return None
    targets = visitor.targets
    as_of = _date(targets.get("as_of"))
    if as_of:
        return None, as_of
    start, end = _date(targets.get("from")), _date(targets.get("to"))
    if start and end:
        return start, end
    return None


def may_pick_statements(visitor: Visitor) -> bool:
    return visitor.scope is LinkScope.portal


def home_endpoint(visitor: Visitor) -> tuple[str, dict[str, object]]:
    """Where a link's session starts."""
    if visitor.scope is LinkScope.portal:
        return "portal.overview", {}
    invoice_id = single_invoice(visitor)
    if invoice_id is not None and visitor.targets.get("format"):
        # A reply's link to an e-invoice: the file itself (the download is checked and audited).
        return "documents.e_invoice", {"invoice_id": invoice_id, "name": visitor.targets["format"]}
    if invoice_id is not None:
        return "portal.invoice", {"invoice_id": invoice_id}
    if visitor.scope is LinkScope.statement:
        return "portal.statements", {}
    return "portal.invoices", {}
