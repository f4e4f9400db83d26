"""VAT exemptions and the date of supply, for e-invoices of every VAT category.

An invoice's VAT exemption reason (EN 16931 BT-120) and its CEF VATEX code (BT-121), with an
account-wide default, for lines exempt from VAT (category E); and the actual delivery date
(BT-72), which an intra-Community supply (K) must state.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("vat_exemption_reason", sa.String(300), nullable=True))
        batch.add_column(sa.Column("vat_exemption_code", sa.String(32), nullable=True))
    with op.batch_alter_table("invoices") as batch:
        batch.add_column(sa.Column("vat_exemption_reason", sa.String(300), nullable=True))
        batch.add_column(sa.Column("vat_exemption_code", sa.String(32), nullable=True))
        batch.add_column(sa.Column("delivery_date", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        batch.drop_column("delivery_date")
        batch.drop_column("vat_exemption_code")
        batch.drop_column("vat_exemption_reason")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("vat_exemption_code")
        batch.drop_column("vat_exemption_reason")
