"""Documents: where e-invoices go and in which format.

The buyer's electronic address (Peppol / XRechnung BT-49, "scheme:identifier"); the e-invoice
format AR set as preferred for an account or one contact; and contact addresses AR marked as
AP-automation inboxes, which get e-invoices attached instead of links.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("electronic_address", sa.String(128), nullable=True))
        batch.add_column(sa.Column("preferred_format", sa.String(24), nullable=True))
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("preferred_format", sa.String(24), nullable=True))
        batch.add_column(
            sa.Column("automation_inbox", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("automation_inbox")
        batch.drop_column("preferred_format")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("preferred_format")
        batch.drop_column("electronic_address")
