"""Indexes the portal's invoice list reads, declared beside the model (migrations 0004, 0005,
0023)."""

from __future__ import annotations

from sqlalchemy import Index, text

from core.models.invoice import Invoice

# The list's "open" filter, as the SQL writes it (web.portal.listing.open_invoices): a partial
# index is only used for a query whose condition repeats the index's.
OPEN_PREDICATE = text("status IN ('open', 'partially_paid')")

PORTAL_INDEXES = (
    # The list's sort orders as it pages them, by (column, id) within the account: a page is
    # read in index order, without sorting the invoices that share its last values by id.
    *(
        Index(f"ix_invoices_keyset_{name}", Invoice.account_id, column, Invoice.id)
        for name, column in (
            ("issue", Invoice.issue_date),
            ("due", Invoice.due_date),
            ("number", Invoice.number),
            ("total", Invoice.total),
        )
    ),
    # "Open, by due date": one page is read in index order, instead of sorting every open
    # invoice of the account (the (account, status, due) index has one order per status).
    # The id makes the order total, as keyset pagination sorts (PostgreSQL does not keep equal
    # keys in id order; SQLite's rowid is the id anyway).
    Index(
        "ix_invoices_open_account_due",
        Invoice.account_id,
        Invoice.due_date,
        Invoice.id,
        sqlite_where=OPEN_PREDICATE,
        postgresql_where=OPEN_PREDICATE,
    ),
)
