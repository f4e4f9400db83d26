"""Portal: disputes handed to AR from the invoice page, and indexes for the list's sort orders.

A dispute raised in the portal is stored as a handed-off inbound message (channel ``portal``),
written by the customer-facing role inside the account scope; row-level security makes the insert
fail for any other account. Sorting 100,000 invoices of one account by due date or amount reads
an index instead of sorting them all.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PORTAL_ROLE = "ardesk_portal"


def upgrade() -> None:
    op.create_index("ix_invoices_account_due", "invoices", ["account_id", "due_date"])
    op.create_index("ix_invoices_account_total", "invoices", ["account_id", "total"])
    if op.get_bind().dialect.name == "postgresql":
        # RETURNING id needs SELECT on that column only; the contents stay unreadable.
        op.execute(f"GRANT INSERT, SELECT (id) ON inbound_messages TO {PORTAL_ROLE}")
        op.execute(f"GRANT USAGE ON SEQUENCE inbound_messages_id_seq TO {PORTAL_ROLE}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"REVOKE USAGE ON SEQUENCE inbound_messages_id_seq FROM {PORTAL_ROLE}")
        op.execute(f"REVOKE INSERT, SELECT (id) ON inbound_messages FROM {PORTAL_ROLE}")
    op.drop_index("ix_invoices_account_total", table_name="invoices")
    op.drop_index("ix_invoices_account_due", table_name="invoices")
