"""CSV and XLSX of the current filtered invoice list: money as numbers beside a currency column."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from flask import Response, abort
from flask.typing import ResponseReturnValue

from core.models import Invoice, InvoiceKind, InvoiceStatus, utcnow
from core.money import in_currency
from core.permissions import Surface
from core.spreadsheets import Cell, csv_text, xlsx_bytes
from web.portal import blueprint, listing, scope
from web.portal.invoices import current_filters
from web.visitor import audit, current_visitor, require, scoped

COLUMNS = (
    "number",
    "kind",
    "status",
    "issue_date",
    "due_date",
    "po_number",
    "currency",
    "subtotal",
    "tax",
    "total",
    "amount_paid",
    "balance",
    "days_overdue",
)
MONEY = ("subtotal", "tax", "total", "amount_paid", "balance")


def rows(today: date) -> Iterator[list[Cell]]:
    visitor = current_visitor()
    filters = current_filters()
    column = listing.SORTS[filters.sort]
    order = (column.desc(), Invoice.id.desc()) if filters.descending else (column, Invoice.id)
    query = (
        listing.base_query(filters, scope.invoice_conditions(visitor))
        .order_by(*order)
        .execution_options(yield_per=1000)
    )
    for invoice in scoped().scalars(query):
        row: list[Cell] = []
        for name in COLUMNS:
            if name == "days_overdue":
                row.append(invoice.days_overdue(today))
            elif name in MONEY:
                # A void document owes nothing: every amount reads 0, as its total does.
                void = invoice.status is InvoiceStatus.void
                amount = Decimal(0) if void else getattr(invoice, name)
                row.append(in_currency(amount, invoice.currency))
            elif name == "kind":
                row.append(InvoiceKind(invoice.kind).value)
            elif name == "status":
                row.append(invoice.status.value)
            else:
                row.append(getattr(invoice, name))
        yield row


def _allowed() -> None:
    visitor = require(Surface.list_export)
    if not scope.can_list_invoices(visitor):
        abort(404)


def _filename(extension: str) -> str:
    return f"invoices-{utcnow().date().isoformat()}.{extension}"


@blueprint.get("/invoices/export.csv")
def export_csv() -> ResponseReturnValue:
    _allowed()
    audit("invoices.export", "invoices", format="csv", filters=current_filters().as_args())

    # Built whole, not streamed: the account-scoped transaction (on SQLite, the write lock)
    # ends with the request instead of lasting as long as a slow client's download.
    return Response(
        csv_text(COLUMNS, rows(utcnow().date())),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_filename("csv")}"'},
    )


@blueprint.get("/invoices/export.xlsx")
def export_xlsx() -> ResponseReturnValue:
    _allowed()
    audit("invoices.export", "invoices", format="xlsx", filters=current_filters().as_args())
    return Response(
        xlsx_bytes("Invoices", COLUMNS, rows(utcnow().date())),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_filename("xlsx")}"'},
    )
