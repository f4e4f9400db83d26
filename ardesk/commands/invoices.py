"""`ardesk invoices list`: one account's invoices and credit notes."""

from __future__ import annotations

import click
from sqlalchemy import select

from ardesk.runtime import Runtime, clean_errors, pass_runtime, print_json_array, print_table
from core.directory import find_account
from core.models import OPEN_STATUSES, Invoice, InvoiceStatus
from core.money import in_currency

STATUS_FILTERS = {
    "open": OPEN_STATUSES,  # open and partially paid; void is never open
    "paid": (InvoiceStatus.paid,),
    "void": (InvoiceStatus.void,),
    "all": tuple(InvoiceStatus),
}


@click.group()
def invoices() -> None:
    """Invoices and credit notes."""


@invoices.command("list")
@click.option("--account", "account_erp_id", required=True, metavar="ERP_ID")
@click.option("--status", type=click.Choice(list(STATUS_FILTERS)), default="all", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")
@pass_runtime
@clean_errors
def list_invoices(runtime: Runtime, account_erp_id: str, status: str, as_json: bool) -> None:
    """List an account's invoices and credit notes, oldest first."""
    with runtime.db.admin_session() as s:
        account = find_account(s, account_erp_id)
        query = (
            select(Invoice)
            .where(Invoice.account_id == account.id, Invoice.status.in_(STATUS_FILTERS[status]))
            .order_by(Invoice.issue_date, Invoice.number)
            .execution_options(yield_per=2000)
        )
        rows = (
            {
                "number": i.number,
                "account": account.erp_id,
                "kind": i.kind,
                "status": i.status,
                "issue_date": i.issue_date,
                "due_date": i.due_date,
                "currency": i.currency,
                "subtotal": in_currency(i.subtotal, i.currency),
                "tax": in_currency(i.tax, i.currency),
                "total": in_currency(i.total, i.currency),
                "amount_paid": in_currency(i.amount_paid, i.currency),
                "balance": in_currency(i.balance, i.currency),
                "po_number": i.po_number,
            }
            for i in s.scalars(query)
        )
        if as_json:
            print_json_array(rows)
        else:
            print_table(
                list(rows),
                [
                    "number",
                    "kind",
                    "status",
                    "issue_date",
                    "due_date",
                    "currency",
                    "total",
                    "balance",
                ],
            )
