"""The invoice list's rows as plain text, formatted in Python before the template sees them.

A page is 25 rows of seven cells; calling a macro and four filters per row through Jinja's
runtime cost more than the query. Here each row is one tuple of strings the template only
prints (and escapes).
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from flask import url_for
from sqlalchemy import Row

from core.models import OPEN_STATUSES, InvoiceKind
from mailers.i18n import local_date
from web.formats import money_formatter
from web.i18n import locale_name


class ListRow(NamedTuple):
    href: str
    number: str
    credit_note: bool
    issued: str
    due: str
    po_number: str
    total: str
    balance: str
    status: str  # paid, void, overdue, partially_paid, open: the label's key
    badge: str  # its CSS class: paid, void, overdue or open


def status_key(invoice: Row, today: date) -> str:
    """What the status column says: paid and void as they are, overdue before open (as
    ``Invoice.days_overdue``: an open invoice, not a credit note, past its due date)."""
    status = invoice.status
    if status in OPEN_STATUSES and invoice.kind is not InvoiceKind.credit_note:
        return "overdue" if today > invoice.due_date else status.value
    return status.value


def list_rows(invoices: list[Row], today: date) -> list[ListRow]:
    locale = locale_name()
    # The invoice URL built once: the id is its last segment (routing a URL per row was a
    # tenth of the page's time).
    href_prefix = url_for("portal.invoice", invoice_id=0).removesuffix("0")
    rows = []
    for invoice in invoices:
        money = money_formatter(locale, invoice.currency)
        key = status_key(invoice, today)
        rows.append(
            ListRow(
                href=f"{href_prefix}{invoice.id}",
                number=invoice.number,
                credit_note=invoice.kind is InvoiceKind.credit_note,
                issued=local_date(locale, invoice.issue_date),
                due=local_date(locale, invoice.due_date),
                po_number=invoice.po_number or "",
                total=money(invoice.total),
                balance=money(invoice.balance),
                status=key,
                badge=key if key in ("paid", "void", "overdue") else "open",
            )
        )
    return rows
