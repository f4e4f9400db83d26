"""The invoice list's sort orders as whole keyset orders: each index ends with the invoice id.

The list pages by (sort column, id) (``web.portal.listing``). With an index on the sort column
alone, PostgreSQL reads every invoice that shares the page's last dates and sorts them by id
(an incremental sort of 147 rows for a page of 26 at 100,000 invoices on one account); with the
id in the index it reads the page in order and stops. The new indexes are built before the old
ones go, so no query runs without one.

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each sort column: the index that replaces it and the one it replaces.
SORTS = (
    ("issue_date", "ix_invoices_keyset_issue", "ix_invoices_account_issue"),
    ("due_date", "ix_invoices_keyset_due", "ix_invoices_account_due"),
    ("number", "ix_invoices_keyset_number", "ix_invoices_account_number"),
    ("total", "ix_invoices_keyset_total", "ix_invoices_account_total"),
)


def upgrade() -> None:
    for column, new, _ in SORTS:
        op.create_index(new, "invoices", ["account_id", column, "id"])
    for _, _, old in SORTS:
        op.drop_index(old, table_name="invoices")


def downgrade() -> None:
    for column, _, old in SORTS:
        op.create_index(old, "invoices", ["account_id", column])
    for _, new, _ in SORTS:
        op.drop_index(new, table_name="invoices")
