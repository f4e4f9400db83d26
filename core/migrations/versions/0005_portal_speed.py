"""Portal: a partial index for "open, by due date", and disputes emailed to AR.

The invoice list's "open" filter sorted by due date read every open invoice of the account and
sorted them (the (account, status, due) index has one order per status); a partial index on open
invoices by (account, due date, id) gives the page in index order. Its condition is written
exactly as the list's query writes it (``web.portal.listing.open_invoices``).

A dispute raised in the portal queues an email to AR in the request's own transaction, written
by the customer-facing role inside the account scope: it may insert outbox rows (row-level
security limits them to the account) and read back only their ids.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PORTAL_ROLE = "ardesk_portal"
OPEN_PREDICATE = sa.text("status IN ('open', 'partially_paid')")


def upgrade() -> None:
    op.create_index(
        "ix_invoices_open_account_due",
        "invoices",
        ["account_id", "due_date", "id"],
        sqlite_where=OPEN_PREDICATE,
        postgresql_where=OPEN_PREDICATE,
    )
    if op.get_bind().dialect.name == "postgresql":
        # RETURNING id needs SELECT on that column only; the contents stay unreadable.
        op.execute(f"GRANT INSERT, SELECT (id) ON outbound_messages TO {PORTAL_ROLE}")
        op.execute(f"GRANT USAGE ON SEQUENCE outbound_messages_id_seq TO {PORTAL_ROLE}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"REVOKE USAGE ON SEQUENCE outbound_messages_id_seq FROM {PORTAL_ROLE}")
        op.execute(f"REVOKE INSERT, SELECT (id) ON outbound_messages FROM {PORTAL_ROLE}")
    op.drop_index("ix_invoices_open_account_due", table_name="invoices")
